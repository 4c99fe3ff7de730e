/*
 * guest.c - one VM, one vCPU, and the VM-exit loop (see guest.h): the
 * image and boot state come from guest_boot.c, the diagnoses from
 * guest_diag.c.
 */
#define _GNU_SOURCE
#include "guest_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "cpu.h"
#include "probe.h"
#include "hypercall.h"
#include "minikvm.h"

int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, struct console_chan *out, struct err *e)
{
	struct cpu_boot boot;
	int rc;

	memset(g, 0, sizeof *g);
	vm_init(&g->vm, kvm);	/* guest_destroy() closes only what was opened */
	g->index = cfg->index;
	g->cfg = cfg;
	g->con = con;
	g->out = out;
	g->has_stdin = cfg->stdin;
	g->mode = m->mode;
	g->paging = m->paging;
	atomic_init(&g->stop, false);
	atomic_init(&g->halt_check, false);
	uart_init(&g->uart, g);

	g->is_linux = cfg->is_linux;
	/* Linux turns paging on at once: say so now, not at a triple fault */
	if (cfg->is_linux && !probe_mode_runs(PROBE_PROTECTED_PAGING))
		return err_set(e, "this host's KVM refuses 32-bit paging, which Linux turns on; it needs VT-x/AMD-V (see 'minikvm doctor --mode protected+paging')");
	if (vm_create(&g->vm, kvm, cfg->memory,
		      cfg->is_linux ? VM_PC : m->irqchip ? VM_IRQCHIP : 0, e) < 0)
		return -1;
	if (cfg->is_linux) {
		if (guest_load_linux(g, cfg, e) < 0)
			return -1;
		uart_enable_irq(&g->uart);
		if (bus_register(&g->pio, UART_COM1_BASE, UART_PORTS, &g->uart,
				 uart_io, "COM1") < 0 ||
		    bus_register(&g->pio, 0x64, 1, g, guest_kbc_io, "keyboard controller") < 0 ||
		    bus_register(&g->pio, 0x70, 2, g, guest_cmos_io, "CMOS") < 0)
			return err_set(e, "cannot register devices: out of memory");
		return 0;
	}
	if (guest_load_image(g, m, cfg, e) < 0)
		return -1;
	boot = (struct cpu_boot){
		.mem = g->vm.mem, .mem_size = g->vm.mem_size,
		.entry_cs = cfg->entry_cs, .entry = cfg->entry_ip,
		.stack = cfg->stack, .paging = m->paging,
	};
	switch (m->mode) {
	case CPU_MODE_REAL:
		rc = cpu_setup_real_mode(g->vm.vcpu_fd, &boot, e);
		break;
	case CPU_MODE_PROTECTED:
		rc = cpu_setup_protected_mode(g->vm.vcpu_fd, &boot, e);
		break;
	case CPU_MODE_LONG:
		rc = cpu_setup_long_mode(g->vm.vcpu_fd, &boot, e);
		break;
	default:
		rc = err_set(e, "no CPU mode");
		break;
	}
	if (rc < 0)
		return -1;

	if (bus_register(&g->pio, HC_PORT, HC_PORTS, g, hypercall_io, "hypercall") < 0 ||
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

/* KVM_EXIT_IO: each of COUNT accesses (a `rep ins/outs`) goes to the bus. */
static enum io_result guest_pio(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	unsigned size = run->io.size;
	uint64_t total = (uint64_t)run->io.count * size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	if (g->stats.by_port != NULL)
		g->stats.by_port[run->io.port]++;

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

/*
 * A Linux guest halts for good with HLT and interrupts off (its power-off
 * without ACPI is a halt: "reboot: System halted").  With the in-kernel
 * irqchip, KVM runs HLT itself and the vCPU sleeps in KVM_RUN; the machine
 * interrupts it now and then (guest_check_halt), and this looks.
 */
static bool guest_halted_for_good(struct guest *g)
{
	struct kvm_mp_state mp;
	struct kvm_regs r;

	return g->is_linux &&
	       ioctl(g->vm.vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 &&
	       mp.mp_state == KVM_MP_STATE_HALTED &&
	       ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &r) == 0 &&
	       !(r.rflags & 0x200);	/* IF */
}

void guest_check_halt(struct guest *g)
{
	atomic_store(&g->halt_check, true);
}

enum guest_status guest_run(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	struct vcpu_stats *st = &g->stats;
	uint64_t t_exit = 0, t = 0;
	enum io_result r;
	int rc;

	if (g->trace != NULL)	/* the trace shows CS: have KVM hand it over */
		run->kvm_valid_regs |= KVM_SYNC_X86_SREGS;
	st->t_first_run = stats_now();
	for (;;) {
		if (atomic_load_explicit(&g->stop, memory_order_relaxed)) {
			/* for the timeout message: where a stuck guest was */
			guest_where_stopped(g);
			g->status = GUEST_STOPPED;
			break;
		}
		if (st->timing) {
			t = stats_now();
			if (t_exit)
				st->ns_exits += t - t_exit;
		}
		rc = ioctl(g->vm.vcpu_fd, KVM_RUN, 0);
		if (st->timing) {
			/* an interrupted KVM_RUN was time inside it too */
			t_exit = stats_now();
			st->ns_run += t_exit - t;
		}
		if (rc < 0) {
			int err = errno;

			if ((err == EINTR || err == EAGAIN) &&
			    atomic_exchange(&g->halt_check, false) &&
			    guest_halted_for_good(g)) {
				g->end_note = "the guest halted with interrupts off";
				g->status = GUEST_DONE;
				break;
			}
			if (err == EINTR || err == EAGAIN)
				continue;	/* a stop request, or a stray signal */
			guest_diagnose(g, false, "KVM_RUN: %s", strerror(err));
			g->status = GUEST_FAILED;
			break;
		}
		st->exits++;
		st->by_reason[run->exit_reason % STATS_REASONS]++;
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
			if (g->trace != NULL)
				trace_exit(g->trace, g, IO_FAULT);
			g->status = guest_fault(g);
			goto out;
		}
		if (g->trace != NULL)
			trace_exit(g->trace, g, r);
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
	if (st->timing && t_exit)
		st->ns_exits += stats_now() - t_exit;
	st->t_end = stats_now();
	console_flush(g->out);
	guest_notes_summary(g);
	if (g->end_note != NULL && g->status == GUEST_DONE)
		fprintf(stderr, "minikvm: vcpu%u: %s: the run ends\n", g->index, g->end_note);
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
	stats_free(&g->stats);
	uart_destroy(&g->uart);
	vm_destroy(&g->vm);
	bus_free(&g->pio);
	bus_free(&g->mmio);
}
