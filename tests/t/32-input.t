#!/bin/sh
# Standard input is read only when a guest takes a byte (issue 11), so
# minikvm composes in shell pipelines: a guest that reads one line leaves
# the rest to the next command, one that reads nothing leaves all of it,
# `while read` loops keep their lines; from a pipe, a regular file,
# /dev/null and an O_NONBLOCK pipe alike.  tests/promises/readline.S takes
# exactly one line (printing "line: " and it), or prints "<EOT>".
. tests/lib.sh
p=tests/promises
plan_kvm 7

# expect NAME WANT_TEXT FILE: FILE must hold exactly WANT_TEXT (printf).
expect() {
	printf "$2" >"$TMP/want"
	same "$1" "$TMP/want" "$3"
}

# One line taken from a pipe; the next command gets the rest.
printf 'one\ntwo\nthree\n' | { "$MINIKVM" run $p/readline.yaml; cat; } >"$TMP/out" 2>&1
expect "a guest that reads one line leaves the rest of a pipe" 'line: one\ntwo\nthree\n' "$TMP/out"

# A guest that reads nothing (hello: COM1 output, its LSR only peeks at
# the input) leaves all of it.
printf 'a\nb\n' | { "$MINIKVM" run configs/hello.yaml; cat; } >"$TMP/out" 2>&1
expect "a guest that reads nothing leaves all of stdin" 'Hello, KVM!\na\nb\n' "$TMP/out"

# A `while read` loop running minikvm keeps its lines...
printf 'a\nb\nc\n' | while read -r x; do
	"$MINIKVM" run configs/hello.yaml >/dev/null 2>&1 || echo "status $?"
	echo "$x"
done >"$TMP/out"
expect "a while-read loop running minikvm keeps its lines" 'a\nb\nc\n' "$TMP/out"

# ... and shares them exactly with a guest that takes one line per run.
printf 'a\nb\nc\nd\n' | while read -r x; do
	"$MINIKVM" run $p/readline.yaml 2>&1
	echo " after $x"
done >"$TMP/out"
expect "read and a one-line guest take alternate lines" 'line: b\n after a\nline: d\n after c\n' "$TMP/out"

# From a regular file: the same.
printf 'one\ntwo\n' >"$TMP/in"
{ "$MINIKVM" run $p/readline.yaml; cat; } <"$TMP/in" >"$TMP/out" 2>&1
expect "from a regular file, one line taken, the rest left" 'line: one\ntwo\n' "$TMP/out"

# /dev/null: the end of input at once.
"$MINIKVM" run $p/readline.yaml </dev/null >"$TMP/out" 2>&1
expect "from /dev/null the guest sees the end of input" 'line: <EOT>\n' "$TMP/out"

# An O_NONBLOCK pipe (no terminal) whose writer is slow: the guest waits
# for the line (EAGAIN is no end of input) and gets it.
if command -v perl >/dev/null; then
	{ sleep 1; printf 'one\ntwo\n'; } | perl -MFcntl -e '
fcntl(STDIN, F_SETFL, fcntl(STDIN, F_GETFL, 0) | O_NONBLOCK) or die "fcntl: $!";
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!"' "$MINIKVM" run $p/readline.yaml >"$TMP/out" 2>&1
	expect "from an O_NONBLOCK pipe the guest waits for its line" 'line: one\n' "$TMP/out"
else
	skip_or_fail "from an O_NONBLOCK pipe the guest waits for its line" "no perl"
fi
