#!/bin/sh
# Device models and table builders, tested alone from C: each
# tests/unit/test_hw_NAME.c is a TAP program (built as $UNIT_DIR/test_hw_NAME);
# this runs them all, one test each, and shows a failing one's output.
dir=${UNIT_DIR:-build}
set -- "$dir"/test_hw_*
if [ ! -x "$1" ]; then
	echo "1..1"
	echo "not ok 1 - no unit test programs in $dir (make all builds them)"
	exit 0
fi
echo "1..$#"
n=0
for prog; do
	n=$((n + 1))
	out=$("$prog" 2>&1)
	rc=$?
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p')
	oks=$(printf '%s\n' "$out" | grep -c '^ok')
	# all of its plan ran, and passed (a crash midway leaves some out)
	if [ $rc -eq 0 ] && [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$oks" -eq "$plan" ] &&
	   ! printf '%s\n' "$out" | grep -q '^not ok'; then
		echo "ok $n - ${prog##*/}: $(printf '%s\n' "$out" | grep -c '^ok') checks"
	else
		echo "not ok $n - ${prog##*/} (status $rc)"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
