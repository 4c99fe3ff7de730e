/*
 * pc.c - the PC board (board.h).  KVM's in-kernel PICs, I/O APIC, local
 * APICs and 8254 PIT with its speaker port (vm.h VM_PC) are the
 * interrupt and timer chips; here: the hypercall port, COM1 on IRQ 4, the
 * 8042 keyboard controller, the MC146818 CMOS clock, the 6845 CRT
 * controller (hw/), and the MP table in the EBDA (x86/mptable.h), each
 * where a PC has it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "board/board_impl.h"
#include "vmm/guest.h"
#include "hw/cmos.h"
#include "hw/crtc.h"
#include "hw/i8042.h"
#include "x86/acpi.h"
#include "x86/mptable.h"

struct pc_board {
	struct i8042 kbc;
	struct cmos cmos;
	struct crtc crtc;
	bool kbc_ok;		/* i8042_init succeeded: destroy it */
};

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

int board_pc_create(struct guest *g, struct err *e)
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
	free(g->pc);
	g->pc = NULL;
}
