/*
 * vm.h - one KVM VM with its guest memory and in-kernel devices: the set-up
 * that every guest needs, whatever it runs (guest.c for manifests, probe.c
 * for probes); its processors are vcpu.h's.  Linux
 * Documentation/virt/kvm/api.rst: KVM_CREATE_VM, KVM_SET_TSS_ADDR,
 * KVM_SET_USER_MEMORY_REGION, KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2.
 */
#ifndef MINIKVM_VM_H
#define MINIKVM_VM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "vmm/kvm.h"

struct vm {
	const struct kvm *kvm;
	int fd;			/* the VM fd */
	uint8_t *mem;		/* HVA of guest-physical address 0 */
	uint64_t mem_size;	/* bytes of RAM in all (a multiple of 4 KiB) */
	uint64_t low_size;	/* of which at GPA 0 (the rest from 4 GiB) */
};

/*
 * vm_init - an empty VM that vm_destroy() can take: no fds (-1), nothing
 * mapped.  For a guest that fails before vm_create().
 */
void vm_init(struct vm *vm, const struct kvm *kvm);

/*
 * vm_gpa_to_hva - where LEN bytes of guest RAM at GPA lie in minikvm's
 * memory (layout.h: RAM below 3 GiB from GPA 0, the rest from 4 GiB), or
 * NULL if any of them is not RAM or the range spans the hole.
 */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/*
 * vm_create - a VM with MEM_SIZE bytes of zeroed RAM (one host mapping; a
 * memory slot at GPA 0 and, above 3 GiB of RAM, a second one at 4 GiB:
 * layout.h), and no vCPU yet (vcpu_create).
 * With VM_IRQCHIP in FLAGS, the in-kernel PIC, IOAPIC and local APICs
 * (KVM_CREATE_IRQCHIP must come before KVM_CREATE_VCPU).
 * Returns 0, or -1 with E naming the failing step and its errno.
 * vm_destroy() must be called either way.
 */
#define VM_IRQCHIP 1u	/* KVM_CREATE_IRQCHIP */
#define VM_PC 2u	/* a PC (board/pc.h): also KVM_SET_IDENTITY_MAP_ADDR
			 * (where KVM has it, before any vCPU), the irqchip
			 * and KVM_CREATE_PIT2: the 8254 at ports 0x40-0x43
			 * and port 0x61 (speaker gate and OUT2, which
			 * Linux's PIT calibration polls) in the kernel */
int vm_create(struct vm *vm, const struct kvm *kvm, uint64_t mem_size,
	      unsigned flags, struct err *e);

/*
 * vm_ioapic_set_id - the in-kernel I/O APIC's ID register (82093AA data
 * sheet §3.2.1, IOAPICID: bits 27:24), which KVM resets to 0, set to ID
 * (only its low 4 bits: the register has no more) through
 * KVM_GET_IRQCHIP/KVM_SET_IRQCHIP.  Returns 0, or -1 with errno.
 */
int vm_ioapic_set_id(const struct vm *vm, unsigned id);

/*
 * vm_pic_bios_init - the in-kernel 8259As as a PC BIOS leaves them for a
 * boot sector, as if ICW1-ICW4 had been written (8259A data sheet,
 * "Initialization Command Words"; IBM PC/AT Technical Reference: master
 * vectors 0x08-0x0F, slave 0x70-0x77, 8086 mode, normal EOI), but with
 * every IRQ masked (OCW1 = 0xFF on both): there are no BIOS handlers.
 * Returns 0, or -1 with errno (KVM_GET_IRQCHIP/KVM_SET_IRQCHIP).
 */
int vm_pic_bios_init(const struct vm *vm);

/* vm_irq_line - sets IRQ line IRQ to LEVEL (KVM_IRQ_LINE); 0 or -1. */
int vm_irq_line(const struct vm *vm, unsigned irq, bool level);

/*
 * vm_irq_pulse - raises and lowers IRQ line IRQ of the in-kernel irqchip
 * (KVM_IRQ_LINE, level 1 then 0): an edge that the guest's PIC latches.
 * Safe from any thread.  Returns 0, or -1 with errno set.
 */
int vm_irq_pulse(const struct vm *vm, unsigned irq);

/* vm_destroy - unmaps and closes everything; safe on a partial VM. */
void vm_destroy(struct vm *vm);

/*
 * vm_pic_irq_latched - true if IRQ (0-7) of the in-kernel master PIC is
 * requested or in service (IRR or ISR; KVM_GET_IRQCHIP), i.e. an edge on
 * it has not been lost to the guest re-initialising its PIC (ICW1 clears
 * IRR).  False also if the state cannot be read.
 */
bool vm_pic_irq_latched(const struct vm *vm, unsigned irq);

#endif
