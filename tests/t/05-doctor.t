#!/bin/sh
# `minikvm doctor` reports what this host's KVM can do, and its facts agree
# with what the host says elsewhere (/sys/module, /proc/cpuinfo) and with
# its own per-mode answers; its guest-debugging probe's JSON and text agree.
. tests/lib.sh
plan 11
if ! kvm_usable; then
	for i in 1 2 3 4 5 6 7 8 9; do
		kvm_skip "doctor test $i"
	done
else
	st=0
	"$MINIKVM" doctor --json >"$TMP/d.json" 2>"$TMP/err" || st=$?
	# one "key=value" line per fact, from the JSON (perl's core JSON::PP)
	perl -MJSON::PP -e '
		local $/; my $d = decode_json(<STDIN>);
		print "usable=", ($d->{usable} ? 1 : 0), "\n";
		print "module=", ($d->{module} // ""), "\n";
		print "vm=", ($d->{host_is_vm} ? 1 : 0), "\n";
		print "api=$d->{api_version}\n";
		print "sync=", ($d->{capabilities}{SYNC_REGS} ? 1 : 0), "\n";
		for my $m (sort keys %{$d->{modes}}) {
			print "mode:$m=", ($d->{modes}{$m}{runs} ? 1 : 0), "\n";
		}
		# the debug features: 1, 0, or "?" where not a JSON boolean
		my $g = ref $d->{debug} eq "HASH" ? $d->{debug} : {};
		for my $k (qw(single_step hw_insn hw_data sw_bp)) {
			my $v = $g->{$k};
			print "debug:$k=", (JSON::PP::is_bool($v) ? ($v ? 1 : 0) : "?"), "\n";
		}
		print "debug-problem=", ($g->{problem} // ""), "\n";' <"$TMP/d.json" >"$TMP/facts" 2>"$TMP/perr" || true
	if [ "$st" -eq 0 ] && grep -qx 'usable=1' "$TMP/facts" && grep -qx 'api=12' "$TMP/facts"; then
		pass "doctor --json: /dev/kvm usable, API version 12, valid JSON"
	else
		fail "doctor --json (status $st)"
		sed 's/^/# /' "$TMP/err" "$TMP/perr"
	fi
	want=$(ls /sys/module | grep '^kvm_' | head -1)
	if grep -qx "module=$want" "$TMP/facts"; then
		pass "doctor names the KVM module ($want) as /sys/module does"
	else
		fail "doctor's module differs from /sys/module ($want)"
	fi
	vm=0
	grep -qw hypervisor /proc/cpuinfo && vm=1
	if grep -qx "vm=$vm" "$TMP/facts"; then
		pass "doctor's host-is-a-VM agrees with /proc/cpuinfo (hypervisor flag: $vm)"
	else
		fail "doctor's host-is-a-VM disagrees with /proc/cpuinfo ($vm)"
	fi
	agree=1
	for m in real protected protected+paging protected+interrupts long; do
		r=0
		"$MINIKVM" doctor --mode "$m" || r=$?
		if [ "$r" -eq 0 ]; then want=1; else want=0; fi
		grep -qx "mode:$m=$want" "$TMP/facts" || agree=0
	done
	if [ "$agree" -eq 1 ] && grep -qx 'mode:real=1' "$TMP/facts"; then
		pass "doctor --mode agrees with the report for every mode; real mode runs"
	else
		fail "doctor --mode and the report disagree"
		cat "$TMP/facts" | sed 's/^/# /'
	fi
	"$MINIKVM" doctor >"$TMP/text"
	if grep -q '^KVM device    /dev/kvm: usable, KVM API version 12$' "$TMP/text" &&
	   [ "$(grep -c '^  \(real\|protected\|protected+paging\|protected+interrupts\|long\) ' "$TMP/text")" -eq 5 ]; then
		pass "the text report names the device and every guest mode"
	else
		fail "the text report"
		sed 's/^/# /' "$TMP/text"
	fi
	if grep -qE '^  real +runs, (native|emulated): [0-9.]+ ns per guest instruction$' "$TMP/text"; then
		pass "real mode's speed is measured"
	else
		fail "real mode's speed is measured"
	fi
	# guest debugging: which KVM_SET_GUEST_DEBUG features exit here
	diag "guest debugging here: $(grep '^debug' "$TMP/facts" | tr '\n' ' ')"
	if [ "$(grep -c '^debug:[a-z_]*=[01]$' "$TMP/facts")" -eq 4 ]; then
		pass "doctor --json: a debug object with single_step, hw_insn, hw_data and sw_bp, each a boolean"
	else
		fail "doctor --json: the debug object"
		grep '^debug' "$TMP/facts" | sed 's/^/# /'
	fi
	# the text's line per feature says yes or no as the JSON does
	agree=1
	for f in single-step:single_step hw-breakpoints:hw_insn hw-watchpoints:hw_data sw-breakpoints:sw_bp; do
		want=no
		grep -qx "debug:${f#*:}=1" "$TMP/facts" && want=yes
		grep -qE "^  ${f%%:*} +$want - " "$TMP/text" || agree=0
	done
	if [ "$agree" -eq 1 ] && grep -q '^guest debug   (probe: KVM_SET_GUEST_DEBUG' "$TMP/text"; then
		pass "the text report's guest-debugging lines agree with the JSON"
	else
		fail "the text report's guest-debugging lines and the JSON"
		sed -n '/^guest debug/,$s/^/# /p' "$TMP/text"
	fi
	# single-step needs nothing but a KVM that runs real mode
	if ! grep -qx 'mode:real=1' "$TMP/facts" || grep -qx 'debug:single_step=1' "$TMP/facts"; then
		pass "single-step exits with KVM_EXIT_DEBUG where real mode runs"
	else
		fail "single-step: no KVM_EXIT_DEBUG, though real mode runs"
		grep '^debug-problem=' "$TMP/facts" | sed 's/^/# /'
	fi
fi
st=0
MINIKVM_KVM_DEVICE=/nonexistent/kvm "$MINIKVM" doctor >"$TMP/out" 2>&1 || st=$?
if [ "$st" -eq 1 ] && grep -q 'not usable: .*no such device' "$TMP/out"; then
	pass "without a KVM device doctor says why and exits 1"
else
	fail "doctor without a device: status $st"
	sed 's/^/# /' "$TMP/out"
fi
# --mode answers by its status alone, so --json with it means nothing:
# refused, in either order, as a usage error (status 2, one line), with
# or without KVM.
ok=1
for args in "--json --mode real" "--mode long --json"; do
	st=0
	# shellcheck disable=SC2086 # split on purpose
	"$MINIKVM" doctor $args >"$TMP/out" 2>"$TMP/err" || st=$?
	if [ "$st" -ne 2 ] || [ -s "$TMP/out" ] || [ "$(wc -l <"$TMP/err")" -ne 1 ] ||
	   ! grep -q "^minikvm: doctor: --json and --mode do not go together" "$TMP/err"; then
		ok=0
		diag "doctor $args: status $st" "$(cat "$TMP/err")"
	fi
done
if [ "$ok" -eq 1 ]; then
	pass "doctor --json --mode MODE: refused, status 2, one line"
else
	fail "doctor --json --mode MODE"
fi
