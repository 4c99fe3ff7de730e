#!/bin/sh
# The timeout and SIGINT/SIGTERM end a run within a fraction of a second
# whatever the output is doing (issue 11): with standard output or error
# a pipe that is full and not read for 12 s (a stalled reader), the run
# still ends at once; a second SIGINT while it winds down leaves the
# --stats JSON complete; any timeout the manifest accepts is honoured; the
# timeout message names every guest still running, however many.
. tests/lib.sh
p=tests/promises
plan_kvm 7

# stuck_pipe FIFO: makes FIFO a pipe that is full and that nobody reads
# for 12 s; then its last reader goes away.  Returns once it is full.
stuck_pipe() {
	mkfifo "$1"
	perl -MFcntl -MPOSIX -e 'my $f = shift;
sysopen(my $fh, $f, O_RDWR | O_NONBLOCK) or die "$f: $!";
for my $chunk (4096, 1) {
	1 while defined syswrite($fh, "x" x $chunk);
	die "write: $!" unless $!{EAGAIN};
}
my $pid = fork // die "fork: $!";
if ($pid == 0) {
	open(STDIN, "<", "/dev/null"); open(STDOUT, ">", "/dev/null");
	open(STDERR, ">", "/dev/null");
	sleep 12;
	POSIX::_exit(0);
}' "$1"
}

# wait_pipe_write PID [TID]: waits until a thread of PID (or thread TID)
# sleeps writing to a pipe (its /proc wchan); false if it never does
# within 10 s, or PID ends.
wait_pipe_write() {
	i=0
	while [ "$i" -lt 500 ]; do
		cat /proc/$1/task/${2:-*}/wchan 2>/dev/null | grep -q pipe_write && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.02
		i=$((i + 1))
	done
	return 1
}

if ! command -v perl >/dev/null; then
	for i in 1 2 3 4 5; do
		skip_or_fail "blocked-output test $i" "no perl"
	done
else
	# The timeout, standard output stuck: 124 after 2 s, not after 12.
	n=0
	stuck_pipe "$TMP/out$n"
	t0=$(now_ms)
	st=0
	"$MINIKVM" run --set limits.timeout=2s tests/hostile/flood.yaml \
		>"$TMP/out$n" 2>"$TMP/err" </dev/null || st=$?
	t1=$(now_ms)
	if [ "$st" -eq 124 ] && [ $((t1 - t0)) -lt 3500 ] && grep -q 'still running: vcpu0' "$TMP/err"; then
		pass "the timeout ends a run whose stdout is stuck, in $((t1 - t0)) ms"
	else
		fail "timeout with stdout stuck: status $st after $((t1 - t0)) ms (expected 124 after 2 s)"
	fi

	# The timeout, standard error stuck: its own message cannot wait.
	n=1
	stuck_pipe "$TMP/out$n"
	t0=$(now_ms)
	st=0
	"$MINIKVM" run tests/e2e/loop.yaml >/dev/null 2>"$TMP/out$n" </dev/null || st=$?
	t1=$(now_ms)
	if [ "$st" -eq 124 ] && [ $((t1 - t0)) -lt 2500 ]; then
		pass "the timeout ends a run whose stderr is stuck, in $((t1 - t0)) ms"
	else
		fail "timeout with stderr stuck: status $st after $((t1 - t0)) ms (expected 124 after 1 s)"
	fi

	# SIGINT and SIGTERM, standard output stuck (the guest blocked in a write).
	for sig in INT TERM; do
		n=$((n + 1))
		stuck_pipe "$TMP/out$n"
		"$MINIKVM" run tests/hostile/flood.yaml >"$TMP/out$n" 2>"$TMP/err" </dev/null &
		pid=$!
		wait_pipe_write $pid || diag "SIG$sig: the guest never blocked writing"
		t0=$(now_ms)
		kill -$sig $pid
		st=0
		wait $pid || st=$?
		t1=$(now_ms)
		want=130 word=interrupted
		[ $sig = TERM ] && want=143 word=terminated
		if [ "$st" -eq $want ] && [ $((t1 - t0)) -lt 1000 ] && grep -q "^minikvm: $word: stopping" "$TMP/err"; then
			pass "SIG$sig ends a run whose stdout is stuck, $want in $((t1 - t0)) ms"
		else
			fail "SIG$sig with stdout stuck: status $st after $((t1 - t0)) ms (expected $want at once)"
		fi
	done

	# A second SIGINT while the run winds down (its stopping message waits
	# on a stuck stderr) does not kill minikvm before the --stats JSON is
	# complete.  Default dispositions: a background job of a script would
	# otherwise ignore SIGINT, hiding the death this guards against.
	n=$((n + 1))
	stuck_pipe "$TMP/out$n"
	dflt=
	env --default-signal=INT true 2>/dev/null && dflt=--default-signal=INT,TERM
	env $dflt "$MINIKVM" run --stats=json:"$TMP/stats.json" tests/hostile/flood.yaml \
		>"$TMP/out$n" 2>&1 </dev/null &
	pid=$!
	wait_pipe_write $pid || diag "second SIGINT: the guest never blocked writing"
	t0=$(now_ms)
	kill -INT $pid
	wait_pipe_write $pid $pid || diag "second SIGINT: the message never blocked"
	kill -INT $pid 2>/dev/null
	st=0
	wait $pid || st=$?
	t1=$(now_ms)
	if [ "$st" -eq 130 ] && [ $((t1 - t0)) -lt 1500 ] &&
	   perl -MJSON::PP -e 'local $/; open(my $f, "<", $ARGV[0]) or exit 1;
		exit !defined decode_json(<$f>)->{vcpus}[0]' "$TMP/stats.json" 2>/dev/null; then
		pass "a second SIGINT during the stop: status 130 in $((t1 - t0)) ms, the JSON complete"
	else
		fail "second SIGINT: status $st after $((t1 - t0)) ms; JSON: $(wc -c <"$TMP/stats.json") bytes"
	fi
