#!/bin/sh
# Benchmarks are not tests: this only checks that `minikvm bench` works,
# that its JSON parses and says what it measured, and that every scenario
# in configs/bench/ is a valid manifest.
. tests/lib.sh
plan 3
st=0
"$MINIKVM" check configs/bench/*.yaml >"$TMP/out" 2>&1 || st=$?
if [ "$st" -eq 0 ]; then
	pass "every scenario in configs/bench/ checks"
else
	fail "configs/bench/: status $st"
	sed 's/^/# /' "$TMP/out"
fi
if ! kvm_usable; then
	kvm_skip "bench --repeat 1"
	kvm_skip "bench JSON"
	exit 0
fi
st=0
"$MINIKVM" bench --repeat 1 --json "$TMP/b.json" configs/bench/console-puts.yaml >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
if [ "$st" -eq 0 ] && grep -q '^bench console-puts: 1 runs after 1 warm-up, 1 vCPU$' "$TMP/out" &&
   grep -Eq '^  exits +11 +11 +11$' "$TMP/out" && [ ! -s "$TMP/err" ]; then
	pass "bench --repeat 1: a summary, guest output discarded"
else
	fail "bench --repeat 1: status $st"
	sed 's/^/# /' "$TMP/out" "$TMP/err"
fi
if perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	exit !($d->{scenario} eq "console-puts" && $d->{repeat} == 1 &&
	       $d->{results}{exits}{median} == 11 && $d->{results}{run_ms}{min} > 0 &&
	       defined $d->{host}{kernel} && $d->{host}{api_version} == 12)' <"$TMP/b.json"; then
	pass "bench --json: results and host facts"
else
	fail "bench --json"
	head -30 "$TMP/b.json" | sed 's/^/# /'
fi
