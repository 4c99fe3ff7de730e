#!/usr/bin/python3
"""schemacheck.py - checks schemas/minikvm.schema.json itself.

    schemacheck.py meta       the schema is a valid draft 2020-12 schema
    schemacheck.py coverage   it describes the same fields as the libcyaml
                              schema in src/manifest/manifest.c, both ways: keys and
                              their nesting, required keys, enum words,
                              sequence bounds, string lengths, and which
                              scalar check (size, duration, ...) each uses
    schemacheck.py docs       every property has a description and a default
                              that the property itself accepts; every object
                              has additionalProperties: false
    schemacheck.py fields     prints the field paths found on both sides

Prints one line per problem and exits 1 if there is one.  Paths are
written as minikvm writes them, with [] for a sequence's entries:
"version", "timer.period", "vcpus[].image".
"""
import os
import re
import sys

import jsonschema

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402  (the same schema loader and validator)

ROOT = validate.ROOT
MANIFEST_C = os.path.join(ROOT, "src", "manifest", "manifest.c")
MANIFEST_H = os.path.join(ROOT, "src", "manifest", "manifest.h")

# The scalar check each C field uses, and the $defs entry the JSON Schema
# must use for the same field.
CHECK_KINDS = {
    "check_number": "number",
    "check_size": "size",
    "check_duration": "duration",
    "check_entry": "entry",
    "check_name": "name",
}


# ---- the C side -----------------------------------------------------------

def _args(text, start):
    """The top-level comma-separated arguments of the call whose '(' is at
    TEXT[start], and the index after its ')'."""
    depth, cur, out, i = 0, "", [], start
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c == ")":
            depth -= 1
            if depth == 0:
                out.append(cur.strip())
                return [a for a in out if a], i + 1
        elif c == "," and depth == 1:
            out.append(cur.strip())
            cur = ""
            i += 1
            continue
        cur += c
        i += 1
    raise ValueError("unbalanced parentheses")


