#!/bin/sh
# The JSON Schema of the manifest (schemas/minikvm.schema.json) against the
# C checker, with Debian's /usr/bin/python3 (python3-jsonschema,
# python3-yaml) and the helpers in tests/schema/:
#   - it is a valid draft 2020-12 schema, every property documented with a
#     description and a valid default, every object closed;
#   - it has the same fields as the libcyaml schema in src/manifest/manifest.c, both
#     ways (keys, nesting, required keys, enum words, bounds, scalar kinds);
#   - every file in configs/ names it on its first line (yaml-language-server);
#   - every manifest in configs/, configs/bench/ and tests/manifests/good/
#     validates, in both views of tests/schema/validate.py: "typed" (YAML 1.1
#     as PyYAML loads it, as an editor sees it) and "raw" (every scalar a
#     string, as minikvm reads it);
#   - every fixture in tests/manifests/bad/ that `minikvm check` rejects is
#     rejected by the schema too, except those classified, with a reason,
#     in tests/schema/semantic-only.txt (only C's semantic rules reject
#     them), typed-view-accepts.txt (the typed view lost the spelling C
#     rejects) and yaml-level.txt (refused by validate.py's YAML layer, not
#     the schema); a fixture whose verdict differs from its class fails;
#   - value by value (tests/schema/corpus.py): what C rejects structurally
#     the schema rejects, what C accepts the schema accepts.
. tests/lib.sh
PY=/usr/bin/python3
S=tests/schema
SCHEMA=schemas/minikvm.schema.json
LISTS="$S/semantic-only.txt $S/typed-view-accepts.txt $S/yaml-level.txt"

if ! "$PY" -c 'import jsonschema, yaml' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		plan 1
		fail "$PY with jsonschema and yaml (install python3-jsonschema python3-yaml)"
		exit 1
	fi
	echo "1..0 # SKIP $PY lacks jsonschema or yaml (Debian: python3-jsonschema python3-yaml)"
	exit 0
fi

configs=$(ls configs/*.yaml configs/bench/*.yaml)
valid="$configs $(ls tests/manifests/good/*.yaml tests/manifests/good/*.yml)"
bad=$(ls tests/manifests/bad/*.yaml)
plan $(($(echo "$valid" | wc -w) + $(echo "$bad" | wc -w) + 6))

# helper NAME ARGS...: a helper whose output lines are the problems.
helper() {
	name=$1
	shift
	if "$PY" "$@" >"$TMP/out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		head -40 "$TMP/out" | sed 's/^/# /'
	fi
}

helper "the schema is a valid JSON Schema draft 2020-12" $S/schemacheck.py meta
helper "every property has a description and a valid default; every object is closed" \
	$S/schemacheck.py docs
helper "the schema and src/manifest/manifest.c have the same fields (keys, nesting, required, enums, bounds, kinds)" \
	$S/schemacheck.py coverage

# The first line of every manifest in configs/ points yaml-language-server
# at the schema, by a path relative to the file.
why=
for f in $configs; do
	line=$(head -n 1 "$f")
	# shellcheck disable=SC2016 # a literal $schema
	case $line in
	'# yaml-language-server: $schema='*)
		rel=${line#*=}
		if [ "$(realpath "$(dirname "$f")/$rel" 2>/dev/null)" != "$(realpath "$SCHEMA")" ]; then
			why="$why $f($rel)"
		fi ;;
	*) why="$why $f(no modeline)" ;;
	esac
done
if [ -z "$why" ]; then
	pass "every manifest in configs/ names the schema on its first line"
else
	fail "the first line of each manifest in configs/ must be '# yaml-language-server: \$schema=RELATIVE/PATH/TO/$SCHEMA':$why"
fi

# Both views of every file at once: one line each, "FILE accept" or
# "FILE reject: yaml|schema: ...".
# shellcheck disable=SC2086
"$PY" $S/validate.py --view typed $valid $bad >"$TMP/typed" 2>&1
# shellcheck disable=SC2086
"$PY" $S/validate.py --view raw $valid $bad >"$TMP/raw" 2>&1

# verdict VIEW FILE: accept, yaml, schema, or "missing".
verdict() {
	line=$(grep -F "$2 " "$TMP/$1" | grep -F -m1 -e "$2 accept" -e "$2 reject: ")
	case $line in
	"$2 accept") echo accept ;;
	"$2 reject: yaml: "*) echo yaml ;;
	"$2 reject: schema: "*) echo schema ;;
	*) echo missing ;;
	esac
}
said() {
	grep -F -m1 -e "$2 accept" -e "$2 reject: " "$TMP/$1" | cut -c"$((${#2} + 2))"-
}

for f in $valid; do
	t=$(verdict typed "$f")
	r=$(verdict raw "$f")
	if [ "$t" = accept ] && [ "$r" = accept ]; then
		pass "schema accepts $f"
	else
		fail "schema accepts $f (typed view: $(said typed "$f"); raw view: $(said raw "$f"))"
	fi
done

# class FIXTURE: which list names it (the first; "structural" if none).
class() {
	b=$(basename "$1")
	for l in $LISTS; do
		if grep -q "^${b}[[:space:]]" "$l"; then
			basename "$l" .txt
			return
		fi
	done
	echo structural
}

for f in $bad; do
	c=$(class "$f")
	case $c in
	semantic-only) want="accept accept" ;;
	typed-view-accepts) want="accept schema" ;;
	yaml-level) want="yaml yaml" ;;
	*) want="schema schema" ;;
	esac
	got="$(verdict typed "$f") $(verdict raw "$f")"
	st=0
	"$MINIKVM" check "$f" >/dev/null 2>"$TMP/err" </dev/null || st=$?
	if [ "$st" -eq 2 ] && [ "$got" = "$want" ]; then
		pass "$f: minikvm check rejects it; the schema agrees ($c)"
	else
		fail "$f: class $c expects typed/raw views to say '$want', they say '$got'; minikvm check status $st"
		diag "minikvm check: $(head -n 3 "$TMP/err")" \
			"schema, typed view: $(said typed "$f")" \
			"schema, raw view:   $(said raw "$f")" \
			"(if the new verdict is right, classify $(basename "$f") in one of: $LISTS)"
	fi
done

# The lists name existing fixtures, each once, each with a reason.
why=
for l in $LISTS; do
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		name=${line%%[[:space:]]*}
		reason=${line#"$name"}
		[ -f "tests/manifests/bad/$name" ] || why="$why; $l: no fixture $name"
		[ -n "$(echo "$reason" | tr -d '[:space:]')" ] || why="$why; $l: $name has no reason"
		echo "$name" >>"$TMP/listed"
	done <"$l"
done
dups=$(sort "$TMP/listed" | uniq -d | tr '\n' ' ')
[ -z "$dups" ] || why="$why; listed more than once: $dups"
if [ -z "$why" ]; then
	pass "the classification lists name existing fixtures, once each, with a reason"
else
	fail "the classification lists:${why#;}"
fi

helper "value by value, the schema lies between C's structural and full checks" \
	$S/corpus.py "$MINIKVM" "$TMP/corpus"
exit "$TAP_FAILED"
