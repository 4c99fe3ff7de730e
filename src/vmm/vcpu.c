/* vcpu.c - one processor's KVM vCPU (see vcpu.h). */
#include "vmm/vcpu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static __thread struct vcpu *current;

struct vcpu *vcpu_current(void)
{
	return current;
}

void vcpu_set_current(struct vcpu *c)
{
	current = c;
}

void vcpu_init(struct vcpu *c, struct guest *g, unsigned guest, unsigned id,
	       unsigned ncpus)
{
	memset(c, 0, sizeof *c);
	c->g = g;
	c->id = id;
	c->fd = -1;
	c->run = MAP_FAILED;
	atomic_init(&c->halt_check, false);
	atomic_init(&c->halted_round, 0);
	atomic_init(&c->started, false);
	if (ncpus > 1)
		snprintf(c->name, sizeof c->name, "vcpu%u cpu%u", guest, id);
	else
		snprintf(c->name, sizeof c->name, "vcpu%u", guest);
}

int vcpu_create(struct vcpu *c, const struct vm *vm, struct err *e)
{
	c->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)c->id);
	if (c->fd < 0)
		return err_set(e, "KVM_CREATE_VCPU (processor %u): %s", c->id,
			       strerror(errno));
	c->run = mmap(NULL, vm->kvm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, 0);
	if (c->run == MAP_FAILED)
		return err_set(e, "cannot map the vCPU's kvm_run: %s", strerror(errno));
	if (vm->kvm->sync_regs)
		c->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	return 0;
}

int vcpu_set_cpuid(const struct vcpu *c, const struct kvm *kvm, struct err *e)
{
	enum { MAX_ENTRIES = 256 };
	struct kvm_cpuid2 *cp = calloc(1, sizeof *cp + MAX_ENTRIES * sizeof cp->entries[0]);
	int rc = -1;

	if (cp == NULL)
		return err_set(e, "CPUID: out of memory");
	cp->nent = MAX_ENTRIES;
	if (ioctl(kvm->fd, KVM_GET_SUPPORTED_CPUID, cp) < 0) {
		err_set(e, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < cp->nent; i++) {
		struct kvm_cpuid_entry2 *l = &cp->entries[i];

		if (l->function == 1) {
			l->ecx |= 1u << 31;		/* "running on a hypervisor" */
			l->ebx = (l->ebx & 0x00ffffff) | c->id << 24;	/* initial APIC ID */
		} else if (l->function == 0xb || l->function == 0x1f) {
			l->edx = c->id;			/* x2APIC ID */
		}
	}
	if (ioctl(c->fd, KVM_SET_CPUID2, cp) < 0) {
		err_set(e, "KVM_SET_CPUID2: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(cp);
	return rc;
}

const struct kvm_regs *vcpu_regs(struct vcpu *c, const struct kvm *kvm)
{
	if (kvm->sync_regs)
		return &c->run->s.regs.regs;
	if (ioctl(c->fd, KVM_GET_REGS, &c->regs) < 0)
		return NULL;
	return &c->regs;
}

void vcpu_destroy(struct vcpu *c, size_t run_size)
{
	stats_free(&c->stats);
	if (c->run != MAP_FAILED && c->run != NULL)
		munmap(c->run, run_size);
	if (c->fd >= 0)
		close(c->fd);
	c->run = MAP_FAILED;
	c->fd = -1;
}