class CSchema:
    """The libcyaml schema of src/manifest/manifest.c, read from its source text."""

    def __init__(self, c_path=MANIFEST_C, h_path=MANIFEST_H):
        text = ""
        for p in (h_path, c_path):
            with open(p, encoding="utf-8") as f:
                text += re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S) + "\n"
        self.problems = []
        self.defines = dict(re.findall(r"^[ \t]*#define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$", text, re.M))
        self.strvals = {}
        for name, body in re.findall(
                r"cyaml_strval_t\s+(\w+)\s*\[\]\s*=\s*\{(.*?)\};", text, re.S):
            self.strvals[name] = re.findall(r'\{\s*"((?:[^"\\]|\\.)*)"', body)
        self.field_arrays = {}
        for name, body in re.findall(
                r"cyaml_schema_field_t\s+(\w+)\s*\[\]\s*=\s*\{(.*?)\n\};", text, re.S):
            fields = []
            for m in re.finditer(r"CYAML_FIELD_(\w+)", body):
                if m.group(1) == "END":
                    continue
                args, _ = _args(body, body.index("(", m.end()))
                fields.append((m.group(1), args))
            self.field_arrays[name] = fields
        self.values = {}
        for name, body in re.findall(
                r"cyaml_schema_value_t\s+(\w+)\s*=\s*\{(.*?)\};", text, re.S):
            m = re.search(r"CYAML_VALUE_(\w+)", body)
            args, _ = _args(body, body.index("(", m.end()))
            self.values[name] = (m.group(1), args)
        self.checks = {}
        m = re.search(r"struct\s+scalar_check\s+\w+\s*\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
        # "A.KEY|OTHER|..." with no check function: KEY or an OTHER is required
        self.either = {}
        for path, fn in re.findall(r'\{\s*"([^"]+)"\s*,\s*(\w+)\s*,', m.group(1) if m else ""):
            if "|" in path and fn == "NULL":
                field, *others = path.split("|")
                parent, _, key = field.rpartition(".")
                self.either.setdefault(parent, set()).update([key] + others)
                continue
            self.checks[path] = fn
        # the top: the value schema that no field refers to
        used = set(re.findall(r"&(\w+)", " ".join(
            " ".join(a) for fs in self.field_arrays.values() for _, a in fs)))
        tops = [v for v in self.values if v not in used]
        self.fields = {}
        if len(tops) != 1:
            self.problems.append("C: cannot tell the top-level schema among %s" % tops)
            return
        self._value("", tops[0])

    def _expand(self, s, depth=0):
        if depth > 20:
            return s
        return re.sub(r"\b\w+\b", lambda m: "(%s)" % self._expand(self.defines[m.group(0)], depth + 1)
                      if m.group(0) in self.defines else m.group(0), s)

    def _int(self, s):
        e = self._expand(s)
        if not re.fullmatch(r"[\s()0-9u<>+*-]*", e):
            return None
        try:
            return eval(re.sub(r"(\d+)u\b", r"\1", e), {"__builtins__": {}})
        except Exception:
            return None

    def _required(self, flags):
        return "CYAML_FLAG_OPTIONAL" not in self._expand(flags)

    def _value(self, path, name):
        kind, args = self.values[name]
        if kind != "MAPPING":
            self.problems.append("C: %s: CYAML_VALUE_%s is not understood (teach schemacheck.py)"
                                 % (path or "(top level)", kind))
            return
        self._mapping(path, args[-1])

    def _mapping(self, path, array):
        if array not in self.field_arrays:
            self.problems.append("C: %s: no field array %s" % (path or "(top level)", array))
            return
        self.fields.setdefault(path, {"kind": "mapping"})
        self.fields[path]["required"] = set()
        for macro, args in self.field_arrays[array]:
            key = args[0].strip('"')
            p = (path + "." if path else "") + key
            required = self._required(args[1])
            if required or key in self.either.get(path, ()):
                self.fields[path]["required"].add(key)
            info = {"macro": macro}
            if macro == "STRING_PTR":
                info.update(kind="string", min=self._int(args[4]), max=self._int(args[5]),
                            check=self.checks.get(p))
            elif macro in ("ENUM", "ENUM_PTR"):
                info.update(kind="enum", strings=self.strvals.get(args[4]))
            elif macro == "MAPPING_PTR":
                info.update(kind="mapping")
            elif macro == "SEQUENCE":
                info.update(kind="sequence", min=self._int(args[5]), max=self._int(args[6]))
            else:
                self.problems.append("C: %s: CYAML_FIELD_%s is not understood (teach schemacheck.py)"
                                     % (p, macro))
                continue
            self.fields[p] = info
            if macro == "MAPPING_PTR":
                self._mapping(p, args[4])
            elif macro == "SEQUENCE":
                self.fields[p + "[]"] = {"kind": "entry"}
                self._value(p + "[]", args[4].lstrip("&"))


# ---- the JSON Schema side -------------------------------------------------

class JSchema:
    """Every property of the JSON Schema, by path, with the subschemas that
    apply to it ($ref, anyOf, allOf and oneOf followed)."""

    def __init__(self, schema):
        self.root = schema
        self.fields = {}      # path -> list of subschemas
        self.props = {}       # path -> the property's own subschema
        self._walk("", schema)

    def resolve(self, s):
        ref = s.get("$ref")
        if ref is None:
            return None
        if not ref.startswith("#/"):
            raise ValueError("only local $refs are understood: " + ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def flatten(self, s, seen=None):
        """S and every subschema that applies to the same instance."""
        out = [s]
        r = self.resolve(s)
        if r is not None:
            out += self.flatten(r)
        for k in ("anyOf", "allOf", "oneOf"):
            for sub in s.get(k, []):
                out += self.flatten(sub)
        return out

    def _walk(self, path, s):
        subs = self.flatten(s)
        self.fields.setdefault(path, []).extend(subs)
        for sub in subs:
            for key, ps in sub.get("properties", {}).items():
                p = (path + "." if path else "") + key
                self.props[p] = ps
                self._walk(p, ps)
            if isinstance(sub.get("items"), dict):
                self.props[path + "[]"] = sub["items"]
                self._walk(path + "[]", sub["items"])

    def types(self, path):
        t = set()
        for s in self.fields[path]:
            ty = s.get("type", [])
            t.update([ty] if isinstance(ty, str) else ty)
        return t

    def refs(self, path):
        return {s["$ref"].rsplit("/", 1)[-1] for s in self.fields[path] if "$ref" in s}


# ---- the checks -----------------------------------------------------------

def coverage(schema):
    c = CSchema()
    j = JSchema(schema)
    out = list(c.problems)
    ckeys = {p for p, i in c.fields.items() if p and i["kind"] != "entry"}
    jkeys = {p for p in j.props if not p.endswith("[]")}
    for p in sorted(ckeys - jkeys):
        out.append("%s: in src/manifest/manifest.c (CYAML_FIELD_%s) but not in the JSON Schema"
                   % (p, c.fields[p]["macro"]))
    for p in sorted(jkeys - ckeys):
        out.append("%s: in the JSON Schema but not in src/manifest/manifest.c" % p)
    for p in sorted(ckeys & jkeys) + [p for p, i in c.fields.items() if i["kind"] == "entry" or not p]:
        ci = c.fields[p]
        if p not in j.fields:
            out.append("%s: not in the JSON Schema" % (p or "(top level)"))
            continue
        name = p or "(top level)"
        subs = j.fields[p]
        if ci["kind"] in ("mapping", "entry"):
            if "object" not in j.types(p):
                out.append("%s: a mapping in C, not type object in the JSON Schema" % name)
            req = set()
            for s in subs:
                req.update(s.get("required", []))
            if "required" in ci and req != ci["required"]:
                out.append("%s: required keys: C %s, JSON Schema %s"
                           % (name, sorted(ci["required"]), sorted(req)))
        elif ci["kind"] == "sequence":
            mins = [s["minItems"] for s in subs if "minItems" in s]
            maxs = [s["maxItems"] for s in subs if "maxItems" in s]
            if "array" not in j.types(p) or mins != [ci["min"]] or maxs != [ci["max"]]:
                out.append("%s: a sequence of %s to %s entries in C; JSON Schema: type %s, minItems %s, maxItems %s"
                           % (name, ci["min"], ci["max"], sorted(j.types(p)), mins, maxs))
        elif ci["kind"] == "enum":
            words = []
            for s in subs:
                for w in s.get("enum", []) + ([s["const"]] if "const" in s else []):
                    if isinstance(w, str) and w not in words:
                        words.append(w)
            if words != ci["strings"]:
                out.append("%s: enum words: C %s, JSON Schema %s" % (name, ci["strings"], words))
        elif ci["kind"] == "string":
            bounds = [(s.get("minLength"), s.get("maxLength")) for s in subs
                      if s.get("type") == "string" and "maxLength" in s]
            if (ci["min"], ci["max"]) not in bounds:
                out.append("%s: a string of %s to %s bytes in C; JSON Schema string lengths %s"
                           % (name, ci["min"], ci["max"], bounds))
            want = CHECK_KINDS.get(ci["check"]) if ci["check"] else None
            if ci["check"] and want is None:
                out.append("%s: scalar check %s has no $defs kind (teach schemacheck.py CHECK_KINDS)"
                           % (name, ci["check"]))
            have = j.refs(p) & set(CHECK_KINDS.values())
            if want is not None and have != {want}:
                out.append("%s: C checks it with %s, so the JSON Schema must use #/$defs/%s (it uses %s)"
                           % (name, ci["check"], want, sorted(have) or "none"))
            if want is None and have:
                out.append("%s: no scalar check in C, but the JSON Schema uses %s" % (name, sorted(have)))
    # every object in the JSON Schema is closed
    for p, subs in j.fields.items():
        for s in subs:
            if "properties" in s and s.get("additionalProperties") is not False:
                out.append("%s: an object without additionalProperties: false" % (p or "(top level)"))
    for p in sorted(c.checks):
        if p not in c.fields:
            out.append("%s: a scalar check in src/manifest/manifest.c for a field that does not exist" % p)
    return out


def docs(schema):
    j = JSchema(schema)
    out = []
    for p, ps in sorted(j.props.items()):
        if "description" not in ps:
            out.append("%s: no description" % p)
        if p.endswith("[]"):
            continue            # a sequence's entries are not a field
        if "default" not in ps:
            out.append("%s: no default" % p)
            continue
        sub = dict(ps, **{"$defs": schema.get("$defs", {})})
        errs = list(validate.Validator(sub).iter_errors(ps["default"]))
        if errs:
            out.append("%s: its default %r is not valid: %s" % (p, ps["default"], errs[0].message[:200]))
    return out


def main(argv):
    if len(argv) != 1 or argv[0] not in ("meta", "coverage", "docs", "fields"):
        sys.stderr.write(__doc__)
        return 2
    try:
        schema = validate.load_schema()
    except (OSError, ValueError) as e:
        print("schemas/minikvm.schema.json: %s" % e)
        return 1
    if argv[0] == "meta":
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
            out = []
        except jsonschema.SchemaError as e:
            out = ["not a valid draft 2020-12 schema: %s (at %s)"
                   % (e.message, "/".join(str(x) for x in e.absolute_path))]
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            out.append("$schema is %r, not draft 2020-12" % schema.get("$schema"))
    elif argv[0] == "coverage":
        out = coverage(schema)
    elif argv[0] == "fields":
        c, j = CSchema(), JSchema(schema)
        print("C:    " + " ".join(sorted(p for p, i in c.fields.items() if p and i["kind"] != "entry")))
        print("JSON: " + " ".join(sorted(p for p in j.props if not p.endswith("[]"))))
        out = c.problems
    else:
        out = docs(schema)
    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
