/*
 * board_impl.h - the boards' own functions (board.h), for board.c, bare.c
 * and pc.c only (pc.c builds on bare.c), and for the bus fuzzer
 * (tests/fuzz/fuzz_bus.c), which puts the boards' devices on buses
 * without KVM.
 */
#ifndef MINIKVM_BOARD_IMPL_H
#define MINIKVM_BOARD_IMPL_H

#include <stdbool.h>

#include "block/disk.h"
#include "err.h"
#include "hw/ata.h"
#include "hw/cmos.h"
#include "hw/crtc.h"
#include "hw/i8042.h"
#include "manifest/manifest.h"

struct guest;

/* A PC's own devices (pc.c), beside those of the bare board. */
struct pc_board {
	struct i8042 kbc;
	struct cmos cmos;
	struct crtc crtc;
	bool kbc_ok;		/* i8042_init succeeded: destroy it */
	/* vcpus[].disks, in manifest order: primary master, primary slave,
	 * secondary master, secondary slave */
	struct disk disks[MANIFEST_MAX_DISKS];
	unsigned ndisks;	/* opened so far (disk_close those) */
	struct ata_channel ata[2];	/* primary, secondary */
	bool ata_ok[2];		/* ata_init succeeded: destroy it */
};

/* board_bare_create - the hypercall port and COM1; 0, or -1 with E. */
int board_bare_create(struct guest *g, struct err *e);

/*
 * board_pc_devices - the bare board's devices and a PC's own (pc.c: the
 * 8042, CMOS, CRTC, COM1's IRQ 4, the ATA disks) on G's port bus.  No KVM
 * call: the VM is used only when a device sets an IRQ line.  0 or -1.
 */
int board_pc_devices(struct guest *g, struct err *e);

/* board_pc_create - board_pc_devices, then the I/O APIC's ID and the MP
 * and ACPI tables (pc.c); 0 or -1. */
int board_pc_create(struct guest *g, struct err *e);

/* board_pc_destroy - frees G's PC devices, if any. */
void board_pc_destroy(struct guest *g);

#endif
