#!/bin/sh
# The sandbox (minikvm(1), --no-sandbox): the filters refuse and allow what
# they must, each role's in a child process (tests/unit/test_sandbox.c);
# every thread of a running minikvm has its filter (Seccomp: 2 in
# /proc/PID/task/*/status: a processor, the input and timer threads, the
# gdb stub's and the main thread), and the run still stops cleanly on
# SIGTERM; with --no-sandbox none has one; doctor says whether this host
# takes filters.  Every other suite runs with the sandbox on, so a system
# call missing from a list fails there (status 159, the call named).
. tests/lib.sh
. tests/gdb/lib.sh
unit=${UNIT_DIR:-build}/test_sandbox
plan 5

out=$("$unit" 2>&1)
rc=$?
if [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok' &&
   [ "$(printf '%s\n' "$out" | grep -c '^ok')" -eq 12 ]; then
	if printf '%s\n' "$out" | grep -q '# SKIP'; then
		pass "the filters refuse and allow: skipped, $(printf '%s\n' "$out" | sed -n '2s/.*# SKIP //p')"
	else
		pass "the filters refuse and allow: 12 checks in child processes"
	fi
else
	fail "the filters refuse and allow ($unit, status $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

# seccomp_of PID: each task's Seccomp: field, one a line
seccomp_of() {
	for s in /proc/"$1"/task/*/status; do
		sed -n 's/^Seccomp:[[:space:]]*//p' "$s"
	done
}

if ! kvm_usable; then
	for t in "every thread of a run has its filter" "the run stops on SIGTERM" \
		"--no-sandbox: no filter"; do
		kvm_skip "$t"
	done
elif "$MINIKVM" doctor | grep -q '^sandbox  *no: an AddressSanitizer build'; then
	# the sanitizers' pass of make check: a property of the build
	for t in "every thread of a run has its filter" "the run stops on SIGTERM" \
		"--no-sandbox: no filter"; do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $t # SKIP an AddressSanitizer build runs without filters"
	done
elif ! "$MINIKVM" doctor | grep -q '^sandbox  *yes'; then
	for t in "every thread of a run has its filter" "the run stops on SIGTERM" \
		"--no-sandbox: no filter"; do
		skip_or_fail "$t" "this host's kernel takes no seccomp filters"
	done
else
	# irq.yaml with input and --gdb: all five kinds of thread.  Once a
	# client has come and gone (the gdb thread served it), the timer has
	# ticked 5 times and a byte typed is echoed, each thread is past its
	# filter's installation.
	rm -f "$TMP/in" "$TMP/outp"
	mkfifo "$TMP/in" "$TMP/outp"
	exec 4<>"$TMP/in"
	GDB_IN=$TMP/in GDB_OUT=$TMP/outp gdb_start 127.0.0.1:0 --set 'vcpus[0].stdin=true' configs/irq.yaml
	perl tests/gdb/rsp-client.pl "$port" tests/gdb/go.rsp >/dev/null 2>&1 </dev/null
	IFS= read -r l1 <&6
	echo x >&4
	IFS= read -r l2 <&6
	seccomp_of "$pid" >"$TMP/seccomp"
	n=$(wc -l <"$TMP/seccomp")
	if [ "$l1" = "5 ticks" ] && [ "$l2" = x ] && [ "$n" -ge 5 ] && ! grep -qv '^2$' "$TMP/seccomp"; then
		pass "every thread of a run has its filter: $n threads, Seccomp: 2"
	else
		fail "every thread of a run has its filter ($n threads; output '$l1' '$l2')"
		tr '\n' ' ' <"$TMP/seccomp" | sed 's/^/# Seccomp: /'
		echo
	fi
	kill -TERM "$pid"
	exec 4>&-
	cat <&6 >/dev/null
	exec 6<&-
	gdb_finish
	if [ "$st" -eq 143 ] && ! grep -q sandbox "$TMP/err"; then
		pass "under the filters, the run stops on SIGTERM: status 143"
	else
		fail "under the filters, SIGTERM: status $st, expected 143"
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi

	GDB_OUT= gdb_start 127.0.0.1:0 --no-sandbox configs/irq.yaml
	seccomp_of "$pid" >"$TMP/seccomp"
	kill -TERM "$pid"
	gdb_finish
	if [ -s "$TMP/seccomp" ] && ! grep -qv '^0$' "$TMP/seccomp" && [ "$st" -eq 143 ]; then
		pass "--no-sandbox: no thread has a filter"
	else
		fail "--no-sandbox: Seccomp $(tr '\n' ' ' <"$TMP/seccomp"), status $st"
	fi
fi

# doctor says whether the filters can be had, and how
if "$MINIKVM" doctor 2>/dev/null | grep -Eq '^sandbox +(yes: run.s threads get seccomp filters \(libseccomp API level [0-9]+\)|no: .*(run needs --no-sandbox|runs without .*))$'; then
	pass "doctor: $("$MINIKVM" doctor 2>/dev/null | grep '^sandbox')"
else
	fail "doctor reports the sandbox"
	"$MINIKVM" doctor 2>&1 | sed 's/^/# /' | head -8
fi
