#!/bin/sh
# `make install` puts the command, its manual and its bash completion under
# DESTDIR/PREFIX, where bash-completion finds the latter; the installed
# command works from anywhere.
. tests/lib.sh
plan 5
make -s install DESTDIR="$TMP/root" PREFIX=/opt/mk >"$TMP/log" 2>&1
bin="$TMP/root/opt/mk/bin/minikvm"
completion="$TMP/root/opt/mk/share/bash-completion/completions/minikvm"
pages_ok=true
for page in man/*.[157]; do
	[ -f "$TMP/root/opt/mk/share/man/man${page##*.}/${page#man/}" ] || pages_ok=false
done
if [ -x "$bin" ] && $pages_ok && cmp -s "$completion" src/cli/minikvm.bash; then
	pass "make install DESTDIR=... PREFIX=... installs minikvm, its manual pages and its bash completion"
else
	fail "make install"
	sed 's/^/# /' "$TMP/log"
fi
# bash-completion looks in DIR/bash-completion/completions for each DIR of
# XDG_DATA_DIRS (/usr/local/share:/usr/share by default)
bc=/usr/share/bash-completion/bash_completion
if [ ! -f "$bc" ]; then
	skip_or_fail "bash-completion loads the installed completion" "bash-completion is not installed"
elif XDG_DATA_DIRS="$TMP/root/opt/mk/share" bash -c '. "$1" && __load_completion minikvm && complete -p minikvm' \
	sh "$bc" >"$TMP/out" 2>&1 && grep -q ' -F _minikvm minikvm$' "$TMP/out"; then
	pass "bash-completion loads the installed share/bash-completion/completions/minikvm"
else
	fail "bash-completion does not find the installed completion"
	sed 's/^/# /' "$TMP/out"
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
