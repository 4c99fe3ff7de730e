#!/bin/sh
# The gdb stub's protocol layer (src/debug/gdb_proto.c and what it uses)
# with Debian's gdb, on any host (no KVM): build/gdb-mock serves a made-up
# target of two processors, and gdb -batch runs tests/gdb/mock-*.gdb; each
# transcript and gdb-mock's status must equal tests/gdb/expected/.  Then
# the breakpoint bookkeeping's unit test (tests/unit/test_gdb.c), since no
# host here traps int3.
. tests/lib.sh
exp=tests/gdb/expected
mock=${MINIKVM%/*}/gdb-mock
plan 5

# mock_case NAME [amd64]: one script against a fresh gdb-mock.
mock_case() {
	rm -f "$TMP/port"
	mkfifo "$TMP/port"
	timeout -s KILL 120 "$mock" "$TMP/port" ${2:-} >"$TMP/mock.out" 2>&1 &
	pid=$!
	read -r port <"$TMP/port"
	sed "s/@PORT@/$port/" "tests/gdb/$1.gdb" >"$TMP/script.gdb"
	timeout -s KILL 120 gdb -nx -batch -x "$TMP/script.gdb" </dev/null 2>&1 |
		grep -Evf "$exp/ignore" >"$TMP/gdb.out"
	st=0
	wait "$pid" || st=$?
	same "gdb transcript of tests/gdb/$1.gdb" "$exp/$1.gdb.out" "$TMP/gdb.out"
	want=$(cat "$exp/$1.status")
	if [ "$st" -eq "$want" ]; then
		pass "gdb-mock ends with status $want after $1.gdb"
	else
		fail "gdb-mock ends with status $st after $1.gdb, expected $want"
		sed 's/^/# /' "$TMP/mock.out" | head
	fi
}

mock_case mock-real
mock_case mock-amd64 amd64

unit=${UNIT_DIR:-${MINIKVM%/*}}/test_gdb
out=$("$unit" 2>&1)
rc=$?
oks=$(printf '%s\n' "$out" | grep -c '^ok')
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx "1\.\.$oks" && [ "$oks" -gt 0 ]; then
	pass "breakpoint bookkeeping (test_gdb): $oks checks"
else
	fail "breakpoint bookkeeping (test_gdb, status $rc)"
	printf '%s\n' "$out" | grep -v '^ok' | sed 's/^/# /'
fi
