/* mptable.c - the MP floating pointer and configuration table (see
 * mptable.h; section and table numbers are those of the MultiProcessor
 * Specification 1.4). */
#include "x86/mptable.h"

#include "x86/layout.h"

#include <stddef.h>
#include <string.h>

/* Figure 4-2, Table 4-1 */
struct mpf {
	char signature[4];		/* "_MP_" */
	uint32_t physptr;		/* GPA of the configuration table */
	uint8_t length;			/* in 16-byte paragraphs: 1 */
	uint8_t spec_rev;		/* 4: version 1.4 */
	uint8_t checksum;
	uint8_t feature1;		/* 0: a configuration table is present */
	uint8_t feature2;		/* bit 7 IMCRP */
	uint8_t feature3_5[3];
} __attribute__((packed));

/* Figure 4-3, Table 4-2 */
struct mpc_header {
	char signature[4];		/* "PCMP" */
	uint16_t length;		/* header and base entries, bytes */
	uint8_t spec_rev;
	uint8_t checksum;
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_addr;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

/* §4.3.1, Figure 4-4, Table 4-4 */
struct mpc_processor {
	uint8_t type;			/* 0 */
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t cpu_flags;		/* bit 0 EN, bit 1 BP */
	uint32_t signature;		/* Table 4-5: stepping, model, family */
	uint32_t features;		/* Table 4-6: CPUID.1:EDX */
	uint8_t reserved[8];
} __attribute__((packed));

/* §4.3.2, Figure 4-5, Table 4-7 */
struct mpc_bus {
	uint8_t type;			/* 1 */
	uint8_t bus_id;
	char bus_type[6];		/* Table 4-8, space-padded */
} __attribute__((packed));

/* §4.3.3, Figure 4-6, Table 4-9 */
struct mpc_ioapic {
	uint8_t type;			/* 2 */
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;			/* bit 0 EN */
	uint32_t addr;
} __attribute__((packed));

/* §4.3.4 and §4.3.5, Figures 4-7 and 4-8, Tables 4-10 and 4-12: the I/O
 * and local interrupt entries share one layout. */
struct mpc_intr {
	uint8_t type;			/* 3: I/O, 4: local */
	uint8_t irq_type;		/* Table 4-11 */
	uint16_t flags;			/* bits 0-1 PO, 2-3 EL; 0: conforms to bus */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic;		/* 0xFF: all */
	uint8_t dst_pin;		/* INTINn or LINTINn */
} __attribute__((packed));

_Static_assert(sizeof(struct mpf) == 16, "floating pointer");
_Static_assert(offsetof(struct mpf, spec_rev) == 9, "mpf spec_rev");
_Static_assert(offsetof(struct mpf, physptr) == 4, "mpf physptr");
_Static_assert(offsetof(struct mpf, length) == 8, "mpf length");
_Static_assert(offsetof(struct mpf, checksum) == 10, "mpf checksum");
_Static_assert(offsetof(struct mpf, feature1) == 11, "mpf feature1");
_Static_assert(offsetof(struct mpf, feature2) == 12, "mpf feature2");
_Static_assert(sizeof(struct mpc_header) == 44, "header");
_Static_assert(offsetof(struct mpc_header, length) == 4, "mpc length");
_Static_assert(offsetof(struct mpc_header, checksum) == 7, "mpc checksum");
_Static_assert(offsetof(struct mpc_header, oem_id) == 8, "mpc oem_id");
_Static_assert(offsetof(struct mpc_header, product_id) == 16, "mpc product_id");
_Static_assert(offsetof(struct mpc_header, oem_table) == 28, "mpc oem_table");
_Static_assert(offsetof(struct mpc_header, entry_count) == 34, "mpc entry_count");
_Static_assert(offsetof(struct mpc_header, lapic_addr) == 36, "mpc lapic_addr");
_Static_assert(offsetof(struct mpc_header, ext_length) == 40, "mpc ext_length");
_Static_assert(offsetof(struct mpc_header, ext_checksum) == 42, "mpc ext_checksum");
_Static_assert(sizeof(struct mpc_processor) == 20, "processor entry");
_Static_assert(offsetof(struct mpc_processor, apic_id) == 1, "local APIC ID");
_Static_assert(offsetof(struct mpc_processor, apic_version) == 2, "local APIC version");
_Static_assert(offsetof(struct mpc_processor, cpu_flags) == 3, "cpu flags");
_Static_assert(offsetof(struct mpc_processor, signature) == 4, "cpu signature");
_Static_assert(offsetof(struct mpc_processor, features) == 8, "feature flags");
_Static_assert(sizeof(struct mpc_bus) == 8, "bus entry");
_Static_assert(offsetof(struct mpc_bus, bus_type) == 2, "bus type");
_Static_assert(sizeof(struct mpc_ioapic) == 8, "I/O APIC entry");
_Static_assert(offsetof(struct mpc_ioapic, apic_version) == 2, "I/O APIC version");
_Static_assert(offsetof(struct mpc_ioapic, flags) == 3, "I/O APIC flags");
_Static_assert(offsetof(struct mpc_ioapic, addr) == 4, "I/O APIC address");
_Static_assert(sizeof(struct mpc_intr) == 8, "interrupt entry");
_Static_assert(offsetof(struct mpc_intr, flags) == 2, "interrupt flags");
_Static_assert(offsetof(struct mpc_intr, src_bus) == 4, "source bus");
_Static_assert(offsetof(struct mpc_intr, src_irq) == 5, "source bus IRQ");
_Static_assert(offsetof(struct mpc_intr, dst_apic) == 6, "destination APIC");
_Static_assert(offsetof(struct mpc_intr, dst_pin) == 7, "destination pin");

/* the structures are copied as the host lays them out: x86's byte order */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host");

/* mptable.h's arithmetic is the structures' */
_Static_assert(MPTABLE_SIZE(0) == sizeof(struct mpf) + sizeof(struct mpc_header) +
	       sizeof(struct mpc_bus) + sizeof(struct mpc_ioapic) +
	       (MPTABLE_ISA_IRQS + 2) * sizeof(struct mpc_intr), "MPTABLE_SIZE");
_Static_assert(MPTABLE_SIZE(1) - MPTABLE_SIZE(0) == sizeof(struct mpc_processor),
	       "MPTABLE_SIZE per processor");
/* the most that fit, and their APIC IDs and the I/O APIC's below 0xFF */
_Static_assert(MPTABLE_SIZE(MPTABLE_MAX_CPUS) <= MPTABLE_ROOM &&
	       MPTABLE_SIZE(MPTABLE_MAX_CPUS + 1) > MPTABLE_ROOM, "MPTABLE_MAX_CPUS");
_Static_assert(MPTABLE_MAX_CPUS < 0xff && MPTABLE_MAX_CPUS >= 64, "APIC IDs");
/* the tables, the BDA words and the EBDA lie in RAM below the hole */
_Static_assert(MPTABLE_GPA + MPTABLE_ROOM == MPTABLE_MEM_MIN, "EBDA ends at 640K");
_Static_assert(MPTABLE_GPA % 16 == 0 && MPTABLE_GPA % 1024 == 0, "alignment");
_Static_assert(MPTABLE_BASE_KIB == 636, "base memory");
_Static_assert(MPTABLE_MEM_MIN <= LAYOUT_LOW_RAM_MAX, "below the hole");

enum {
	MP_PROCESSOR = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_INTSRC = 3,
	MP_LINTSRC = 4,				/* Table 4-3 */
	MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3,	/* Table 4-11 */
};

#define CPU_EN		0x01
#define CPU_BP		0x02
#define IOAPIC_EN	0x01
#define LAPIC_VERSION	0x14	/* KVM's local APIC (APIC_VERSION) */
#define IOAPIC_VERSION	0x11	/* KVM's IOAPIC (IOAPIC_VERSION_ID) */
/* Table 4-5: family 6, model 0, stepping 0, as Firecracker writes; an OS
 * asks CPUID for the real one.  Table 4-6: FPU (bit 0), CX8 (8), APIC (9),
 * which every processor KVM runs on has. */
#define CPU_SIGNATURE	0x600u
#define CPU_FEATURES	((1u << 0) | (1u << 8) | (1u << 9))
#define ISA_BUS_ID	0
#define ALL_APICS	0xff

size_t mptable_size(unsigned ncpus)
{
	return MPTABLE_SIZE((size_t)ncpus);
}

/* The byte that makes LEN bytes at P sum to 0 (Tables 4-1, 4-2), given
 * that the checksum byte among them is still 0. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

int mptable_build(uint8_t *mem, uint64_t mem_size, unsigned ncpus,
		  struct err *e)
{
	uint8_t *base, *p;
	struct mpf mpf = { .length = 1, .spec_rev = 4 };
	struct mpc_header h = { .spec_rev = 4, .lapic_addr = (uint32_t)LAYOUT_LAPIC };
	unsigned i, count = 0;

	if (ncpus == 0)
		return err_set(e, "MP table: no processors");
	if (ncpus > MPTABLE_MAX_CPUS)
		return err_set(e, "MP table: %u processors, at most %u fit in its %u bytes",
			       ncpus, MPTABLE_MAX_CPUS, MPTABLE_ROOM);
	if (mem_size < MPTABLE_MEM_MIN)
		return err_set(e, "MP table: %llu bytes of RAM, it needs %u (up to 640 KiB)",
			       (unsigned long long)mem_size, MPTABLE_MEM_MIN);

	/* fixed-width strings without a NUL: memcpy, not initialisers */
	memcpy(mpf.signature, "_MP_", 4);
	memcpy(h.signature, "PCMP", 4);
	memcpy(h.oem_id, "MINIKVM ", 8);
	memcpy(h.product_id, "PC          ", 12);

