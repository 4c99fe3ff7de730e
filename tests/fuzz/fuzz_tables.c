/*
 * fuzz_tables.c - libFuzzer target: what minikvm writes into a guest's
 * memory before it starts it: the MP table (x86/mptable.h), the ACPI
 * tables (x86/acpi.h), and a Linux guest's kernel, command line and zero
 * page with its e820 map, and its initrd's place (boot/linux.h), for any
 * number of processors, any memory size and any bzImage setup header.
 *
 * Input:
 *   bytes 0-3     the number of processors, little-endian (any: 0, the
 *                 builders' limits, KVM's, 2^32 - 1)
 *   bytes 4-11    the memory size in bytes, little-endian, cut to 48 bits
 *                 (no host maps more; a manifest allows up to 64 GiB)
 *   bytes 12-15   an initrd's size (0: none)
 *   bytes 16-138  a bzImage's setup header, bytes 0x1F1-0x26B (boot.rst),
 *                 but for the boot flag and "HdrS", always right
 *   byte 139      N, then N bytes: the kernel command line (up to a NUL)
 *   the rest      the protected-mode kernel, at most KERNEL_MAX bytes
 * A missing byte is 0.
 *
 * Each builder writes a guest memory of min(memory size, MEM_CAP) bytes,
 * every byte FILL before, poisoned for ASan on both sides: the builders
 * touch nothing above 1 MiB + the kernel, as their headers say.
 * Failures, besides ASan and UBSan reports: a builder refusing what it
 * should take or taking what it should refuse (a count or memory outside
 * its limits); a byte changed outside what it may write; tables that an
 * OS would not find whole: a checksum that does not sum to 0, a table or
 * entry running past its length or its area, processors missing or
 * doubled, an APIC ID used twice or 0xFF; an e820 map whose entries are
 * out of order, overlap, claim RAM the guest lacks or the tables' areas,
 * or miss some of its RAM; a zero page without the command line, kernel
 * and initrd it was given; an initrd placed over the kernel's footprint,
 * past the memory or past the kernel's initrd_addr_max; an accepted
 * kernel whose footprint does not fit in the memory.
 */
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/linux.h"
#include "x86/acpi.h"
#include "x86/layout.h"
#include "x86/mptable.h"

#define KERNEL_MAX 0x10000u
#define MEM_CAP (LINUX_KERNEL + KERNEL_MAX)	/* most bytes given to a builder */
#define FILL 0xa5
#define HDR 0x1f1u			/* the setup header in an image */
#define HDR_LEN (0x26cu - HDR)
#define E820_RAM 1

static uint8_t *arena;		/* MEM_CAP bytes from malloc */
static uint8_t fill_ref[MEM_CAP];	/* FILL everywhere, to compare with */

