#!/usr/bin/python3
"""corpus.py - the JSON Schema against minikvm's own checks, value by value.

    corpus.py MINIKVM WORKDIR

Every value of VALUES goes into every text field of FIELDS, as a quoted
string (what minikvm's C loader reads, and the "raw" view of validate.py),
in two manifests:
  WORKDIR/s-N.yaml  with an unknown key as well, so that `minikvm check`
                    stops after its structural pass: the value's own
                    syntax (and the field's enum words and lengths);
  WORKDIR/f-N.yaml  otherwise valid: every rule, semantic ones included.
The schema must lie between the two: what C rejects structurally, the
schema rejects; what C accepts in full, the schema accepts.  (In between,
the C checker's semantic rules, which the schema may leave alone.)
Prints one line per disagreement, then a summary; exits 1 on a disagreement.
"""
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402

FIELDS = ["version", "name", "mode", "paging", "irqchip", "timer.period",
          "console.color", "console.prefix", "limits.timeout", "bench.repeat",
          "bench.warmup", "vcpus[].image", "vcpus[].memory", "vcpus[].color",
          "vcpus[].load", "vcpus[].entry", "vcpus[].stack", "vcpus[].stdin"]

BASE_IMAGE = os.path.join(validate.ROOT, "guests", "minimal.bin")


U64 = "18446744073709551615"
VALUES = [
    # numbers
    "", "0", "00", "1", "01", "010", "7", "10", "255", "10000", "10001",
    "0x", "0x0", "0X1", "0x1", "0x01", "0xfff", "0XFFFF", "0x10000", "0xg",
    "0x7c00", "0x90000", "1_000", "+1", "-1", " 1", "1 ", "1.0", "1e3", "0b1",
    "0o7", "\u0661", U64, "18446744073709551616", "99999999999999999999",
    "9999999999999999999", "0xffffffffffffffff", "0x10000000000000000",
    "0x" + "0" * 20 + "1", "0x" + "0" * 61 + "1", "0x" + "0" * 62 + "1",
    # sizes
    "4K", "4k", "0K", "K", "64K", "256K", "1M", "64M", "1G", "3G", "4097",
    "8192", "1.5M", "64K?", "64Q", "-4K", "0x1K", "010K", "4 K", "4KB",
    "17179869183G", "17179869184G", "18014398509481983K", "18014398509481984K",
    "17592186044415M", "17592186044416M",
    # durations
    "0s", "0ms", "0ns", "10ms", "10s", "2m", "2h", "1.5s", "010s", "00s",
    "100us", "99us", "60s", "61s", "250000000ns", "10 ms", "10MS", "s", "ms",
    U64 + "ns", "18446744073709551616ns", "18446744073709551us",
    "18446744073709552us", "18446744073709ms", "18446744073710ms",
    "18446744073s", "18446744074s", "307445734m", "307445735m", "0x10s",
    # entries
    "0x07c0:0x0000", "16:0", "0x10000:0", "0:0x10000", "65535:65535",
    "65536:0", "0xffff:0xFFFF", "0x0ffff:0", "0x00000ffff:0x1", "1:2:3", ":1",
    "1:", "0x:0", "01:0", "0:01", "0x1000:0x0010", " 1:0", "0xf000:0xfff0",
    # names and paths (and an image that exists)
    BASE_IMAGE,
    "a", "quad-demo", "my vm", "a/b", "a.b_c-d", ".", "..", "-", "\u00e9",
    "a\u0000b", "a\n", "\n", "a\t", "x" * 64, "x" * 65,
    # enum words
    "True", "true", "yes", "on", "off", "no", "false", "ON", "Off", "y", "n",
    "identity", "Identity", "real", "protected", "long", "Real", "auto",
    "always", "never", "alway", "bright-white", "red", "cyan", "Red",
    "purple", "bright_red", "null", "~",
]

def manifest(field, value, structural):
    doc = {"version": "1", "irqchip": "true",
           "vcpus": [{"image": BASE_IMAGE, "memory": "64K"}]}
    if structural:
        doc["zz-structural"] = "0"
    if field.startswith("vcpus[]."):
        doc["vcpus"][0][field[8:]] = value
    elif "." in field:
        outer, inner = field.split(".")
        doc[outer] = {inner: value}
    else:
        doc[field] = value
    # JSON is YAML: every value a double-quoted string
    return json.dumps(doc, ensure_ascii=True).encode() + b"\n"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    minikvm, work = argv
    os.makedirs(work, exist_ok=True)
    schema = validate.load_schema()
    cases = []
    for field in FIELDS:
        for value in VALUES:
            n = len(cases)
            for kind in "sf":
                with open(os.path.join(work, "%s-%d.yaml" % (kind, n)), "wb") as f:
                    f.write(manifest(field, value, kind == "s"))
            cases.append((field, value))
    files = [os.path.join(work, "%s-%d.yaml" % (k, n)) for n in range(len(cases)) for k in "sf"]
    r = subprocess.run([minikvm, "check"] + files, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors, last = {}, None
    for line in r.stderr.decode(errors="replace").splitlines():
        m = re.match(r"(.*?/[sf]-\d+\.yaml)(?::\d+:\d+)?: error: (.*)", line)
        if m is not None:
            last = errors.setdefault(m.group(1), [])
            last.append(m.group(2))
        elif last is not None:
            last[-1] += "\n" + line    # a message that printed a newline
        else:
            print("unexpected line from minikvm check: %s" % line)
            return 1
    bad, counts = [], {"c_struct_reject": 0, "c_full_accept": 0, "between": 0}
    per_field = {f: [0, 0] for f in FIELDS}
    for n, (field, value) in enumerate(cases):
        s_errs = errors.get(os.path.join(work, "s-%d.yaml" % n), [])
        f_errs = errors.get(os.path.join(work, "f-%d.yaml" % n), [])
        own = [e for e in s_errs if not e.startswith("zz-structural: unknown key")]
        if len(own) == len(s_errs):
            bad.append("%s = %r: the structural probe lost its unknown key: %s" % (field, value, s_errs))
            continue
        with open(os.path.join(work, "f-%d.yaml" % n), "rb") as f:
            why = validate.check(f.read(), schema, "raw")
        what = "%s = %r: minikvm check %s; the schema %s" % (
            field, value, "structural: " + own[0] if own else
            ("accepts" if not f_errs else "semantic: " + f_errs[0]),
            "accepts" if why is None else "rejects (" + why + ")")
        if own:
            counts["c_struct_reject"] += 1
            per_field[field][0] += 1
            if why is None:
                bad.append(what)
        elif not f_errs:
            counts["c_full_accept"] += 1
            per_field[field][1] += 1
            if why is not None:
                bad.append(what)
        else:
            counts["between"] += 1
    for field, (rej, acc) in per_field.items():
        if rej == 0 or acc == 0:
            bad.append("%s: the corpus has %d values C rejects structurally and %d it accepts: "
                       "it must have some of each" % (field, rej, acc))
    for line in bad:
        print(line)
    print("%d values x %d fields: C rejects %d structurally, accepts %d, rejects %d only by a "
          "semantic rule; %d disagreements" % (len(VALUES), len(FIELDS), counts["c_struct_reject"],
                                               counts["c_full_accept"], counts["between"], len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
