/* machine.c - guests on threads, the timeout and signals (see machine.h). */
#define _GNU_SOURCE
#include "machine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "guest.h"
#include "kvm.h"
#include "stats.h"
#include "ticker.h"
#include "units.h"

/* Interrupts a vCPU thread's KVM_RUN; its handler does nothing. */
#define SIG_VCPU_KICK SIGUSR1
/*
 * How often a Linux guest is checked for a halt with interrupts off (the
 * in-kernel LAPIC handles HLT: no VM exit tells us).  It bounds how late
 * a powered-off guest's run ends; each check costs one signal and one
 * VM exit, 10 a second.
 */
#define HALT_CHECK_MS 100

struct vcpu_thread {
	struct guest g;
	struct console_chan chan;
	pthread_t thread;
	bool started;
	int done_fd;		/* eventfd: +1 when this guest has ended */
	struct ticker *ticker;	/* its IRQ 0 timer, if any, is tick .tick */
	int tick;
};

static void kick_handler(int sig)
{
	(void)sig;
}

static void *vcpu_thread_main(void *arg)
{
	struct vcpu_thread *t = arg;
	uint64_t one = 1;

	guest_run(&t->g);
	if (t->tick >= 0)
		ticker_disarm(t->ticker, (size_t)t->tick);	/* the timer stops with it */
	/* An eventfd write of 1 fails only if the counter would overflow. */
	while (write(t->done_fd, &one, sizeof one) < 0 && errno == EINTR)
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

/* Stops every guest still running and wakes it wherever it waits. */
static void stop_all(struct vcpu_thread *t, size_t n, struct console *con)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].started)
			continue;
		guest_stop(&t[i].g);
		pthread_kill(t[i].thread, SIG_VCPU_KICK);
	}
	console_wake(con);
}

/* Names the guests that had not ended, for the timeout message. */
static void list_running(struct vcpu_thread *t, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++) {
		if (t[i].g.status == GUEST_STOPPED)
			o += (size_t)snprintf(buf + o, len - o, "%svcpu%zu%s",
					      o ? ", " : "", i, t[i].g.stopped_at);
	}
}

/*
 * The status of a run whose guests all ended: the highest EXIT_STATUS a
 * guest reported, and at least 1 if one failed.
 */
static int run_status(const struct vcpu_thread *t, size_t n)
{
	unsigned status = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned s = !t[i].started ? STATUS_GUEST_FAILED :
			     t[i].g.status == GUEST_DONE ? t[i].g.exit_status :
			     STATUS_GUEST_FAILED;

		if (s > status)
			status = s;
	}
	return (int)status;
}

static void report_stats(const struct vcpu_thread *t, size_t n,
			 const struct run_options *opt)
{
	static const char *const names[] = {
		[GUEST_RUNNING] = "not run", [GUEST_DONE] = "done",
		[GUEST_FAILED] = "failed", [GUEST_STOPPED] = "stopped",
	};
	struct stats_row *rows = calloc(n, sizeof *rows);
	uint64_t t_end = stats_now();

	if (rows == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct stats_row){ t[i].g.index, names[t[i].g.status],
					      &t[i].g.stats };
	if (opt->stats_json != NULL) {
		if (stats_write_json(opt->stats_json, rows, n, opt->t_start, t_end) < 0)
			fprintf(stderr, "minikvm: stats: cannot write the JSON file\n");
	} else {
		stats_print_table(stderr, rows, n, opt->t_start, t_end);
	}
	free(rows);
}

/* Waits for every guest, the deadline or a signal; returns the status. */
static int wait_all(struct vcpu_thread *t, size_t n, const struct manifest *m,
		    struct console *con, int done_fd, int sig_fd)
{
	uint64_t deadline = m->timeout_ns ? stats_now() + m->timeout_ns : 0;
	size_t ended = 0;
	int status = STATUS_OK;
	bool any_linux = false;

	for (size_t i = 0; i < n; i++)
		any_linux |= m->vcpus[i].is_linux;

	while (ended < n) {
		struct pollfd fds[2] = {
			{ .fd = done_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
		};
		int timeout_ms = -1, rc;

		if (deadline) {
			uint64_t now = stats_now();

			timeout_ms = now >= deadline ? 0 :
				     (int)((deadline - now + 999999) / 1000000);
		}
		/* Linux guests: look for a halt with interrupts off twice a second */
		if (any_linux && (timeout_ms < 0 || timeout_ms > HALT_CHECK_MS))
			timeout_ms = HALT_CHECK_MS;
		rc = poll(fds, 2, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			fprintf(stderr, "minikvm: poll: %s\n", strerror(errno));
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
			fprintf(stderr, "minikvm: %s: stopping\n",
				si.ssi_signo == SIGINT ? "interrupted" : "terminated");
			break;
		}
		if (rc == 0 && deadline && stats_now() >= deadline) {
			status = STATUS_TIMEOUT;
			break;
		}
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (t[i].started && t[i].g.is_linux) {
				guest_check_halt(&t[i].g);
				pthread_kill(t[i].thread, SIG_VCPU_KICK);
			}
		}
	}
	if (ended < n)
		stop_all(t, n, con);
	return status;
}

