#!/bin/sh
# bench-disk.t - a benchmark, not a test: runs inside the lab VM (make
# bench: tests/bench/run-bench boots the lab with LAB_SUITE=
# tests/lab/bench-suite and the image that has QEMU in it).  Sequential
# disk throughput through the ATA data port: the boot sector
# tests/bench/disk/bench-disk.S reads from its disk by polled PIO (READ
# MULTIPLE, 16-sector blocks, `rep insw`), writes back (WRITE MULTIPLE,
# `rep outsw`), flushes, and prints a line at the start and after each
# direction.  The same guest and image (tests/bench/disk/disk.mk) run
# under minikvm (tests/bench/disk/bench-disk.yaml) and under QEMU's IDE
# disk with SeaBIOS (-accel kvm -cpu host -m 64M, -drive if=ide,
# isa-debug-exit at 0xF4: the guest's last write there ends QEMU with
# status 1), PAIRS times each (kernel parameter lab_pairs, default 5),
# alternating, each on a fresh copy of the image.  The marker lines are
# timestamped as they arrive on the VMM's stdout (clock_gettime, in one
# perl process: none started per line); read MiB/s = size / (read done -
# start), write MiB/s = size / (write done - read done).  A run counts
# only if the checksum of what the guest read is the expected one, every
# sector it wrote names its LBA, and the VMM ended as it should.  Reports
# the medians as TAP and one line per direction
#   # LAB-BENCH disk dir=read pairs=N kib=K minikvm_mibs=.. qemu_mibs=.. ratio=..
# (ratio = minikvm / qemu: above 1, minikvm is faster).  Both run nested
# (L2) under the lab's KVM, which runs under QEMU's TCG emulator: the ratio
# compares the two VMMs on equal terms; the MiB/s say nothing about
# hardware.
#
# Sizes: the image's guest moves 16 MiB each way; this file sets, in its
# copy of the image (the boot sector's parameters), 16 MiB read and 512
# KiB written (kernel parameters lab_disk_read_kib, lab_disk_write_kib:
# multiples of 64, at most 16384).  KVM emulates `rep insw` with up to
# 1 KiB per exit to the VMM, but `rep outsw` with one exit per word: in
# the lab one exit costs about 110 us, so 16 MiB written would take about
# 15 minutes a run (256 KiB took 15 s, for both VMMs).
. tests/lib.sh
pairs=${lab_pairs:-5}
dir=tests/bench/disk
img=$dir/bench-disk.img
# the guest's constants, from its source
def() { sed -n "s/^#define $1[[:space:]]*\([0-9]*\).*/\1/p" "$dir/bench-disk.S"; }
read_lba=$(def READ_LBA) write_lba=$(def WRITE_LBA) params=$(def PARAMS)
read_kib=${lab_disk_read_kib:-16384} write_kib=${lab_disk_write_kib:-512}
for k in "$read_kib" "$write_kib"; do
	case $k in
	*[!0-9]* | "") bad=1 ;;
	*) bad=$(( k % 64 != 0 || k > 16384 || k == 0 )) ;;
	esac
	if [ "$bad" = 1 ]; then
		plan 1
		fail "sizes: KiB, multiples of 64 from 64 to 16384, not '$k'"
		exit 1
	fi
done
read_sectors=$((read_kib * 2)) write_sectors=$((write_kib * 2))
plan 4

