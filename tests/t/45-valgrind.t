#!/bin/sh
# valgrind memcheck on a multi-vCPU run: no invalid access, no leak, and
# every file descriptor minikvm opened is closed at exit.
. tests/lib.sh
plan 2
if ! kvm_usable; then
	# valgrind is not in the lab VM (tests/lab/): on a host without a KVM
	# this test cannot run anywhere, which a skip says, even under CI
	echo "ok 1 - valgrind run # SKIP no usable /dev/kvm on this host"
	echo "ok 2 - valgrind fds # SKIP no usable /dev/kvm on this host"
	exit 0
fi
if ! command -v valgrind >/dev/null; then
	fail "valgrind is not installed (Debian package valgrind)"
	fail "valgrind fds"
	exit 0
fi
st=0
# --no-sandbox: valgrind does not emulate seccomp(2) (syscall 317), and
# would have its own system calls filtered if it did
valgrind -q --leak-check=full --errors-for-leak-kinds=all --track-fds=yes \
	--error-exitcode=99 build/minikvm run --no-color --no-sandbox configs/quad.yaml \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 98 ] && ! grep -q 'ERROR SUMMARY\|definitely lost\|Invalid' "$TMP/err"; then
	pass "quad under valgrind memcheck: no errors, no leaks, all output"
else
	fail "quad under valgrind: status $st"
	grep -v '^==[0-9]*== *$' "$TMP/err" | head -30 | sed 's/^/# /'
fi
# every "Open file descriptor" that valgrind lists must be inherited
leaked=$(awk '/Open file descriptor [0-9]+:/ { fd = $0; getline; if ($0 !~ /inherited from parent/) print fd }' "$TMP/err")
if [ -z "$leaked" ]; then
	pass "every file descriptor minikvm opened is closed at exit"
else
	fail "file descriptors left open: $leaked"
fi
