#!/bin/sh
# The 1K OS (os-1k/, configs/os-1k.yaml): every scripted session in
# tests/os-1k/ - NAME.in piped in - prints exactly NAME.out and ends with
# status 0.  The kernel turns 32-bit paging on, which a host KVM may
# refuse (kvm_pvm does; `minikvm doctor --mode protected+paging` says so):
# there, the test checks instead that minikvm refuses the manifest at once
# with a diagnosis naming `minikvm doctor`, and skips the sessions, which
# the lab VM (tests/lab/, real AMD-V semantics) runs from this same file.
. tests/lib.sh
manifest=configs/os-1k.yaml
sessions=$(ls tests/os-1k/*.in)
count=$(echo "$sessions" | wc -l)
plan $((count + 1))

# skip_all REASON: every test a skip (or, under CI=true, a failure).
skip_all() {
	: "${SKIP:=skip_or_fail}"
	$SKIP "$manifest is valid" "$1"
	for s in $sessions; do
		$SKIP "session $(basename "$s" .in)" "$1"
	done
	exit 0
}

kvm_usable || SKIP=kvm_skip skip_all "/dev/kvm is not usable here"
if [ ! -f os-1k/kernel.elf ]; then
	fail "os-1k/kernel.elf exists (make os-1k/kernel.elf)"
	for s in $sessions; do
		fail "session $(basename "$s" .in): no kernel"
	done
	exit 0
fi

if ! "$MINIKVM" doctor --mode protected+paging >/dev/null 2>&1; then
	# This host refuses 32-bit paging: minikvm must say so at once.
	expect_paging_refusal "$manifest"
	for s in $sessions; do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - session $(basename "$s" .in) # SKIP host refuses 32-bit paging; tests/lab runs it"
	done
	exit 0
fi

if "$MINIKVM" check "$manifest" >"$TMP/err" 2>&1; then
	pass "$manifest is valid"
else
	fail "$manifest is valid"
	sed 's/^/# /' "$TMP/err" | head -10
fi

for s in $sessions; do
	name=$(basename "$s" .in)
	st=0
	"$MINIKVM" run --no-color "$manifest" <"$s" >"$TMP/out" 2>"$TMP/err" || st=$?
	if [ "$st" -eq 0 ] && cmp -s "tests/os-1k/$name.out" "$TMP/out"; then
		pass "session $name"
	else
		fail "session $name (status $st)"
		diff -u "tests/os-1k/$name.out" "$TMP/out" | head -30 | sed 's/^/# /'
		sed 's/^/# stderr: /' "$TMP/err" | head -10
	fi
done
