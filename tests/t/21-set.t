#!/bin/sh
# --set PATH=VALUE overrides (tests/manifests/set/cases): applied over the
# file's values and checked the same way; a bad one's error names the --set
# argument.  Each case: the exit status, stderr (NAME.err, or none) and, for
# check -v, the effective manifest (NAME.out).  The arguments are split as
# the shell splits words (quotes work), without globbing.
. tests/lib.sh
dir=tests/manifests/set
plan $(grep -vc '^#' "$dir/cases")
while IFS='|' read -r name want args; do
	case $name in '' | '#'*) continue ;; esac
	st=0
	set -f
	eval "set -- $args"
	set +f
	"$MINIKVM" check "$@" >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
	sed -i "s|$PWD|@ROOT@|g" "$TMP/out"
	[ -f "$dir/$name.err" ] && exp_err=$dir/$name.err || exp_err=/dev/null
	[ -f "$dir/$name.out" ] && exp_out=$dir/$name.out || exp_out=/dev/null
	if [ "$st" -eq "$want" ] && cmp -s "$exp_err" "$TMP/err" && cmp -s "$exp_out" "$TMP/out"; then
		pass "--set case $name"
	else
		fail "--set case $name (status $st, expected $want)"
		diff -u "$exp_err" "$TMP/err" | head -10 | sed 's/^/# /'
		diff -u "$exp_out" "$TMP/out" | head -10 | sed 's/^/# /'
	fi
done <"$dir/cases"
