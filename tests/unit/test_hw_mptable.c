/*
 * test_hw_mptable.c - the MP tables, read back as an OS finds them (TAP).
 *
 * For several processor counts: build into a zeroed 1 MiB guest memory,
 * take the EBDA's segment from the BIOS data area (0x40E), scan its first
 * KiB on 16-byte boundaries for "_MP_" with a valid checksum (MP spec 1.4,
 * chapter 4), follow the pointer, check the header and walk the entries by
 * the sizes of Table 4-3.  The offsets used here are the spec's, not
 * mptable.c's structures, so a layout mistake there shows.  Then the
 * errors, and that nothing outside the EBDA and the two BDA words changes.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "x86/mptable.h"

#define MEM_SIZE	0x100000u
#define EBDA_END	0xa0000u
#define CHECKS_PER_BUILD 13
#define CASES		5
#define EXTRA		7

static int n_tests, failed;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		failed = 1;
}

static unsigned rd16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Is GPA A one of the bytes mptable_build may write? */
static int ours(size_t a)
{
	return (a >= MPTABLE_GPA && a < EBDA_END) ||
	       a == 0x40e || a == 0x40f || a == 0x413 || a == 0x414;
}

/* As an OS does (spec chapter 4, search location a.): the GPA of a valid
 * floating pointer in the first KiB of the EBDA, or 0. */
static uint32_t find_mpf(const uint8_t *mem)
{
	uint32_t ebda = (uint32_t)rd16(mem + 0x40e) << 4, a;

	for (a = ebda; a < ebda + 1024 && a + 16 <= MEM_SIZE; a += 16) {
		const uint8_t *p = mem + a;

		if (memcmp(p, "_MP_", 4) == 0 && p[8] == 1 && sum(p, 16) == 0)
			return a;
	}
	return 0;
}

/* Entry sizes by type, Table 4-3; 0: not a base entry type. */
static size_t entry_size(uint8_t type)
{
	static const size_t size[] = { 20, 8, 8, 8, 8 };

	return type < 5 ? size[type] : 0;
}

static void check_build(uint8_t *mem, unsigned n)
{
	struct err e = { "" };
	int rc = mptable_build(mem, MEM_SIZE, n, &e);
	uint32_t mpf, mpc = 0;
	const uint8_t *h = NULL, *p, *end = NULL;
	unsigned len = 0, count = 0, walked = 0, last_type = 0, order_ok = 1;
	unsigned procs = 0, ids_ok = 1, bp = 0, bp_on_0 = 0, en_ok = 1;
	unsigned buses = 0, bus_ok = 0, ioapics = 0, ioapic_ok = 0;
	unsigned ioints = 0, ioint_ok = 1, lints = 0, lint_ok = 1;
	unsigned irq_seen = 0, pin_seen = 0;
	size_t a, stray = 0;

	ok(rc == 0, "%u cpus: mptable_build returns 0%s%s", n,
	   rc ? ": " : "", rc ? e.msg : "");
	ok(rd16(mem + 0x40e) == 0x9f00 && rd16(mem + 0x413) == 636,
	   "%u cpus: BDA 0x40E = 0x%04x (EBDA segment), 0x413 = %u KiB", n,
	   rd16(mem + 0x40e), rd16(mem + 0x413));
	mpf = find_mpf(mem);
	ok(mpf == MPTABLE_GPA, "%u cpus: floating pointer found in the EBDA's first KiB at 0x%x",
	   n, mpf);
	if (mpf) {
		p = mem + mpf;
		mpc = rd32(p + 4);
		ok(p[9] == 4 && p[11] == 0 && !(p[12] & 0x80) &&
		   p[12] == 0 && p[13] == 0 && p[14] == 0 && p[15] == 0 &&
		   mpc >= MPTABLE_GPA && mpc + 44 <= EBDA_END,
		   "%u cpus: floating pointer: rev 4, table present, virtual wire, table at 0x%x",
		   n, mpc);
	} else {
		ok(0, "%u cpus: floating pointer fields (none found)", n);
	}
	if (mpc >= MPTABLE_GPA && mpc + 44 <= EBDA_END) {
		h = mem + mpc;
		len = rd16(h + 4);
		count = rd16(h + 34);
	}
	ok(h && memcmp(h, "PCMP", 4) == 0 && mpc + len <= EBDA_END &&
	   sum(h, len) == 0 && h[6] == 4 && memcmp(h + 8, "MINIKVM ", 8) == 0 &&
	   rd32(h + 28) == 0 && rd16(h + 32) == 0 && rd32(h + 36) == 0xfee00000 &&
	   rd16(h + 40) == 0 && h[42] == 0,
	   "%u cpus: header: PCMP, checksum, rev 4, OEM, LAPIC 0xFEE00000, no OEM or extended table",
	   n);
	ok(h && mpc + len <= EBDA_END && mpc + len - mpf == mptable_size(n) &&
	   mptable_size(n) <= MPTABLE_ROOM,
	   "%u cpus: %u bytes from 0x%x, inside 0x9F000-0x9FFFF, = mptable_size",
	   n, len, mpc);
	if (!h || mpc + len > EBDA_END) {
		/* nothing to walk: fail the rest of this build's checks */
		for (a = 0; a < CHECKS_PER_BUILD - 6; a++)
			ok(0, "%u cpus: no table to walk", n);
		return;
	}

	end = h + len;
	for (p = h + 44; p < end; p += entry_size(p[0]), walked++) {
		if (entry_size(p[0]) == 0 || p + entry_size(p[0]) > end)
			break;
		if (p[0] < last_type)
			order_ok = 0;
		last_type = p[0];
		switch (p[0]) {
		case 0:
			if (p[1] != procs || p[2] != 0x14)
				ids_ok = 0;
			if (!(p[3] & 1))
				en_ok = 0;
			if (p[3] & 2) {
				bp++;
				bp_on_0 = p[1] == 0;
			}
			procs++;
			break;
		case 1:
			buses++;
			bus_ok = p[1] == 0 && memcmp(p + 2, "ISA   ", 6) == 0;
			break;
		case 2:
			ioapics++;
			ioapic_ok = p[1] == n && p[2] == 0x11 && (p[3] & 1) &&
				    rd32(p + 4) == 0xfec00000;
			break;
		case 3:
			ioints++;
			if (p[1] != 0 || rd16(p + 2) != 0 || p[4] != 0 ||
			    p[5] >= 16 || p[6] != n ||
			    p[7] != (p[5] == 0 ? MPTABLE_IRQ0_INTIN : p[5]) ||
			    (irq_seen >> p[5] & 1) || (pin_seen >> p[7] & 1))
				ioint_ok = 0;
			else {
				irq_seen |= 1u << p[5];
				pin_seen |= 1u << p[7];
			}
			break;
		case 4:
			/* ExtINT on LINTIN0 first, then NMI on LINTIN1 */
			if (p[1] != (lints == 0 ? 3 : 1) || p[7] != lints ||
			    p[6] != 0xff || rd16(p + 2) != 0)
				lint_ok = 0;
			lints++;
			break;
		}
	}
	ok(p == end && walked == count && order_ok,
	   "%u cpus: %u entries walked to the table's end in ascending type, count %u",
	   n, walked, count);
	ok(procs == n && ids_ok && en_ok && bp == 1 && bp_on_0,
	   "%u cpus: %u processors, APIC IDs 0..n-1, all enabled, one BP, processor 0", n,
	   procs);
	ok(buses == 1 && bus_ok, "%u cpus: one ISA bus, ID 0", n);
	ok(ioapics == 1 && ioapic_ok, "%u cpus: one I/O APIC, ID %u, version 0x11, at 0xFEC00000",
	   n, n);
	ok(ioints == 16 && ioint_ok && irq_seen == 0xffff,
	   "%u cpus: 16 I/O interrupts, ISA IRQ 0-15, IRQ 0 on INTIN %u, IRQ n on INTIN n",
	   n, MPTABLE_IRQ0_INTIN);
	ok(lints == 2 && lint_ok, "%u cpus: ExtINT on LINT0 and NMI on LINT1 of all local APICs",
	   n);
	for (a = 0; a < MEM_SIZE; a++)
		if (!ours(a) && mem[a])
			stray++;
	ok(stray == 0, "%u cpus: no byte outside the EBDA and the BDA words written (%zu)",
	   n, stray);
}

