#!/usr/bin/python3
"""validate.py - checks minikvm manifests against schemas/minikvm.schema.json.

    validate.py [--view typed|raw] [--schema FILE] FILE...

Prints one line per file: "FILE accept", or "FILE reject: REASON" where
REASON starts with
  "yaml: "    the YAML layer, which refuses what minikvm's loader refuses
              before any schema applies and PyYAML would let through or
              cannot represent: invalid YAML or encoding, aliases, duplicate
              keys, complex or merge (<<) keys, more than one document, a
              file larger than 1 MiB;
  "schema: "  the JSON Schema (draft 2020-12), with the field's path.
Views: "typed" (the default) loads the YAML as PyYAML's SafeLoader does
(YAML 1.1: yes/on -> true, 0x10 -> 16, 010 -> 8), as an editor would;
"raw" keeps every scalar a string, as minikvm's C loader sees it.
Exit status: 0 if every file is accepted, 1 if one is not, 2 on bad usage.
Needs Debian's python3-yaml and python3-jsonschema (run /usr/bin/python3).
"""
import json
import os
import re
import sys

import jsonschema
import yaml

MAX_BYTES = 1 << 20     # MANIFEST_MAX_BYTES in src/manifest/manifest.h
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "schemas", "minikvm.schema.json")


class TypedLoader(yaml.SafeLoader):
    """YAML 1.1 typing as PyYAML does it, except that timestamps stay
    text (JSON has no dates, and minikvm reads 2024-01-01 as a name)."""


TypedLoader.add_constructor("tag:yaml.org,2002:timestamp",
                            yaml.SafeLoader.construct_yaml_str)

_compiled = {}


def _ecma(pattern):
    """A JSON Schema pattern is ECMA-262, where $ is the end of the input;
    Python's $ also matches before a final newline, so it becomes \\Z.
    (The schema's patterns use $ only as an anchor, never escaped or in a
    character class.)"""
    if pattern not in _compiled:
        _compiled[pattern] = re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))
    return _compiled[pattern]


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield jsonschema.ValidationError("%r does not match %r" % (instance, pattern))


Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                         {"pattern": _pattern})


def load_schema(path=SCHEMA):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def field_path(path):
    out = ""
    for p in path:
        out += "[%d]" % p if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def _message(err):
    """The most useful words for ERR: in an anyOf, the branch of the
    instance's own kind; for a pattern, the schema's patternErrorMessage."""
    if err.context:
        own = [e for e in err.context
               if e.validator not in ("type", "const", "enum")] or list(err.context)
        return _message(jsonschema.exceptions.best_match(own))
    if err.validator == "pattern" and "patternErrorMessage" in err.schema:
        return "%s (got %r)" % (err.schema["patternErrorMessage"], err.instance)
    if err.validator in ("minItems", "maxItems"):
        return "has %d entries (expected at %s %d)" % (
            len(err.instance), "least" if err.validator == "minItems" else "most",
            err.validator_value)
    msg = err.message
    return msg if len(msg) <= 200 else msg[:200] + "..."


def schema_errors(doc, schema):
    """Every error, each as "PATH: MESSAGE", sorted by path."""
    v = Validator(schema)
    errs = sorted(v.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return ["%s: %s" % (field_path(e.absolute_path) or "(top level)", _message(e))
            for e in errs]


def _yaml_layer(data):
    """None, or why minikvm's own YAML rules refuse DATA."""
    if len(data) > MAX_BYTES:
        return "the file is larger than %d bytes" % MAX_BYTES
    documents = 0
    try:
        for ev in yaml.parse(data, Loader=yaml.SafeLoader):
            if isinstance(ev, yaml.AliasEvent):
                return "line %d: YAML aliases are not allowed" % (ev.start_mark.line + 1)
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return "line %d: more than one YAML document" % (ev.start_mark.line + 1)
        node = yaml.compose(data, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        return "invalid YAML: " + " ".join(str(e).split())
    except RecursionError:
        return "nested too deep"
    todo = [node] if node is not None else []
    while todo:
        n = todo.pop()
        if isinstance(n, yaml.SequenceNode):
            todo.extend(n.value)
        elif isinstance(n, yaml.MappingNode):
            seen = {}
            for k, v in n.value:
                line = k.start_mark.line + 1
                if not isinstance(k, yaml.ScalarNode):
                    return "line %d: a key must be a plain word, not a %s" % (
                        line, "sequence" if isinstance(k, yaml.SequenceNode) else "mapping")
                if k.tag == "tag:yaml.org,2002:merge":
                    return "line %d: merge keys (<<) are not supported" % line
                if k.value in seen:
                    return "line %d: duplicate key %r (first given on line %d)" % (
                        line, k.value, seen[k.value])
                seen[k.value] = line
                todo.append(v)
    return None


def check(data, schema, view="typed"):
    """None if DATA (bytes) is accepted, else the reason."""
    why = _yaml_layer(data)
    if why is not None:
        return "yaml: " + why
    try:
        doc = yaml.load(data, Loader=TypedLoader if view == "typed" else yaml.BaseLoader)
    except yaml.YAMLError as e:
        return "yaml: " + " ".join(str(e).split())
    errs = schema_errors(doc, schema)
    if errs:
        more = " (and %d more)" % (len(errs) - 1) if len(errs) > 1 else ""
        return "schema: " + errs[0] + more
    return None


def main(argv):
    view, schema_path, files = "typed", SCHEMA, []
    args = iter(argv)
    for a in args:
        if a == "--view":
            view = next(args, "")
        elif a == "--schema":
            schema_path = next(args, "")
        elif a.startswith("-"):
            files = []
            break
        else:
            files.append(a)
    if view not in ("typed", "raw") or not files:
        sys.stderr.write(__doc__)
        return 2
    schema = load_schema(schema_path)
    status = 0
    for f in files:
        try:
            with open(f, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as e:
            why = "cannot read: %s" % e.strerror
        else:
            why = check(data, schema, view)
        print("%s accept" % f if why is None else "%s reject: %s" % (f, why))
        status |= why is not None
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