# the checksum the guest must print: h = rol(h, 5) + d over the first and
# the last dword of each sector read; the image holds L and ~L in sector L
want=$(perl -e 'my ($lba, $n) = @ARGV; my $h = 0;
	for my $l ($lba .. $lba + $n - 1) {
		$h = ((($h << 5) | ($h >> 27)) + $_) & 0xffffffff for $l, ~$l & 0xffffffff;
	}
	printf "%08X\n", $h' "$read_lba" "$read_sectors")

# stamps: reads the VMM's stdout, prints "READ_MS WRITE_MS CHECKSUM" ("-"
# for what never came); other lines go to stderr, prefixed "# ".
stamps() {
	perl -e '
	sub now {	# ms; CLOCK_MONOTONIC by syscall (x86-64: 228), else uptime
		my $t = pack "q2", 0, 0;
		if (syscall(228, 1, $t) == 0) { my ($s, $ns) = unpack "q2", $t; return $s * 1e3 + $ns / 1e6 }
		open my $u, "<", "/proc/uptime" or return 0; return (split " ", <$u>)[0] * 1e3;
	}
	my ($t0, $tr, $tw, $sum);
	while (my $line = <STDIN>) {
		my $t = now();
		if ($line =~ /bench-disk: start/) { $t0 = $t }
		elsif ($line =~ /bench-disk: read done, checksum ([0-9A-F]{8})/) { $tr = $t; $sum = $1 }
		elsif ($line =~ /bench-disk: write done/) { $tw = $t }
		else { $line =~ s/\r?\n?\z//; print STDERR "# $line\n" }
	}
	printf "%s %s %s\n", defined $t0 && defined $tr ? sprintf("%.1f", $tr - $t0) : "-",
		defined $tr && defined $tw ? sprintf("%.1f", $tw - $tr) : "-", $sum // "-";
	'
}

# written COPY: "ok", or what is wrong with the range the guest wrote
written() {
	perl -e 'my ($f, $lba, $n) = @ARGV; open my $d, "<:raw", $f or die "$f: $!\n"; my $bad = 0;
	for my $l ($lba .. $lba + $n - 1) {
		seek $d, $l * 512, 0; read($d, my $s, 4) == 4 or last;
		$bad++ if unpack("V", $s) != $l;
	}
	print $bad ? "$bad of $n sectors written wrong" : "ok", "\n"' "$1" "$write_lba" "$write_sectors"
}

# run NAME WANT_STATUS CMD...: one run on a fresh copy ($TMP/bench-disk.img,
# beside a copy of the manifest); appends "READ_MS WRITE_MS" to $TMP/NAME if
# it worked, else a diagnosis (# lines) and "- -".
run() {
	name=$1 want_st=$2
	shift 2
	cp "$img" "$TMP/bench-disk.img"
	perl -e 'open my $d, "+<:raw", $ARGV[0] or die "$ARGV[0]: $!\n"; seek $d, $ARGV[1], 0;
		print $d pack "V2", @ARGV[2, 3]; close $d or die "$!\n"' "$TMP/bench-disk.img" "$params" \
		$((read_lba + read_sectors)) $((write_lba + write_sectors))
	{ timeout 180 "$@" </dev/null 2>"$TMP/err"; echo $? >"$TMP/st"; } |
		stamps >"$TMP/line" 2>"$TMP/other"
	st=$(cat "$TMP/st")
	read -r r_ms w_ms sum <"$TMP/line" || r_ms=-
	why=
	[ "$st" = "$want_st" ] || why="status $st, expected $want_st"
	[ "$sum" = "$want" ] || why="$why; checksum ${sum:--}, expected $want"
	case "$r_ms $w_ms" in *-* | " "* | *" ") why="$why; a marker line missing" ;; esac
	[ -n "$why" ] || { w=$(written "$TMP/bench-disk.img"); [ "$w" = ok ] || why="$w"; }
	if [ -z "$why" ]; then
		echo "# $name: read $r_ms ms, write $w_ms ms"
		echo "$r_ms $w_ms" >>"$TMP/$name"
	else
		echo "# $name: failed: ${why#; } (read ${r_ms:--} ms, write ${w_ms:--} ms)"
		cat "$TMP/other"
		sed 's/^/# stderr: /' "$TMP/err" | head -10
		echo "- -" >>"$TMP/$name"
	fi
	rm -f "$TMP/bench-disk.img"
}

cp "$dir/bench-disk.yaml" "$TMP/bench-disk.yaml"
: >"$TMP/minikvm"; : >"$TMP/qemu"
i=0
while [ $i -lt "$pairs" ]; do
	run minikvm 0 "$MINIKVM" run --no-color --set limits.timeout=180s "$TMP/bench-disk.yaml"
	run qemu 1 qemu-system-x86_64 -accel kvm -cpu host -m 64M -nodefaults \
		-display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=1 \
		-drive "file=$TMP/bench-disk.img,format=raw,if=ide"
	i=$((i + 1))
done

# mibs NAME FIELD KIB: the median MiB/s of the runs that worked (field 1
# read, 2 write; KIB moved), or nothing
mibs() {
	grep -v '^-' "$TMP/$1" | cut -d' ' -f"$2" |
		awk -v k="$3" '{ printf "%.3f\n", k * 1000 / 1024 / $1 }' | median
}
for vmm in minikvm qemu; do
	n=$(grep -vc '^-' "$TMP/$vmm")
	if [ "$n" -eq "$pairs" ]; then
		pass "$vmm: $pairs runs read $read_kib KiB and wrote $write_kib KiB, checksum $want, every sector written right"
	else
		fail "$vmm: only $n of $pairs runs worked"
	fi
done
set -- read 1 "$read_kib" write 2 "$write_kib"
while [ $# -gt 0 ]; do
	dirn=$1 d=$2 kib=$3
	shift 3
	m=$(mibs minikvm "$d" "$kib") q=$(mibs qemu "$d" "$kib")
	if [ -n "$m" ] && [ -n "$q" ]; then
		r=$(awk -v a="$m" -v b="$q" 'BEGIN { printf "%.2f", a / b }')
		pass "$dirn, $kib KiB: minikvm $m MiB/s, QEMU $q MiB/s (medians), ratio $r"
	else
		r=-
		fail "$dirn, $kib KiB: no median (minikvm '$m', QEMU '$q' MiB/s)"
	fi
	echo "# LAB-BENCH disk dir=$dirn pairs=$pairs kib=$kib minikvm_mibs=${m:--} qemu_mibs=${q:--} ratio=$r"
done
