/* gdb_target.c - the target gdb_proto.c works on: the stopped processors (see gdbstub_int.h). */
#include "debug/gdbstub_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static unsigned t_threads(void *t)
{
	return (unsigned)((struct gdbstub *)t)->n;
}

static bool t_alive(void *t, unsigned tid)
{
	struct gdbstub *s = t;

	return tid >= 1 && tid <= s->n && !s->v[tid - 1].gone;
}

static const char *mode_name(const struct kvm_sregs *sr)
{
	if (!(sr->cr0 & 1))
		return "real mode";
	if (sr->efer & (1u << 10))
		return "long mode";
	return sr->cr0 & (1u << 31) ? "protected mode, paging" : "protected mode";
}

static void t_describe(void *t, unsigned tid, char *buf, size_t len)
{
	struct gdbstub *s = t;
	struct vcpu *c = s->v[tid - 1].c;
	struct kvm_sregs sr;

	if (ioctl(c->fd, KVM_GET_SREGS, &sr) < 0)
		snprintf(buf, len, "%s", c->name);
	else
		snprintf(buf, len, "%s, %s", c->name, mode_name(&sr));
}

static unsigned t_space(void *t, unsigned tid)
{
	struct gdbstub *s = t;

	return s->v[tid - 1].c->g->index;
}

static unsigned t_spaces(void *t)
{
	return (unsigned)((struct gdbstub *)t)->nguests;
}

int gdbtarget_get(void *t, unsigned tid, struct gdb_cpu *cpu)
{
	struct gdbstub *s = t;
	int fd = s->v[tid - 1].c->fd;

	if (ioctl(fd, KVM_GET_REGS, &cpu->regs) < 0 ||
	    ioctl(fd, KVM_GET_SREGS, &cpu->sregs) < 0)
		return -1;
	return 0;
}

static int t_set(void *t, unsigned tid, const struct gdb_cpu *cpu)
{
	struct gdbstub *s = t;
	int fd = s->v[tid - 1].c->fd;

	if (ioctl(fd, KVM_SET_REGS, &cpu->regs) < 0 ||
	    ioctl(fd, KVM_SET_SREGS, &cpu->sregs) < 0)
		return -1;
	return 0;
}

/*
 * The guest-physical address of linear ADDR for processor C: through its
 * own page tables (KVM_TRANSLATE) when paging is on, else the same.
 */
static int translate(struct vcpu *c, uint64_t addr, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = addr };
	struct kvm_sregs sr;

	if (ioctl(c->fd, KVM_GET_SREGS, &sr) < 0)
		return -1;
	if (!(sr.cr0 & (1u << 31))) {
		*gpa = addr;
		return 0;
	}
	if (ioctl(c->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return -1;
	*gpa = tr.physical_address;
	return 0;
}

static size_t t_mem(void *t, unsigned tid, uint64_t addr, uint8_t *buf,
		    size_t len, bool write)
{
	struct gdbstub *s = t;
	struct vcpu *c = s->v[tid - 1].c;
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, gpa;
		size_t chunk = 4096 - (a & 4095);
		uint8_t *hva;

		if (chunk > len - done)
			chunk = len - done;
		if (translate(c, a, &gpa) < 0 ||
		    (hva = vm_gpa_to_hva(&c->g->vm, gpa, chunk)) == NULL)
			break;
		if (write)
			memcpy(hva, buf + done, chunk);
		else
			memcpy(buf + done, hva, chunk);
		done += chunk;
	}
	return done;
}

int gdbtarget_own_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct vcpu *c = ctx;

	return t_mem(c->g->dbg, c->gdb_tid, addr, buf, len, false) == len ? 0 : -1;
}

uint64_t gdbtarget_linear_pc(struct vcpu *c)
{
	struct gdb_cpu cpu;

	if (ioctl(c->fd, KVM_GET_REGS, &cpu.regs) < 0 ||
	    ioctl(c->fd, KVM_GET_SREGS, &cpu.sregs) < 0)
		return c->run->debug.arch.pc;
	return gdb_regs_pc(&cpu);
}

const struct gdb_target_ops gdbtarget_ops = {
	.threads = t_threads, .alive = t_alive, .describe = t_describe,
	.space = t_space, .spaces = t_spaces, .get = gdbtarget_get, .set = t_set,
	.mem = t_mem,
};
