/*
 * pc.c - the PC board (board.h).  KVM's in-kernel PICs, I/O APIC, local
 * APICs and 8254 PIT with its speaker port (vm.h VM_PC) are the
 * interrupt and timer chips; here: the hypercall port, COM1 on IRQ 4, the
 * 8042 keyboard controller, the MC146818 CMOS clock, the 6845 CRT
 * controller, the ATA disks of vcpus[].disks (hw/), and the MP table in the
 * EBDA (x86/mptable.h), each where a PC has it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "board/board_impl.h"
#include "vmm/guest.h"
#include "x86/acpi.h"
#include "x86/mptable.h"

/* The 8042's interrupt output: its IRQ line of the in-kernel irqchip. */
static void pc_kbc_irq(void *ctx, unsigned irq, bool level)
{
	struct guest *g = ctx;

	vm_irq_line(&g->vm, irq, level);
}

/* The 8042 pulsed the CPU's reset line: the guest ends (normally). */
static void pc_kbc_reset(void *ctx)
{
	struct guest *g = ctx;

	g->end_note = "the guest reset the machine (keyboard controller, port 0x64)";
}

/* An ATA channel's INTRQ: its IRQ line (14 or 15) of the in-kernel irqchip. */
static void pc_ata_irq(void *ctx, unsigned irq, bool level)
{
	struct guest *g = ctx;

	vm_irq_line(&g->vm, irq, level);
}

/* A host I/O error the guest saw as an ATA error: said, as a note. */
static void pc_ata_error(void *ctx, const char *msg)
{
	struct vcpu *c = vcpu_current();

	(void)ctx;
	if (c != NULL)
		guest_note(c, GUEST_NOTE_DISK_ERROR, "%s", msg);
}

/* Where each channel sits (ATA/ATAPI-6 leaves it to the host adapter;
 * these are the PC/AT's "compatibility mode" ports and IRQs). */
static const struct {
	uint16_t base, ctl;
	uint8_t irq;
	const char *cmd_name, *ctl_name;
} pc_ata_at[2] = {
	{ ATA_PRIMARY_BASE, ATA_PRIMARY_CTL, ATA_PRIMARY_IRQ,
	  "ATA primary", "ATA primary control" },
	{ ATA_SECONDARY_BASE, ATA_SECONDARY_CTL, ATA_SECONDARY_IRQ,
	  "ATA secondary", "ATA secondary control" },
};

/* The disks of vcpus[].disks, opened and locked, and the channels that
 * have any on the bus; a channel without disks is left off it (its ports
 * read 0xFF, as with no controller there). */
static int pc_disks_create(struct guest *g, struct pc_board *pc, struct err *e)
{
	static const enum disk_access access[] = {
		[DISK_MODE_READ_WRITE] = DISK_READ_WRITE,
		[DISK_MODE_READ_ONLY] = DISK_READ_ONLY,
		[DISK_MODE_SNAPSHOT] = DISK_SNAPSHOT,
	};
	const struct vcpu_config *cfg = g->cfg;

	for (unsigned i = 0; i < MANIFEST_MAX_DISKS; i++)
		pc->disks[i].fd = -1;
	for (size_t i = 0; i < cfg->ndisks; i++) {
		const struct disk_config *d = &cfg->disks[i];
		struct err de;

		if (disk_open(&pc->disks[i], d->image, access[d->access], &de) < 0)
			return err_set(e, "disks[%zu]: %s", i, de.msg);
		pc->ndisks = (unsigned)i + 1;
	}
	for (unsigned ch = 0; ch < 2; ch++) {
		struct disk *master = 2 * ch < cfg->ndisks ? &pc->disks[2 * ch] : NULL;
		struct disk *slave = 2 * ch + 1 < cfg->ndisks ? &pc->disks[2 * ch + 1] : NULL;

		if (master == NULL && slave == NULL)
			continue;
		if (ata_init(&pc->ata[ch], master, slave, pc_ata_at[ch].irq,
			     pc_ata_irq, pc_ata_error, g) < 0)
			return err_set(e, "cannot create the %s ATA channel: out of memory",
				       ch ? "secondary" : "primary");
		pc->ata_ok[ch] = true;
		if (bus_register(&g->pio, pc_ata_at[ch].base, ATA_CMD_PORTS, &pc->ata[ch],
				 ata_io_cmd, pc_ata_at[ch].cmd_name) < 0 ||
		    bus_register(&g->pio, pc_ata_at[ch].ctl, ATA_CTL_PORTS, &pc->ata[ch],
				 ata_io_ctl, pc_ata_at[ch].ctl_name) < 0)
			return err_set(e, "cannot register devices: out of memory");
	}
	return 0;
}

