/*
 * test_hw_acpi.c - the ACPI tables, read back as an OS finds them (TAP).
 *
 * For several processor counts: build into a zeroed 1 MiB guest memory,
 * scan 0xE0000-0xFFFFF on 16-byte boundaries for "RSD PTR " with a valid
 * checksum and, for revision 2, extended checksum (ACPI 6.5 §5.2.5.1, as
 * Linux's acpi_find_root_pointer does), follow the RSDT and the XSDT,
 * check every table's length and checksum, then read the FADT's flags, walk
 * the DSDT's AML and the MADT's entries.  The offsets used here are the
 * specification's, not acpi.c's structures, and the AML is decoded by its
 * grammar (§20.2), so a layout mistake there shows.  Then the errors, and
 * that nothing outside the tables' area changes (nor, in a buffer of
 * exactly the RAM it needs, outside RAM: the sanitizer sees that).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "x86/acpi.h"
#include "x86/mptable.h"

#define MEM_SIZE	0x100000u
#define AREA_END	(ACPI_GPA + ACPI_ROOM)
#define SCAN_START	0xe0000u	/* §5.2.5.1: the BIOS read-only area */
#define SCAN_END	0x100000u
#define MAX_TABLES	8
#define CHECKS_PER_BUILD 12
#define CASES		5
#define EXTRA		10

