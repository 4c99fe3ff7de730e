#!/bin/sh
# `minikvm check` on every fixture: bad ones exit 2 with exactly the
# expected diagnostics on stderr and nothing on stdout; good ones exit 0,
# print nothing, and with -v print the expected effective manifest.
. tests/lib.sh
bad=$(ls tests/manifests/bad/*.yaml)
good=$(ls tests/manifests/good/*.yaml tests/manifests/good/*.yml)
plan $(($(echo "$bad" | wc -l) + 2 * $(echo "$good" | wc -l) + 3))
for f in $bad; do
	exp=${f%.yaml}.err
	st=0
	"$MINIKVM" check "$f" >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
	if [ "$st" -eq 2 ] && [ ! -s "$TMP/out" ] && cmp -s "$exp" "$TMP/err"; then
		pass "check $f"
	else
		fail "check $f (status $st)"
		diff -u "$exp" "$TMP/err" | head -20 | sed 's/^/# /'
	fi
done
for f in $good; do
	st=0
	"$MINIKVM" check "$f" >"$TMP/out" 2>&1 </dev/null || st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$TMP/out" ]; then
		pass "check $f"
	else
		fail "check $f (status $st)"
		sed 's/^/# /' "$TMP/out" | head -10
	fi
	"$MINIKVM" check -v "$f" 2>&1 </dev/null | sed "s|$PWD|@ROOT@|g" >"$TMP/eff"
	same "check -v $f" "${f%.y*ml}.out" "$TMP/eff"
done
# The effective manifest is itself a valid manifest that says the same.
"$MINIKVM" check -v configs/quad.yaml >"$TMP/quad-eff.yaml"
"$MINIKVM" check -v "$TMP/quad-eff.yaml" >"$TMP/quad-eff2.yaml"
same "check -v output is a valid manifest with the same meaning" "$TMP/quad-eff.yaml" "$TMP/quad-eff2.yaml"
# Several files: each checked, all errors reported, status 2.
st=0
"$MINIKVM" check configs/hello.yaml tests/manifests/bad/*.yaml >/dev/null 2>"$TMP/all" || st=$?
n=$(grep -c ': error: ' "$TMP/all")
if [ "$st" -eq 2 ] && [ "$n" -ge "$(echo "$bad" | wc -l)" ]; then
	pass "check of many files reports every file's errors"
else
	fail "check of many files (status $st, $n errors)"
fi
# configs/reference.yaml names every field of the C schema (and is run by
# tests/t/30-run.t, so it stays valid); fields that cannot be live in it
# (linux: needs protected mode) are shown commented out, "#   key:".
missing=
for key in $(sed -n 's/.*CYAML_FIELD_[A-Z_]*("\([a-z_]*\)".*/\1/p' src/manifest.c | sort -u); do
	grep -Eq "^ *(# *)?(- )?$key:" configs/reference.yaml || missing="$missing $key"
done
if [ -z "$missing" ]; then
	pass "configs/reference.yaml shows every field of the schema"
else
	fail "configs/reference.yaml lacks:$missing"
fi