int board_pc_devices(struct guest *g, struct err *e)
{
	struct pc_board *pc;

	if (board_bare_create(g, e) < 0)
		return -1;
	pc = g->pc = calloc(1, sizeof *g->pc);
	if (pc == NULL)
		return err_set(e, "cannot create the PC's devices: out of memory");
	if (i8042_init(&pc->kbc, pc_kbc_irq, pc_kbc_reset, g) < 0)
		return err_set(e, "cannot create the keyboard controller");
	pc->kbc_ok = true;
	cmos_init(&pc->cmos, g->vm.mem_size);
	crtc_init(&pc->crtc);
	uart_enable_irq(&g->uart);
	if (bus_register(&g->pio, I8042_DATA_PORT, 1, &pc->kbc, i8042_io_data,
			 "8042 data") < 0 ||
	    bus_register(&g->pio, I8042_CMD_PORT, 1, &pc->kbc, i8042_io_cmd,
			 "8042 status/command") < 0 ||
	    bus_register(&g->pio, CMOS_BASE, CMOS_PORTS, &pc->cmos, cmos_io,
			 "CMOS") < 0 ||
	    bus_register(&g->pio, CRTC_BASE, CRTC_PORTS, &pc->crtc, crtc_io,
			 "CRTC") < 0)
		return err_set(e, "cannot register devices: out of memory");
	return pc_disks_create(g, pc, e);
}

int board_pc_create(struct guest *g, struct err *e)
{
	if (board_pc_devices(g, e) < 0)
		return -1;
	/* what a PC's BIOS leaves for the OS to find its processors, and
	 * the I/O APIC's ID as the table gives it (MP spec §4.3.3) */
	if (vm_ioapic_set_id(&g->vm, g->ncpus) < 0)
		return err_set(e, "KVM_SET_IRQCHIP (I/O APIC ID): %s", strerror(errno));
	if (mptable_build(g->vm.mem, g->vm.low_size, g->ncpus, e) < 0)
		return -1;
	/*
	 * With several processors, the same in ACPI tables for an OS that
	 * finds processors only there (Debian's kernels lack MP table
	 * support).  ACPI's hardware-reduced platform (x86/acpi.h) takes the
	 * 8259s and the 8254 away from Linux, so a one-processor PC keeps
	 * the legacy interrupt and timer chips as the MP table describes them.
	 */
	if (g->ncpus > 1)
		return acpi_build(g->vm.mem, g->vm.low_size, g->ncpus, e);
	return 0;
}

void board_pc_destroy(struct guest *g)
{
	if (g->pc == NULL)
		return;
	if (g->pc->kbc_ok) {
		i8042_destroy(&g->pc->kbc);
		cmos_destroy(&g->pc->cmos);
		crtc_destroy(&g->pc->crtc);
	}
	for (unsigned ch = 0; ch < 2; ch++)
		if (g->pc->ata_ok[ch])
			ata_destroy(&g->pc->ata[ch]);
	/* each written sector is in its file already; this syncs them */
	for (unsigned i = 0; i < g->pc->ndisks; i++)
		disk_close(&g->pc->disks[i]);
	free(g->pc);
	g->pc = NULL;
}
