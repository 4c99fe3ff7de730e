#!/bin/sh
# ATA disks and booting from a disk (issue 13): the guests of tests/disk/
# (README there), each a boot sector that loads the rest of itself through
# the ATA ports, run to their expected stdout, status and stderr
# (tests/disk/expected/); the disks a guest writes are copies or fresh
# sparse images in $TMP, and perl then finds the bytes in the files:
#   configs/disk.yaml, the small system of guests/disk/, boots, prints
#   hello.txt and writes reply.txt into its files disk (twice: the same);
#   IDENTIFY of four drives (1 MiB, 8 MiB, 300 GiB: LBA28 capacity capped,
#   LBA48 not), and of absent ones; every PIO write command, LBA28 and
#   LBA48 (above 2^28), read back; a read-only disk refuses writes, reads
#   past the end get IDNF; snapshot writes never reach the file; a disk
#   another run holds is refused at once; SIGINT while writing loses no
#   sector the guest saw completed; interrupts through the PICs and the
#   I/O APIC, one per DRQ block; INT 0x13 and INT 0x10 name the missing
#   BIOS; transfers from protected mode with paging.
. tests/lib.sh
d=tests/disk
exp=$d/expected
plan_kvm 26

GIB300=322122547200	# 300 GiB: 629145600 sectors, more than 2^28

# mkimg PATH BYTES: a sparse image of zeros
mkimg() {
	perl -e 'open(my $f, ">", $ARGV[0]) or die "$ARGV[0]: $!\n";
		truncate($f, $ARGV[1]) or die "$ARGV[0]: $!\n"' "$1" "$2"
}

# run_disk ARG...: minikvm run --no-color ARG..., stdin /dev/null; the
# status in $st, stdout and stderr in $TMP/out and $TMP/err
run_disk() {
	st=0
	"$MINIKVM" run --no-color "$@" </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
}

# refuses NAME: true if the guest needs a mode ($exp/NAME.needs, as
# `minikvm doctor --mode` names it) that this host's KVM refuses
refuses() {
	[ -f "$exp/$1.needs" ] && ! "$MINIKVM" doctor --mode "$(cat "$exp/$1.needs")"
}

# expect WHAT NAME: after run_disk, WHAT passes if the status is
# $exp/NAME.status (default 0), stdout $exp/NAME.out, and stderr one line
# for each extended regexp of $exp/NAME.stderr, each matching a line
# (without that file, nothing).  On a host that refuses the mode the guest
# needs (refuses NAME), status 1 and stderr lines matching the regexps of
# $exp/NAME.refused instead (the lab runs every mode).
expect() {
	if refuses "$2"; then
		refused_verdict "$1" "$exp" "$2"
		return
	fi
	want=0
	[ -f "$exp/$2.status" ] && want=$(cat "$exp/$2.status")
	why=
	[ "$st" -eq "$want" ] || why="status $st, expected $want"
	cmp -s "$exp/$2.out" "$TMP/out" || why="$why; stdout differs"
	if [ -f "$exp/$2.stderr" ]; then
		while IFS= read -r re; do
			grep -Eq -- "$re" "$TMP/err" || why="$why; stderr lacks /$re/"
		done <"$exp/$2.stderr"
		[ "$(wc -l <"$TMP/err")" -eq "$(wc -l <"$exp/$2.stderr")" ] ||
			why="$why; stderr has $(wc -l <"$TMP/err") lines"
	elif [ -s "$TMP/err" ]; then
		why="$why; unexpected stderr"
	fi
	if [ -z "$why" ]; then
		pass "$1"
	else
		fail "$1 ($why)"
		show_run "$exp/$2.out" "$TMP/out"
	fi
}

# perl_ok WHAT SCRIPT ARG...: WHAT passes if the perl SCRIPT prints
# nothing (what it prints says what is wrong)
perl_ok() {
	what=$1 script=$2
	shift 2
	why=$(perl -e "$SECTORS_PL$script" "$@" 2>&1)
	if [ -z "$why" ]; then
		pass "$what"
	else
		fail "$what: $why"
	fi
}
# for perl_ok's scripts: sector(FILE, LBA), the 512 bytes there;
# fillp(LBA, TAG), the sector tests/disk/disk.inc's fill makes; differ(FILE,
# SPEC...), the sectors LBA:COUNT:TAG (TAG 0: zeros) that are not so
SECTORS_PL='
use strict;
use warnings;
sub sector {
	my ($file, $lba) = @_;
	open(my $f, "<:raw", $file) or die "$file: $!\n";
	seek($f, $lba * 512, 0) or die "$file: $!\n";
	my $s = "";
	read($f, $s, 512) // die "$file: $!\n";
	return $s;
}
sub fillp {
	my ($lba, $tag) = @_;
	my $s = join("", map { chr(($_ + $lba) & 0xff) } 0 .. 511);
	substr($s, 0, 5) = pack("V", $lba & 0xffffffff) . $tag;
	return $s;
}
sub differ {
	my ($file, @specs) = @_;
	my @bad;
	for (@specs) {
		my ($lba, $n, $tag) = split /:/;
		for my $l ($lba .. $lba + $n - 1) {
			push @bad, $l if sector($file, $l) ne ($tag eq "0" ? "\0" x 512 : fillp($l, $tag));
		}
	}
	return @bad ? "$file: sectors @bad differ; " : "";
}
'

