/* machine.c - guests on threads, the timeout and signals (see machine.h). */
#define _GNU_SOURCE
#include "vmm/machine.h"
#include "vmm/machine_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "debug/gdbstub.h"
#include "vmm/console.h"
#include "vmm/guest.h"
#include "vmm/hostmem.h"
#include "vmm/kvm.h"
#include "vmm/msgs.h"
#include "vmm/probe_debug.h"
#include "vmm/stats.h"
#include "vmm/ticker.h"
#include "vmm/sandbox.h"
#include "manifest/units.h"

/*
 * How often a Linux guest is checked for a halt with interrupts off (the
 * in-kernel LAPIC handles HLT: no VM exit tells us).  It bounds how late
 * a powered-off guest's run ends; each check costs one signal and one
 * VM exit, 10 a second.
 */
#define HALT_CHECK_MS 100
/*
 * While a stopped run's vCPU threads wind down, each one still running is
 * interrupted (SIG_VCPU_KICK) this often: a thread blocked in write(2) on
 * a full pipe, or one that entered a blocking call just after the last
 * signal, is released by the next.
 */
#define KICK_MS 5
/*
 * Once a run is stopping, the main thread's own messages on stderr may
 * block until this long after the stop (a full pipe, a stopped terminal);
 * then the rest of a blocked one, and all that stderr does not take at
 * once after it, are dropped.
 */
#define STOP_MSG_NS (300 * 1000000ull)

static void kick_handler(int sig)
{
	(void)sig;
}

/* One processor's thread: its exit loop; the last one ends the guest. */
static void *vcpu_thread_main(void *arg)
{
	struct vcpu *c = arg;
	struct vcpu_thread *t = (struct vcpu_thread *)((char *)c->g -
						       offsetof(struct vcpu_thread, g));
	uint64_t one = 1;
	bool last = guest_run_vcpu(c);

	if (last && t->tick >= 0)
		ticker_disarm(t->ticker, (size_t)t->tick);	/* the timer stops with it */
	atomic_fetch_add(&t->ended, 1);
	/* An eventfd write of 1 fails only if the counter would overflow. */
	while (last && write(t->done_fd, &one, sizeof one) < 0 && errno == EINTR)
		;
	return NULL;
}

/* timer.period: an edge on IRQ 0 of the guest's PIC. */
/* An input byte for the stdin guest: an edge on IRQ 1. */
static void input_fire(void *ctx)
{
	struct vcpu_thread *t = ctx;

	vm_irq_pulse(&t->g.vm, 1);
}

/*
 * The input edge again, but only if the PIC lost it (neither requested nor
 * in service): one interrupt per byte stays one, while an edge raised
 * before the guest had programmed its PIC is not lost for good.
 */
static void input_refire(void *ctx)
{
	struct vcpu_thread *t = ctx;

	if (!vm_pic_irq_latched(&t->g.vm, 1))
		vm_irq_pulse(&t->g.vm, 1);
}

static void timer_fire(void *ctx)
{
	struct vcpu_thread *t = ctx;

	vm_irq_pulse(&t->g.vm, 0);
	if (t->g.has_stdin)
		console_input_irq_again(t->g.con, input_refire);
}

static bool want_color(const struct manifest *m, const struct run_options *opt)
{
	enum when w = opt->color != WHEN_UNSET ? opt->color : m->color;
	const char *no_color = getenv("NO_COLOR");

	if (w != WHEN_AUTO)
		return w == WHEN_ALWAYS;
	/* https://no-color.org: set and not empty means no colour */
	return m->nr_vcpus > 1 && isatty(STDOUT_FILENO) &&
	       (no_color == NULL || no_color[0] == '\0');
}

/*
 * Stops every guest still running and wakes it wherever it waits (KVM_RUN,
 * input); from now on a blocked write gives up when interrupted, and the
 * main thread's messages are bounded.
 */
static void stop_all(struct vcpu_thread *t, size_t n, struct console *con,
		     struct msgs *ms)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].started)
			guest_stop(&t[i].g);	/* and interrupts its processors */
	console_stop(con);
	msgs_bound(ms, SIG_VCPU_KICK, STOP_MSG_NS, KICK_MS * 1000000L);
}

/*
 * Joins every started vCPU thread.  Those still running (after stop_all)
 * are interrupted every KICK_MS until they end: a guest blocked writing to
 * a full pipe, or on the stderr lock of one that is, gets out.
 */
