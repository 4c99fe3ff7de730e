/* vm.c - creating and destroying a one-vCPU VM (see vm.h). */
#include "vm.h"

#include <errno.h>
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

int vm_create(struct vm *vm, const struct kvm *kvm, uint64_t mem_size,
	      bool irqchip, struct err *e)
{
	struct kvm_userspace_memory_region region;

	*vm = (struct vm){ .kvm = kvm, .fd = -1, .vcpu_fd = -1,
			   .run = MAP_FAILED, .mem = MAP_FAILED };
	vm->fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return err_set(e, "KVM_CREATE_VM: %s", strerror(errno));
	if (kvm->set_tss_addr && ioctl(vm->fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA) < 0)
		return err_set(e, "KVM_SET_TSS_ADDR: %s", strerror(errno));

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

	if (irqchip && ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return err_set(e, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
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