# md5 FILE: its MD5 sum
md5() {
	md5sum "$1" | cut -d' ' -f1
}

# 1-4: configs/disk.yaml, on a copy of its files disk
cp guests/disk/files.img "$TMP/files.img"
run_disk --set "vcpus[0].disks[1].image=$TMP/files.img" configs/disk.yaml
expect "configs/disk.yaml: the boot sector loads stage 2, which prints hello.txt and writes reply.txt" system
perl_ok "configs/disk.yaml: reply.txt is in the files disk's directory (entry 1, sector 2), its bytes the reply" '
my ($img, $hello) = @ARGV;
open(my $h, "<:raw", $hello) or die "$hello: $!\n";
my $text = do { local $/; <$h> };
my $want = "stage 2 read hello.txt, and says it louder:\n" . uc $text;
my $dir = sector($img, 0);
my %e;
for my $i (0 .. 15) {
	my ($name, $lba, $len) = unpack("Z24 V V", substr($dir, 32 * $i, 32));
	$e{$name} = "$i $lba $len" if $name ne "";
}
my $n = keys %e;
print "$n directory entries, expected 2; " if $n != 2;
my $hw = "0 1 " . length $text;
print "hello.txt: entry, sector, bytes: ", $e{"hello.txt"} // "none", ", expected $hw; "
	if ($e{"hello.txt"} // "") ne $hw;
my $rw = "1 2 " . length $want;
print "reply.txt: entry, sector, bytes: ", $e{"reply.txt"} // "none", ", expected $rw; "
	if ($e{"reply.txt"} // "") ne $rw;
print "hello.txt: its data changed; " if substr(sector($img, 1), 0, length $text) ne $text;
my $got = sector($img, 2);
print "reply.txt: sector 2 is not the reply and zeros; "
	if $got ne $want . "\0" x (512 - length $want);
' "$TMP/files.img" guests/disk/hello.txt
sum1=$(md5 "$TMP/files.img")
run_disk --set "vcpus[0].disks[1].image=$TMP/files.img" configs/disk.yaml
cp "$TMP/out" "$TMP/out2"
if [ "$st" -eq 0 ] && cmp -s "$exp/system.out" "$TMP/out" && [ "$(md5 "$TMP/files.img")" = "$sum1" ]; then
	pass "configs/disk.yaml again: reply.txt rewritten in place, the same output and image"
else
	fail "configs/disk.yaml again: status $st; the image $( [ "$(md5 "$TMP/files.img")" = "$sum1" ] && echo same || echo changed)"
	show_run "$exp/system.out" "$TMP/out2"
fi

# its files disk read-only: stage 2 says which write failed, and how
cp guests/disk/files.img "$TMP/files-ro.img"
run_disk --set "vcpus[0].disks[1].image=$TMP/files-ro.img" --set "vcpus[0].disks[1].access=read-only" configs/disk.yaml
expect "configs/disk.yaml with a read-only files disk: stage 2 reports the refused write (ABRT), status 1" system-ro

# 5-7: IDENTIFY: four drives (the 4th a sparse 300 GiB image), three, one
mkimg "$TMP/big.img" $GIB300
run_disk --set "vcpus[0].disks[3].image=$TMP/big.img" $d/ident.yaml
expect "IDENTIFY of 4 drives (32 KiB, 1 MiB, 8 MiB, 300 GiB): model, serial, LBA28 capacity capped at 2^28-1, LBA48 not" ident
run_disk $d/ident3.yaml
expect "IDENTIFY with 3 drives: the secondary slave is absent (status 0x00)" ident3
run_disk $d/ident1.yaml
expect "IDENTIFY with 1 drive: the primary slave absent (0x00), the secondary channel without drives (0xFF)" ident1

# 8-9: every write command, on an 8 MiB image and the 300 GiB one
mkimg "$TMP/rw8m.img" 8388608
run_disk --set "vcpus[0].disks[1].image=$TMP/rw8m.img" --set "vcpus[0].disks[1].access=read-write" \
	--set "vcpus[0].disks[2].image=$TMP/big.img" --set "vcpus[0].disks[2].access=read-write" $d/rw.yaml
expect "WRITE SECTORS, SET MULTIPLE + WRITE MULTIPLE, WRITE SECTORS EXT above 2^28: read back as written" rw
perl_ok "the written sectors are in the image files, at LBA x 512, their neighbours zeros" '
print differ($ARGV[0], "100:3:S", "200:10:M", "16383:1:L", "99:1:0", "103:1:0", "199:1:0",
	"210:1:0", "16382:1:0", "0:1:0");
print differ($ARGV[1], "305419896:2:E", "629145599:1:Z", "305419895:1:0", "305419898:1:0",
	"36984440:1:0", "629145598:1:0");
' "$TMP/rw8m.img" "$TMP/big.img"

# 10-11: errors, on a read-only copy of data.img
cp $d/data.img "$TMP/ro.img"
sum=$(md5 "$TMP/ro.img")
run_disk --set "vcpus[0].disks[1].image=$TMP/ro.img" $d/errors.yaml
expect "a read-only disk: writes get ABRT; reads past the end IDNF; READ DMA, bad SET MULTIPLEs ABRT" errors
if [ "$(md5 "$TMP/ro.img")" = "$sum" ]; then
	pass "the read-only image is unchanged"
else
	fail "the read-only image changed"
fi

# 12-13: snapshot, twice, on a copy of data.img
cp $d/data.img "$TMP/snap.img"
sum=$(md5 "$TMP/snap.img")
run_disk --set "vcpus[0].disks[1].image=$TMP/snap.img" $d/snap.yaml
expect "snapshot: the guest reads back what it wrote" snap
run_disk --set "vcpus[0].disks[1].image=$TMP/snap.img" $d/snap.yaml
if [ "$st" -eq 0 ] && cmp -s "$exp/snap.out" "$TMP/out" && [ "$(md5 "$TMP/snap.img")" = "$sum" ]; then
	pass "snapshot: the image file is unchanged, and a second run sees the same"
else
	fail "snapshot, second run: status $st; the image $( [ "$(md5 "$TMP/snap.img")" = "$sum" ] && echo unchanged || echo changed)"
	show_run "$exp/snap.out" "$TMP/out"
fi

# 14-16: a run holds an image read-write (waiting for a byte): a second
# one, read-write or snapshot, is refused at once, naming the image
cp $d/data.img "$TMP/held.img"
rm -f "$TMP/hin" "$TMP/hout"
mkfifo "$TMP/hin" "$TMP/hout"
"$MINIKVM" run --no-color --set "vcpus[0].disks[1].image=$TMP/held.img" $d/hold.yaml \
	<"$TMP/hin" >"$TMP/hout" 2>"$TMP/herr" &
hpid=$!
exec 5>"$TMP/hin" 6<"$TMP/hout"
line=
IFS= read -r line <&6
if [ "$line" != "primary slave: 128 sectors; waiting for a byte on standard input" ]; then
	diag "the first run of $d/hold.yaml printed \"$line\""
	sed 's/^/# stderr: /' "$TMP/herr" | head -5
fi
for access in read-write snapshot; do
	t0=$(now_ms)
	run_disk --set "vcpus[0].disks[1].image=$TMP/held.img" --set "vcpus[0].disks[1].access=$access" $d/hold.yaml
	t1=$(now_ms)
	if [ "$st" -eq 1 ] && [ $((t1 - t0)) -lt 5000 ] && [ ! -s "$TMP/out" ] &&
	   grep -qF "$TMP/held.img" "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
		pass "an image another run holds read-write: a $access run is refused in $((t1 - t0)) ms, naming it"
	else
		fail "a $access run of an image another run holds: status $st after $((t1 - t0)) ms (expected 1 at once, one line naming $TMP/held.img)"
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi
done
trap '' PIPE		# (if the first run is gone, a failure, not the end of this script)
echo x >&5
exec 5>&-
trap - PIPE
cat <&6 >"$TMP/hrest"
exec 6<&-
hst=0
wait $hpid || hst=$?
if [ "$hst" -eq 0 ] && [ "$(cat "$TMP/hrest")" = released ] && [ ! -s "$TMP/herr" ]; then
	pass "the run that held the image ends normally once it has its byte"
else
	fail "the run that held the image: status $hst, then printed \"$(cat "$TMP/hrest")\""
	sed 's/^/# stderr: /' "$TMP/herr" | head -5
fi

# 17-19: the run ends while the guest writes sector after sector, by
# SIGINT or SIGTERM after 50 sectors done, or by limits.timeout: every
# sector the guest saw completed is in the image.
# interrupted SIG STATUS [--set ...]: SIG (INT, TERM, or - to wait for
# the timeout) once 50 sectors are done, then the verdict
interrupted() {
	sig=$1 want=$2
	shift 2
	mkimg "$TMP/sig.img" 8388608
	rm -f "$TMP/sout"
	mkfifo "$TMP/sout"
	"$MINIKVM" run --no-color --set "vcpus[0].disks[1].image=$TMP/sig.img" \
		--set "vcpus[0].disks[1].access=read-write" "$@" $d/sigint.yaml \
		</dev/null >"$TMP/sout" 2>"$TMP/serr" &
	spid=$!
	exec 7<"$TMP/sout"
	n=0
	: >"$TMP/slines"
	while [ "$sig" != - ] && IFS= read -r line <&7; do
		printf '%s\n' "$line" >>"$TMP/slines"
		case $line in
		"done "*)
			n=$((n + 1))
			[ "$n" -ge 50 ] && break
			;;
		esac
	done
	[ "$sig" = - ] || kill -"$sig" $spid
	cat <&7 >>"$TMP/slines"
	exec 7<&-
	sst=0
	wait $spid || sst=$?
	why=$(perl -e "$SECTORS_PL"'
my ($img, $lines, $least) = @ARGV;
open(my $l, "<", $lines) or die "$lines: $!\n";
my ($n, @bad) = (0);
while (<$l>) {
	next unless /^done (\d+)$/;
	print "\"done $1\" after \"done ", $n - 1, "\"; " if $1 != $n % 16384;
	push @bad, $1 if sector($img, $1) ne pack("v", $1) x 256;
	$n++;
}
print "sectors @bad, reported done, are not in the image; " if @bad;
print "only $n sectors done; " if $n < $least;
' "$TMP/sig.img" "$TMP/slines" "$([ "$sig" = - ] && echo 1 || echo 50)" 2>&1)
	what="SIG$sig"
	[ "$sig" = - ] && what="limits.timeout"
	if [ "$sst" -eq "$want" ] && [ -z "$why" ]; then
		pass "$what while writing: status $want, each of the $(grep -c '^done ' "$TMP/slines") sectors reported done is in the image"
	else
		fail "$what while writing: status $sst (expected $want); $why"
		head -3 "$TMP/slines" | sed 's/^/# stdout: /'
		sed 's/^/# stderr: /' "$TMP/serr" | head -5
	fi
}
interrupted INT 130
interrupted TERM 143
interrupted - 124 --set limits.timeout=3s

# 18-19: interrupt-driven transfers (writes to a snapshot of data.img)
run_disk $d/irq.yaml
expect "IRQ 14 through the PICs (real mode): one per DRQ block in, one per block out, one per non-data command" irq
run_disk $d/irq32.yaml
expect "IRQ 14 through the I/O APIC (protected mode), wired as the MP table says: the same counts" irq32

# 20-21: no BIOS
run_disk $d/bios13.yaml
expect "a boot sector calling INT 0x13 (AH=0x02): one line naming the missing BIOS service, status 1" bios13
run_disk $d/bios10.yaml
expect "a boot sector calling INT 0x10 (AH=0x0e): one line naming the missing BIOS service, status 1" bios10
run_disk $d/biosud.yaml
expect "a boot sector taking #UD (UD2): one line naming exception vector 0x06 and where, status 1" biosud

# 22-23: protected mode with paging, on a copy of data.img
cp $d/data.img "$TMP/pm.img"
run_disk --set "vcpus[0].disks[1].image=$TMP/pm.img" --set "vcpus[0].disks[1].access=read-write" $d/pm.yaml
expect "protected mode with paging: rep insw/insl into a buffer across two remapped pages, rep outsw/outsl" pm
if refuses pm; then
	pass "protected mode: this host refuses $(cat "$exp/pm.needs"): no sectors to look for"
else
	perl_ok "protected mode: sectors 7 and 8 of the image are sectors 3 and 4 inverted, the rest unchanged" '
my ($img, $orig) = @ARGV;
for my $s (0 .. 127) {
	my $want = sector($orig, $s == 7 ? 3 : $s == 8 ? 4 : $s);
	$want ^= "\xff" x 512 if $s == 7 || $s == 8;
	print "sector $s differs; " if sector($img, $s) ne $want;
}
' "$TMP/pm.img" $d/data.img
fi