static void die(const char *why)
{
	fprintf(stderr, "fuzz_tables: %s\n", why);
	abort();
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < n; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* A guest memory of LEN (<= MEM_CAP) bytes of FILL at the arena's end,
 * every arena byte around it poisoned: ASan reports any access outside. */
static uint8_t *guest_mem(size_t len)
{
	size_t room = (len + 7) & ~(size_t)7;	/* ASan poisons whole 8-byte
						 * granules, or a granule's end */
	uint8_t *m = arena + MEM_CAP - room;

	ASAN_UNPOISON_MEMORY_REGION(arena, MEM_CAP);
	memset(m, FILL, len);
	ASAN_POISON_MEMORY_REGION(arena, MEM_CAP - room);
	ASAN_POISON_MEMORY_REGION(m + len, room - len);
	return m;
}

/* Bytes [LO, HI) of M, which a builder may write, checked already: back
 * to FILL, so that what remains to compare is what it must not touch. */
static void wipe(uint8_t *m, uint64_t lo, uint64_t hi)
{
	memset(m + lo, FILL, hi - lo);
}

static void untouched(const uint8_t *m, size_t len, const char *who)
{
	if (memcmp(m, fill_ref, len) != 0) {
		fprintf(stderr, "fuzz_tables: %s\n", who);
		die("a builder changed memory outside its area, or one that failed changed any");
	}
}

/* The MP table as an OS reads it (MP spec 1.4, chapter 4, Table 4-3). */
static void check_mptable(const uint8_t *m, unsigned ncpus)
{
	const uint8_t *fp = m + MPTABLE_GPA, *t;
	uint64_t at = rd(fp + 4, 4), end = MPTABLE_GPA + MPTABLE_ROOM;
	unsigned len, count, p = 44, cpus = 0;
	bool used[256] = { false };

	if (memcmp(fp, "_MP_", 4) != 0 || fp[8] != 1 || sum(fp, 16) != 0)
		die("MP floating pointer: signature, length or checksum");
	if (at < MPTABLE_GPA + 16 || at + 44 > end)
		die("MP configuration table outside the EBDA");
	t = m + at;
	len = (unsigned)rd(t + 4, 2);
	count = (unsigned)rd(t + 34, 2);
	if (memcmp(t, "PCMP", 4) != 0 || len < 44 || len > end - at || sum(t, len) != 0)
		die("MP configuration table: signature, length or checksum");
	for (unsigned k = 0; k < count; k++) {
		unsigned size = p < len && t[p] == 0 ? 20 : 8;

		if (p >= len || t[p] > 4 || size > len - p)
			die("MP table: an entry of an unknown type or past the table's length");
		if (t[p] <= 2 && t[p] != 1) {	/* a processor or an I/O APIC */
			if (t[p + 1] == 0xff || used[t[p + 1]])
				die("MP table: an APIC ID twice, or 0xFF");
			used[t[p + 1]] = true;
			cpus += t[p] == 0;
		}
		p += size;
	}
	if (p != len || cpus != ncpus)
		die("MP table: entries and length disagree, or processors missing");
	if (rd(m + MPTABLE_BDA_EBDA_SEG, 2) != MPTABLE_EBDA_SEG ||
	    rd(m + MPTABLE_BDA_BASE_KIB, 2) != MPTABLE_BASE_KIB)
		die("MP table: the BIOS data area's words");
}

/* The ACPI table at GPA AT with signature SIG (NULL: any): inside the
 * tables' area with its whole length, summing to 0 (ACPI 6.5 §5.2.6).
 * Returns its length. */
static uint32_t acpi_table(const uint8_t *m, uint64_t at, const char *sig)
{
	uint64_t end = ACPI_GPA + ACPI_ROOM;
	uint32_t len;

	if (at < ACPI_GPA || at + 36 > end)
		die("ACPI: a table outside the tables' area");
	len = (uint32_t)rd(m + at + 4, 4);
	if (len < 36 || len > end - at)
		die("ACPI: a table running out of the tables' area");
	if ((sig != NULL && memcmp(m + at, sig, 4) != 0) || sum(m + at, len) != 0)
		die("ACPI: a table's signature or checksum");
	return len;
}

/* The MADT at AT (§5.2.12): its entries, its processors and APIC IDs. */
static void check_madt(const uint8_t *m, uint64_t at, unsigned ncpus)
{
	uint32_t len = acpi_table(m, at, "APIC"), p = 44;
	const uint8_t *t = m + at;
	bool used[256] = { false };
	unsigned cpus = 0;

	while (p < len) {
		unsigned type = t[p], size = p + 1 < len ? t[p + 1] : 0, id;

		if (size < 2 || size > len - p)
			die("ACPI MADT: an entry past the table's length");
		if (type <= 1) {		/* a local APIC or an I/O APIC */
			if (size != (type == 0 ? 8u : 12u))
				die("ACPI MADT: an APIC entry's length");
			id = type == 0 ? t[p + 3] : t[p + 2];
			if (id == 0xff || used[id])
				die("ACPI MADT: an APIC ID twice, or 0xFF");
			used[id] = true;
			cpus += type == 0;
		}
		p += size;
	}
	if (cpus != ncpus)
		die("ACPI MADT: processors missing");
}

/* What an OS finds from the RSDP (§5.2.5.3): both the RSDT and the XSDT
 * lead to the FADT (with its DSDT) and the MADT. */
static void check_acpi(const uint8_t *m, unsigned ncpus)
{
	const uint8_t *rsdp = m + ACPI_RSDP_GPA;

	if (memcmp(rsdp, "RSD PTR ", 8) != 0 || sum(rsdp, 20) != 0 || rsdp[15] != 2 ||
	    rd(rsdp + 20, 4) != 36 || sum(rsdp, 36) != 0)
		die("ACPI RSDP: signature, revision, length or checksums");
	for (unsigned wide = 0; wide < 2; wide++) {
		unsigned esize = wide ? 8 : 4, found = 0;
		uint64_t at = wide ? rd(rsdp + 24, 8) : rd(rsdp + 16, 4);
		uint32_t len = acpi_table(m, at, wide ? "XSDT" : "RSDT");

		for (uint32_t p = 36; p + esize <= len; p += esize) {
			uint64_t t = rd(m + at + p, esize);

			acpi_table(m, t, NULL);
			if (memcmp(m + t, "FACP", 4) == 0) {
				uint32_t flen = acpi_table(m, t, "FACP");

				/* §5.2.9: X_DSDT, and DSDT 0 beside it */
				if (flen < 148 || rd(m + t + 40, 4) != 0)
					die("ACPI FADT: too short for X_DSDT, or a DSDT beside it");
				acpi_table(m, rd(m + t + 140, 8), "DSDT");
				found |= 1;
			} else if (memcmp(m + t, "APIC", 4) == 0) {
				check_madt(m, t, ncpus);
				found |= 2;
			}
		}
		if (found != 3)
			die("ACPI: the RSDT or XSDT lacks the FADT or the MADT");
	}
}

/* A bzImage from the input: the setup header SETUP (HDR_LEN bytes) with
 * its magic, then KERNEL (KLEN bytes) after the setup sectors.  In a
 * buffer of exactly its size (ASan: no reading past it); *LEN its size. */
static uint8_t *bzimage(const uint8_t *setup, const uint8_t *kernel, size_t klen,
			size_t *len)
{
	size_t sects = setup[0] ? setup[0] : 4, setup_size = (sects + 1) * 512;
	uint8_t *img = calloc(1, setup_size + klen);

	if (img == NULL)
		die("out of memory");
	memcpy(img + HDR, setup, HDR_LEN);
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	if (klen > 0)
		memcpy(img + setup_size, kernel, klen);
	*len = setup_size + klen;
	return img;
}

/* The e820 map of the zero page ZP for MEM bytes of RAM: in order, no
 * overlaps, RAM only where the guest has it, but not over the MP table or
 * the ACPI tables, which reserved entries cover; and all the RAM but
 * what lies between the EBDA and 1 MiB.  The kernel's [1 MiB, FOOT) in
 * one RAM entry. */
static void check_e820(const uint8_t *zp, uint64_t mem, uint64_t foot)
{
	unsigned n = zp[0x1e8];
	uint64_t low = layout_low_size(mem), prev = 0, ram = 0;
	bool kernel_in = false, mp_kept = false, acpi_kept = false;

	if (n < 1 || n > 128)
		die("e820: no entries, or more than the zero page holds");
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *en = zp + 0x2d0 + 20 * k;
		uint64_t a = rd(en, 8), size = rd(en + 8, 8), end = a + size;
		bool is_ram = rd(en + 16, 4) == E820_RAM;

		if (size == 0 || end < a || a < prev)
			die("e820: an empty entry, or entries out of order or overlapping");
		if (is_ram && !(end <= low || (a >= LAYOUT_HIGH_RAM && end <= layout_ram_end(mem))))
			die("e820: RAM the guest does not have");
		if (is_ram && a < 0x100000 && end > MPTABLE_GPA)
			die("e820: RAM over the MP table, the ACPI tables or the BIOS area");
		if (!is_ram && a <= MPTABLE_GPA && end >= MPTABLE_GPA + MPTABLE_ROOM)
			mp_kept = true;
		if (!is_ram && a <= ACPI_GPA && end >= ACPI_GPA + ACPI_ROOM)
			acpi_kept = true;
		if (is_ram && a <= LINUX_KERNEL && end >= foot)
			kernel_in = true;
		ram += is_ram ? size : 0;
		prev = end;
	}
	if (!mp_kept || !acpi_kept)
		die("e820: the MP or ACPI tables not reserved");
	if (ram != mem - (0x100000 - MPTABLE_GPA))
		die("e820: RAM missing from the map");
	if (!kernel_in)
		die("e820: the kernel's footprint is not in RAM");
}

