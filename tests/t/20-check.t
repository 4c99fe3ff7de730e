#!/bin/sh
# `minikvm check` on every fixture: bad ones exit 2 with exactly the
# expected diagnostics on stderr and nothing on stdout; good ones exit 0,
# print nothing, and with -v print the expected effective manifest.
. tests/lib.sh
bad=$(ls tests/manifests/bad/*.yaml)
good=$(ls tests/manifests/good/*.yaml tests/manifests/good/*.yml)
configs=$(ls configs/*.yaml configs/bench/*.yaml)
plan $(($(echo "$bad" | wc -l) + 3 * $(echo "$good" | wc -l) + $(echo "$configs" | wc -l) + 3 + 8))
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
# idempotent NAME FILE: `check -v FILE`, saved, passes `check -v` again and
# prints the same bytes (the effective manifest loads and means the same).
idempotent() {
	st=0
	"$MINIKVM" check -v "$2" >"$TMP/eff1.yaml" 2>"$TMP/err1" </dev/null || st=$?
	st2=0
	[ "$st" -eq 0 ] && { "$MINIKVM" check -v "$TMP/eff1.yaml" >"$TMP/eff2.yaml" 2>"$TMP/err2" </dev/null || st2=$?; }
	if [ "$st" -eq 0 ] && [ "$st2" -eq 0 ] && cmp -s "$TMP/eff1.yaml" "$TMP/eff2.yaml"; then
		pass "$1"
	else
		fail "$1 (status $st, then $st2)"
		cat "$TMP/err1" "$TMP/err2" 2>/dev/null | head -5 | sed 's/^/# /'
		diff -u "$TMP/eff1.yaml" "$TMP/eff2.yaml" 2>/dev/null | head -20 | sed 's/^/# /'
	fi
}
for f in $good; do
	idempotent "check -v $f, saved, checks and prints the same" "$f"
done
# configs/: those whose files are there (linux.yaml needs `make linux-assets`)
for f in $configs; do
	if ! "$MINIKVM" check "$f" 2>"$TMP/err" </dev/null &&
	   ! grep -qv ": cannot use '.*': No such file or directory" "$TMP/err"; then
		pass "check -v $f # SKIP a file it names is missing"
		continue
	fi
	idempotent "check -v $f, saved, checks and prints the same" "$f"
done
# Default names from file names that are not names: each character outside
# [A-Za-z0-9._-] becomes '_', cut to 64 bytes.
mkdir "$TMP/names"
n70=$(printf '%070d' 0 | tr 0 n)
for n in 'a b:a_b' 'ünï:_n_' "$n70:$(printf '%064d' 0 | tr 0 n)"; do
	f="$TMP/names/${n%%:*}.yaml"
	printf 'version: 1\nvcpus:\n  - image: %s/guests/minimal.bin\n' "$PWD" >"$f"
	idempotent "check -v of '${n%%:*}.yaml' (a default name: ${n#*:}) checks and prints the same" "$f"
	if grep -qx "name: ${n#*:}" "$TMP/eff1.yaml"; then
		pass "the default name of '${n%%:*}.yaml' is ${n#*:}"
	else
		fail "the default name of '${n%%:*}.yaml' is ${n#*:}: $(grep '^name:' "$TMP/eff1.yaml")"
	fi
done
# A fresh clone has no Linux kernel: configs/linux.yaml's error says how to
# get one, for the files `make linux-assets` builds, and for no others.
for c in fresh:build/linux/vmlinuz:build/linux/initramfs \
	 other:build/linux/vmlinuz.old:build/linux-initramfs; do
	name=${c%%:*}
	rest=${c#*:}
	sed -e "s|\.\./build/linux/vmlinuz|$TMP/clone/${rest%%:*}|" \
	    -e "s|\.\./build/linux/initramfs|$TMP/clone/${rest#*:}|" \
	    configs/linux.yaml >"$TMP/linux.yaml"
	st=0
	"$MINIKVM" check "$TMP/linux.yaml" 2>"$TMP/err" </dev/null || st=$?
	sed -e "s|$TMP|@TMP@|g" -e 's|^[^ ]*:[0-9]*:[0-9]*: ||' "$TMP/err" >"$TMP/linux.err"
	if [ "$st" -eq 2 ] && cmp -s tests/manifests/linux-assets/$name.err "$TMP/linux.err"; then
		pass "configs/linux.yaml with the kernel missing ($name)"
	else
		fail "configs/linux.yaml with the kernel missing ($name): status $st"
		diff -u tests/manifests/linux-assets/$name.err "$TMP/linux.err" | head -10 | sed 's/^/# /'
	fi
done
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
for key in $(sed -n 's/.*CYAML_FIELD_[A-Z_]*("\([a-z_]*\)".*/\1/p' src/manifest/manifest.c | sort -u); do
	grep -Eq "^ *(# *)?(- )?$key:" configs/reference.yaml || missing="$missing $key"
done
if [ -z "$missing" ]; then
	pass "configs/reference.yaml shows every field of the schema"
else
	fail "configs/reference.yaml lacks:$missing"
fi
