/*
 * guest.c - one VM, its processors, and the VM-exit loop each of them runs
 * (see guest.h): the image and boot state come from guest_boot.c, the
 * devices from the board (board/board.h), the diagnoses from guest_diag.c.
 */
#define _GNU_SOURCE
#include "vmm/guest_impl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "board/board.h"
#include "debug/gdbstub.h"
#include "boot/cpu.h"
#include "vmm/probe.h"
#include "vmm/sandbox.h"

/* Processor 0 in the manifest's mode at the entry point (cpu.h). */
static int guest_boot_bsp(struct guest *g, const struct manifest *m,
			  const struct vcpu_config *cfg, struct err *e)
{
	struct cpu_boot boot = {
		.mem = g->vm.mem, .mem_size = g->vm.mem_size,
		.entry_cs = cfg->entry_cs, .entry = cfg->entry_ip,
		.stack = cfg->stack, .paging = m->paging,
	};
	int fd = g->cpus[0].fd;

	switch (m->mode) {
	case CPU_MODE_REAL:
		return cpu_setup_real_mode(fd, &boot, e);
	case CPU_MODE_PROTECTED:
		return cpu_setup_protected_mode(fd, &boot, e);
	case CPU_MODE_LONG:
		return cpu_setup_long_mode(fd, &boot, e);
	default:
		return err_set(e, "no CPU mode");
	}
}

int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, unsigned color, struct err *e)
{
	unsigned ncpus = cfg->cpus ? cfg->cpus : 1;

	memset(g, 0, sizeof *g);
	vm_init(&g->vm, kvm);	/* guest_destroy() closes only what was opened */
	g->index = cfg->index;
	g->cfg = cfg;
	g->con = con;
	g->has_stdin = cfg->stdin;
	g->mode = m->mode;
	g->paging = m->paging;
	g->is_linux = cfg->is_linux;
	g->board = cfg->pc || cfg->is_linux ? BOARD_PC : BOARD_BARE;
	atomic_init(&g->stop, false);
	atomic_init(&g->status, GUEST_RUNNING);
	atomic_init(&g->running, 0);
	atomic_init(&g->halt_round, 1);
	atomic_init(&g->getchar_pending, false);
	uart_init(&g->uart, g);
	g->cpus = calloc(ncpus, sizeof *g->cpus);
	if (g->cpus == NULL)
		return err_set(e, "out of memory");
	g->ncpus = ncpus;
	atomic_store(&g->running, ncpus);
	for (unsigned i = 0; i < ncpus; i++) {
		vcpu_init(&g->cpus[i], g, g->index, i, ncpus);
		console_chan_init(con, &g->cpus[i].out, g->index, color);
	}
	if (ncpus > 1)	/* one serial line, however many processors write it */
		uart_set_output(&g->uart, con, g->index, color);

	/* Linux turns paging on at once: say so now, not at a triple fault */
	if (cfg->is_linux && !probe_mode_runs(PROBE_PROTECTED_PAGING))
		return err_set(e, "this host's KVM refuses 32-bit paging, which Linux turns on; it needs VT-x/AMD-V (see 'minikvm doctor --mode protected+paging')");
	if (ncpus > 1) {
		/* api.rst: KVM_CAP_MAX_VCPUS, or KVM_CAP_NR_VCPUS without it */
		int max = ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

		if (max <= 0)
			max = ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
		if (max > 0 && ncpus > (unsigned)max)
			return err_set(e, "vcpus[%u].cpus is %u; this host's KVM allows at most %d processors in a VM",
				       g->index, ncpus, max);
	}
	if (vm_create(&g->vm, kvm, cfg->memory,
		      g->board == BOARD_PC ? VM_PC : m->irqchip ? VM_IRQCHIP : 0, e) < 0)
		return -1;
	for (unsigned i = 0; i < ncpus; i++) {
		if (vcpu_create(&g->cpus[i], &g->vm, e) < 0)
			return -1;
		/* each processor's APIC ID in CPUID, where an OS looks */
		if ((ncpus > 1 || g->board == BOARD_PC) &&
		    vcpu_set_cpuid(&g->cpus[i], kvm, e) < 0)
			return -1;
	}
	if (board_create(g, e) < 0)
		return -1;
	if (cfg->is_linux)
		return guest_load_linux(g, cfg, e);
	if (!cfg->boot_disk && guest_load_image(g, m, cfg, e) < 0)
		return -1;
	if (guest_boot_bsp(g, m, cfg, e) < 0)
		return -1;
	return cfg->boot_disk ? board_boot_disk(g, e) : 0;
}

const struct kvm_regs *guest_regs(struct vcpu *c)
{
	const struct kvm_regs *r = vcpu_regs(c, c->g->vm.kvm);

	if (r == NULL)
		guest_diagnose(c, false, "KVM_GET_REGS: %s", strerror(errno));
	return r;
}

