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

# in_lab_suite: true if this test file also runs inside the lab VM
# (tests/lab/suite), where it gets a KVM of its own in the same make check.
in_lab_suite() {
	[ -z "${MINIKVM_LAB:-}" ] && grep -qx "$0" tests/lab/suite 2>/dev/null
}

# kvm_skip NAME: one KVM test that cannot run on this host (no usable
# /dev/kvm): a skip; under CI=true a failure, unless the file runs in the
# lab too (then the same make check runs it there, on a real KVM).
kvm_skip() {
	if in_lab_suite; then
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # SKIP no usable /dev/kvm here; this file runs in the lab VM (50-lab.t)"
	else
		skip_or_fail "$1" "/dev/kvm is not usable here"
	fi
}

# plan_kvm N: the plan; then, where /dev/kvm is unusable, all N tests
# skipped (kvm_skip) and the script ends.
plan_kvm() {
	plan "$1"
	kvm_usable && return 0
	i=1
	while [ "$i" -le "$1" ]; do
		kvm_skip "KVM test $i"
		i=$((i + 1))
	done
	exit 0
}

# expect_paging_refusal MANIFEST: on a host whose KVM refuses 32-bit
# paging, running MANIFEST (whose guest turns paging on) must fail at once,
# status 1, with a diagnosis naming `minikvm doctor`.
expect_paging_refusal() {
	t0=$(now_ms)
	st=0
	"$MINIKVM" run --no-color "$1" </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
	t1=$(now_ms)
	if [ "$st" -eq 1 ] && [ $((t1 - t0)) -lt 5000 ] && grep -q 'minikvm doctor' "$TMP/err"; then
		pass "$1 refused in $((t1 - t0)) ms: this host refuses 32-bit paging"
	else
		fail "$1 on a host that refuses paging: status $st after $((t1 - t0)) ms, expected 1 at once with a diagnosis naming minikvm doctor"
		sed 's/^/# stderr: /' "$TMP/err" | head -10
	fi
}

# median: the median of the numbers on standard input, one a line (the
# mean of the middle two for an even count); nothing for no numbers.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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

# refused_verdict WHAT EXP NAME: after a run ($st, $TMP/err) of a guest
# needing the mode EXP/NAME.needs names on a host that refuses it, WHAT
# passes if the status is 1 and stderr matches each regexp of
# EXP/NAME.refused.
refused_verdict() {
	why=
	[ "$st" -eq 1 ] || why="status $st, expected 1"
	while IFS= read -r re; do
		grep -Eq -- "$re" "$TMP/err" || why="$why; stderr lacks /$re/"
	done <"$2/$3.refused"
	if [ -z "$why" ]; then
		pass "$1: this host refuses $(cat "$2/$3.needs"), and the diagnosis says so"
	else
		fail "$1 on a host that refuses $(cat "$2/$3.needs") ($why)"
		sed 's/^/# stderr: /' "$TMP/err" | head -10
	fi
}

# run_case MANIFEST EXPECTED_DIR: runs MANIFEST and checks its status
# (NAME.status, default 0), stdout (NAME.out) and stderr (NAME.stderr:
# extended regexps that must each match a line; without it stderr must be
# empty; NAME.nostderr: regexps that must match no line), with NAME.in as
# standard input if present.  Multi-vCPU output is
# checked to be whole tagged lines, then grouped per vCPU (stably).  A
# manifest whose guest needs a mode this host's KVM refuses (NAME.needs
# names it, as `minikvm doctor --mode` does) must instead fail with the
# diagnosis in NAME.refused; the lab VM, whose KVM runs every mode, runs
# it for real.
run_case() {
	name=$(basename "$1" .yaml)
	exp=$2
	if [ -f "$exp/$name.needs" ] && ! "$MINIKVM" doctor --mode "$(cat "$exp/$name.needs")"; then
		st=0
		"$MINIKVM" run --no-color "$1" </dev/null >/dev/null 2>"$TMP/err" || st=$?
		refused_verdict "run $1" "$exp" "$name"
		return
	fi
	in=/dev/null
	[ -f "$exp/$name.in" ] && in=$exp/$name.in
	want=0
	[ -f "$exp/$name.status" ] && want=$(cat "$exp/$name.status")
	st=0
	"$MINIKVM" run --no-color "$1" <"$in" >"$TMP/out" 2>"$TMP/err" || st=$?
	why=
	[ "$st" -eq "$want" ] || why="status $st, expected $want"
	if grep -q '^\[vcpu ' "$TMP/out"; then
		grep -Ev '^\[vcpu [0-9]+\] ' "$TMP/out" >"$TMP/torn" &&
			why="$why; untagged or torn lines"
		sort -s -k2,2n "$TMP/out" >"$TMP/grouped"
		mv "$TMP/grouped" "$TMP/out"
	fi
	cmp -s "$exp/$name.out" "$TMP/out" || why="$why; stdout differs"
	if [ -f "$exp/$name.stderr" ]; then
		while IFS= read -r re; do
			grep -Eq -- "$re" "$TMP/err" || why="$why; stderr lacks /$re/"
		done <"$exp/$name.stderr"
	elif [ -s "$TMP/err" ]; then
		why="$why; unexpected stderr"
	fi
	if [ -f "$exp/$name.nostderr" ]; then
		while IFS= read -r re; do
			! grep -Eq -- "$re" "$TMP/err" || why="$why; stderr has /$re/"
		done <"$exp/$name.nostderr"
	fi
	if [ -z "$why" ]; then
		pass "run $1"
	else
		fail "run $1 ($why)"
		show_run "$exp/$name.out" "$TMP/out"
	fi
}

# show_run WANT GOT: after a failed check of a run, how its stdout GOT
# differs from WANT, and the start of its stderr ($TMP/err), as comments.
show_run() {
	diff -u "$1" "$2" | head -20 | sed 's/^/# /'
	sed 's/^/# stderr: /' "$TMP/err" | head -10
}

# many_guests N IMAGE MEMORY [LINE...]: a manifest on stdout with N vCPU
# entries of IMAGE and MEMORY, after `version: 1` and the given top-level
# LINEs (e.g. "mode: long").
many_guests() {
	n=$1 image=$2 memory=$3
	shift 3
	echo "version: 1"
	for line in "$@"; do echo "$line"; done
	echo "vcpus:"
	i=0
	while [ "$i" -lt "$n" ]; do
		echo "  - image: $image"
		echo "    memory: $memory"
		i=$((i + 1))
	done
}

# signal_echo SIG [OPTION...]: runs configs/echo.yaml with OPTIONs, its
# input and output FIFOs; once its first line ("hi") has come back (the
# guest surely runs, waiting for more input), sends SIG.  Sets $line (what
# came back) and $st (the exit status); stderr is in $TMP/err.
signal_echo() {
	sig=$1
	shift
	rm -f "$TMP/in" "$TMP/outfifo"
	mkfifo "$TMP/in" "$TMP/outfifo"
	"$MINIKVM" run "$@" configs/echo.yaml <"$TMP/in" >"$TMP/outfifo" 2>"$TMP/err" &
	pid=$!
	exec 3>"$TMP/in" 4<"$TMP/outfifo"
	echo hi >&3
	read -r line <&4
	kill -"$sig" $pid
	st=0
	wait $pid || st=$?
	exec 3>&- 4<&-
}
