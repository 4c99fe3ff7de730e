#!/bin/sh
# bench-scaling.t - a benchmark, not a test: runs inside the lab VM (make
# bench, tests/lab/bench-suite) for hosts whose own KVM cannot run the
# scenarios.  Parallel efficiency of the spin guest as 1, 2 and 4 guests
# (configs/bench/scaling-*.yaml), of one guest with 1 and 2 processors
# (configs/bench/smp-*.yaml), and, beside them, of as many plain processes
# spinning at once on this (virtual) machine.  Reports the medians (ms) as
# TAP and one line
#   # LAB-BENCH-SCALING t1=.. t2=.. t4=.. s1=.. s2=.. h1=.. h2=.. h4=..
. tests/lib.sh
plan 2
# run_ms SCENARIO: the median of `minikvm bench`'s run_ms, or nothing
run_ms() {
	"$MINIKVM" bench --json /tmp/b.json "configs/bench/$1.yaml" >/dev/null 2>&1 &&
		perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{results}{run_ms}{median}' </tmp/b.json
}
# host_ms K: the median wall time (ms) of K processes spinning at once
host_ms() {
	: >/tmp/h
	for r in 1 2 3 4 5; do
		t0=$(now_ms)
		k=0
		while [ $k -lt "$1" ]; do
			perl -e 'my $x = 0; $x++ for 1 .. 3_000_000' &
			k=$((k + 1))
		done
		wait
		echo $(($(now_ms) - t0)) >>/tmp/h
	done
	median </tmp/h
}
t1=$(run_ms scaling-1) t2=$(run_ms scaling-2) t4=$(run_ms scaling-4)
s1=$(run_ms smp-1) s2=$(run_ms smp-2)
if [ -n "$t1" ] && [ -n "$t2" ] && [ -n "$t4" ] && [ -n "$s1" ] && [ -n "$s2" ]; then
	pass "scenarios: scaling 1/2/4 guests $t1/$t2/$t4 ms, one guest with 1/2 processors $s1/$s2 ms"
else
	fail "a scenario did not run: scaling $t1/$t2/$t4, smp $s1/$s2"
fi
h1=$(host_ms 1) h2=$(host_ms 2) h4=$(host_ms 4)
pass "host processes spinning, 1/2/4 at once: $h1/$h2/$h4 ms"
echo "# LAB-BENCH-SCALING t1=$t1 t2=$t2 t4=$t4 s1=$s1 s2=$s2 h1=$h1 h2=$h2 h4=$h4"