/* mptable_build(N, SIZE) must fail and leave the whole buffer as it was. */
static void check_error(unsigned n, uint64_t size, const char *what)
{
	struct err e = { "" };
	bool refused = tap_refused(mptable_build, MEM_SIZE, size, n, &e);

	ok(refused, "%s: error (%s), memory untouched", what, e.msg);
}

int main(void)
{
	const unsigned cases[CASES] = { 1, 2, 4, 64, MPTABLE_MAX_CPUS };
	uint8_t *mem = calloc(1, MEM_SIZE);
	struct err e = { "" };
	size_t a, changed = 0, stray = 0;
	unsigned i;

	printf("1..%d\n", CASES * CHECKS_PER_BUILD + EXTRA);
	if (!mem) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	for (i = 0; i < CASES; i++) {
		memset(mem, 0, MEM_SIZE);
		check_build(mem, cases[i]);
	}

	ok(MPTABLE_MAX_CPUS >= 64 && mptable_size(MPTABLE_MAX_CPUS) <= MPTABLE_ROOM &&
	   mptable_size(MPTABLE_MAX_CPUS + 1) > MPTABLE_ROOM,
	   "the most processors, %u, fill %zu of %u bytes; one more does not fit",
	   MPTABLE_MAX_CPUS, mptable_size(MPTABLE_MAX_CPUS), MPTABLE_ROOM);
	check_error(0, MEM_SIZE, "0 cpus");
	check_error(MPTABLE_MAX_CPUS + 1, MEM_SIZE, "MPTABLE_MAX_CPUS + 1 cpus");
	check_error(2, EBDA_END - 1, "RAM ending below 640 KiB");

	ok(tap_fits_exactly(mptable_build, EBDA_END, 2, MPTABLE_GPA, "_MP_", 4),
	   "RAM of exactly 640 KiB is enough");

	/* building over garbage: only the EBDA and the BDA words change, and
	 * the EBDA past the tables is zero */
	memset(mem, 0x5a, MEM_SIZE);
	mptable_build(mem, MEM_SIZE, 4, &e);
	for (a = 0; a < MEM_SIZE; a++) {
		if (!ours(a) && mem[a] != 0x5a)
			changed++;
		if (a >= MPTABLE_GPA + mptable_size(4) && a < EBDA_END && mem[a])
			stray++;
	}
	ok(changed == 0 && stray == 0,
	   "over garbage: %zu bytes changed outside, %zu non-zero in the EBDA past the tables",
	   changed, stray);

	ok(tap_rebuild_same(mptable_build, MEM_SIZE, 64, 1),
	   "64 then 1 processor: the same memory as 1 alone");

	free(mem);
	if (n_tests != CASES * CHECKS_PER_BUILD + EXTRA)
		printf("# planned %d checks, ran %d\n", CASES * CHECKS_PER_BUILD + EXTRA,
		       n_tests);
	return 0;
}
