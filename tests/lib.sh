# lib.sh - TAP helpers for the shell tests (sourced; POSIX sh).
#
#   plan N | ok COND NAME | diag TEXT | kvm_usable
# Run from the repository root; $MINIKVM is the binary under test.

: "${MINIKVM:=build/minikvm}"
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }

# pass NAME / fail NAME: one TAP result line each.
pass() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
fail() { TAP_N=$((TAP_N + 1)); TAP_FAILED=1; echo "not ok $TAP_N - $1"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# skip_or_fail NAME REASON: a skip, except under CI=true where the
# environment is supposed to have what the test needs.
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		fail "$1 (cannot run: $2, and CI=true)"
	else
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # SKIP $2"
	fi
}

# same NAME EXPECTED_FILE ACTUAL_FILE: compares two files byte for byte.
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		diff -u "$2" "$3" | head -40 | sed 's/^/# /'
	fi
}

# kvm_usable: true if /dev/kvm can be opened for reading and writing.
kvm_usable() {
	dev=${MINIKVM_KVM_DEVICE:-/dev/kvm}
	[ -c "$dev" ] && [ -r "$dev" ] && [ -w "$dev" ]
}

# now_ms: a monotonic-enough wall clock in milliseconds.  Where date has
# no %N (busybox, in the lab VM), the kernel's uptime, in 10 ms steps.
now_ms() {
	ns=$(date +%s%N)
	case $ns in
	*[!0-9]*) awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime ;;
	*) echo $((ns / 1000000)) ;;
	esac
}
