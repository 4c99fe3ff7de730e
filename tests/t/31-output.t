#!/bin/sh
# Guest output under everyday use and hostile readers (issue 11): a write
# error is said in one line (status 1); a reader that goes away ends the run
# at once (status 141, quietly); a non-blocking standard output loses
# nothing; with one vCPU on a terminal each write shows at once, in a pipe
# a partial line waits for the end of its line, the guest's wait for input,
# or its end.  Guests: tests/promises/.
. tests/lib.sh
p=tests/promises
plan_kvm 6

# nonblock FD CMD...: runs CMD with O_NONBLOCK set on FD's open file.
nonblock() {
	perl -MFcntl -e 'my $fd = shift;
open(my $fh, $fd == 0 ? "<&=" : ">&=", $fd) or die "fd $fd: $!";
fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) | O_NONBLOCK) or die "fcntl: $!";
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!"' "$@"
}

# A full device: one line naming the error, status 1 (it was 0, silent).
st=0
"$MINIKVM" run configs/hello.yaml >/dev/full 2>"$TMP/err" </dev/null || st=$?
printf 'minikvm: standard output: No space left on device\n' >"$TMP/want"
if [ "$st" -eq 1 ] && cmp -s "$TMP/want" "$TMP/err"; then
	pass "stdout on /dev/full: one line, status 1"
else
	fail "stdout on /dev/full: status $st (expected 1 and the line below)"
	diag "want: $(cat "$TMP/want")" "got:  $(cat "$TMP/err")"
fi

# The reader goes away (EPIPE): a guest printing forever ends at once,
# quietly, with 141 (128 + SIGPIPE), not at its 10 s timeout.
t0=$(now_ms)
{
	st=0
	"$MINIKVM" run $p/spew.yaml 2>"$TMP/err" </dev/null || st=$?
	echo "$st" >"$TMP/st"
} | head -c 100 >"$TMP/out"
t1=$(now_ms)
st=$(cat "$TMP/st")
if [ "$st" -eq 141 ] && [ $((t1 - t0)) -lt 5000 ] && [ ! -s "$TMP/err" ] &&
   [ "$(wc -c <"$TMP/out")" -eq 100 ]; then
	pass "a reader that goes away ends the run in $((t1 - t0)) ms, status 141, quietly"
else
	fail "EPIPE: status $st after $((t1 - t0)) ms (expected 141 at once, empty stderr)"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi

# A non-blocking stdout (EAGAIN) that a slow reader drains: every byte of
# the flood (16 MiB of PUTS, then 65536 PUTCHARs) arrives.
if command -v perl >/dev/null; then
	{
		st=0
		nonblock 1 "$MINIKVM" run tests/hostile/flood.yaml 2>"$TMP/err" </dev/null || st=$?
		echo "$st" >"$TMP/st"
	} | { sleep 1; wc -c; } >"$TMP/count"
	st=$(cat "$TMP/st")
	if [ "$st" -eq 0 ] && [ "$(cat "$TMP/count")" -eq $((256 * 65536 + 65536)) ] &&
	   [ ! -s "$TMP/err" ]; then
		pass "an O_NONBLOCK stdout loses nothing (EAGAIN waits)"
	else
		fail "O_NONBLOCK stdout: status $st, $(cat "$TMP/count") bytes of $((256 * 65536 + 65536))"
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi
else
	skip_or_fail "an O_NONBLOCK stdout loses nothing" "no perl"
fi

# On a terminal (a pty from script(1)), one vCPU: a dot without a newline
# shows at once while the guest goes on running (it was held until the
# end of the line, here until the 10 s timeout).
mkfifo "$TMP/tty"
script -qec "$MINIKVM run $p/spin.yaml" /dev/null </dev/null >"$TMP/tty" 2>/dev/null &
spid=$!
t0=$(now_ms)
first=$(timeout 5 dd bs=1 count=1 <"$TMP/tty" 2>/dev/null)
t1=$(now_ms)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
if [ "$first" = . ] && [ $((t1 - t0)) -lt 5000 ]; then
	pass "on a terminal a partial line shows at once ($((t1 - t0)) ms)"
else
	fail "on a terminal the dot did not show while the guest ran ('$first' after $((t1 - t0)) ms)"
fi

# On a terminal, a prompt shows before the guest waits for input; then it
# takes its line.
mkfifo "$TMP/ttyin" "$TMP/tty2"
script -qec "$MINIKVM run $p/readline.yaml" /dev/null <"$TMP/ttyin" >"$TMP/tty2" 2>/dev/null &
spid=$!
exec 3>"$TMP/ttyin" 4<"$TMP/tty2"
prompt=$(timeout 5 dd bs=1 count=6 <&4 2>/dev/null)
echo hi >&3
exec 3>&-
timeout 10 cat <&4 >"$TMP/rest"
exec 4<&-
wait "$spid" 2>/dev/null
if [ "$prompt" = "line: " ] && grep -q 'hi' "$TMP/rest"; then
	pass "on a terminal the prompt shows before the guest waits for input"
else
	fail "terminal prompt: got '$prompt' before the input"
	od -c "$TMP/rest" | head -5 | sed 's/^/# /'
fi

# Into a pipe, the same partial line waits for the guest's end (here the
# timeout): exactly one dot, no newline added.
st=0
"$MINIKVM" run --set limits.timeout=1s $p/spin.yaml >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
printf . >"$TMP/want"
if [ "$st" -eq 124 ] && cmp -s "$TMP/want" "$TMP/out"; then
	pass "into a pipe a partial line is written when the guest ends"
else
	fail "partial line into a pipe: status $st"
	od -c "$TMP/out" | head -3 | sed 's/^/# /'
fi
