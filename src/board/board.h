/*
 * board.h - the machine a guest sees: which devices sit on its buses and
 * what the firmware would have left in its memory.  A guest has one board
 * (guest.h: enum guest_board), chosen by the manifest's vcpus[].platform:
 *
 *   bare  the hypercall port (0x500-0x503) and COM1 (0x3F8-0x3FF), polled;
 *         with irqchip: true also KVM's in-kernel PIC, IOAPIC and local APICs
 *   pc    a PC (pc.c): the in-kernel PICs, IOAPIC, local APICs and 8254 PIT,
 *         the 8042, the CMOS clock, the CRT controller, COM1 on IRQ 4, the
 *         hypercall port, ATA disks (vcpus[].disks), and an MP table;
 *         Linux guests always get it
 *
 * Ports, IRQs and addresses of each device: minikvm.yaml(5), PLATFORMS.
 */
#ifndef MINIKVM_BOARD_H
#define MINIKVM_BOARD_H

#include "err.h"

struct guest;

/*
 * board_create - registers G's board's devices on its buses (G's VM, its
 * memory and its processors exist) and, for a PC, writes the MP table.
 * Returns 0, or -1 with E (out of memory, a table that does not fit).
 */
int board_create(struct guest *g, struct err *e);

/*
 * board_boot_disk - for vcpus[].boot: disk, after board_create and with
 * processor 0 in real mode at 0000:7C00, SS:SP 0000:7C00 (guest_create):
 * what a PC BIOS leaves when it starts a boot sector (pc_bios.c) - sector
 * 0 of disks[0] at GPA 0x7C00 (its 0x55 0xAA checked again), DL = 0x80,
 * IF = 1, the 8259As with the BIOS's vectors and every IRQ masked, the
 * BIOS data area's disk count at 0x475 - and, for want of a BIOS, an
 * interrupt vector table whose 256 vectors end the guest with a
 * diagnosis naming the service.  Returns 0, or -1 with E.
 */
int board_boot_disk(struct guest *g, struct err *e);

/* board_destroy - releases what board_create made; safe on a partial one. */
void board_destroy(struct guest *g);

#endif
