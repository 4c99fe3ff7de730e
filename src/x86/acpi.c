/* acpi.c - the ACPI tables (see acpi.h; section numbers are those of the
 * ACPI Specification 6.5). */
#include "x86/acpi.h"

#include "x86/layout.h"

#include <stddef.h>
#include <string.h>

/* §5.2.5.3: the Root System Description Pointer, revision 2 */
struct rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0 and later */
	uint32_t rsdt_address;
	uint32_t length;		/* of this structure: 36 */
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

/* §5.2.6: the header every description table starts with */
struct sdt_header {
	char signature[4];
	uint32_t length;		/* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* §5.2.3.2: Generic Address Structure */
struct gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

/* §5.2.9: Fixed ACPI Description Table, major version 6 */
struct fadt {
	struct sdt_header h;		/* "FACP" */
	uint32_t firmware_ctrl;		/* FACS */
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;	/* §5.2.9.3 */
	uint8_t reserved1;
	uint32_t flags;			/* §5.2.9, Fixed Feature Flags */
	struct gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct gas x_pm1a_evt_blk;
	struct gas x_pm1b_evt_blk;
	struct gas x_pm1a_cnt_blk;
	struct gas x_pm1b_cnt_blk;
	struct gas x_pm2_cnt_blk;
	struct gas x_pm_tmr_blk;
	struct gas x_gpe0_blk;
	struct gas x_gpe1_blk;
	struct gas sleep_control_reg;
	struct gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

/* §5.2.12: Multiple APIC Description Table, before its entries */
struct madt {
	struct sdt_header h;		/* "APIC" */
	uint32_t lapic_addr;
	uint32_t flags;			/* bit 0 PCAT_COMPAT */
} __attribute__((packed));

/* §5.2.12.2: Processor Local APIC Structure */
struct madt_lapic {
	uint8_t type;			/* 0 */
	uint8_t length;			/* 8 */
	uint8_t uid;			/* ACPI Processor UID */
	uint8_t apic_id;
	uint32_t flags;			/* bit 0 Enabled */
} __attribute__((packed));

/* §5.2.12.3: I/O APIC Structure */
struct madt_ioapic {
	uint8_t type;			/* 1 */
	uint8_t length;			/* 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

/* §5.2.12.7: Local APIC NMI Structure */
struct madt_lapic_nmi {
	uint8_t type;			/* 4 */
	uint8_t length;			/* 6 */
	uint8_t uid;			/* 0xFF: every processor */
	uint16_t flags;			/* MPS INTI flags */
	uint8_t lint;			/* LINTn */
} __attribute__((packed));

_Static_assert(sizeof(struct rsdp) == 36, "RSDP");
_Static_assert(offsetof(struct rsdp, checksum) == 8, "RSDP checksum");
_Static_assert(offsetof(struct rsdp, oem_id) == 9, "RSDP OEMID");
_Static_assert(offsetof(struct rsdp, revision) == 15, "RSDP revision");
_Static_assert(offsetof(struct rsdp, rsdt_address) == 16, "RSDP RsdtAddress");
_Static_assert(offsetof(struct rsdp, length) == 20, "RSDP length");
_Static_assert(offsetof(struct rsdp, xsdt_address) == 24, "RSDP XsdtAddress");
_Static_assert(offsetof(struct rsdp, extended_checksum) == 32, "RSDP extended checksum");
_Static_assert(sizeof(struct sdt_header) == 36, "header");
_Static_assert(offsetof(struct sdt_header, length) == 4, "header length");
_Static_assert(offsetof(struct sdt_header, revision) == 8, "header revision");
_Static_assert(offsetof(struct sdt_header, checksum) == 9, "header checksum");
_Static_assert(offsetof(struct sdt_header, oem_id) == 10, "header OEMID");
_Static_assert(offsetof(struct sdt_header, oem_table_id) == 16, "header OEM Table ID");
_Static_assert(offsetof(struct sdt_header, oem_revision) == 24, "header OEM Revision");
_Static_assert(offsetof(struct sdt_header, creator_id) == 28, "header Creator ID");
_Static_assert(offsetof(struct sdt_header, creator_revision) == 32, "header Creator Revision");
_Static_assert(sizeof(struct gas) == 12, "GAS");
_Static_assert(offsetof(struct gas, address) == 4, "GAS address");
_Static_assert(sizeof(struct fadt) == 276, "FADT");
_Static_assert(offsetof(struct fadt, firmware_ctrl) == 36, "FADT FIRMWARE_CTRL");
_Static_assert(offsetof(struct fadt, dsdt) == 40, "FADT DSDT");
_Static_assert(offsetof(struct fadt, preferred_pm_profile) == 45, "FADT profile");
_Static_assert(offsetof(struct fadt, sci_int) == 46, "FADT SCI_INT");
_Static_assert(offsetof(struct fadt, smi_cmd) == 48, "FADT SMI_CMD");
_Static_assert(offsetof(struct fadt, pm1a_evt_blk) == 56, "FADT PM1a_EVT_BLK");
_Static_assert(offsetof(struct fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(offsetof(struct fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(offsetof(struct fadt, gpe0_blk) == 80, "FADT GPE0_BLK");
_Static_assert(offsetof(struct fadt, pm1_evt_len) == 88, "FADT PM1_EVT_LEN");
_Static_assert(offsetof(struct fadt, p_lvl2_lat) == 96, "FADT P_LVL2_LAT");
_Static_assert(offsetof(struct fadt, p_lvl3_lat) == 98, "FADT P_LVL3_LAT");
_Static_assert(offsetof(struct fadt, day_alrm) == 106, "FADT DAY_ALRM");
_Static_assert(offsetof(struct fadt, century) == 108, "FADT CENTURY");
_Static_assert(offsetof(struct fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct fadt, flags) == 112, "FADT Flags");
_Static_assert(offsetof(struct fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(offsetof(struct fadt, arm_boot_arch) == 129, "FADT ARM_BOOT_ARCH");
_Static_assert(offsetof(struct fadt, minor_version) == 131, "FADT Minor Version");
_Static_assert(offsetof(struct fadt, x_firmware_ctrl) == 132, "FADT X_FIRMWARE_CTRL");
_Static_assert(offsetof(struct fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct fadt, x_pm1a_evt_blk) == 148, "FADT X_PM1a_EVT_BLK");
_Static_assert(offsetof(struct fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");
_Static_assert(offsetof(struct fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(offsetof(struct fadt, sleep_status_reg) == 256, "FADT SLEEP_STATUS_REG");
_Static_assert(offsetof(struct fadt, hypervisor_vendor_id) == 268, "FADT hypervisor vendor");
_Static_assert(sizeof(struct madt) == 44, "MADT header");
_Static_assert(offsetof(struct madt, lapic_addr) == 36, "MADT local APIC address");
_Static_assert(offsetof(struct madt, flags) == 40, "MADT flags");
_Static_assert(sizeof(struct madt_lapic) == 8, "Processor Local APIC");
_Static_assert(offsetof(struct madt_lapic, apic_id) == 3, "Processor Local APIC ID");
_Static_assert(offsetof(struct madt_lapic, flags) == 4, "Processor Local APIC flags");
_Static_assert(sizeof(struct madt_ioapic) == 12, "I/O APIC");
_Static_assert(offsetof(struct madt_ioapic, address) == 4, "I/O APIC address");
_Static_assert(offsetof(struct madt_ioapic, gsi_base) == 8, "I/O APIC GSI base");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "Local APIC NMI");
_Static_assert(offsetof(struct madt_lapic_nmi, flags) == 3, "Local APIC NMI flags");
_Static_assert(offsetof(struct madt_lapic_nmi, lint) == 5, "Local APIC NMI LINT#");

/* the structures are copied as the host lays them out: x86's byte order */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host");

enum {
	MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_LAPIC_NMI = 4,	/* §5.2.12 */
};

#define MADT_PCAT_COMPAT	0x1u		/* the 8259s are there too */
#define LAPIC_ENABLED		0x1u
#define ALL_PROCESSORS		0xffu		/* ACPI processor UID: all */
#define NMI_LINT		1u		/* NMI on LINT1, as mptable.c */
#define IAPC_LEGACY_DEVICES	0x1u		/* §5.2.9.3 */
#define IAPC_8042		0x2u
#define FADT_PWR_BUTTON		(1u << 4)	/* no fixed power button */
#define FADT_SLP_BUTTON		(1u << 5)	/* nor sleep button */
#define FADT_HW_REDUCED_ACPI	(1u << 20)
#define RSDT_REVISION		1
#define XSDT_REVISION		1
#define FADT_REVISION		6		/* and minor version 5: 6.5 */
#define FADT_MINOR		5
#define DSDT_REVISION		2		/* 64-bit AML integers */
#define MADT_REVISION		5		/* ACPI 6.3 on */
#define NTABLES			2		/* in the RSDT and XSDT */

/*
 * The DSDT's AML (§20): Scope (\_SB) with a Device for each ISA device
 * (acpi.h), each Name (_HID, EisaId ()) (§6.1.5: three compressed letters
 * and four hex digits) and Name (_CRS, ResourceTemplate ()) (§6.4): I/O
 * Port descriptors (§6.4.2.5, 16-bit decode, one fixed range), an IRQ
 * descriptor (§6.4.2.1, two bytes: active high, edge, exclusive) and the
 * End Tag (§6.4.2.9, checksum 0: none).  A PkgLength (§20.2.4, the
 * numbers in the comments) counts itself and what follows to the
 * package's end; below 64 it is that one byte, else two: 0x40 | (length &
 * 0xF), then length >> 4.  tests/unit/test_hw_acpi.c decodes it all.
 */
static const uint8_t dsdt_aml[] = {
	0x10, 0x44, 0x08, '\\', '_', 'S', 'B', '_',	/* Scope (\_SB) 132 */
	0x5b, 0x82, 0x25, 'C', 'O', 'M', '1',		/* Device (COM1) 37 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,	/* PNP0501 */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,	/* Buffer 16, 13 bytes */
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,	/* IO 0x3F8, 8 */
	0x22, 0x10, 0x00,				/* IRQNoFlags {4} */
	0x79, 0x00,					/* End Tag */
	0x5b, 0x82, 0x2d, 'K', 'B', 'D', '_',		/* Device (KBD_) 45 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x03, 0x03,	/* PNP0303 */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x18, 0x0a, 0x15,	/* Buffer 24, 21 bytes */
	0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01,	/* IO 0x60, 1 */
	0x47, 0x01, 0x64, 0x00, 0x64, 0x00, 0x01, 0x01,	/* IO 0x64, 1 */
	0x22, 0x02, 0x00,				/* IRQNoFlags {1} */
	0x79, 0x00,
	0x5b, 0x82, 0x25, 'R', 'T', 'C', '_',		/* Device (RTC_) 37 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0b, 0x00,	/* PNP0B00 */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,	/* Buffer 16, 13 bytes */
	0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02,	/* IO 0x70, 2 */
	0x22, 0x00, 0x01,				/* IRQNoFlags {8} */
	0x79, 0x00,
};

/* the Scope's PkgLength, 0x84, is the AML's length but its opcode */
_Static_assert(sizeof dsdt_aml == 1 + 0x84, "Scope (\\_SB) PkgLength");

/* each table ends before the next begins, the MADT of the most processors
 * inside the area, and the RSDP where an OS looks */
_Static_assert(ACPI_RSDP_GPA + sizeof(struct rsdp) <= ACPI_RSDT_GPA, "RSDP");
_Static_assert(ACPI_RSDT_GPA + sizeof(struct sdt_header) + 4 * NTABLES <= ACPI_XSDT_GPA,
	       "RSDT");
_Static_assert(ACPI_XSDT_GPA + sizeof(struct sdt_header) + 8 * NTABLES <= ACPI_FADT_GPA,
	       "XSDT");
_Static_assert(ACPI_FADT_GPA + sizeof(struct fadt) <= ACPI_DSDT_GPA, "FADT");
_Static_assert(ACPI_DSDT_GPA + sizeof(struct sdt_header) + sizeof dsdt_aml <= ACPI_MADT_GPA,
	       "DSDT");
_Static_assert(ACPI_MADT_GPA + sizeof(struct madt) +
	       ACPI_MAX_CPUS * sizeof(struct madt_lapic) + sizeof(struct madt_ioapic) +
	       sizeof(struct madt_lapic_nmi) <= ACPI_GPA + ACPI_ROOM, "MADT");
_Static_assert(ACPI_MAX_CPUS < 0xff && ACPI_MAX_CPUS >= 64, "APIC IDs");
_Static_assert(ACPI_RSDP_GPA % 16 == 0 && ACPI_RSDP_GPA >= 0xe0000 &&
	       ACPI_GPA + ACPI_ROOM <= 0x100000, "RSDP in the BIOS area");
_Static_assert(ACPI_MEM_MIN <= LAYOUT_LOW_RAM_MAX, "below the hole");

size_t acpi_madt_size(unsigned ncpus)
{
	return sizeof(struct madt) + (size_t)ncpus * sizeof(struct madt_lapic) +
	       sizeof(struct madt_ioapic) + sizeof(struct madt_lapic_nmi);
}

/* The byte that makes LEN bytes at P sum to 0, given that the checksum
 * byte among them is still 0. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

/* A description header (§5.2.6) for a table of LEN bytes, checksum 0. */
static void header(struct sdt_header *h, const char *sig, size_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = (uint32_t)len;
	h->revision = rev;
	memcpy(h->oem_id, "MINKVM", 6);
	memcpy(h->oem_table_id, "MINIKVM ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "MKVM", 4);
	h->creator_revision = 1;
}

/* Copies the LEN bytes of TABLE to GPA, where its checksum is filled in. */
static void put_table(uint8_t *mem, uint32_t gpa, const void *table, size_t len)
{
	memcpy(mem + gpa, table, len);
	mem[gpa + offsetof(struct sdt_header, checksum)] = checksum(mem + gpa, len);
}

/* The MADT for NCPUS processors at ACPI_MADT_GPA. */
static void put_madt(uint8_t *mem, unsigned ncpus)
{
	uint8_t *m = mem + ACPI_MADT_GPA;
	struct madt h = { .lapic_addr = (uint32_t)LAYOUT_LAPIC, .flags = MADT_PCAT_COMPAT };
	struct madt_ioapic io = {
		.type = MADT_IOAPIC, .length = sizeof io, .ioapic_id = (uint8_t)ncpus,
		.address = (uint32_t)LAYOUT_IOAPIC, .gsi_base = 0,
	};
	struct madt_lapic_nmi nmi = {
		.type = MADT_LAPIC_NMI, .length = sizeof nmi, .uid = ALL_PROCESSORS,
		.flags = 0, .lint = NMI_LINT,	/* flags 0: as the bus conforms */
	};
	size_t off = sizeof h;
	unsigned i;

	header(&h.h, "APIC", acpi_madt_size(ncpus), MADT_REVISION);
	memcpy(m, &h, sizeof h);
	/* §5.2.12.1: the boot processor's entry first */
	for (i = 0; i < ncpus; i++, off += sizeof(struct madt_lapic)) {
		struct madt_lapic l = {
			.type = MADT_LAPIC, .length = sizeof l, .uid = (uint8_t)i,
			.apic_id = (uint8_t)i, .flags = LAPIC_ENABLED,
		};

		memcpy(m + off, &l, sizeof l);
	}
	memcpy(m + off, &io, sizeof io);
	off += sizeof io;
	memcpy(m + off, &nmi, sizeof nmi);
	m[offsetof(struct sdt_header, checksum)] = checksum(m, acpi_madt_size(ncpus));
}

int acpi_build(uint8_t *mem, uint64_t mem_size, unsigned ncpus,
	       struct err *e)
{
	struct rsdp rsdp = { .revision = 2, .length = sizeof rsdp,
			     .rsdt_address = ACPI_RSDT_GPA, .xsdt_address = ACPI_XSDT_GPA };
	struct {
		struct sdt_header h;
		uint32_t entry[NTABLES];
	} __attribute__((packed)) rsdt = { .entry = { ACPI_FADT_GPA, ACPI_MADT_GPA } };
	struct {
		struct sdt_header h;
		uint64_t entry[NTABLES];
	} __attribute__((packed)) xsdt = { .entry = { ACPI_FADT_GPA, ACPI_MADT_GPA } };
	struct {
		struct sdt_header h;
		uint8_t aml[sizeof dsdt_aml];
	} __attribute__((packed)) dsdt;
	struct fadt fadt = {
		.iapc_boot_arch = IAPC_LEGACY_DEVICES | IAPC_8042,
		.flags = FADT_HW_REDUCED_ACPI | FADT_PWR_BUTTON | FADT_SLP_BUTTON,
		.minor_version = FADT_MINOR,
		/* §5.2.9: an OS takes X_DSDT over DSDT, which stays 0 */
		.x_dsdt = ACPI_DSDT_GPA,
	};

	if (ncpus == 0)
		return err_set(e, "ACPI tables: no processors");
	if (ncpus > ACPI_MAX_CPUS)
		return err_set(e, "ACPI tables: %u processors, at most %u fit in the MADT",
			       ncpus, ACPI_MAX_CPUS);
	if (mem_size < ACPI_MEM_MIN)
		return err_set(e, "ACPI tables: %llu bytes of RAM, they need %u (up to 0x%x)",
			       (unsigned long long)mem_size, ACPI_MEM_MIN, ACPI_MEM_MIN - 1);

	memset(mem + ACPI_GPA, 0, ACPI_ROOM);

	memset(&dsdt, 0, sizeof dsdt);
	header(&dsdt.h, "DSDT", sizeof dsdt, DSDT_REVISION);
	memcpy(dsdt.aml, dsdt_aml, sizeof dsdt_aml);
	put_table(mem, ACPI_DSDT_GPA, &dsdt, sizeof dsdt);

	header(&fadt.h, "FACP", sizeof fadt, FADT_REVISION);
	/* 8 bytes, no NUL: the hypervisor's vendor (§5.2.9) */
	memcpy(&fadt.hypervisor_vendor_id, "MINIKVM ", 8);
	put_table(mem, ACPI_FADT_GPA, &fadt, sizeof fadt);

	put_madt(mem, ncpus);

	header(&rsdt.h, "RSDT", sizeof rsdt, RSDT_REVISION);
	put_table(mem, ACPI_RSDT_GPA, &rsdt, sizeof rsdt);
	header(&xsdt.h, "XSDT", sizeof xsdt, XSDT_REVISION);
	put_table(mem, ACPI_XSDT_GPA, &xsdt, sizeof xsdt);

	/* fixed-width strings without a NUL: memcpy, not initialisers */
	memcpy(rsdp.signature, "RSD PTR ", 8);
	memcpy(rsdp.oem_id, "MINKVM", 6);
	rsdp.checksum = checksum((const uint8_t *)&rsdp, 20);
	rsdp.extended_checksum = checksum((const uint8_t *)&rsdp, sizeof rsdp);
	memcpy(mem + ACPI_RSDP_GPA, &rsdp, sizeof rsdp);
	return 0;
}
