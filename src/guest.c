/* guest.c - one VM, one vCPU, and the VM-exit loop (see guest.h). */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu.h"
#include "fileio.h"
#include "hypercall.h"
#include "minikvm.h"

static int guest_load_image(struct guest *g, const struct vcpu_config *cfg,
			    struct err *e)
{
	size_t len;
	const char *why = file_read(cfg->image, g->vm.mem + cfg->load,
				    g->vm.mem_size - cfg->load, &len);

	if (why != NULL)
		return err_set(e, "image '%s': %s", cfg->image,
			       strcmp(why, "is too large") == 0 ?
			       "does not fit in the guest's memory" : why);
	return 0;
}

int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, struct console_chan *out, struct err *e)
{
	struct cpu_boot boot;

	memset(g, 0, sizeof *g);
	g->index = cfg->index;
	g->cfg = cfg;
	g->con = con;
	g->out = out;
	g->has_stdin = cfg->stdin;
	atomic_init(&g->stop, false);
	uart_init(&g->uart, g);

	if (vm_create(&g->vm, kvm, cfg->memory, e) < 0)
		return -1;
	if (guest_load_image(g, cfg, e) < 0)
		return -1;
	boot = (struct cpu_boot){
		.mem = g->vm.mem, .mem_size = g->vm.mem_size,
		.entry_cs = cfg->entry_cs, .entry = cfg->entry_ip,
	};
	switch (m->mode) {
	case CPU_MODE_REAL:
		if (cpu_setup_real_mode(g->vm.vcpu_fd, &boot, e) < 0)
			return -1;
		break;
	default:
		return err_set(e, "mode '%s' is not supported", manifest_mode_name(m->mode));
	}

	if (bus_register(&g->pio, HC_PORT, 1, g, hypercall_io, "hypercall") < 0 ||
	    bus_register(&g->pio, UART_COM1_BASE, UART_PORTS, &g->uart, uart_io,
			 "COM1") < 0)
		return err_set(e, "cannot register devices: out of memory");
	return 0;
}

const struct kvm_regs *guest_regs(struct guest *g)
{
	if (g->vm.kvm->sync_regs)
		return &g->vm.run->s.regs.regs;
	if (ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &g->regs) < 0) {
		guest_diagnose(g, false, "KVM_GET_REGS: %s", strerror(errno));
		return NULL;
	}
	return &g->regs;
}

void guest_diagnose(struct guest *g, bool registers, const char *fmt, ...)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	char what[512], where[64] = "";
	bool have_s, have_r;
	va_list ap;

	console_flush(g->out);
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	have_s = ioctl(g->vm.vcpu_fd, KVM_GET_SREGS, &s) == 0;
	have_r = ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &r) == 0;
	if (have_s && have_r)
		snprintf(where, sizeof where, " at CS:IP %04x:%04llx", s.cs.selector,
			 (unsigned long long)r.rip);
	if (!registers || !have_s || !have_r) {
		fprintf(stderr, "minikvm: vcpu%u: %s%s\n", g->index, what, where);
		return;
	}
	/* one fprintf: stderr is locked per call, so dumps never interleave */
	fprintf(stderr,
		"minikvm: vcpu%u: %s%s\n"
		"minikvm: vcpu%u:   eax=%08llx ebx=%08llx ecx=%08llx edx=%08llx\n"
		"minikvm: vcpu%u:   esi=%08llx edi=%08llx ebp=%08llx esp=%08llx\n"
		"minikvm: vcpu%u:   eip=%08llx eflags=%08llx cr0=%08llx\n"
		"minikvm: vcpu%u:   cs=%04x ds=%04x es=%04x ss=%04x fs=%04x gs=%04x\n",
		g->index, what, where,
		g->index, (unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx,
		g->index, (unsigned long long)r.rsi, (unsigned long long)r.rdi,
		(unsigned long long)r.rbp, (unsigned long long)r.rsp,
		g->index, (unsigned long long)r.rip, (unsigned long long)r.rflags,
		(unsigned long long)s.cr0,
		g->index, s.cs.selector, s.ds.selector, s.es.selector,
		s.ss.selector, s.fs.selector, s.gs.selector);
}

/* KVM_EXIT_IO: each of COUNT accesses (a `rep ins/outs`) goes to the bus. */
static enum io_result guest_pio(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	unsigned size = run->io.size;
	uint64_t total = (uint64_t)run->io.count * size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	if (run->io.data_offset > g->vm.kvm->run_size ||
	    total > g->vm.kvm->run_size - run->io.data_offset) {
		guest_diagnose(g, true, "KVM_EXIT_IO with its data outside kvm_run");
		return IO_FAULT;
	}
	for (uint32_t i = 0; i < run->io.count; i++) {
		enum io_result r = bus_dispatch(&g->pio, run->io.port,
						data + (size_t)i * size, size,
						is_write);

		if (r != IO_OK)
			return r;
	}
	return IO_OK;
}

/* A guest failure the VMM cannot handle: diagnose, with registers. */
static enum guest_status guest_fault(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	unsigned reason = run->exit_reason;

	switch (reason) {
	case KVM_EXIT_SHUTDOWN:
		guest_diagnose(g, true, "guest fault: triple fault (KVM_EXIT_SHUTDOWN)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		/* kvm_pvm reports a triple fault this way (host-kvm.md) */
		guest_diagnose(g, true, "guest fault: triple fault or an instruction KVM cannot emulate (KVM_EXIT_INTERNAL_ERROR, suberror %u)",
			       run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		guest_diagnose(g, true, "guest fault: the CPU refused to enter the guest (KVM_EXIT_FAIL_ENTRY, reason 0x%llx)",
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		guest_diagnose(g, true, "guest fault: unhandled VM exit %s (%u)",
			       kvm_exit_reason_name(reason), reason);
		break;
	}
	return GUEST_FAILED;
}

enum guest_status guest_run(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	enum io_result r;

	for (;;) {
		if (atomic_load_explicit(&g->stop, memory_order_relaxed)) {
			g->status = GUEST_STOPPED;
			break;
		}
		if (ioctl(g->vm.vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;	/* a stop request, or a stray signal */
			guest_diagnose(g, false, "KVM_RUN: %s", strerror(errno));
			g->status = GUEST_FAILED;
			break;
		}
		g->exits++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			r = guest_pio(g);
			break;
		case KVM_EXIT_MMIO:
			r = bus_dispatch(&g->mmio, run->mmio.phys_addr, run->mmio.data,
					 run->mmio.len <= 8 ? run->mmio.len : 8,
					 run->mmio.is_write);
			break;
		case KVM_EXIT_HLT:
			/* no irqchip, no timer: nothing can wake it, so it is done */
			r = IO_EXIT;
			break;
		case KVM_EXIT_INTR:
			r = IO_OK;
			break;
		default:
			g->status = guest_fault(g);
			goto out;
		}
		if (r == IO_EXIT) {
			g->status = GUEST_DONE;
			break;
		}
		if (r == IO_FAULT) {
			g->status = GUEST_FAILED;
			break;
		}
	}
out:
	console_flush(g->out);
	return g->status;
}

void guest_stop(struct guest *g)
{
	atomic_store(&g->stop, true);
	if (g->vm.run != MAP_FAILED)
		g->vm.run->immediate_exit = 1;
}

void guest_destroy(struct guest *g)
{
	vm_destroy(&g->vm);
	bus_free(&g->pio);
	bus_free(&g->mmio);
}
