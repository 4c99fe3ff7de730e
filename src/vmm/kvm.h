/*
 * kvm.h - the host's KVM: opening /dev/kvm and asking what it can do.
 * Follows Linux Documentation/virt/kvm/api.rst (sections 4.1 KVM_GET_API_VERSION,
 * 4.4 KVM_CHECK_EXTENSION, 4.5 KVM_GET_VCPU_MMAP_SIZE).
 */
#ifndef MINIKVM_KVM_H
#define MINIKVM_KVM_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The environment variable naming another KVM device node (for tests). */
#define KVM_DEVICE_ENV "MINIKVM_KVM_DEVICE"
#define KVM_DEVICE_DEFAULT "/dev/kvm"

/* An open KVM system fd and the capabilities minikvm uses. */
struct kvm {
	int fd;			/* the system fd: KVM_CREATE_VM is issued on it */
	const char *device;	/* its path */
	size_t run_size;	/* bytes to mmap of each vCPU fd (struct kvm_run) */
	bool sync_regs;		/* KVM_CAP_SYNC_REGS: registers in kvm_run */
	bool set_tss_addr;	/* KVM_CAP_SET_TSS_ADDR */
	bool immediate_exit;	/* KVM_CAP_IMMEDIATE_EXIT */
};

/*
 * kvm_open - opens the device ($MINIKVM_KVM_DEVICE or /dev/kvm), checks the
 * API version is 12 and reads the capabilities.  Returns 0, or -1 with E
 * saying which of missing device / no permission / wrong version it is.
 */
int kvm_open(struct kvm *k, struct err *e);

/* kvm_close - closes the system fd (VMs created from it stay valid). */
void kvm_close(struct kvm *k);

/* kvm_exit_reason_name - "KVM_EXIT_IO" etc. for a kvm_run exit_reason. */
const char *kvm_exit_reason_name(unsigned reason);

#endif
