#!/bin/sh
# Misbehaving guests (tests/hostile/): each ends with its expected status,
# stdout and one-line diagnosis (tests/hostile/expected/); none crashes or
# hangs minikvm.  The output flood is checked apart: every byte arrives and
# minikvm's memory stays bounded.
. tests/lib.sh
exp=tests/hostile/expected
cases=$(ls tests/hostile/*.yaml | grep -v '/flood.yaml$')
plan_kvm $(($(echo "$cases" | wc -l) + 2))
for m in $cases; do
	run_case "$m" "$exp"
done

# 16 MiB through PUTS, 64 KiB through PUTCHAR: all of it, in order.
st=0
"$MINIKVM" run tests/hostile/flood.yaml </dev/null 2>"$TMP/err" |
	{ md5sum; } >"$TMP/sum" || st=$?
# the expected stream: 256 x 1024 lines of 63 'A', then 65536 'B'
{ yes "$(printf '%63s' '' | tr ' ' A)" | head -n 262144
  head -c 65536 /dev/zero | tr '\000' B; } | md5sum >"$TMP/flood.want"
if [ "$st" -eq 0 ] && cmp -s "$TMP/flood.want" "$TMP/sum" && [ ! -s "$TMP/err" ]; then
	pass "an output flood (16 MiB + 64 KiB): every byte arrives, in order"
else
	fail "output flood: status $st, checksum $(cat "$TMP/sum") (want $(cat "$TMP/flood.want"))"
fi
# Peak memory: guest RAM (128K) is mapped, output is never queued.
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$TMP/rss" "$MINIKVM" run tests/hostile/flood.yaml \
		</dev/null >/dev/null 2>&1
	rss=$(tail -1 "$TMP/rss")
	if [ "$rss" -lt 65536 ]; then
		pass "the flood's peak RSS stays bounded ($rss KiB < 64 MiB)"
	else
		fail "the flood's peak RSS is $rss KiB"
	fi
else
	skip_or_fail "the flood's peak RSS" "no /usr/bin/time (Debian package time)"
fi