static void join_all(struct vcpu_thread *t, size_t n, int done_fd)
{
	for (;;) {
		struct pollfd p = { .fd = done_fd, .events = POLLIN };
		bool running = false;
		uint64_t count;

		for (size_t i = 0; i < n; i++) {
			if (atomic_load(&t[i].ended) == t[i].threads)
				continue;
			running = true;
			for (size_t k = 0; k < t[i].threads; k++)
				pthread_kill(t[i].g.cpus[k].thread, SIG_VCPU_KICK);
		}
		if (!running)
			break;
		/* EINTR (the message timer) or a timeout: look again either way */
		if (poll(&p, 1, KICK_MS) > 0 &&
		    read(done_fd, &count, sizeof count) < 0 && errno != EINTR)
			break;	/* cannot happen with a valid eventfd */
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < t[i].threads; k++)
			pthread_join(t[i].g.cpus[k].thread, NULL);
}

/* Milliseconds from NOW to DEADLINE for poll(2): rounded up, at most INT_MAX. */
static int ms_until(uint64_t deadline, uint64_t now)
{
	uint64_t left = deadline > now ? deadline - now : 0;
	uint64_t ms = left / 1000000 + (left % 1000000 != 0);

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Waits for every guest, the deadline, a signal or an output failure;
 * stops the guests still running for any but the first.  Returns the
 * status: STATUS_OK when the guests ended or the output failed (the
 * caller looks at both), else the timeout's or the signal's.
 */
/* The deadline limits.timeout sets from START (0: none), saturated: any
 * timeout the manifest accepts (to 2^64-1 ns) holds. */
static uint64_t deadline_from(const struct manifest *m, uint64_t start)
{
	if (m->timeout_ns == 0)
		return 0;
	return m->timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + m->timeout_ns;
}

static int wait_all(struct vcpu_thread *t, size_t n, const struct manifest *m,
		    struct console *con, struct msgs *ms, int done_fd, int sig_fd,
		    struct gdbstub *dbg)
{
	/* under --gdb the timeout waits for the debugger to detach */
	uint64_t deadline = dbg != NULL ? 0 : deadline_from(m, stats_now());
	size_t ended = 0;
	int status = STATUS_OK;
	bool any_linux = false;

	for (size_t i = 0; i < n; i++)
		any_linux |= m->vcpus[i].is_linux;

	while (ended < n) {
		struct pollfd fds[4] = {
			{ .fd = done_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = con->event_fd, .events = POLLIN },
			{ .fd = dbg != NULL ? gdbstub_event_fd(dbg) : -1, .events = POLLIN },
		};
		int timeout_ms = -1, rc;

		if (deadline)
			timeout_ms = ms_until(deadline, stats_now());
		/* Linux guests: look for a halt with interrupts off */
		if (any_linux && (timeout_ms < 0 || timeout_ms > HALT_CHECK_MS))
			timeout_ms = HALT_CHECK_MS;
		rc = poll(fds, 4, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			say(ms, "minikvm: poll: %s\n", strerror(errno));
			status = STATUS_GUEST_FAILED;
			break;
		}
		if (fds[0].revents & POLLIN) {
			uint64_t count;

			if (read(done_fd, &count, sizeof count) == sizeof count)
				ended += count;
			continue;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof si) != sizeof si)
				continue;
			status = si.ssi_signo == SIGINT ? STATUS_SIGINT : STATUS_SIGTERM;
			/* stop first: the message may meet a stuck stderr */
			stop_all(t, n, con, ms);
			say(ms, "minikvm: %s: stopping\n",
			    si.ssi_signo == SIGINT ? "interrupted" : "terminated");
			return status;
		}
		if (fds[2].revents & POLLIN)
			break;	/* the output failed: nothing more can be said */
		if (fds[3].revents & POLLIN) {
			uint64_t count;

			if (read(fds[3].fd, &count, sizeof count) < 0 && errno != EAGAIN)
				continue;
			if (gdbstub_killed(dbg)) {
				status = STATUS_KILLED;
				break;
			}
			deadline = gdbstub_attached(dbg) ? 0 : deadline_from(m, stats_now());
			continue;
		}
		if (deadline && stats_now() >= deadline) {
			status = STATUS_TIMEOUT;
			break;
		}
		for (size_t i = 0; rc == 0 && i < n; i++)
			if (t[i].started && t[i].g.is_linux)
				guest_check_halt(&t[i].g);
	}
	if (ended < n)
		stop_all(t, n, con, ms);
	return status;
}

/*
 * --gdb: this host's debug features measured (probe_debug.h), then the
 * stub's thread for the N guests of T (*GS: their list, freed by the
 * caller).  Returns 0, or -1 said on stderr.
 */
static int machine_gdb_start(struct gdbstub *dbg, const struct kvm *kvm,
			     struct vcpu_thread *t, size_t n, struct guest ***gs)
{
	struct probe_debug pd;
	struct gdb_host_debug host;
	struct err e;

