#!/bin/sh
# Benchmarks are not tests: this only checks that `minikvm bench` works,
# that its JSON parses and says what it measured, that every scenario in
# configs/bench/ is a valid manifest, that it shows its progress on a
# terminal (script(1) gives it one) and only there, and that it gives
# guests no input (standard input is left unread).
. tests/lib.sh
plan 7
st=0
"$MINIKVM" check configs/bench/*.yaml >"$TMP/out" 2>&1 || st=$?
if [ "$st" -eq 0 ]; then
	pass "every scenario in configs/bench/ checks"
else
	fail "configs/bench/: status $st"
	sed 's/^/# /' "$TMP/out"
fi
# On a terminal the progress shows, and is cleared before a diagnosis:
# here the first run fails (no KVM device), which needs no KVM.
st=0
script -qec "MINIKVM_KVM_DEVICE=/nonexistent/kvm $MINIKVM bench --repeat 2 configs/bench/console-puts.yaml" \
	/dev/null </dev/null >"$TMP/tty" 2>&1 || st=$?
if [ "$st" -eq 1 ] && perl -e 'local $/; my $t = <STDIN>;
	exit !($t =~ m{bench: warm-up 1/1\r} &&
	       $t =~ m{\n {18}\rminikvm: bench: run 1 of console-puts ended with status 1\r\n\z})' <"$TMP/tty"; then
	pass "bench on a terminal: 'bench: warm-up 1/1' shown, cleared before the diagnosis"
else
	fail "bench's progress on a terminal, first run failing: status $st"
	od -c "$TMP/tty" | head -10 | sed 's/^/# /'
fi
if ! kvm_usable; then
	kvm_skip "bench --repeat 1"
	kvm_skip "bench JSON"
	kvm_skip "bench progress on a terminal"
	kvm_skip "no bench progress when stderr is not a terminal"
	kvm_skip "bench leaves standard input unread"
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
# Each run's number in place (\r), padded over the longer warm-up line,
# and cleared before the summary.
st=0
script -qec "$MINIKVM bench --repeat 2 configs/bench/console-puts.yaml" /dev/null </dev/null >"$TMP/tty" 2>&1 || st=$?
if [ "$st" -eq 0 ] && perl -e 'local $/; my $t = <STDIN>;
	exit !($t =~ m{bench: warm-up 1/1\rbench: run 1/2 {4}\rbench: run 2/2 {4}\r {18}\rbench console-puts: 2 runs after 1 warm-up})' <"$TMP/tty"; then
	pass "bench on a terminal: warm-up 1/1, run 1/2, run 2/2 in place, cleared before the summary"
else
	fail "bench's progress on a terminal: status $st"
	od -c "$TMP/tty" | head -10 | sed 's/^/# /'
fi
st=0
script -qec "$MINIKVM bench --repeat 2 configs/bench/console-puts.yaml 2>$TMP/err" /dev/null </dev/null >"$TMP/tty" 2>&1 || st=$?
if [ "$st" -eq 0 ] && [ ! -s "$TMP/err" ] && grep -q '^bench console-puts: 2 runs' "$TMP/tty"; then
	pass "no progress when stderr is not a terminal (stdout is)"
else
	fail "bench with stderr not a terminal: status $st"
	od -c "$TMP/err" | head -5 | sed 's/^/# /'
fi
# configs/echo.yaml's guest reads until the end of input: under bench it
# gets the end at once, and what stdin holds is still there afterwards.
printf 'one\ntwo\n' >"$TMP/in"
st=0
{ "$MINIKVM" bench --repeat 1 configs/echo.yaml >/dev/null 2>"$TMP/err" || st=$?; cat >"$TMP/rest"; } <"$TMP/in"
if [ "$st" -eq 0 ] && cmp -s "$TMP/in" "$TMP/rest"; then
	pass "bench gives guests no input: standard input is left unread"
else
	fail "bench and standard input: status $st; left unread: '$(cat "$TMP/rest")'"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
