#!/bin/sh
# --trace: one decoded line per VM exit, to stderr or a file, filtered by
# reason, never mixed into guest output.  --stats: counts and times per
# vCPU, as a table on stderr or JSON in a file or on stdout.  A write
# error on either is one line and status 1 (a higher status stays); the
# files are complete after a signal too.  (Refused --trace and --stats
# values: tests/t/15-cli.t.)
. tests/lib.sh
n=15
plan $n
if ! kvm_usable; then
	i=1
	while [ "$i" -le "$n" ]; do kvm_skip "trace/stats test $i"; i=$((i + 1)); done
	exit 0
fi
exp=tests/e2e/expected
"$MINIKVM" run --trace configs/counter.yaml >"$TMP/out" 2>"$TMP/trace" </dev/null
same "--trace: counter's exits, one decoded line each" "$exp/counter.trace" "$TMP/trace"
same "--trace leaves guest output untouched" "$exp/counter.out" "$TMP/out"
"$MINIKVM" run --trace=file:"$TMP/t.txt" configs/hello.yaml >"$TMP/out" 2>"$TMP/err" </dev/null
if [ "$(wc -l <"$TMP/t.txt")" -eq 25 ] && [ ! -s "$TMP/err" ] &&
   grep -q "^vcpu0 #2 IO out 0x3f8 1B al=0x48 COM1 THR 'H'  cs:ip=0000:0013$" "$TMP/t.txt" &&
   tail -1 "$TMP/t.txt" | grep -q '^vcpu0 #25 HLT  cs:ip=0000:0017  -> vCPU done$'; then
	pass "--trace=file:PATH: 25 lines in the file, none on stderr"
else
	fail "--trace=file:PATH"
	tail -3 "$TMP/t.txt" | sed 's/^/# /'
fi
# a filter and a file together; a comma in the file's name is the name's
"$MINIKVM" run --trace=hlt,file:"$TMP/h,1.txt" configs/hello.yaml >/dev/null 2>"$TMP/err" </dev/null
if [ "$(wc -l <"$TMP/h,1.txt")" -eq 1 ] && grep -q ' HLT ' "$TMP/h,1.txt" && [ ! -s "$TMP/err" ]; then
	pass "--trace=hlt,file:PATH: only HLT exits, into PATH"
else
	fail "--trace=hlt,file:PATH"
	sed 's/^/# /' "$TMP/h,1.txt" "$TMP/err" | head -5
fi
"$MINIKVM" run --trace=hlt configs/hello.yaml >/dev/null 2>"$TMP/trace" </dev/null
if [ "$(wc -l <"$TMP/trace")" -eq 1 ] && grep -q ' HLT ' "$TMP/trace"; then
	pass "--trace=hlt keeps only HLT exits"
else
	fail "--trace=hlt"
fi
"$MINIKVM" run --stats --no-color configs/duo.yaml >/dev/null 2>"$TMP/stats" </dev/null
if grep -Eq '^  VM exits +[0-9]+ +[0-9]+ +[0-9]+$' "$TMP/stats" &&
   grep -Eq '^    PUTCHAR +20 +15 +35$' "$TMP/stats" &&
   grep -Eq '^    PUTNUM +0 +15 +15$' "$TMP/stats"; then
	pass "--stats: a table per vCPU and in total, hypercalls counted"
else
	fail "--stats table"
	sed 's/^/# /' "$TMP/stats"
fi
"$MINIKVM" run --stats=json:"$TMP/s.json" configs/hctest.yaml >/dev/null 2>&1 </dev/null
if perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $v = $d->{vcpus}[0];
	exit !($v->{exits} == 29 && $v->{hypercalls}{PUTCHAR} == 24 &&
	       $v->{io_exits_by_port}{"0x0500"} == 29 && $v->{exits_by_reason}{IO} == 29 &&
	       $v->{setup_ns} > 0 && $v->{run_ns} > 0 && $v->{status} eq "done")' <"$TMP/s.json"; then
	pass "--stats=json:FILE: valid JSON with the same counts"
else
	fail "--stats=json"
	head -20 "$TMP/s.json" | sed 's/^/# /'