	*gs = calloc(n, sizeof **gs);
	if (*gs == NULL) {
		fprintf(stderr, "minikvm: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		(*gs)[i] = &t[i].g;
	probe_debug_run(kvm, &pd);
	host = (struct gdb_host_debug){
		.single_step = pd.single_step, .hw_insn = pd.hw_insn,
		.hw_data = pd.hw_data, .sw_bp = pd.sw_bp,
	};
	if (gdbstub_start(dbg, *gs, n, &host, &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* The bytes of guest RAM the manifest asks for, saturated. */
static uint64_t total_memory(const struct manifest *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->nr_vcpus; i++)
		total = m->vcpus[i].memory > UINT64_MAX - total ? UINT64_MAX :
			total + m->vcpus[i].memory;
	return total;
}

int machine_run(const struct manifest *m, const struct run_options *opt)
{
	struct vcpu_thread *t = calloc(m->nr_vcpus, sizeof *t);
	struct sigaction kick = { .sa_handler = kick_handler };	/* no SA_RESTART */
	struct console con;
	struct ticker ticker = { .epfd = -1, .stop_fd = -1 };
	struct kvm kvm = { .fd = -1 };
	struct msgs ms = { 0 };
	struct err e = { "" };
	struct gdbstub *dbg = NULL;
	struct guest **gs = NULL;
	sigset_t stop_sigs;
	int done_fd = -1, sig_fd = -1, in_fd = -1, out_fd = STDOUT_FILENO;
	int status = STATUS_GUEST_FAILED, out_err;
	bool con_ok = false;
	size_t created = 0;

	if (t == NULL) {
		fprintf(stderr, "minikvm: out of memory\n");
		return STATUS_GUEST_FAILED;
	}
	/* before any VM: what the host cannot back would be OOM-killed later */
	if (hostmem_check(total_memory(m), &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		free(t);
		return STATUS_GUEST_FAILED;
	}
	if (kvm_open(&kvm, &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		goto out;
	}
	if (opt->gdb != NULL && (dbg = gdbstub_open(opt->gdb, &e)) == NULL) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		goto out;
	}
	if (opt->quiet && (out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "minikvm: /dev/null: %s\n", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < m->nr_vcpus; i++)
		if (m->vcpus[i].stdin)
			in_fd = STDIN_FILENO;
	if (console_init(&con, out_fd, want_color(m, opt),
			 m->prefix == WHEN_ALWAYS ||
			 (m->prefix == WHEN_AUTO && m->nr_vcpus > 1),
			 in_fd, &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		goto out;
	}
	con_ok = true;

	/*
	 * SIGINT/SIGTERM are read from a signalfd by this thread alone, and
	 * stay blocked when the run returns: a second ^C while it winds down
	 * must not kill the process before cmd_run.c has closed the --trace and
	 * --stats files (it ends with the status instead).
	 */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	if (sigaction(SIG_VCPU_KICK, &kick, NULL) < 0 ||
	    pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL) != 0) {
		fprintf(stderr, "minikvm: signals: %s\n", strerror(errno));
		goto out;
	}
	sig_fd = signalfd(-1, &stop_sigs, SFD_CLOEXEC);
	done_fd = eventfd(0, EFD_CLOEXEC);
	if (sig_fd < 0 || done_fd < 0) {
		fprintf(stderr, "minikvm: %s: %s\n", sig_fd < 0 ? "signalfd" : "eventfd",
			strerror(errno));
		goto out;
	}

	if (ticker_init(&ticker, m->timer_period_ns ? m->nr_vcpus : 0, &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		goto out;
	}
	for (; created < m->nr_vcpus; created++) {
		const struct vcpu_config *cfg = &m->vcpus[created];
		struct vcpu_thread *vt = &t[created];

		vt->done_fd = done_fd;
		atomic_init(&vt->ended, 0);
		if (guest_create(&vt->g, &kvm, m, cfg, &con,
				 cfg->color <= COLOR_WHITE ? 29 + cfg->color : 81 + cfg->color,
				 &e) < 0) {
			fprintf(stderr, "minikvm: vcpu%u: cannot create the guest: %s\n",
				cfg->index, e.msg);
			created++;	/* destroy the partial one too */
			goto out;
		}
		vt->g.trace = opt->trace;
		for (unsigned k = 0; opt->stats && k < vt->g.ncpus; k++) {
			if (stats_enable(&vt->g.cpus[k].stats) < 0) {
				fprintf(stderr, "minikvm: vcpu%u: stats: out of memory\n",
					cfg->index);
				created++;
				goto out;
			}
		}
		vt->ticker = &ticker;
		vt->tick = -1;
		if (m->timer_period_ns &&
		    (vt->tick = ticker_add(&ticker, m->timer_period_ns, timer_fire,
					   vt, &e)) < 0) {
			fprintf(stderr, "minikvm: vcpu%u: %s\n", cfg->index, e.msg);
			created++;
			goto out;
		}
		if (vt->g.board == BOARD_PC && cfg->stdin)	/* its UART's IRQ 4 */
			console_set_input_irq(&con, uart_input_irq, &vt->g.uart);
		else if (m->irqchip && cfg->stdin)
			console_set_input_irq(&con, input_fire, vt);
	}
	/* from here on no file is opened: each thread enters its filter */
	if (opt->sandbox) {
		bool protected_mode = false;

		for (size_t i = 0; i < m->nr_vcpus; i++)
			protected_mode |= t[i].g.mode == CPU_MODE_PROTECTED;
		if (sandbox_prepare(&e) < 0) {
			fprintf(stderr, "minikvm: %s\n", e.msg);
			goto out;
		}
		guest_diag_prepare(&kvm, protected_mode);
	}
	if (dbg != NULL && machine_gdb_start(dbg, &kvm, t, m->nr_vcpus, &gs) < 0)
		goto out;
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		for (unsigned k = 0; k < t[i].g.ncpus; k++) {
			struct vcpu *c = &t[i].g.cpus[k];
			int rc = pthread_create(&c->thread, NULL, vcpu_thread_main, c);

			if (rc != 0) {
				fprintf(stderr, "minikvm: %s: cannot start a thread: %s\n",
					c->name, strerror(rc));
				stop_all(t, i + 1, &con, &ms);
				goto out;
			}
			/* from now on guest_stop() may interrupt it */
			atomic_store(&c->started, true);
			t[i].threads++;
			t[i].started = true;
		}
	}
	/* the main thread last: a thread it starts would inherit its filter */
	if (ticker_start(&ticker, &e) < 0 || console_start_input(&con, &e) < 0 ||
	    sandbox_enter(SANDBOX_MAIN, "the main thread", &e) < 0) {
		say(&ms, "minikvm: %s\n", e.msg);
		stop_all(t, m->nr_vcpus, &con, &ms);
		goto out;
	}
	status = wait_all(t, m->nr_vcpus, m, &con, &ms, done_fd, sig_fd, dbg);
out:
	join_all(t, m->nr_vcpus, done_fd);
	gdbstub_close(dbg);	/* before the guests it looks at go */
	free(gs);
	if (status == STATUS_TIMEOUT) {
		char limit[32], *who = machine_list_running(t, m->nr_vcpus);

		say(&ms, "minikvm: timeout: limits.timeout (%s) passed; still running: %s\n",
		    units_format_duration(m->timeout_ns, limit, sizeof limit),
		    who != NULL ? who : "(out of memory)");
		free(who);
	}
	/* the input watcher and the ticker first: no interrupt for a VM going away */
	if (con_ok)
		console_stop(&con);
	ticker_destroy(&ticker);
	if (status == STATUS_OK)
		status = machine_run_status(t, m->nr_vcpus);
	/*
	 * Output that failed: EPIPE (the reader went away) ends the run
	 * quietly, as SIGPIPE would end a simpler program; another error is
	 * said, and the run failed.  A timeout or signal that came first keeps
	 * its status.
	 */
	out_err = con_ok ? console_out_error(&con) : 0;
	if (out_err != 0 && out_err != EPIPE)
		say(&ms, "minikvm: standard output: %s\n", strerror(out_err));
	if (out_err != 0 && status != STATUS_TIMEOUT && status != STATUS_SIGINT &&
	    status != STATUS_SIGTERM)
		status = out_err == EPIPE ? STATUS_SIGPIPE : STATUS_GUEST_FAILED;
	/* a table stderr could not take is a failed run, as a trace is */
	if (opt->stats && created == m->nr_vcpus &&
	    machine_report_stats(t, m->nr_vcpus, opt, &ms) < 0 && status == STATUS_OK)
		status = STATUS_GUEST_FAILED;
	if (opt->report != NULL) {
		*opt->report = (struct run_report){ .t_first_run = UINT64_MAX };
		for (size_t i = 0; i < created; i++) {
			for (unsigned k = 0; t[i].g.cpus != NULL && k < t[i].g.ncpus; k++) {
				const struct vcpu_stats *st = &t[i].g.cpus[k].stats;

				if (st->t_first_run && st->t_first_run < opt->report->t_first_run)
					opt->report->t_first_run = st->t_first_run;
				if (st->t_end > opt->report->t_end)
					opt->report->t_end = st->t_end;
				opt->report->exits += st->exits;
			}
		}
	}
	for (size_t i = 0; i < created; i++)
		guest_destroy(&t[i].g);
	if (con_ok)
		console_destroy(&con);
	if (sig_fd >= 0)
		close(sig_fd);
	if (done_fd >= 0)
		close(done_fd);
	msgs_end(&ms);
	guest_diag_finish();	/* its probes use KVM */
	kvm_close(&kvm);
	if (out_fd >= 0 && out_fd != STDOUT_FILENO)
		close(out_fd);
	free(t);
	return status;
}