int machine_run(const struct manifest *m, const struct run_options *opt)
{
	struct vcpu_thread *t = calloc(m->nr_vcpus, sizeof *t);
	struct sigaction kick = { .sa_handler = kick_handler };
	struct console con;
	struct ticker ticker = { .epfd = -1, .stop_fd = -1 };
	struct kvm kvm = { .fd = -1 };
	struct err e = { "" };
	sigset_t stop_sigs, old_mask;
	int done_fd = -1, sig_fd = -1, in_fd = -1, out_fd = STDOUT_FILENO;
	int status = STATUS_GUEST_FAILED;
	bool con_ok = false, masked = false;
	size_t created = 0;

	if (t == NULL) {
		fprintf(stderr, "minikvm: out of memory\n");
		return STATUS_GUEST_FAILED;
	}
	if (kvm_open(&kvm, &e) < 0) {
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

	/* SIGINT/SIGTERM are read from a signalfd by this thread alone. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	if (sigaction(SIG_VCPU_KICK, &kick, NULL) < 0 ||
	    pthread_sigmask(SIG_BLOCK, &stop_sigs, &old_mask) != 0) {
		fprintf(stderr, "minikvm: signals: %s\n", strerror(errno));
		goto out;
	}
	masked = true;
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

		console_chan_init(&con, &vt->chan, cfg->index,
				  cfg->color <= COLOR_WHITE ? 29 + cfg->color :
				  81 + cfg->color);
		vt->done_fd = done_fd;
		if (guest_create(&vt->g, &kvm, m, cfg, &con, &vt->chan, &e) < 0) {
			fprintf(stderr, "minikvm: vcpu%u: cannot create the guest: %s\n",
				cfg->index, e.msg);
			created++;	/* destroy the partial one too */
			goto out;
		}
		vt->g.trace = opt->trace;
		if (opt->stats && stats_enable(&vt->g.stats) < 0) {
			fprintf(stderr, "minikvm: vcpu%u: stats: out of memory\n", cfg->index);
			created++;
			goto out;
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
		if (cfg->is_linux && cfg->stdin)	/* its UART's IRQ 4 */
			console_set_input_irq(&con, uart_input_irq, &vt->g.uart);
		else if (m->irqchip && cfg->stdin)
			console_set_input_irq(&con, input_fire, vt);
	}
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		int rc = pthread_create(&t[i].thread, NULL, vcpu_thread_main, &t[i]);

		if (rc != 0) {
			fprintf(stderr, "minikvm: vcpu%zu: cannot start a thread: %s\n",
				i, strerror(rc));
			stop_all(t, i, &con);
			goto out;
		}
		t[i].started = true;
	}
	if (ticker_start(&ticker, &e) < 0 || console_start_input(&con, &e) < 0) {
		fprintf(stderr, "minikvm: %s\n", e.msg);
		stop_all(t, m->nr_vcpus, &con);
		goto out;
	}
	status = wait_all(t, m->nr_vcpus, m, &con, done_fd, sig_fd);
out:
	for (size_t i = 0; i < m->nr_vcpus; i++)
		if (t[i].started)
			pthread_join(t[i].thread, NULL);
	if (status == STATUS_TIMEOUT) {
		char who[512], limit[32];

		list_running(t, m->nr_vcpus, who, sizeof who);
		fprintf(stderr, "minikvm: timeout: limits.timeout (%s) passed; still running: %s\n",
			units_format_duration(m->timeout_ns, limit, sizeof limit),
			who[0] ? who : "none");
	}
	/* the ticker first: it must not pulse a VM being torn down */
	ticker_destroy(&ticker);
	if (status == STATUS_OK)
		status = run_status(t, m->nr_vcpus);
	if (opt->stats && created == m->nr_vcpus)
		report_stats(t, m->nr_vcpus, opt);
	if (opt->report != NULL) {
		*opt->report = (struct run_report){ .t_first_run = UINT64_MAX };
		for (size_t i = 0; i < created; i++) {
			const struct vcpu_stats *st = &t[i].g.stats;

			if (st->t_first_run && st->t_first_run < opt->report->t_first_run)
				opt->report->t_first_run = st->t_first_run;
			if (st->t_end > opt->report->t_end)
				opt->report->t_end = st->t_end;
			opt->report->exits += st->exits;
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
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	kvm_close(&kvm);
	if (out_fd >= 0 && out_fd != STDOUT_FILENO)
		close(out_fd);
	free(t);
	return status;
}
