/* vm.c - creating and destroying a one-vCPU VM (see vm.h). */
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Where KVM puts the three-page TSS that Intel VT-x needs to run real mode
 * on CPUs without "unrestricted guest": just below 4 GiB, above any RAM a
 * minikvm guest can have below it (the address kvmtool and QEMU use).
 */
#define KVM_TSS_GPA 0xfffbd000ul
/* The EPT identity-map page VT-x needs for real mode: the page below. */
#define KVM_IDENTITY_MAP_GPA 0xfffbc000ull

int vm_create(struct vm *vm, const struct kvm *kvm, uint64_t mem_size,
	      unsigned flags, struct err *e)
{
	struct kvm_userspace_memory_region region;

	*vm = (struct vm){ .kvm = kvm, .fd = -1, .vcpu_fd = -1,
			   .run = MAP_FAILED, .mem = MAP_FAILED };
	vm->fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return err_set(e, "KVM_CREATE_VM: %s", strerror(errno));
	if (kvm->set_tss_addr && ioctl(vm->fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA) < 0)
		return err_set(e, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if ((flags & VM_PC) &&
	    ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t addr = KVM_IDENTITY_MAP_GPA;

		if (ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0)
			return err_set(e, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
	}

	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		return err_set(e, "cannot map %llu bytes of guest memory: %s",
			       (unsigned long long)mem_size, strerror(errno));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return err_set(e, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	if ((flags & (VM_IRQCHIP | VM_PC)) && ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return err_set(e, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	if (flags & VM_PC) {
		/* the speaker port 0x61 in the kernel too, reading as idle */
		struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

		if (ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0)
			return err_set(e, "KVM_CREATE_PIT2: %s", strerror(errno));
	}
	vm->vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return err_set(e, "KVM_CREATE_VCPU: %s", strerror(errno));
	vm->run = mmap(NULL, kvm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		return err_set(e, "cannot map the vCPU's kvm_run: %s", strerror(errno));
	if (kvm->sync_regs)
		vm->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	return 0;
}

int vm_set_cpuid(const struct vm *vm, struct err *e)
{
	enum { MAX_ENTRIES = 256 };
	struct kvm_cpuid2 *c = calloc(1, sizeof *c + MAX_ENTRIES * sizeof c->entries[0]);
	int rc = -1;

	if (c == NULL)
		return err_set(e, "CPUID: out of memory");
	c->nent = MAX_ENTRIES;
	if (ioctl(vm->kvm->fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		err_set(e, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *l = &c->entries[i];

		if (l->function == 1) {
			l->ecx |= 1u << 31;		/* "running on a hypervisor" */
			l->ebx &= 0x00ffffff;		/* initial APIC ID 0 */
		}
	}
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, c) < 0) {
		err_set(e, "KVM_SET_CPUID2: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(c);
	return rc;
}

int vm_irq_line(const struct vm *vm, unsigned irq, bool level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	return ioctl(vm->fd, KVM_IRQ_LINE, &line);
}

int vm_irq_pulse(const struct vm *vm, unsigned irq)
{
	struct kvm_irq_level line = { .irq = irq, .level = 1 };

	if (ioctl(vm->fd, KVM_IRQ_LINE, &line) < 0)
		return -1;
	line.level = 0;
	return ioctl(vm->fd, KVM_IRQ_LINE, &line);
}

bool vm_pic_irq_latched(const struct vm *vm, unsigned irq)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_PIC_MASTER };

	if (ioctl(vm->fd, KVM_GET_IRQCHIP, &chip) < 0)
		return false;
	return ((chip.chip.pic.irr | chip.chip.pic.isr) >> irq) & 1;
}

void vm_destroy(struct vm *vm)
{
	if (vm->run != MAP_FAILED && vm->run != NULL)
		munmap(vm->run, vm->kvm->run_size);
	if (vm->mem != MAP_FAILED && vm->mem != NULL)
		munmap(vm->mem, vm->mem_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->run = MAP_FAILED;
	vm->mem = MAP_FAILED;
	vm->vcpu_fd = vm->fd = -1;
}
