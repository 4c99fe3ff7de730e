/*
 * cpu.h - the state a vCPU starts in, one function per CPU mode (the shape
 * of dpw's kvm-hello-world: setup_real_mode, setup_protected_mode,
 * setup_long_mode).  Registers are set with KVM_SET_SREGS and KVM_SET_REGS
 * (Linux Documentation/virt/kvm/api.rst); descriptor and page-table formats
 * follow the Intel SDM Vol. 3A (§3.4.5 segment descriptors, §4.3 32-bit
 * paging, §4.5 4-level paging, §9.8-9.8.5 mode switching).
 *
 * Protected and long mode need tables in guest memory.  They are written in
 * the "boot area" at the top of guest RAM below 3 GiB (cpu_boot_area();
 * layout.h: more RAM continues at 4 GiB), so that low
 * memory stays the guest's:
 *
 *   boot area + 0x0000  GDT (5 descriptors, see the CPU_SEL_ selectors),
 *                       then a 104-byte TSS at + 0x0080
 *   boot area + 0x1000  paging: 32-bit page directory (4 MiB PSE pages), or
 *                       long mode's PML4, PDPT and page directories
 *                       (2 MiB pages), one 4 KiB page each
 *
 * and the default stack ends where the boot area starts.
 */
#ifndef MINIKVM_CPU_H
#define MINIKVM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "manifest/manifest.h"

/* Selectors of the GDT minikvm writes for protected and long mode. */
#define CPU_SEL_CODE32	0x08	/* flat 4 GiB ring-0 code, 32-bit */
#define CPU_SEL_DATA	0x10	/* flat 4 GiB ring-0 data */
#define CPU_SEL_TSS	0x18	/* 32-bit TSS, as VT-x requires a valid TR */
#define CPU_SEL_CODE64	0x20	/* ring-0 code, 64-bit (L=1) */

/* Where a vCPU starts and what memory it has. */
struct cpu_boot {
	uint8_t *mem;		/* HVA of GPA 0 (the boot area lies below 3 GiB) */
	uint64_t mem_size;	/* bytes of RAM in all (layout.h) */
	uint16_t entry_cs;	/* real mode: CS selector (base entry_cs * 16) */
	uint64_t entry;		/* real mode: IP; otherwise the entry GPA */
	uint64_t stack;		/* initial SP/ESP/RSP; real mode takes it as
				 * given, else 0: the start of the boot area */
	bool paging;		/* protected mode: identity-map with 4 MiB pages */
};

/*
 * cpu_boot_area - the GPA where the boot area of a guest with MEM_SIZE bytes
 * starts in MODE (0 for real mode, which needs none), or UINT64_MAX if the
 * memory is too small for it.  Its size is cpu_boot_area_size().
 */
uint64_t cpu_boot_area(enum cpu_mode mode, bool paging, uint64_t mem_size);
uint64_t cpu_boot_area_size(enum cpu_mode mode, bool paging, uint64_t mem_size);

/*
 * cpu_setup_real_mode - CS = entry_cs (base entry_cs * 16), IP = entry,
 * DS = ES = FS = GS = SS = 0 with base 0 and 64 KiB limits, EFLAGS = 0x2
 * (interrupts off), SP = stack exactly (the manifest's default is 0 when
 * the guest has 64 KiB or more: the first push lands at 0xFFFE, the top of
 * the first 64 KiB; else the memory size).  Other registers are 0.
 * Returns 0, or -1 with E naming the ioctl.
 */
int cpu_setup_real_mode(int vcpu_fd, const struct cpu_boot *b, struct err *e);

/*
 * cpu_setup_protected_mode - 32-bit protected mode: writes the GDT and TSS
 * into the boot area, CS = CPU_SEL_CODE32, DS = ES = FS = GS = SS =
 * CPU_SEL_DATA (flat, base 0, limit 4 GiB), TR = CPU_SEL_TSS, CR0 = PE|ET|NE
 * (with paging: also PG, CR4 = PSE, CR3 = the page directory, identity
 * mapping all of RAM), EFLAGS = 0x2, EIP = entry, ESP = stack or the start
 * of the boot area; other general registers 0; IDT limit 0.
 * Returns 0, or -1 with E set.
 */
int cpu_setup_protected_mode(int vcpu_fd, const struct cpu_boot *b,
			     struct err *e);

/*
 * cpu_setup_long_mode - 64-bit mode: the same GDT, CS = CPU_SEL_CODE64,
 * data segments CPU_SEL_DATA, 4-level page tables identity-mapping every
 * GPA up to the end of RAM (the hole below 4 GiB included) with 2 MiB pages, CR0 = PE|ET|NE|PG, CR4 = PAE, EFER = LME|LMA,
 * RIP = entry, RSP = stack or the start of the boot area, RFLAGS = 0x2.
 * Returns 0, or -1 with E set.
 */
int cpu_setup_long_mode(int vcpu_fd, const struct cpu_boot *b, struct err *e);

#endif
