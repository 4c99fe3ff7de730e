/* cpu.c - initial vCPU state per CPU mode (see cpu.h). */
#include "cpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

int cpu_setup_real_mode(int vcpu_fd, const struct vcpu_config *cfg,
			struct err *e)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_segment *data[] = {
		&sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss,
	};

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_GET_SREGS: %s", strerror(errno));
	/* The reset state has CS.base 0xFFFF0000; make every segment plain. */
	sregs.cs.selector = cfg->entry_cs;
	sregs.cs.base = (uint64_t)cfg->entry_cs << 4;
	sregs.cs.limit = 0xffff;
	for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
		data[i]->selector = 0;
		data[i]->base = 0;
		data[i]->limit = 0xffff;
	}
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof regs);
	regs.rflags = 0x2;	/* bit 1 is reserved and always set */
	regs.rip = cfg->entry_ip;
	regs.rsp = cfg->memory >= 0x10000 ? 0 : cfg->memory;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}