fi

# Any timeout the manifest accepts is honoured: 18446744073 s (2^64 ns
# less 0.7 s) is no timeout at once (the deadline wrapped around), and
# the guest gets its line from a slow writer.
st=0
{ sleep 0.5; echo hi; } | "$MINIKVM" run --set limits.timeout=18446744073s $p/readline.yaml \
	>"$TMP/out" 2>"$TMP/err" || st=$?
printf 'line: hi\n' >"$TMP/want"
if [ "$st" -eq 0 ] && cmp -s "$TMP/want" "$TMP/out"; then
	pass "a timeout near 2^64 ns does not wrap around"
else
	fail "timeout 18446744073s: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -3
fi

# 64 guests that loop forever: the timeout message names every one, in a
# whole line (it was cut at 512 bytes).
many_guests 64 "$PWD/tests/guests/loop.bin" 64K "limits:" "  timeout: 1s" >"$TMP/loop64.yaml"
st=0
"$MINIKVM" run "$TMP/loop64.yaml" >/dev/null 2>"$TMP/err" </dev/null || st=$?
line=$(grep '^minikvm: timeout: ' "$TMP/err")
why=
[ "$st" -eq 124 ] || why="status $st"
[ "$(grep -c '^minikvm: timeout: ' "$TMP/err")" -eq 1 ] || why="$why; not one timeout line"
i=0
while [ $i -lt 64 ]; do
	printf '%s\n' "$line" | grep -Eq "(: |, )vcpu$i at " || why="$why; vcpu$i missing"
	i=$((i + 1))
done
printf '%s\n' "$line" | grep -Eq 'vcpu63 at CS:IP [0-9a-f]{4}:[0-9a-f]{4}[^,]*$' || why="$why; the line does not end with vcpu63"
[ "$(tail -c 1 "$TMP/err" | od -An -c | tr -d ' ')" = '\n' ] || why="$why; no final newline"
if [ -z "$why" ]; then
	pass "the timeout message names all 64 running guests (${#line} bytes)"
else
	fail "timeout message with 64 guests:$why"
	tail -c 200 "$TMP/err" | sed 's/^/# /'
fi
