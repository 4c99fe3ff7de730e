/* kvm.c - opening /dev/kvm and reading its capabilities (see kvm.h). */
#define _GNU_SOURCE
#include "vmm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool kvm_has(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap) > 0;
}

int kvm_open(struct kvm *k, struct err *e)
{
	const char *dev = getenv(KVM_DEVICE_ENV);
	int version, size;

	k->device = dev != NULL && dev[0] != '\0' ? dev : KVM_DEVICE_DEFAULT;
	k->fd = open(k->device, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		int saved = errno;

		if (saved == ENOENT)
			return err_set(e, "%s: no such device: KVM is not available (is the kvm module loaded, is virtualisation enabled?)", k->device);
		if (saved == EACCES || saved == EPERM)
			return err_set(e, "%s: permission denied (add yourself to the 'kvm' group, or run as root)", k->device);
		return err_set(e, "%s: cannot open: %s", k->device, strerror(saved));
	}
	version = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		close(k->fd);
		if (version < 0)
			return err_set(e, "%s: KVM_GET_API_VERSION: %s (is this a KVM device?)",
				       k->device, strerror(errno));
		return err_set(e, "%s: KVM API version %d, expected %d", k->device,
			       version, KVM_API_VERSION);
	}
	size = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		close(k->fd);
		return err_set(e, "%s: KVM_GET_VCPU_MMAP_SIZE: %s", k->device,
			       size < 0 ? strerror(errno) : "too small");
	}
	k->run_size = (size_t)size;
	/* Registers in kvm_run->s.regs save an ioctl per hypercall. */
	k->sync_regs = (ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) &
			KVM_SYNC_X86_REGS) != 0;
	k->set_tss_addr = kvm_has(k->fd, KVM_CAP_SET_TSS_ADDR);
	k->immediate_exit = kvm_has(k->fd, KVM_CAP_IMMEDIATE_EXIT);
	return 0;
}

void kvm_close(struct kvm *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

const char *kvm_exit_reason_name(unsigned reason)
{
	static const char *const names[] = {
#define X(n) [KVM_EXIT_##n] = "KVM_EXIT_" #n
		X(UNKNOWN), X(EXCEPTION), X(IO), X(HYPERCALL), X(DEBUG),
		X(HLT), X(MMIO), X(IRQ_WINDOW_OPEN), X(SHUTDOWN),
		X(FAIL_ENTRY), X(INTR), X(SET_TPR), X(TPR_ACCESS),
		X(NMI), X(INTERNAL_ERROR), X(OSI), X(PAPR_HCALL),
		X(WATCHDOG), X(EPR), X(SYSTEM_EVENT), X(IOAPIC_EOI),
		X(HYPERV),
#undef X
	};

	if (reason < sizeof names / sizeof names[0] && names[reason] != NULL)
		return names[reason];
	return "KVM_EXIT_(unknown)";
}
