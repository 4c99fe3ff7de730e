#!/bin/sh
# The PC platform (platform: pc) and processors per guest (cpus: N): each
# guest of tests/pc/ ends with its expected status, stdout and stderr
# (tests/pc/expected/); configs/smp.yaml brings up 1, 2, 4, 16 and 64
# processors with the same image; the MP table follows cpus; the CMOS
# clock reads the host's UTC time in all three of its formats; lines that
# 8 processors write at once arrive whole.
. tests/lib.sh
exp=tests/pc/expected
# cmos and aplines32 print what only a computation can check (below)
cases=$(ls tests/pc/*.yaml | grep -v -e '/cmos.yaml$' -e '/aplines32.yaml$')
smp_counts="1 2 4 16 64"
plan_kvm $(($(echo "$cases" | wc -l) + $(echo $smp_counts | wc -w) + 7))

for m in $cases; do
	run_case "$m" "$exp"
done

# verdict WHAT WANT GOT: WHAT passes if the run ended with status 0 ($st),
# stdout GOT as WANT and nothing on stderr; else the difference is shown.
verdict() {
	if [ "$st" -eq 0 ] && cmp -s "$2" "$3" && [ ! -s "$TMP/err" ]; then
		pass "$1"
	else
		fail "$1 (status $st)"
		show_run "$2" "$3"
	fi
}

# smp_expect N: what guests/smp32.S prints with N processors
smp_expect() {
	echo "processors: $1"
	echo "APs started: $(($1 - 1))"
	if [ "$1" -eq 1 ]; then
		echo "APIC IDs: (none)"
	else
		printf 'APIC IDs:'
		i=1
		while [ "$i" -lt "$1" ]; do
			printf ' %d' "$i"
			i=$((i + 1))
		done
		echo
	fi
}

# configs/smp.yaml (4 processors), and the same image with 1 to 64
for n in $smp_counts; do
	st=0
	if [ "$n" -eq 4 ]; then
		"$MINIKVM" run --no-color configs/smp.yaml </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
	else
		"$MINIKVM" run --no-color --set "vcpus[0].cpus=$n" configs/smp.yaml \
			</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
	fi
	smp_expect "$n" >"$TMP/want"
	verdict "configs/smp.yaml with cpus: $n: the BSP finds $n processors in the MP table and starts the $((n - 1)) others" \
		"$TMP/want" "$TMP/out"
done

# The MP table follows cpus: 64 processors, the I/O APIC's ID 64, 84
# entries; processors 1-63 are never started, and the guest still ends.
st=0
"$MINIKVM" run --no-color --set "vcpus[0].cpus=64" tests/pc/mptable.yaml \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
{
	echo 'MP 1.4 at 0x0009f000 (EBDA 9f00, 636 KiB), table at 0x0009f010'
	echo 'PCMP 1.4: OEM "MINIKVM ", product "PC          ", local APIC 0xfee00000, 84 entries'
	printf 'processors: 64 (APIC IDs'
	i=0
	while [ "$i" -lt 64 ]; do
		printf ' %d' "$i"
		i=$((i + 1))
	done
	echo '; BSP 0)'
	echo 'buses: 1 (0 ISA)'
	echo 'I/O APICs: 1 (ID 64, version 11, at 0xfec00000)'
	echo 'I/O interrupts: 16 (IRQ>INTIN 0>0 1>1 2>2 3>3 4>4 5>5 6>6 7>7 8>8 9>9 10>10 11>11 12>12 13>13 14>14 15>15)'
	echo 'local interrupts: 2 (type 3 LINTIN0, type 1 LINTIN1)'
} >"$TMP/want"
verdict "tests/pc/mptable.yaml with cpus: 64: 64 processor entries, the I/O APIC's ID 64" \
	"$TMP/want" "$TMP/out"

# The CMOS clock: three readings (BCD 24-hour, binary 24-hour, binary
# 12-hour, as register B says) each within 2 s of the host's UTC clock
# around the run; register D, and a RAM byte written and read back.
t0=$(date -u +%s)
st=0
"$MINIKVM" run --no-color tests/pc/cmos.yaml </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
t1=$(date -u +%s)
why=$(perl -e '
	my ($t0, $t1) = @ARGV;
	# days_from_civil (H. Hinnant): days since 1970-01-01, proleptic Gregorian
	sub days {
		my ($y, $m, $d) = @_;
		$y -= 1 if $m <= 2;
		my $era = int($y / 400);
		my $yoe = $y - $era * 400;
		my $doy = int((153 * ($m > 2 ? $m - 3 : $m + 9) + 2) / 5) + $d - 1;
		my $doe = $yoe * 365 + int($yoe / 4) - int($yoe / 100) + $doy;
		return $era * 146097 + $doe - 719468;
	}
	my @want_b = ("02", "06", "04");
	my @lines = <STDIN>;
	chomp @lines;
	@lines == 5 or print("5 lines expected, got ", scalar @lines, "; "), exit;
	for my $i (0 .. 2) {
		$lines[$i] =~ /^B ([0-9a-f]{2}): (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/
			or print("line ", $i + 1, " is not \"B xx: YYYY-MM-DD HH:MM:SS\"; "), next;
		$1 eq $want_b[$i] or print("line ", $i + 1, ": register B $1, expected $want_b[$i]; ");
		my $t = days($2, $3, $4) * 86400 + $5 * 3600 + $6 * 60 + $7;
		($t >= $t0 - 2 && $t <= $t1 + 2)
			or print("line ", $i + 1, ": $lines[$i] is ", $t - $t1, " s from the host clock; ");
	}
	$lines[3] eq "D 80" or print("line 4 is not \"D 80\"; ");
	$lines[4] eq "RAM 40: a5 5a" or print("line 5 is not \"RAM 40: a5 5a\"; ");
' "$t0" "$t1" <"$TMP/out")
if [ "$st" -eq 0 ] && [ -z "$why" ] && [ ! -s "$TMP/err" ]; then
	pass "the CMOS clock reads the host's UTC time in BCD, binary and 12-hour formats"
else
	fail "tests/pc/cmos.yaml: status $st; $why"
	sed 's/^/# stdout: /' "$TMP/out" | head -10
	sed 's/^/# stderr: /' "$TMP/err" | head -10
fi

# 8 processors, 20 lines each, each line in five hypercalls, all at once:
# every line arrives whole (sorted, they are exactly the expected ones).
st=0
"$MINIKVM" run --no-color tests/pc/aplines32.yaml </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
{
	c=0
	while [ "$c" -lt 8 ]; do
		l=1
		while [ "$l" -le 20 ]; do
			echo "processor $c line $l of 20"
			l=$((l + 1))
		done
		c=$((c + 1))
	done
	echo "8 processors wrote 20 lines each"
} | sort >"$TMP/want"
sort "$TMP/out" >"$TMP/sorted"
verdict "8 processors writing at once: 161 whole lines" "$TMP/want" "$TMP/sorted"

# The last line of aplines32's output is the BSP's, after all the others.
if [ "$st" -eq 0 ] && [ "$(tail -n 1 "$TMP/out")" = "8 processors wrote 20 lines each" ]; then
	pass "the BSP's summary comes after every processor's lines"
else
	fail "the BSP's summary is not the last line: $(tail -n 1 "$TMP/out")"
fi

# --trace and --stats name each processor of a guest with several (the
# APs of aplines32 make hypercalls; smp32's touch only memory and their
# local APIC, which KVM handles: no exit to trace, an empty stats row).
st=0
"$MINIKVM" run --no-color --trace=io tests/pc/aplines32.yaml \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 0 ] && grep -q '^vcpu0 cpu0 #[0-9]* IO ' "$TMP/err" &&
   grep -q '^vcpu0 cpu7 #[0-9]* IO out 0x500 .*PUTS' "$TMP/err"; then
	pass "--trace names the processor: vcpu0 cpu0 ... vcpu0 cpu7"
else
	fail "--trace of tests/pc/aplines32.yaml: status $st"
	grep -v '^vcpu0 cpu[0-7] #' "$TMP/err" | head -5 | sed 's/^/# stderr: /'
fi
st=0
"$MINIKVM" run --no-color --stats=json:"$TMP/stats.json" configs/smp.yaml \
	</dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
rows=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	print join(" ", map { "$_->{vcpu}.$_->{cpu}" } @{$j->{vcpus}})' <"$TMP/stats.json" 2>&1)
if [ "$rows" = "0.0 0.1 0.2 0.3" ]; then
	pass "--stats=json: a row per processor (vcpu 0, cpu 0 to 3)"
else
	fail "--stats=json rows: $rows"
fi

# A timeout names each processor and where it was: the BSP spinning, the
# AP still waiting for its STARTUP IPI.
st=0
"$MINIKVM" run --no-color --set irqchip=true --set "vcpus[0].cpus=2" \
	--set limits.timeout=1s tests/e2e/loop.yaml </dev/null >"$TMP/out" 2>"$TMP/err" || st=$?
if [ "$st" -eq 124 ] &&
   grep -Eq 'still running: vcpu0 cpu0 at CS:IP [0-9a-f]{4}:[0-9a-f]{4}, vcpu0 cpu1 at CS:IP [0-9a-f]{4}:[0-9a-f]{4}, waiting for a STARTUP IPI$' "$TMP/err"; then
	pass "a timeout names both processors; the AP waits for a STARTUP IPI"
else
	fail "timeout with 2 processors: status $st"
	sed 's/^/# stderr: /' "$TMP/err" | head -5
fi