/* Linux: the kernel, the command line, the zero page and the e820 map
 * (linux_setup), and the initrd's place (linux_initrd_addr). */
static void fuzz_linux(uint64_t mem, uint32_t initrd, const uint8_t *setup,
		       const char *cmdline, const uint8_t *kernel, size_t klen)
{
	size_t len = mem < MEM_CAP ? (size_t)mem : MEM_CAP, ilen;
	uint8_t *img = bzimage(setup, kernel, klen, &ilen), *m = guest_mem(len), *zp;
	struct linux_image li;
	uint64_t addr = 0, need;
	const char *why;
	size_t n = strlen(cmdline);

	if (linux_parse(img, ilen, ilen, &li) < 0) {
		if (linux_setup(m, mem, img, ilen, cmdline, 0, 0, &why) == 0)
			die("linux_setup took an image linux_parse refuses");
		untouched(m, len, "linux_setup, refused");
		free(img);
		return;
	}
	/* what the kernel needs, without overflow (boot.rst: init_size
	 * bytes from where it decompresses, pref_address or higher) */
	need = li.pref_address + li.init_size;
	if (need < li.pref_address || li.footprint_end < need ||
	    li.footprint_end < LINUX_KERNEL + li.kernel_size)
		die("linux_parse: a footprint_end below what the kernel needs");
	if (initrd != 0) {
		addr = linux_initrd_addr(&li, initrd, mem);
		if (addr != 0 && (addr % 4096 != 0 || addr < li.footprint_end ||
				  initrd > mem - addr ||
				  addr + initrd - 1 > li.initrd_addr_max))
			die("linux_initrd_addr: an initrd over the kernel, unaligned, or past memory or initrd_addr_max");
	}
	if (linux_setup(m, mem, img, ilen, cmdline, addr, addr ? initrd : 0, &why) < 0) {
		untouched(m, len, "linux_setup, refused");
		free(img);
		return;
	}
	if (li.footprint_end > mem || n > li.cmdline_size)
		die("linux_setup took a kernel that does not fit, or too long a command line");
	zp = m + LINUX_ZERO_PAGE;
	check_e820(zp, mem, li.footprint_end);
	if (rd(zp + 0x228, 4) != LINUX_CMDLINE || rd(zp + 0x214, 4) != LINUX_KERNEL ||
	    rd(zp + 0x218, 4) != addr || rd(zp + 0x21c, 4) != (addr ? initrd : 0) ||
	    zp[0x210] != 0xff || rd(zp + 0x1fe, 2) != 0xaa55)
		die("zero page: the command line, kernel, initrd or loader fields");
	if (memcmp(m + LINUX_CMDLINE, cmdline, n + 1) != 0 ||
	    memcmp(m + LINUX_KERNEL, img + ilen - li.kernel_size, li.kernel_size) != 0)
		die("the command line or the kernel not where the zero page says");
	wipe(m, LINUX_ZERO_PAGE, LINUX_ZERO_PAGE + 0x1000);
	wipe(m, LINUX_CMDLINE, LINUX_CMDLINE + n + 1);
	wipe(m, LINUX_KERNEL, LINUX_KERNEL + li.kernel_size);
	untouched(m, len, "linux_setup");
	free(img);
}

