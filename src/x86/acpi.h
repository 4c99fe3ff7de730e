/*
 * acpi.h - the ACPI tables (ACPI Specification 6.5, chapter 5) that tell a
 * PC guest's OS how many processors it has, where its I/O APIC is and
 * which ISA devices raise which interrupts: what a Linux built without
 * CONFIG_X86_MPPARSE (Debian's cloud kernel) reads instead of the MP table
 * (mptable.h), which the PC board writes too.
 *
 * Where they go (GPAs), in the BIOS area that §5.2.5.1 has an OS scan for
 * the RSDP (0xE0000-0xFFFFF, after the EBDA's first KiB), clear of the
 * EBDA and its MP table:
 *
 *   ACPI_RSDP_GPA 0xE0000   RSDP, revision 2 (§5.2.5.3), 36 bytes
 *   ACPI_RSDT_GPA 0xE0040   RSDT (§5.2.7): the FADT, the MADT
 *   ACPI_XSDT_GPA 0xE0080   XSDT (§5.2.8): the same two
 *   ACPI_FADT_GPA 0xE0100   FADT, version 6.5 (§5.2.9), 276 bytes
 *   ACPI_DSDT_GPA 0xE0240   DSDT (§5.2.11.1), 169 bytes
 *   ACPI_MADT_GPA 0xE0400   MADT (§5.2.12): acpi_madt_size(N) bytes
 *   ..            0xE0FFF   zeros
 * Linux's e820 map (linux.c) reserves 0xE0000-0xFFFFF.
 *
 * The MADT describes what the MP table does (mptable.h): processors
 * 0..N-1, each a Processor Local APIC entry with ACPI processor UID = APIC
 * ID = its index (KVM's APIC ID is the vCPU id), enabled; the local APICs
 * at 0xFEE00000; one I/O APIC, ID N, at 0xFEC00000, GSI base 0; NMI on
 * LINT1 of every processor; PCAT_COMPAT, for KVM's 8259s are there.  No
 * Interrupt Source Override: KVM's default routing sends ISA IRQ n to I/O
 * APIC pin n = GSI n, the identity an OS assumes without overrides (Linux:
 * mp_config_acpi_legacy_irqs, arch/x86/kernel/acpi/boot.c).
 *
 * The FADT declares a hardware-reduced ACPI platform (HW_REDUCED_ACPI,
 * §4.1): no PM1 event and control registers, no PM timer, no SCI, no
 * GPEs, no FACS, no sleep registers, no reset register.  Without a FADT,
 * Linux reads the MADT but its ACPI interpreter fails ("AcpiEnable
 * failed") and, FADT.SCI_INT being 0, it sets ISA IRQ 0 up as the SCI
 * (acpi_sci_ioapic_setup: level, active low).  A full, non-reduced FADT
 * needs PM1a_EVT_BLK and PM1a_CNT_BLK, registers minikvm does not model:
 * without them ACPICA reports "Required FADT field ... has zero address",
 * cannot initialise the fixed events and turns the interpreter off.  The
 * DSDT is the one the FADT must name.  Hardware-reduced, Linux
 * (acpi_generic_reduced_hw_init) leaves the 8259s and the 8254 alone (it
 * ticks with the local APIC timers, kvm-clock its clock) and numbers
 * interrupts only as the firmware describes them, so the DSDT names the
 * PC's ISA devices, each with its ports and ISA IRQ, active high, edge:
 *   \_SB.COM1  PNP0501  0x3F8-0x3FF  IRQ 4
 *   \_SB.KBD_  PNP0303  0x60, 0x64   IRQ 1
 *   \_SB.RTC_  PNP0B00  0x70-0x71    IRQ 8
 * and the FADT's IA-PC boot flags (§5.2.9.3) say legacy devices and an
 * 8042 are there.  Without sleep registers or \_S5 an OS has no ACPI way
 * to power off (Linux then halts), and without a reset register it resets
 * through the 8042.
 */
#ifndef MINIKVM_X86_ACPI_H
#define MINIKVM_X86_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ACPI_GPA		0xe0000u	/* the tables' area */
#define ACPI_ROOM		0x1000u		/* its bytes */
#define ACPI_MEM_MIN		(ACPI_GPA + ACPI_ROOM)	/* RAM from GPA 0 they need */
#define ACPI_RSDP_GPA		ACPI_GPA	/* 16-byte aligned (§5.2.5.1) */
#define ACPI_RSDT_GPA		(ACPI_GPA + 0x040u)
#define ACPI_XSDT_GPA		(ACPI_GPA + 0x080u)
#define ACPI_FADT_GPA		(ACPI_GPA + 0x100u)
#define ACPI_DSDT_GPA		(ACPI_GPA + 0x240u)
#define ACPI_MADT_GPA		(ACPI_GPA + 0x400u)

/*
 * The most processors: the Processor Local APIC entry's APIC ID has 8
 * bits, Linux ignores ID 0xFF (acpi_parse_lapic), and the I/O APIC takes
 * ID N, distinct from theirs: APIC IDs 0..253, the I/O APIC's 254.  Their
 * MADT, 2094 bytes, fits (acpi.c asserts it).
 */
#define ACPI_MAX_CPUS		254u

/* acpi_madt_size - bytes of the MADT for NCPUS processors: its 44-byte
 * header, 8 per processor, 12 for the I/O APIC, 6 for the NMI entry. */
size_t acpi_madt_size(unsigned ncpus);

/*
 * acpi_build - writes the tables above for NCPUS processors and zeros the
 * rest of the area (ACPI_GPA to ACPI_GPA + ACPI_ROOM - 1), little-endian.
 * MEM is the host address (HVA) of guest-physical address 0; MEM_SIZE is
 * the bytes of RAM mapped there from GPA 0, which must reach ACPI_MEM_MIN.
 * Nothing else of MEM is touched.  Every table's bytes sum to 0 (§5.2.6),
 * the RSDP's first 20 and all 36 too (§5.2.5.3).
 * Returns 0, or -1 with E when NCPUS is 0 or above ACPI_MAX_CPUS, or
 * MEM_SIZE is below ACPI_MEM_MIN; MEM is then untouched.
 */
int acpi_build(uint8_t *mem, uint64_t mem_size, unsigned ncpus,
	       struct err *e);

#endif