/* KVM_EXIT_IO: each of COUNT accesses (a `rep ins/outs`) goes to the bus. */
static enum io_result guest_pio(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	size_t run_size = c->g->vm.kvm->run_size;
	unsigned size = run->io.size;
	uint64_t total = (uint64_t)run->io.count * size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	if (c->stats.by_port != NULL)
		c->stats.by_port[run->io.port]++;

	if (run->io.data_offset > run_size || total > run_size - run->io.data_offset) {
		guest_diagnose(c, true, "KVM_EXIT_IO with its data outside kvm_run");
		return IO_FAULT;
	}
	if (run->io.count > 1) {
		/* a string instruction: one lookup for all its elements (an
		 * ATA sector is 256 of them) */
		const struct bus_device *d = bus_find(&c->g->pio, run->io.port, size);

		for (uint32_t i = 0; d != NULL && i < run->io.count; i++) {
			enum io_result r = d->io(d->owner, run->io.port - d->base,
						 data + (size_t)i * size, size, is_write);

			if (r != IO_OK)
				return r;
		}
		if (d != NULL)
			return IO_OK;
	}
	for (uint32_t i = 0; i < run->io.count; i++) {
		enum io_result r = bus_dispatch(&c->g->pio, run->io.port,
						data + (size_t)i * size, size,
						is_write);

		if (r != IO_OK)
			return r;
	}
	return IO_OK;
}

/* Processor C sleeps for good: HLT with interrupts off, or never started. */
static bool vcpu_halted_for_good(struct vcpu *c)
{
	struct kvm_mp_state mp;
	struct kvm_regs r;

	if (ioctl(c->fd, KVM_GET_MP_STATE, &mp) < 0)
		return false;
	if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
	    mp.mp_state == KVM_MP_STATE_INIT_RECEIVED)
		return true;	/* an AP that never got its STARTUP IPI */
	return mp.mp_state == KVM_MP_STATE_HALTED &&
	       ioctl(c->fd, KVM_GET_REGS, &r) == 0 &&
	       !(r.rflags & 0x200);	/* IF */
}

/*
 * A Linux guest halts for good with HLT and interrupts off (its power-off
 * without ACPI is a halt: "reboot: System halted").  With the in-kernel
 * irqchip, KVM runs HLT itself and the vCPU sleeps in KVM_RUN; the machine
 * interrupts every processor now and then (guest_check_halt), each looks
 * at itself, and the last one to find itself halted in a round, with all
 * the others found so in the same round, ends the guest.
 */
static bool guest_halted_for_good(struct vcpu *c)
{
	struct guest *g = c->g;
	unsigned round = atomic_load(&g->halt_round);

	if (!g->is_linux || !vcpu_halted_for_good(c))
		return false;
	atomic_store(&c->halted_round, round);
	for (unsigned i = 0; i < g->ncpus; i++)
		if (atomic_load(&g->cpus[i].halted_round) != round)
			return false;
	return true;
}

void guest_check_halt(struct guest *g)
{
	atomic_fetch_add(&g->halt_round, 1);
	for (unsigned i = 0; i < g->ncpus; i++) {
		struct vcpu *c = &g->cpus[i];

		atomic_store(&c->halt_check, true);
		if (atomic_load(&c->started))
			pthread_kill(c->thread, SIG_VCPU_KICK);
	}
}

enum guest_status guest_status(const struct guest *g)
{
	return (enum guest_status)atomic_load(&g->status);
}

/*
 * Processor C ends the guest with STATUS (GUEST_DONE or GUEST_FAILED),
 * unless it has already ended: the first one decides, the others stop.
 */
static void guest_end(struct vcpu *c, enum guest_status status)
{
	int running = GUEST_RUNNING;

	if (atomic_compare_exchange_strong(&c->g->status, &running, (int)status))
		guest_stop(c->g);
}

/*
 * One processor's exit loop, to its end; returns its own status.  *T_EXIT:
 * when the last exit came back from KVM (for the time spent handling it).
 */
static enum guest_status guest_loop(struct vcpu *c, uint64_t *t_exit)
{
	struct guest *g = c->g;
	struct kvm_run *run = c->run;
	struct vcpu_stats *st = &c->stats;
	uint64_t t = 0;
	enum io_result r;
	int rc;