/* The MP table's and the ACPI tables' own checks, then what each may
 * write wiped back to FILL. */
static void mptable_ok(uint8_t *m, unsigned ncpus)
{
	check_mptable(m, ncpus);
	wipe(m, MPTABLE_GPA, MPTABLE_GPA + MPTABLE_ROOM);
	wipe(m, MPTABLE_BDA_EBDA_SEG, MPTABLE_BDA_EBDA_SEG + 2);
	wipe(m, MPTABLE_BDA_BASE_KIB, MPTABLE_BDA_BASE_KIB + 2);
}

static void acpi_ok(uint8_t *m, unsigned ncpus)
{
	check_acpi(m, ncpus);
	wipe(m, ACPI_GPA, ACPI_GPA + ACPI_ROOM);
}

/* A builder of processor tables, the limits its header gives, its check. */
static const struct table_builder {
	const char *name;
	int (*build)(uint8_t *mem, uint64_t mem_size, unsigned ncpus, struct err *e);
	unsigned max_cpus;
	uint64_t mem_min;
	void (*ok)(uint8_t *m, unsigned ncpus);
} builders[] = {
	{ "mptable_build", mptable_build, MPTABLE_MAX_CPUS, MPTABLE_MEM_MIN, mptable_ok },
	{ "acpi_build", acpi_build, ACPI_MAX_CPUS, ACPI_MEM_MIN, acpi_ok },
};