	base = mem + MPTABLE_GPA;
	memset(base, 0, MPTABLE_ROOM);
	/* entries in ascending type (Table 4-3), right after the header */
	p = base + sizeof mpf + sizeof h;
	for (i = 0; i < ncpus; i++, count++) {
		struct mpc_processor c = {
			.type = MP_PROCESSOR, .apic_id = (uint8_t)i,
			.apic_version = LAPIC_VERSION,
			.cpu_flags = CPU_EN | (i == 0 ? CPU_BP : 0),
			.signature = CPU_SIGNATURE, .features = CPU_FEATURES,
		};

		memcpy(p, &c, sizeof c);
		p += sizeof c;
	}
	{
		struct mpc_bus b = { .type = MP_BUS, .bus_id = ISA_BUS_ID };
		struct mpc_ioapic io = {
			.type = MP_IOAPIC, .apic_id = (uint8_t)ncpus,
			.apic_version = IOAPIC_VERSION, .flags = IOAPIC_EN,
			.addr = (uint32_t)LAYOUT_IOAPIC,
		};

		memcpy(b.bus_type, "ISA   ", 6);
		memcpy(p, &b, sizeof b);
		p += sizeof b;
		memcpy(p, &io, sizeof io);
		p += sizeof io;
		count += 2;
	}
	for (i = 0; i < MPTABLE_ISA_IRQS; i++, count++) {
		struct mpc_intr in = {
			.type = MP_INTSRC, .irq_type = MP_INT, .flags = 0,
			.src_bus = ISA_BUS_ID, .src_irq = (uint8_t)i,
			.dst_apic = (uint8_t)ncpus,
			.dst_pin = (uint8_t)(i == 0 ? MPTABLE_IRQ0_INTIN : i),
		};

		memcpy(p, &in, sizeof in);
		p += sizeof in;
	}
	for (i = 0; i < 2; i++, count++) {
		/* Table 5-3: LINTIN0 the 8259A's INTR, LINTIN1 NMI */
		struct mpc_intr l = {
			.type = MP_LINTSRC, .irq_type = i == 0 ? MP_EXTINT : MP_NMI,
			.src_bus = ISA_BUS_ID, .dst_apic = ALL_APICS,
			.dst_pin = (uint8_t)i,
		};

		memcpy(p, &l, sizeof l);
		p += sizeof l;
	}

	h.length = (uint16_t)(p - (base + sizeof mpf));
	h.entry_count = (uint16_t)count;
	memcpy(base + sizeof mpf, &h, sizeof h);
	base[sizeof mpf + offsetof(struct mpc_header, checksum)] =
		checksum(base + sizeof mpf, h.length);

	mpf.physptr = MPTABLE_GPA + sizeof mpf;
	mpf.checksum = checksum((const uint8_t *)&mpf, sizeof mpf);
	memcpy(base, &mpf, sizeof mpf);

	/* the BIOS data area: where the EBDA is, and that memory stops there */
	put16(mem + MPTABLE_BDA_EBDA_SEG, MPTABLE_EBDA_SEG);
	put16(mem + MPTABLE_BDA_BASE_KIB, MPTABLE_BASE_KIB);
	return 0;
}
