/*
 * mptable.h - the Intel MultiProcessor Specification 1.4 tables (May 1997,
 * order number 242016-006) that tell a PC guest's OS how many processors
 * it has and how the ISA interrupts reach its I/O APIC.
 *
 * Where they go (GPAs), all inside the 4 KiB Extended BIOS Data Area that
 * ends at 640 KiB:
 *
 *   MPTABLE_GPA 0x9F000        the MP floating pointer (§4.1, 16 bytes)
 *   MPTABLE_GPA + 16           the MP configuration table (§4.2, §4.3)
 *   ..          0x9FFFF        zeros
 *   BDA 0x40E (16 bits)        the EBDA's segment, 0x9F00
 *   BDA 0x413 (16 bits)        base memory in KiB, 636 (= 0x9F000)
 *
 * Chapter 4 tells an OS to look for the floating pointer first "in the
 * first kilobyte of Extended BIOS Data Area (EBDA)", whose segment it reads
 * from the BIOS data area at 0x40E; Linux also reads 0x413 to reserve
 * everything from the lower of the two up to 1 MiB.  So both words are
 * written to match.
 *
 * What the table describes (a PC in virtual wire mode, as KVM's in-kernel
 * irqchip is built: KVM_CREATE_IRQCHIP without KVM_SET_GSI_ROUTING):
 *   - processors 0..N-1, local APIC ID = index (KVM's default APIC ID is
 *     the vCPU id), local APIC version 0x14 (KVM's), processor 0 the BP;
 *   - one ISA bus, ID 0;
 *   - one I/O APIC, ID N (unique among the APIC IDs, as §4.3.1 asks),
 *     version 0x11 (KVM's in-kernel IOAPIC), at 0xFEC00000;
 *   - ISA IRQ n -> I/O APIC INTIN n for n = 0..15, polarity and trigger
 *     "conforms to bus" (ISA: active high, edge).  IRQ 0 is on INTIN 0,
 *     not on INTIN 2 as in the spec's default configurations (Table 5-2),
 *     because KVM's default routing (kvm_setup_default_irq_routing, in
 *     arch/x86/kvm/irq_comm.c, later irq.c) sends GSI n to IOAPIC pin n
 *     and PIC pin n alike, and the in-kernel PIT (KVM_CREATE_PIT2) and
 *     KVM_IRQ_LINE raise GSI 0: the timer arrives on pin 0.  Upstream
 *     Firecracker and kvmtool describe the same identity wiring; QEMU puts
 *     IRQ 0 on pin 2 only because it installs its own routing (GSI 0 ->
 *     pin 2).  A board that installs such routing must change
 *     MPTABLE_IRQ0_INTIN to 2.  For the same reason there is no ExtINT
 *     entry on INTIN 0: KVM's PIC output goes to the local APICs' LINT0,
 *     not to an I/O APIC pin;
 *   - local interrupts (Table 5-3): the 8259A's INTR as ExtINT on LINTIN0
 *     and NMI on LINTIN1, of every local APIC (destination 0xFF).
 * The floating pointer says "configuration table present" (feature byte 1
 * = 0) and IMCRP = 0 (virtual wire mode, §3.6.2.2): there is no IMCR.
 */
#ifndef MINIKVM_X86_MPTABLE_H
#define MINIKVM_X86_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MPTABLE_GPA		0x9f000u	/* floating pointer = EBDA start */
#define MPTABLE_ROOM		0x1000u		/* bytes of EBDA the tables may use */
#define MPTABLE_BDA_EBDA_SEG	0x40eu		/* GPA of the BDA's EBDA segment word */
#define MPTABLE_BDA_BASE_KIB	0x413u		/* GPA of the BDA's base memory word */
#define MPTABLE_EBDA_SEG	(MPTABLE_GPA >> 4)	/* 0x9F00 */
#define MPTABLE_BASE_KIB	(MPTABLE_GPA >> 10)	/* 636 */
#define MPTABLE_MEM_MIN		0xa0000u	/* RAM from GPA 0 the tables need */
#define MPTABLE_IRQ0_INTIN	0u		/* I/O APIC pin of ISA IRQ 0: above */
#define MPTABLE_ISA_IRQS	16u		/* I/O interrupt entries, IRQ 0-15 */

/*
 * Bytes for N processors: the 16-byte floating pointer, the 44-byte header,
 * 20 per processor and 8 for each of the bus, the I/O APIC, the 16 I/O
 * interrupt and the 2 local interrupt entries (Table 4-3): 220 + 20 N.
 */
#define MPTABLE_SIZE(n)	(16u + 44u + 20u * (n) + 8u * (1u + 1u + 16u + 2u))

/*
 * The most processors that fit in MPTABLE_ROOM: (4096 - 220) / 20 = 193.
 * Their APIC IDs 0..192 and the I/O APIC's 193 stay below 0xFF, the
 * broadcast ID (mptable.c asserts both).
 */
#define MPTABLE_MAX_CPUS	193u

/* mptable_size - bytes the tables take for NCPUS processors (from
 * MPTABLE_GPA), whether or not they fit in MPTABLE_ROOM. */
size_t mptable_size(unsigned ncpus);

/*
 * mptable_build - writes the MP floating pointer and configuration table
 * for NCPUS processors at MPTABLE_GPA, zeros the rest of MPTABLE_ROOM, and
 * sets the BIOS data area words at MPTABLE_BDA_EBDA_SEG (MPTABLE_EBDA_SEG)
 * and MPTABLE_BDA_BASE_KIB (MPTABLE_BASE_KIB), little-endian.  MEM is the
 * host address (HVA) of guest-physical address 0; MEM_SIZE is the bytes of
 * RAM mapped there from GPA 0, which must reach MPTABLE_MEM_MIN.  Nothing
 * else of MEM is touched.  Checksums per Tables 4-1 and 4-2: every byte of
 * each structure sums to 0 modulo 256.
 * Returns 0, or -1 with E when NCPUS is 0 or above MPTABLE_MAX_CPUS, or
 * MEM_SIZE is below MPTABLE_MEM_MIN; MEM is then untouched.
 */
int mptable_build(uint8_t *mem, uint64_t mem_size, unsigned ncpus,
		  struct err *e);

#endif
