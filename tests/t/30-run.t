#!/bin/sh
# End to end with KVM: every manifest in configs/ and tests/e2e/ runs to its
# expected stdout (tests/e2e/expected/NAME.out), exit status (NAME.status,
# default 0) and stderr (NAME.stderr: extended regexps that must each match
# a line), with NAME.in as standard input if present.  Multi-vCPU output is
# run without colour and grouped per vCPU (stably) before comparing, after
# checking that every line is whole and tagged.
. tests/lib.sh
exp=tests/e2e/expected
# configs/os-1k.yaml has its own test, tests/t/60-os-1k.t,
# configs/linux.yaml (a boot log with timestamps) tests/t/65-linux.t, and
# configs/disk.yaml (it writes its disk: run on a copy) tests/t/39-disk.t
cases=$(ls configs/*.yaml tests/e2e/*.yaml |
	grep -v -e '^configs/os-1k.yaml$' -e '^configs/linux.yaml$' -e '^configs/disk.yaml$')
plan_kvm $(($(echo "$cases" | wc -l) + 8))

for m in $cases; do
	run_case "$m" "$exp"
done

# The timeout ends a looping guest with 124 within a second of it.
t0=$(now_ms)
st=0
"$MINIKVM" run tests/e2e/loop.yaml >/dev/null 2>"$TMP/err" </dev/null || st=$?
t1=$(now_ms)
if [ "$st" -eq 124 ] && [ $((t1 - t0)) -lt 2000 ] && grep -q 'still running: vcpu0' "$TMP/err"; then
	pass "a 1s timeout ends a looping guest with 124 in $((t1 - t0)) ms"
else
	fail "timeout: status $st after $((t1 - t0)) ms"
fi

# One vCPU: bytes untouched, no prefix, no colour, even with colour forced off.
"$MINIKVM" run configs/hello.yaml >"$TMP/out" </dev/null
printf 'Hello, KVM!\n' >"$TMP/want"
same "hello prints exactly 'Hello, KVM!' and a newline" "$TMP/want" "$TMP/out"

# Colour: on request, each vCPU's lines in its own ANSI colour; on a
# terminal (a pty from script(1)) by default; never with NO_COLOR or
# console.color: never.
has_esc() { grep -q "$(printf '\033')" "$@"; }
"$MINIKVM" run --color=always configs/quad.yaml >"$TMP/out" </dev/null
if grep -q "$(printf '^\033\\[35m\\[vcpu 0\\] 2 x 1 = 2\033\\[0m$')" "$TMP/out" &&
   grep -q "$(printf '^\033\\[32m\\[vcpu 1\\] 0\033\\[0m$')" "$TMP/out"; then
	pass "--color=always colours each vCPU's lines"
else
	fail "--color=always colours each vCPU's lines"
	head -3 "$TMP/out" | od -c | sed 's/^/# /'
fi
script -q -c "$MINIKVM run configs/quad.yaml" /dev/null </dev/null >"$TMP/tty"
NO_COLOR=1 script -q -c "$MINIKVM run configs/quad.yaml" /dev/null </dev/null >"$TMP/tty-nc"
sed 's/^name: quad$/name: quad\nconsole:\n  color: never/' configs/quad.yaml >"$TMP/quad.yaml"
sed -i "s|\.\./guests|$PWD/guests|" "$TMP/quad.yaml"
script -q -c "$MINIKVM run $TMP/quad.yaml" /dev/null </dev/null >"$TMP/tty-never"
if has_esc "$TMP/tty" && ! has_esc "$TMP/tty-nc" && ! has_esc "$TMP/tty-never" &&
   [ "$(grep -c '^\[vcpu' "$TMP/tty-never")" -eq 98 ]; then
	pass "colour on a terminal by default; none with NO_COLOR or color: never"
else
	fail "colour on a terminal by default; none with NO_COLOR or color: never"
fi

# No KVM device: one line saying so, status 1.
st=0
MINIKVM_KVM_DEVICE=/nonexistent/kvm "$MINIKVM" run configs/hello.yaml >/dev/null 2>"$TMP/err" || st=$?
if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'no such device' "$TMP/err"; then
	pass "a missing KVM device is one line and status 1"
else
	fail "missing KVM device: status $st"
	sed 's/^/# /' "$TMP/err"
fi

# Guest memory the host cannot back is refused before any VM exists, in
# one line naming the total (64 guests of 64 GiB: 4096 GiB), status 1;
# it was accepted (MAP_NORESERVE) and OOM-killed once touched.  The other
# runs of this file are the guests the host can back.
many_guests 64 "$PWD/guests/hello64.elf" 64G "mode: long" >"$TMP/huge.yaml"
t0=$(now_ms)
st=0
"$MINIKVM" run "$TMP/huge.yaml" >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
t1=$(now_ms)
if [ "$st" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -s "$TMP/out" ] &&
   grep -Eq '^minikvm: the guests need 4096 GiB of memory in all; this host can give [0-9.]+ (bytes|KiB|MiB|GiB) \(.+\); give the vCPUs less memory$' "$TMP/err" &&
   [ $((t1 - t0)) -lt 2000 ]; then
	pass "64 guests of 64 GiB are refused at once: $(cut -c1-60 "$TMP/err")..."
else
	fail "64 guests of 64 GiB: status $st after $((t1 - t0)) ms (expected 1 at once, one line)"
	sed 's/^/# stderr: /' "$TMP/err" | head -3
fi

# A failing guest beside good ones: the others finish, the status is 1.
cat >"$TMP/mixed.yaml" <<EOT
version: 1
vcpus:
  - image: $PWD/tests/guests/fault.bin
  - image: $PWD/guests/counter.bin
  - image: $PWD/guests/fibonacci.bin
EOT
st=0
"$MINIKVM" run --no-color "$TMP/mixed.yaml" >"$TMP/out" 2>"$TMP/err" </dev/null || st=$?
if [ "$st" -eq 1 ] && [ "$(grep -c '^\[vcpu 1\]' "$TMP/out")" -eq 10 ] &&
   [ "$(grep -c '^\[vcpu 2\]' "$TMP/out")" -eq 15 ] && grep -q '^minikvm: vcpu0: guest fault' "$TMP/err"; then
	pass "a faulting vCPU does not stop the others; status 1"
else
	fail "faulting vCPU beside good ones: status $st"
	sed 's/^/# /' "$TMP/err" | head
fi

# SIGINT ends a run with 130, here while the echo guest waits for input:
# once its first line has come back, the guest is surely running.
signal_echo INT
if [ "$line" = hi ] && [ "$st" -eq 130 ] && grep -q 'interrupted' "$TMP/err"; then
	pass "SIGINT ends a run with 130 while the guest waits for input"
else
	fail "SIGINT: status $st, echoed '$line'"
fi