static void ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(bool cond, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	check(cond, what);
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

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* As an OS does (§5.2.5.1): the GPA of the first valid RSDP, or 0. */
static uint32_t find_rsdp(const uint8_t *mem)
{
	uint32_t a;

	for (a = SCAN_START; a + 36 <= SCAN_END; a += 16) {
		const uint8_t *p = mem + a;

		if (memcmp(p, "RSD PTR ", 8) != 0 || sum(p, 20) != 0)
			continue;
		if (p[15] >= 2 && (rd32(p + 20) < 36 || sum(p, rd32(p + 20)) != 0))
			continue;
		return a;
	}
	return 0;
}

/* A description table at GPA A: inside the area, its length at least a
 * header's, summing to 0 (§5.2.6). */
static bool table_ok(const uint8_t *mem, uint64_t a, const char *sig)
{
	uint32_t len;

	if (a < ACPI_GPA || a + 36 > AREA_END)
		return false;
	len = rd32(mem + a + 4);
	return len >= 36 && a + len <= AREA_END && sum(mem + a, len) == 0 &&
	       (sig == NULL || memcmp(mem + a, sig, 4) == 0);
}

/* EISA ID (§6.1.5) at P, compressed, as "PNPxxxx". */
static void eisa_id(const uint8_t *p, char out[8])
{
	out[0] = (char)('@' + (p[0] >> 2 & 0x1f));
	out[1] = (char)('@' + ((p[0] & 3) << 3 | p[1] >> 5));
	out[2] = (char)('@' + (p[1] & 0x1f));
	snprintf(out + 3, 5, "%02X%02X", p[2], p[3]);
}

/* PkgLength (§20.2.4) at *P, which it passes; returns the package's end
 * (the PkgLength counts itself), or NULL past END. */
static const uint8_t *pkg_end(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *start = *p;
	unsigned follow, i;
	size_t len;

	if (*p >= end)
		return NULL;
	follow = **p >> 6;
	len = follow ? (**p & 0x0f) : (**p & 0x3f);
	if (*p + 1 + follow > end)
		return NULL;
	for (i = 0; i < follow; i++)
		len |= (size_t)(*p)[1 + i] << (4 + 8 * i);
	*p += 1 + follow;
	return start + len <= end ? start + len : NULL;
}

/* What one Device of the DSDT says. */
struct dev {
	char path[64];			/* e.g. "\\_SB_.COM1" */
	char hid[8];
	unsigned ios, io_base[2], io_len[2], irq_mask, irqs;
	bool crs_ok;			/* only IO, IRQ, an End Tag at the end */
};

/* A _CRS buffer (§6.4): small IO (§6.4.2.5) and IRQ (§6.4.2.1)
 * descriptors, then the End Tag (§6.4.2.9); anything else fails. */
static void parse_crs(const uint8_t *p, const uint8_t *end, struct dev *d)
{
	while (p < end) {
		unsigned type = *p >> 3 & 0x0f, len = *p & 7;

		if ((*p & 0x80) || p + 1 + len > end)
			return;
		if (type == 0x8 && len == 7 && d->ios < 2 && p[1] == 1 &&
		    rd16(p + 2) == rd16(p + 4)) {
			d->io_base[d->ios] = rd16(p + 2);
			d->io_len[d->ios++] = p[7];
		} else if (type == 0x4 && len == 2) {
			d->irq_mask |= rd16(p + 1);
			d->irqs++;
		} else if (type == 0xf && len == 1) {
			d->crs_ok = p + 2 == end;
			return;
		} else {
			return;
		}
		p += 1 + len;
	}
}

/* NameString (§20.2.2): a root or parent prefix, then one, two or N
 * NameSegs, appended to OUT as dotted segments. */
static bool name_string(const uint8_t **p, const uint8_t *end, char *out, size_t size)
{
	unsigned segs = 1, i;
	size_t len = strlen(out);

	if (*p < end && **p == '\\') {
		snprintf(out, size, "\\");
		len = 1;
		(*p)++;
	}
	if (*p >= end)
		return false;
	if (**p == 0x2e) {
		segs = 2;
		(*p)++;
	} else if (**p == 0x2f) {
		if (*p + 1 >= end)
			return false;
		segs = (*p)[1];
		*p += 2;
	}
	for (i = 0; i < segs; i++) {
		if (*p + 4 > end || len + 6 > size)
			return false;
		if (len > 1 || (len == 1 && out[0] != '\\'))
			out[len++] = '.';
		memcpy(out + len, *p, 4);
		len += 4;
		out[len] = 0;
		*p += 4;
	}
	return true;
}

/* A TermList (§20.2.5) of Scope, Device and Name terms only, in the scope
 * SCOPE; Devices go to DEVS.  Returns false on anything else. */
static bool term_list(const uint8_t *p, const uint8_t *end, const char *scope,
		      struct dev *devs, unsigned *ndev, struct dev *cur)
{
	while (p < end) {
		char path[64];
		const uint8_t *pend;

		snprintf(path, sizeof path, "%s", scope);
		if (*p == 0x10) {			/* ScopeOp */
			p++;
			pend = pkg_end(&p, end);
			if (!pend || !name_string(&p, pend, path, sizeof path) ||
			    !term_list(p, pend, path, devs, ndev, NULL))
				return false;
			p = pend;
		} else if (*p == 0x5b && p + 1 < end && p[1] == 0x82) {	/* DeviceOp */
			struct dev *d;

			p += 2;
			pend = pkg_end(&p, end);
			if (!pend || *ndev >= 4 ||
			    !name_string(&p, pend, path, sizeof path))
				return false;
			d = &devs[(*ndev)++];
			memset(d, 0, sizeof *d);
			snprintf(d->path, sizeof d->path, "%s", path);
			if (!term_list(p, pend, path, devs, ndev, d))
				return false;
			p = pend;
		} else if (*p == 0x08 && p + 5 < end && cur) {	/* NameOp, in a Device */
			const uint8_t *seg = p + 1;

			p += 5;
			if (memcmp(seg, "_HID", 4) == 0 && *p == 0x0c && p + 5 <= end) {
				eisa_id(p + 1, cur->hid);
				p += 5;
			} else if (memcmp(seg, "_CRS", 4) == 0 && *p == 0x11) {
				const uint8_t *bend;

				p++;
				bend = pkg_end(&p, end);
				/* BufferSize: a ByteConst equal to what follows */
				if (!bend || p + 2 > bend || p[0] != 0x0a ||
				    p[1] != bend - (p + 2))
					return false;
				parse_crs(p + 2, bend, cur);
				p = bend;
			} else {
				return false;
			}
		} else {
			return false;
		}
	}
	return p == end;
}

/* Is GPA A one of the bytes acpi_build may write? */
static bool ours(size_t a)
{
	return a >= ACPI_GPA && a < AREA_END;
}

static void check_build(uint8_t *mem, unsigned cpus)
{
	struct err e = { "" };
	int rc = acpi_build(mem, MEM_SIZE, cpus, &e);
	uint32_t rsdp, rsdt = 0;
	uint64_t xsdt = 0, tables[MAX_TABLES] = { 0 }, fadt = 0, madt = 0, dsdt = 0;
	unsigned ntab = 0, i, j, bad = 0, overlap = 0;
	bool same = true;
	size_t a, stray = 0;

	ok(rc == 0, "%u cpus: acpi_build returns 0%s%s", cpus, rc ? ": " : "", rc ? e.msg : "");
	rsdp = find_rsdp(mem);
	ok(rsdp == ACPI_RSDP_GPA && mem[rsdp + 15] == 2 && rd32(mem + rsdp + 20) == 36,
	   "%u cpus: RSDP found at 0x%x scanning 0xE0000-0xFFFFF: checksums, revision 2, 36 bytes",
	   cpus, rsdp);
	if (rsdp) {
		rsdt = rd32(mem + rsdp + 16);
		xsdt = rd64(mem + rsdp + 24);
	}
	ok(table_ok(mem, rsdt, "RSDT") && table_ok(mem, xsdt, "XSDT") &&
	   (rd32(mem + rsdt + 4) - 36) % 4 == 0 && (rd32(mem + xsdt + 4) - 36) % 8 == 0,
	   "%u cpus: RSDT at 0x%x, XSDT at 0x%llx: in the area, lengths, checksums", cpus,
	   rsdt, (unsigned long long)xsdt);
	if (table_ok(mem, xsdt, "XSDT") && table_ok(mem, rsdt, "RSDT")) {
		ntab = (rd32(mem + xsdt + 4) - 36) / 8;
		if (ntab > MAX_TABLES || ntab != (rd32(mem + rsdt + 4) - 36) / 4)
			same = false, ntab = 0;
		for (i = 0; i < ntab; i++) {
			tables[i] = rd64(mem + xsdt + 36 + 8 * i);
			if (tables[i] != rd32(mem + rsdt + 36 + 4 * i))
				same = false;
			if (!table_ok(mem, tables[i], NULL))
				bad++;
			else if (memcmp(mem + tables[i], "FACP", 4) == 0)
				fadt = tables[i];
			else if (memcmp(mem + tables[i], "APIC", 4) == 0)
				madt = tables[i];
		}
	}
	if (fadt)
		dsdt = rd64(mem + fadt + 140);
	/* every table, the DSDT and the RSDP too, apart */
	{
		uint64_t at[MAX_TABLES + 4], len[MAX_TABLES + 4];
		unsigned k = 0;

		for (i = 0; i < ntab; i++)
			at[k++] = tables[i];
		if (dsdt && table_ok(mem, dsdt, NULL))
			at[k++] = dsdt;
		if (table_ok(mem, rsdt, NULL) && table_ok(mem, xsdt, NULL)) {
			at[k++] = rsdt;
			at[k++] = xsdt;
		}
		for (i = 0; i < k; i++)
			len[i] = rd32(mem + at[i] + 4);
		at[k] = rsdp;
		len[k++] = 36;
		for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++)
				if (at[i] < at[j] + len[j] && at[j] < at[i] + len[i])
					overlap++;
	}
	ok(ntab == 2 && same && bad == 0 && fadt && madt && overlap == 0,
	   "%u cpus: RSDT and XSDT list the same %u tables, FACP and APIC, valid, apart", cpus,
	   ntab);
	ok(fadt && rd32(mem + fadt + 4) == 276 && mem[fadt + 8] == 6 && mem[fadt + 131] == 5 &&
	   (rd32(mem + fadt + 112) & (1u << 20)) && !(rd32(mem + fadt + 112) & (1u << 10)) &&
	   rd32(mem + fadt + 40) == 0 && rd32(mem + fadt + 36) == 0 &&
	   rd64(mem + fadt + 132) == 0 && rd32(mem + fadt + 48) == 0,
	   "%u cpus: FADT 6.5, 276 bytes: HW_REDUCED_ACPI, no reset register, no FACS, no SMI_CMD",
	   cpus);
	ok(fadt && (rd16(mem + fadt + 109) & 3) == 3 && !(rd16(mem + fadt + 109) & 0x20) &&
	   rd64(mem + fadt + 244 + 4) == 0 && rd64(mem + fadt + 256 + 4) == 0 &&
	   rd32(mem + fadt + 56) == 0 && rd32(mem + fadt + 64) == 0 && rd32(mem + fadt + 76) == 0,
	   "%u cpus: FADT: legacy devices, 8042, CMOS RTC; no sleep registers (no power-off), no PM blocks",
	   cpus);
	ok(dsdt && table_ok(mem, dsdt, "DSDT") && mem[dsdt + 8] >= 2,
	   "%u cpus: X_DSDT 0x%llx: DSDT, revision 2, in the area, checksum", cpus,
	   (unsigned long long)dsdt);
	{
		struct dev devs[4];
		unsigned nd = 0;
		bool parsed = false, com1 = false, kbd = false, rtc = false;

		if (dsdt && table_ok(mem, dsdt, "DSDT"))
			parsed = term_list(mem + dsdt + 36, mem + dsdt + rd32(mem + dsdt + 4),
					   "", devs, &nd, NULL);
		for (i = 0; parsed && i < nd; i++) {
			struct dev *d = &devs[i];

			if (!d->crs_ok || d->irqs != 1)
				continue;
			if (!strcmp(d->path, "\\_SB_.COM1") && !strcmp(d->hid, "PNP0501") &&
			    d->ios == 1 && d->io_base[0] == 0x3f8 && d->io_len[0] == 8 &&
			    d->irq_mask == 1u << 4)
				com1 = true;
			if (!strcmp(d->hid, "PNP0303") && d->ios == 2 &&
			    d->io_base[0] == 0x60 && d->io_len[0] == 1 &&
			    d->io_base[1] == 0x64 && d->io_len[1] == 1 && d->irq_mask == 1u << 1)
				kbd = true;
			if (!strcmp(d->hid, "PNP0B00") && d->ios == 1 && d->io_base[0] == 0x70 &&
			    d->io_len[0] == 2 && d->irq_mask == 1u << 8)
				rtc = true;
		}
		ok(parsed && nd == 3 && com1 && kbd && rtc,
		   "%u cpus: DSDT AML: \\_SB_ with COM1 (PNP0501, 0x3F8, IRQ 4), PNP0303 (0x60, 0x64, IRQ 1), PNP0B00 (0x70, IRQ 8)",
		   cpus);
	}
	ok(madt && mem[madt + 8] >= 1 && rd32(mem + madt + 36) == 0xfee00000 &&
	   (rd32(mem + madt + 40) & 1) && rd32(mem + madt + 4) == acpi_madt_size(cpus) &&
	   madt + acpi_madt_size(cpus) <= AREA_END,
	   "%u cpus: MADT: local APIC at 0xFEE00000, PCAT_COMPAT, %zu bytes = acpi_madt_size",
	   cpus, acpi_madt_size(cpus));
	{
		const uint8_t *p, *end;
		unsigned lapics = 0, ids_ok = 1, ioapics = 0, ioapic_ok = 0, isos = 0;
		unsigned nmis = 0, nmi_ok = 0, others = 0, walked_ok = 0;

		if (madt && table_ok(mem, madt, "APIC")) {
			end = mem + madt + rd32(mem + madt + 4);
			for (p = mem + madt + 44; p + 2 <= end && p[1] >= 2 && p + p[1] <= end;
			     p += p[1]) {
				switch (p[0]) {
				case 0:
					if (p[1] != 8 || p[2] != lapics || p[3] != lapics ||
					    rd32(p + 4) != 1)
						ids_ok = 0;
					lapics++;
					break;
				case 1:
					ioapics++;
					ioapic_ok = p[1] == 12 && p[2] == cpus && rd32(p + 4) == 0xfec00000 &&
						    rd32(p + 8) == 0;
					break;
				case 2:
					isos++;
					break;
				case 4:
					nmis++;
					nmi_ok = p[1] == 6 && p[2] == 0xff && rd16(p + 3) == 0 && p[5] == 1;
					break;
				default:
					others++;
				}
			}
			walked_ok = p == end;
		}
		ok(walked_ok && lapics == cpus && ids_ok,
		   "%u cpus: MADT walked to its end: %u Processor Local APICs, UID = APIC ID = 0..cpus-1, enabled",
		   cpus, lapics);
		ok(ioapics == 1 && ioapic_ok && isos == 0 && nmis == 1 && nmi_ok && others == 0,
		   "%u cpus: one I/O APIC (ID %u, 0xFEC00000, GSI base 0), no overrides, NMI on LINT1 of all",
		   cpus, cpus);
	}
	for (a = 0; a < MEM_SIZE; a++)
		if (!ours(a) && mem[a])
			stray++;
	ok(stray == 0, "%u cpus: no byte outside 0x%x-0x%x written (%zu)", cpus, ACPI_GPA,
	   AREA_END - 1, stray);
}

