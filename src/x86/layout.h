/*
 * layout.h - where things are in a guest's physical address space (GPAs).
 *
 * RAM starts at GPA 0.  As on a PC, it stops below 4 GiB to leave a hole
 * for the devices and for what KVM itself places there, and any more RAM
 * continues at 4 GiB:
 *
 *   0           .. low end       RAM: min(memory, 3 GiB)
 *   3 GiB       .. 4 GiB         the hole: I/O APIC 0xFEC00000, local APIC
 *                                0xFEE00000, KVM's TSS (3 pages at
 *                                0xFFFBD000) and identity-map page
 *                                (0xFFFBC000) for VT-x's real mode
 *   4 GiB       .. 4 GiB + rest  RAM: memory - 3 GiB, if any
 *
 * Only long mode can have more than 3 GiB (manifest.c), so protected and
 * real mode guests see one plain block from 0.  The hole's addresses come
 * from the Intel SDM Vol. 3A §10.4.1 (local APIC), the 82093AA I/O APIC
 * data sheet (its default base), and KVM's api.rst (KVM_SET_TSS_ADDR:
 * "three pages ... must be in the first 4GB"; QEMU and kvmtool use these).
 */
#ifndef MINIKVM_LAYOUT_H
#define MINIKVM_LAYOUT_H

#include <stdint.h>

#define LAYOUT_LOW_RAM_MAX	0xc0000000ull	/* bytes of RAM below the hole */
#define LAYOUT_HIGH_RAM		0x100000000ull	/* GPA where the rest continues */
#define LAYOUT_IOAPIC		0xfec00000ull
#define LAYOUT_LAPIC		0xfee00000ull
#define LAYOUT_KVM_TSS		0xfffbd000ull	/* KVM_SET_TSS_ADDR, 3 pages */
#define LAYOUT_KVM_IDENTITY_MAP	0xfffbc000ull	/* KVM_SET_IDENTITY_MAP_ADDR */

/* Bytes of a guest's MEM bytes of RAM that lie below the hole. */
static inline uint64_t layout_low_size(uint64_t mem)
{
	return mem < LAYOUT_LOW_RAM_MAX ? mem : LAYOUT_LOW_RAM_MAX;
}

/* The GPA one past the guest's last byte of RAM. */
static inline uint64_t layout_ram_end(uint64_t mem)
{
	return mem <= LAYOUT_LOW_RAM_MAX ? mem :
	       LAYOUT_HIGH_RAM + (mem - LAYOUT_LOW_RAM_MAX);
}

#endif