fi
# A guest stopped by the timeout spent its time inside KVM_RUN, which the
# stop interrupts (EINTR): that time counts as run time, not exit handling.
"$MINIKVM" run --stats=json:"$TMP/l.json" tests/e2e/loop.yaml >/dev/null 2>&1 </dev/null
if perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $v = $d->{vcpus}[0];
	my $left = $v->{wall_ns} - $v->{setup_ns};
	exit !($v->{status} eq "stopped" && $v->{run_ns} >= 0.9 * $left &&
	       $v->{run_ns} + $v->{exit_handling_ns} <= $left)' <"$TMP/l.json"; then
	pass "--stats: a timed-out guest's time is inside KVM_RUN"
else
	fail "--stats: a timed-out guest's time is inside KVM_RUN"
	head -20 "$TMP/l.json" | sed 's/^/# /'
fi
# --stats=json:-: the JSON on stdout, after all of the guest's output.
st=0
"$MINIKVM" run --stats=json:- configs/hello.yaml >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
head -1 "$TMP/out" >"$TMP/guest"
if [ "$st" -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$exp/hello.out" "$TMP/guest" &&
   sed 1d "$TMP/out" | perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	exit !($d->{vcpus}[0]{exits} == 25 && $d->{vcpus}[0]{status} eq "done")'; then
	pass "--stats=json:-: the guest's output, then the JSON, on stdout"
else
	fail "--stats=json:-: status $st"
	head -5 "$TMP/out" | sed 's/^/# stdout: /'
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# Write errors: one line naming the file, status 1.
for opt in --stats=json: --trace=file:; do
	st=0
	"$MINIKVM" run "$opt/dev/full" configs/hello.yaml >/dev/null 2>"$TMP/err" </dev/null || st=$?
	printf 'minikvm: %s: cannot write /dev/full: No space left on device\n' "${opt%=*}" >"$TMP/want"
	if [ "$st" -eq 1 ] && cmp -s "$TMP/want" "$TMP/err"; then
		pass "run ${opt}/dev/full: status 1 and one line"
	else
		fail "run ${opt}/dev/full: status $st"
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi
done
# ... also when the trace, or the --stats table, goes to stderr and stderr
# is full (the diagnosis is lost there; the status says it)
for opt in --trace --stats; do
	st=0
	"$MINIKVM" run $opt configs/hello.yaml >/dev/null 2>/dev/full </dev/null || st=$?
	if [ "$st" -eq 1 ]; then
		pass "$opt with stderr on /dev/full: status 1"
	else
		fail "$opt with stderr on /dev/full: status $st, expected 1"
	fi
done
# ... and a run that ended with a higher status keeps it (here the timeout)
st=0
"$MINIKVM" run --stats=json:/dev/full tests/e2e/loop.yaml >/dev/null 2>"$TMP/err" </dev/null || st=$?
if [ "$st" -eq 124 ] && grep -q '^minikvm: timeout: ' "$TMP/err" &&
   grep -qx 'minikvm: --stats: cannot write /dev/full: No space left on device' "$TMP/err"; then
	pass "a write error after a timeout: the diagnosis, status 124 kept"
else
	fail "a write error after a timeout: status $st, expected 124"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# SIGTERM while the echo guest waits for input (once its first line has
# come back, it surely runs): status 143, and the trace and the JSON are
# complete.
signal_echo TERM --trace=file:"$TMP/sig.trace" --stats=json:"$TMP/sig.json"
if [ "$line" = hi ] && [ "$st" -eq 143 ] && [ "$(tail -c 1 "$TMP/sig.trace" | wc -l)" -eq 1 ] &&
   grep -q ' PUTS gpa=' "$TMP/sig.trace" &&
   perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	exit !($d->{vcpus}[0]{exits} > 0 && $d->{vcpus}[0]{hypercalls}{PUTS} >= 1)' <"$TMP/sig.json"; then
	pass "SIGTERM: status 143, the trace and the stats JSON complete"
else
	fail "SIGTERM with --trace=file: and --stats=json: status $st, echoed '$line'"
	tail -2 "$TMP/sig.trace" | sed 's/^/# trace: /'
	head -5 "$TMP/sig.json" | sed 's/^/# json: /'
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