/* acpi_build(N, SIZE) must fail and leave the whole buffer as it was. */
static void check_error(unsigned cpus, uint64_t size, const char *what)
{
	struct err e = { "" };
	bool refused = tap_refused(acpi_build, MEM_SIZE, size, cpus, &e);

	ok(refused, "%s: error (%s), memory untouched", what, e.msg);
}

int main(void)
{
	const unsigned cases[CASES] = { 1, 2, 4, 64, ACPI_MAX_CPUS };
	uint8_t *mem = calloc(1, MEM_SIZE), *fresh = calloc(1, MEM_SIZE);
	struct err e = { "" };
	size_t a, changed = 0, stray = 0;
	unsigned i;

	printf("1..%d\n", CASES * CHECKS_PER_BUILD + EXTRA);
	if (!mem || !fresh) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	for (i = 0; i < CASES; i++) {
		memset(mem, 0, MEM_SIZE);
		check_build(mem, cases[i]);
	}

	ok(ACPI_MAX_CPUS >= 64 && ACPI_MAX_CPUS < 0xff &&
	   ACPI_MADT_GPA + acpi_madt_size(ACPI_MAX_CPUS) <= AREA_END,
	   "the most processors, %u: APIC IDs and the I/O APIC's below 0xFF, the MADT fits",
	   ACPI_MAX_CPUS);
	check_error(0, MEM_SIZE, "0 cpus");
	check_error(ACPI_MAX_CPUS + 1, MEM_SIZE, "ACPI_MAX_CPUS + 1 cpus");
	check_error(2, ACPI_MEM_MIN - 1, "RAM ending inside the tables' area");

	ok(tap_fits_exactly(acpi_build, ACPI_MEM_MIN, 2, ACPI_RSDP_GPA, "RSD PTR ", 8),
	   "RAM of exactly 0x%x bytes is enough", ACPI_MEM_MIN);

	/* building over garbage: only the area changes, and it is zero past
	 * the last table (the MADT, last in the area) */
	memset(mem, 0x5a, MEM_SIZE);
	acpi_build(mem, MEM_SIZE, 4, &e);
	for (a = 0; a < MEM_SIZE; a++) {
		if (!ours(a) && mem[a] != 0x5a)
			changed++;
		if (a >= ACPI_MADT_GPA + acpi_madt_size(4) && a < AREA_END && mem[a])
			stray++;
	}
	ok(changed == 0 && stray == 0 && find_rsdp(mem) == ACPI_RSDP_GPA,
	   "over garbage: %zu bytes changed outside, %zu non-zero in the area past the tables",
	   changed, stray);

	ok(tap_rebuild_same(acpi_build, MEM_SIZE, 64, 1),
	   "64 then 1 processor: the same memory as 1 alone");

	/* the PC's two builders side by side (board_pc_create): the MP table
	 * in the EBDA and the ACPI tables keep out of each other's way, and
	 * an OS scanning the EBDA's first KiB for the RSDP finds none there */
	memset(mem, 0, MEM_SIZE);
	memset(fresh, 0, MEM_SIZE);
	ok(mptable_build(mem, MEM_SIZE, 2, &e) == 0 && acpi_build(mem, MEM_SIZE, 2, &e) == 0 &&
	   acpi_build(fresh, MEM_SIZE, 2, &e) == 0 &&
	   memcmp(mem + ACPI_GPA, fresh + ACPI_GPA, ACPI_ROOM) == 0 &&
	   memcmp(mem + MPTABLE_GPA, "_MP_", 4) == 0 && MPTABLE_GPA + MPTABLE_ROOM <= ACPI_GPA &&
	   find_rsdp(mem) == ACPI_RSDP_GPA,
	   "with the MP table: both intact, apart, the RSDP found at 0x%x", ACPI_RSDP_GPA);
	{
		uint32_t ebda = (uint32_t)rd16(mem + 0x40e) << 4, x;
		bool none = true;

		for (x = ebda; x < ebda + 1024; x += 16)
			if (memcmp(mem + x, "RSD PTR ", 8) == 0)
				none = false;
		ok(ebda == MPTABLE_GPA && none,
		   "the EBDA's first KiB (0x%x) holds no RSDP: the scan goes on to 0xE0000", ebda);
	}
	/* the tables' area lies where Linux's e820 map (linux.c) reserves
	 * it: inside 0xE0000-0xFFFFF, clear of the EBDA */
	ok(ACPI_GPA >= 0xe0000 && AREA_END <= 0x100000 && ACPI_RSDP_GPA % 16 == 0,
	   "the area 0x%x-0x%x lies in the BIOS area 0xE0000-0xFFFFF, the RSDP 16-byte aligned",
	   ACPI_GPA, AREA_END - 1);

	free(mem);
	free(fresh);
	if (n != CASES * CHECKS_PER_BUILD + EXTRA)
		printf("# planned %d checks, ran %d\n", CASES * CHECKS_PER_BUILD + EXTRA, n);
	return failed != 0;
}
