#!/bin/sh
# `make install` puts the command and its manual under DESTDIR/PREFIX, and
# the installed command works from anywhere.
. tests/lib.sh
plan 4
make -s install DESTDIR="$TMP/root" PREFIX=/opt/mk >"$TMP/log" 2>&1
bin="$TMP/root/opt/mk/bin/minikvm"
pages_ok=true
for page in man/*.[157]; do
	[ -f "$TMP/root/opt/mk/share/man/man${page##*.}/${page#man/}" ] || pages_ok=false
done
if [ -x "$bin" ] && $pages_ok; then
	pass "make install DESTDIR=... PREFIX=... installs minikvm and its manual pages"
else
	fail "make install"
	sed 's/^/# /' "$TMP/log"
fi
dir=$PWD
st=0
(cd / && "$bin" check "$dir/configs/quad.yaml") >"$TMP/out" 2>&1 || st=$?
if [ "$st" -eq 0 ] && [ ! -s "$TMP/out" ]; then
	pass "the installed minikvm checks a manifest from another folder"
else
	fail "installed minikvm check: status $st"
fi
st=0
"$bin" >/dev/null 2>"$TMP/err" || st=$?
if [ "$st" -eq 2 ] && grep -q 'no command given' "$TMP/err"; then
	pass "no command is a usage error (status 2)"
else
	fail "no command: status $st"
fi
make -s uninstall DESTDIR="$TMP/root" PREFIX=/opt/mk >"$TMP/log" 2>&1
left=$(find "$TMP/root" -type f | wc -l)
if [ "$left" -eq 0 ]; then
	pass "make uninstall removes what make install put there"
else
	fail "make uninstall left $left files"
fi