	if (g->trace != NULL)	/* the trace shows CS: have KVM hand it over */
		run->kvm_valid_regs |= KVM_SYNC_X86_SREGS;
	if (g->dbg != NULL)	/* stopped before the first instruction */
		gdbstub_vcpu_start(c);
	st->t_first_run = stats_now();
	for (;;) {
		if (atomic_load_explicit(&g->stop, memory_order_relaxed)) {
			/* for the timeout message: where a stuck guest was */
			guest_where_stopped(c);
			return GUEST_STOPPED;
		}
		if (st->timing) {
			t = stats_now();
			if (*t_exit)
				st->ns_exits += t - *t_exit;
		}
		rc = ioctl(c->fd, KVM_RUN, 0);
		if (st->timing) {
			/* an interrupted KVM_RUN was time inside it too */
			*t_exit = stats_now();
			st->ns_run += *t_exit - t;
		}
		if (rc < 0) {
			int err = errno;

			if ((err == EINTR || err == EAGAIN) &&
			    atomic_exchange(&c->halt_check, false) &&
			    guest_halted_for_good(c)) {
				g->end_note = g->ncpus > 1 ?
					      "every processor halted with interrupts off" :
					      "the guest halted with interrupts off";
				return GUEST_DONE;
			}
			/* a stop request, a stray signal, or (EAGAIN) an AP's
			 * first KVM_RUN after INIT: run again (the debugger's
			 * stop parks it first) */
			if (err == EINTR)
				guest_vcpu_kicked(c);
			if (err == EINTR && c->gdb_stepping)
				gdbstub_vcpu_rearm(c);	/* see gdbstub.c, rearm_all */
			if (err == EINTR || err == EAGAIN)
				continue;
			guest_diagnose(c, false, "KVM_RUN: %s", strerror(err));
			return GUEST_FAILED;
		}
		st->exits++;
		st->by_reason[run->exit_reason % STATS_REASONS]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			r = guest_pio(c);
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
		case KVM_EXIT_DEBUG:
			if (g->dbg == NULL)
				return guest_fault(c);
			gdbstub_vcpu_debug(c);
			r = IO_OK;
			break;
		default:
			if (g->trace != NULL)
				trace_exit(g->trace, c, IO_FAULT);
			return guest_fault(c);
		}
		if (g->trace != NULL)
			trace_exit(g->trace, c, r);
		if (c->gdb_stepping && run->exit_reason != KVM_EXIT_DEBUG)
			gdbstub_vcpu_rearm(c);
		if (r == IO_EXIT)
			return GUEST_DONE;
		if (r == IO_FAULT)
			return GUEST_FAILED;
	}
}

bool guest_run_vcpu(struct vcpu *c)
{
	struct guest *g = c->g;
	struct vcpu_stats *st = &c->stats;
	uint64_t t_exit = 0;
	struct err e;

	vcpu_set_current(c);
	if (sandbox_enter(SANDBOX_VCPU, c->name, &e) < 0) {
		guest_diagnose(c, false, "%s", e.msg);
		c->status = GUEST_FAILED;
	} else {
		c->status = guest_loop(c, &t_exit);
	}
	if (c->status == GUEST_DONE || c->status == GUEST_FAILED)
		guest_end(c, c->status);
	/* after guest_end: the stub, seeing every processor gone, tells gdb
	 * the guest's status (W), which must be decided by then */
	if (g->dbg != NULL)
		gdbstub_vcpu_end(c);
	if (st->timing && t_exit)
		st->ns_exits += stats_now() - t_exit;
	st->t_end = stats_now();
	if (atomic_fetch_sub(&g->running, 1) != 1)
		return false;
	/* the guest's last processor: what the guest said comes out now */
	if (guest_status(g) == GUEST_RUNNING)
		atomic_store(&g->status, GUEST_STOPPED);
	guest_flush(g);
	guest_notes_summary(g);
	if (g->end_note != NULL && guest_status(g) == GUEST_DONE)
		fprintf(stderr, "minikvm: vcpu%u: %s: the run ends\n", g->index, g->end_note);
	return true;
}

void guest_stop(struct guest *g)
{
	struct vcpu *self = vcpu_current();

	atomic_store(&g->stop, true);
	if (g->dbg != NULL)	/* processors parked by the debugger wake */
		gdbstub_wake(g->dbg);
	for (unsigned i = 0; i < g->ncpus; i++) {
		struct vcpu *c = &g->cpus[i];

		if (c->run != MAP_FAILED)
			c->run->immediate_exit = 1;
		if (c != self && atomic_load(&c->started))
			pthread_kill(c->thread, SIG_VCPU_KICK);
	}
}

void guest_flush(struct guest *g)
{
	for (unsigned i = 0; i < g->ncpus; i++)
		console_flush(&g->cpus[i].out);
	uart_flush(&g->uart);
}

void guest_destroy(struct guest *g)
{
	board_destroy(g);
	for (unsigned i = 0; g->cpus != NULL && i < g->ncpus; i++)
		vcpu_destroy(&g->cpus[i], g->vm.kvm->run_size);
	free(g->cpus);
	g->cpus = NULL;
	uart_destroy(&g->uart);
	vm_destroy(&g->vm);
	bus_free(&g->pio);
	bus_free(&g->mmio);
}

void guest_vcpu_kicked(void *vcpu)
{
	struct vcpu *c = vcpu;

	if (c->g->dbg != NULL)
		gdbstub_vcpu_intr(c);
}