/* B for NCPUS processors in MEM bytes: taken exactly when within its
 * limits, then checked; nothing else of the memory touched. */
static void fuzz_builder(const struct table_builder *b, uint64_t mem, uint32_t ncpus)
{
	size_t len = mem < MEM_CAP ? (size_t)mem : MEM_CAP;
	uint8_t *m = guest_mem(len);
	bool fits = ncpus >= 1 && ncpus <= b->max_cpus && mem >= b->mem_min;
	struct err e;

	if ((b->build(m, mem, ncpus, &e) == 0) != fits) {
		fprintf(stderr, "fuzz_tables: %s\n", b->name);
		die(fits ? "a builder refused what fits" : "a builder took what does not fit");
	}
	if (fits)
		b->ok(m, ncpus);
	untouched(m, len, b->name);
}

/* libFuzzer's set-up hook: the arena, and FILL to compare with. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena = malloc(MEM_CAP);
	if (arena == NULL)
		die("out of memory");
	memset(fill_ref, FILL, sizeof fill_ref);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t fixed[140] = { 0 };	/* bytes 0-139, 0 where missing */
	char cmdline[256];
	const uint8_t *rest;
	size_t n, klen;
	uint32_t ncpus;
	uint64_t mem;

	memcpy(fixed, data, size < sizeof fixed ? size : sizeof fixed);
	ncpus = (uint32_t)rd(fixed, 4);
	mem = rd(fixed + 4, 8) & ((1ull << 48) - 1);
	rest = size > sizeof fixed ? data + sizeof fixed : NULL;
	n = rest ? fixed[139] : 0;
	if (rest && n > size - sizeof fixed)
		n = size - sizeof fixed;
	memcpy(cmdline, rest ? rest : (const uint8_t *)"", n);
	cmdline[n] = '\0';
	klen = rest ? size - sizeof fixed - n : 0;
	if (klen > KERNEL_MAX)
		klen = KERNEL_MAX;

	for (size_t k = 0; k < sizeof builders / sizeof builders[0]; k++)
		fuzz_builder(&builders[k], mem, ncpus);
	fuzz_linux(mem, (uint32_t)rd(fixed + 12, 4), fixed + 16, cmdline,
		   rest ? rest + n : NULL, klen);
	return 0;
}
