/* vm.c - creating and destroying a VM and its memory (see vm.h). */
#include "vmm/vm.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86/layout.h"

int vm_create(struct vm *vm, const struct kvm *kvm, uint64_t mem_size,
	      unsigned flags, struct err *e)
{
	struct kvm_userspace_memory_region region;

	vm_init(vm, kvm);
	vm->fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return err_set(e, "KVM_CREATE_VM: %s", strerror(errno));
	/* the three-page TSS VT-x needs to run real mode without
	 * "unrestricted guest": in the hole below 4 GiB (layout.h) */
	if (kvm->set_tss_addr && ioctl(vm->fd, KVM_SET_TSS_ADDR, LAYOUT_KVM_TSS) < 0)
		return err_set(e, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if ((flags & VM_PC) &&
	    ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t addr = LAYOUT_KVM_IDENTITY_MAP;

		if (ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0)
			return err_set(e, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
	}

	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		return err_set(e, "cannot map %llu bytes of guest memory: %s",
			       (unsigned long long)mem_size, strerror(errno));
	vm->low_size = layout_low_size(mem_size);
	/* RAM below the hole at GPA 0, the rest from 4 GiB (layout.h): one
	 * host mapping, two memory slots */
	for (unsigned slot = 0; slot < 2; slot++) {
		uint64_t gpa = slot ? LAYOUT_HIGH_RAM : 0;
		uint64_t off = slot ? vm->low_size : 0;

		if (off == mem_size)
			break;
		region = (struct kvm_userspace_memory_region){
			.slot = slot,
			.guest_phys_addr = gpa,
			.memory_size = slot ? mem_size - off : vm->low_size,
			.userspace_addr = (uintptr_t)(vm->mem + off),
		};
		if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
			return err_set(e, "KVM_SET_USER_MEMORY_REGION (slot %u): %s",
				       slot, strerror(errno));
	}

	if ((flags & (VM_IRQCHIP | VM_PC)) && ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return err_set(e, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	if (flags & VM_PC) {
		/* the speaker port 0x61 in the kernel too, reading as idle */
		struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

		if (ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0)
			return err_set(e, "KVM_CREATE_PIT2: %s", strerror(errno));
	}
	return 0;
}

void vm_init(struct vm *vm, const struct kvm *kvm)
{
	*vm = (struct vm){ .kvm = kvm, .fd = -1, .mem = MAP_FAILED };
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	if (gpa < vm->low_size)
		off = gpa;
	else if (gpa >= LAYOUT_HIGH_RAM && gpa - LAYOUT_HIGH_RAM < vm->mem_size - vm->low_size)
		off = vm->low_size + (gpa - LAYOUT_HIGH_RAM);
	else
		return NULL;
	/* the range must stay inside the block it starts in */
	if (gpa < vm->low_size ? len > vm->low_size - gpa :
	    len > vm->mem_size - off)
		return NULL;
	return vm->mem + off;
}

int vm_ioapic_set_id(const struct vm *vm, unsigned id)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };

	if (ioctl(vm->fd, KVM_GET_IRQCHIP, &chip) < 0)
		return -1;
	chip.chip.ioapic.id = id & 0xf;
	return ioctl(vm->fd, KVM_SET_IRQCHIP, &chip);
}

int vm_pic_bios_init(const struct vm *vm)
{
	static const struct { uint32_t chip; uint8_t base; } pics[] = {
		{ KVM_IRQCHIP_PIC_MASTER, 0x08 }, { KVM_IRQCHIP_PIC_SLAVE, 0x70 },
	};

	for (unsigned i = 0; i < 2; i++) {
		struct kvm_irqchip chip = { .chip_id = pics[i].chip };

		if (ioctl(vm->fd, KVM_GET_IRQCHIP, &chip) < 0)
			return -1;
		chip.chip.pic.irq_base = pics[i].base;
		chip.chip.pic.imr = 0xff;
		chip.chip.pic.init_state = 0;	/* the ICW sequence is over */
		chip.chip.pic.init4 = 1;	/* ICW4: 8086 mode */
		chip.chip.pic.auto_eoi = 0;
		if (ioctl(vm->fd, KVM_SET_IRQCHIP, &chip) < 0)
			return -1;
	}
	return 0;
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
	if (vm->mem != MAP_FAILED && vm->mem != NULL)
		munmap(vm->mem, vm->mem_size);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->mem = MAP_FAILED;
	vm->fd = -1;
}
