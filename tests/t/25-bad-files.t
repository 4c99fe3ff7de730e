#!/bin/sh
# Files that are not what they claim, as the manifest and as the image: a
# directory, a FIFO (must not block), /dev/zero (must not read forever), a
# symlink loop; and manifests too big to be honest: 10 MB of one string,
# 10,000 vCPUs, an alias bomb.  Each is refused with status 2 and a clear
# error, quickly.
. tests/lib.sh
plan 12
guest=$PWD/guests/hello.bin
mkfifo "$TMP/fifo"
ln -s "$TMP/loop2" "$TMP/loop1"
ln -s "$TMP/loop1" "$TMP/loop2"
mkdir "$TMP/dir"

# refused NAME FILE REGEXP: `minikvm check FILE` exits 2 within 10 s with
# an error matching REGEXP.
refused() {
	st=0
	timeout 10 "$MINIKVM" check "$2" >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
	if [ "$st" -eq 2 ] && grep -Eq -- "$3" "$TMP/err" && [ ! -s "$TMP/out" ]; then
		pass "$1"
	else
		fail "$1 (status $st)"
		sed 's/^/# /' "$TMP/err" | head -5
	fi
}

refused "a directory as the manifest" "$TMP/dir" ": error: cannot read the manifest: is a directory$"
refused "a FIFO as the manifest" "$TMP/fifo" ": error: cannot read the manifest: is not a regular file$"
refused "/dev/zero as the manifest" /dev/zero ": error: cannot read the manifest: is not a regular file$"
refused "a symlink loop as the manifest" "$TMP/loop1" ": error: cannot read the manifest: Too many levels of symbolic links$"
for img in "$TMP/dir:is a directory" "$TMP/fifo:is not a regular file" \
	   "/dev/zero:is not a regular file" "$TMP/loop1:Too many levels of symbolic links"; do
	path=${img%%:*}
	printf 'version: 1\nvcpus:\n  - image: %s\n' "$path" >"$TMP/m.yaml"
	refused "$path as the image" "$TMP/m.yaml" "m.yaml:3:12: error: vcpus\\[0\\].image: cannot use '$path': ${img#*:}$"
done

# 10 MB in one string
{ printf 'version: 1\nname: '; head -c 10000000 /dev/zero | tr '\000' a; printf '\nvcpus:\n  - image: %s\n' "$guest"; } >"$TMP/big.yaml"
refused "a 10 MB manifest" "$TMP/big.yaml" ": error: the manifest is larger than 1048576 bytes$"
# 10,000 vCPUs
{ printf 'version: 1\nvcpus:\n'; i=0; while [ $i -lt 10000 ]; do printf '  - image: %s\n' "$guest"; i=$((i + 1)); done; } >"$TMP/many.yaml"
refused "10,000 vCPUs" "$TMP/many.yaml" "many.yaml:67:5: error: vcpus\\[64\\]: too many entries \\(at most 64\\)$"
# an alias bomb: nine levels of ten aliases each would be 10^9 nodes
{ printf 'version: 1\nname: &a0 x\nvcpus:\n  - image: %s\n' "$guest"
  i=1; while [ $i -le 9 ]; do printf 'x%d: &a%d [' $i $i; j=0; while [ $j -lt 10 ]; do printf '*a%d,' $((i - 1)); j=$((j + 1)); done; printf ']\n'; i=$((i + 1)); done; } >"$TMP/bomb.yaml"
refused "a YAML alias bomb" "$TMP/bomb.yaml" "bomb.yaml:5:1: error: x1: unknown key"
# a number past 2^64
printf 'version: 1\nvcpus:\n  - image: %s\n    load: 184467440737095516160\n' "$guest" >"$TMP/n.yaml"
refused "a number past 2^64" "$TMP/n.yaml" "n.yaml:4:11: error: vcpus\\[0\\].load: \"184467440737095516160\" is too large"
