#!/bin/sh
# --trace: one decoded line per VM exit, to stderr or a file, filtered by
# reason, never mixed into guest output.  --stats: counts and times per
# vCPU, as a table on stderr or JSON in a file.
. tests/lib.sh
plan 7
if ! kvm_usable; then
	for i in 1 2 3 4 5 6 7; do kvm_skip "trace/stats test $i"; done
	exit 0
fi
exp=tests/e2e/expected
"$MINIKVM" run --trace configs/counter.yaml >"$TMP/out" 2>"$TMP/trace" </dev/null
same "--trace: counter's exits, one decoded line each" "$exp/counter.trace" "$TMP/trace"
same "--trace leaves guest output untouched" "$exp/counter.out" "$TMP/out"
"$MINIKVM" run --trace="$TMP/t.txt" configs/hello.yaml >"$TMP/out" 2>"$TMP/err" </dev/null
if [ "$(wc -l <"$TMP/t.txt")" -eq 25 ] && [ ! -s "$TMP/err" ] &&
   grep -q "^vcpu0 #2 IO out 0x3f8 1B al=0x48 COM1 THR 'H'  cs:ip=0000:0013$" "$TMP/t.txt" &&
   tail -1 "$TMP/t.txt" | grep -q '^vcpu0 #25 HLT  cs:ip=0000:0017  -> vCPU done$'; then
	pass "--trace=FILE: 25 lines in the file, none on stderr"
else
	fail "--trace=FILE"
	tail -3 "$TMP/t.txt" | sed 's/^/# /'
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
