#!/bin/sh
# bench-linux.t - a benchmark, not a test: runs inside the lab VM (make
# bench: tests/bench/run-bench boots the lab with LAB_SUITE=
# tests/lab/bench-suite and the image that has QEMU in it).  Boots Debian's
# kernel and the busybox initramfs (configs/linux.yaml; make linux-assets)
# to /init's marker line with minikvm and with QEMU (-accel kvm -cpu host,
# its default pc machine, no devices but the serial port): the same
# kernel, initramfs, memory and command line, PAIRS times each (kernel
# parameter lab_pairs, default 5), alternating, with 1 and with 2
# processors (minikvm's vcpus[0].cpus, QEMU's -smp).  Reports the medians
# of the boots that reached the marker (a hung one, 40 s, is counted
# apart), from launch to the marker and to the end of the process, as TAP
# and one line per processor count
#   # LAB-BENCH cpus=C pairs=N minikvm_marker_ms=.. minikvm_exit_ms=.. qemu_marker_ms=.. qemu_exit_ms=..
# Both run nested (L2) under the lab's KVM, which itself runs under QEMU's
# TCG emulator: the ratio compares the two VMMs on equal terms; the
# absolute times say nothing about VT-x/AMD-V hardware.
. tests/lib.sh
pairs=${lab_pairs:-5}
kernel=build/linux/vmlinuz initrd=build/linux/initramfs
cmdline="console=ttyS0 panic=-1 reboot=k io_delay=none quiet"
mem=$(sed -n 's/^ *- memory: *\([0-9]*\)M.*/\1/p' configs/linux.yaml)
plan 4

# timed CMD...: "MARKER_MS EXIT_MS" for one run ("- EXIT_MS" if the
# marker never came); the VMM's stdout is read line by line as it comes.
timed() {
	t0=$(now_ms)
	timeout 40 "$@" </dev/null 2>/dev/null | {
		m=-
		while IFS= read -r line; do
			case $line in
			*"minikvm-linux: init reached"*) [ "$m" = - ] && m=$(($(now_ms) - t0)) ;;
			esac
		done
		echo "$m $(($(now_ms) - t0))"
	}
}

result() {	# NAME FILE: a TAP line; the medians in $mk and $ex
	mk=$(grep -v '^-' "$2" | cut -d' ' -f1 | median)
	ex=$(grep -v '^-' "$2" | cut -d' ' -f2 | median)	# of the boots that worked
	n=$(grep -vc '^-' "$2")
	if [ "$n" -eq "$pairs" ]; then
		pass "$1: $pairs boots to the marker, median $mk ms (exit $ex ms)"
	else
		fail "$1: only $n of $pairs boots reached the marker"
	fi
}
for cpus in 1 2; do
	: >/tmp/bm; : >/tmp/bq
	i=0
	while [ $i -lt "$pairs" ]; do
		timed "$MINIKVM" run --no-color --set limits.timeout=40s \
			--set "vcpus[0].cpus=$cpus" \
			--set "vcpus[0].linux.cmdline=$cmdline" configs/linux.yaml >>/tmp/bm
		timed qemu-system-x86_64 -accel kvm -cpu host -smp "$cpus" -m "${mem}M" \
			-nodefaults -display none -serial stdio -no-reboot \
			-kernel "$kernel" -initrd "$initrd" -append "$cmdline" >>/tmp/bq
		i=$((i + 1))
	done
	sed "s/^/# minikvm, $cpus cpus: /" /tmp/bm
	sed "s/^/# qemu, $cpus cpus: /" /tmp/bq
	result "minikvm, $cpus cpus" /tmp/bm; m_mk=$mk m_ex=$ex
	result "qemu, $cpus cpus" /tmp/bq; q_mk=$mk q_ex=$ex
	echo "# LAB-BENCH cpus=$cpus pairs=$pairs minikvm_marker_ms=$m_mk minikvm_exit_ms=$m_ex qemu_marker_ms=$q_mk qemu_exit_ms=$q_ex"
done
