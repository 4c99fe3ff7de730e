/* gdbstub.c - the gdb stub's thread, serve loop, and parking processors (see gdbstub.h). */
#define _GNU_SOURCE
#include "debug/gdbstub_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vmm/sandbox.h"

#define REARM_MS 20	/* while a processor steps: how often it is made to re-arm */

#define KICK_MS 5		/* a processor not yet parked is interrupted again */

static struct dvcpu *dv(struct vcpu *c)
{
	return &c->g->dbg->v[c->gdb_tid - 1];
}

static void poke(int fd)
{
	uint64_t one = 1;

	/* an eventfd write fails only if the counter would overflow */
	while (write(fd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

/* ---- the stub, as the machine sees it (its socket: gdb_sock.c) ---- */

struct gdbstub *gdbstub_open(const char *address, struct err *e)
{
	struct gdbstub *s = calloc(1, sizeof *s);

	if (s == NULL) {
		err_set(e, "--gdb: out of memory");
		return NULL;
	}
	s->listen_fd = s->client_fd = s->main_fd = s->quit_fd = -1;
	s->ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->main_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->ev_fd < 0 || s->main_fd < 0 || s->quit_fd < 0) {
		err_set(e, "--gdb: eventfd: %s", strerror(errno));
		gdbstub_close(s);
		return NULL;
	}
	if (gdbsock_listen(s, address, e) < 0) {
		gdbstub_close(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->stub_cond, NULL);
	s->stopping = true;	/* every processor parks before its first instruction */
	fprintf(stderr, "minikvm: gdb: waiting for a debugger on %s\n", s->where);
	return s;
}

void gdbstub_wake(struct gdbstub *s)
{
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int gdbstub_event_fd(const struct gdbstub *s)
{
	return s->main_fd;
}

bool gdbstub_killed(const struct gdbstub *s)
{
	return atomic_load(&s->killed);
}

bool gdbstub_attached(const struct gdbstub *s)
{
	return atomic_load(&s->attached);
}

/* ---- processors: parking (their own threads) ---- */

/* Parks C (the lock held) until the stub lets it run or its guest stops. */
static void park(struct gdbstub *s, struct vcpu *c)
{
	struct dvcpu *d = dv(c);
	bool set;

	d->parked = true;
	pthread_cond_broadcast(&s->stub_cond);
	while (!atomic_load(&c->g->stop) && (s->stopping || d->run == GDB_RUN_STOPPED))
		pthread_cond_wait(&s->cond, &s->lock);
	d->parked = false;
	set = d->debug_set;
	d->debug_set = false;
	if (!atomic_load(&c->g->stop))
		c->run->immediate_exit = 0;
	if (set) {
		d->applied = d->dbg;
		c->gdb_stepping = (d->applied.control & KVM_GUESTDBG_SINGLESTEP) != 0;
		pthread_mutex_unlock(&s->lock);
		if (ioctl(c->fd, KVM_SET_GUEST_DEBUG, &d->applied) < 0)
			guest_diagnose(c, false, "gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		pthread_mutex_lock(&s->lock);
	}
}

void gdbstub_vcpu_rearm(struct vcpu *c)
{
	if (ioctl(c->fd, KVM_SET_GUEST_DEBUG, &dv(c)->applied) < 0)
		guest_diagnose(c, false, "gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
}

/* A stop of C's own (REASON for the stop reply): report it, stop the rest. */
static void park_event(struct gdbstub *s, struct vcpu *c, const char *reason)
{
	struct dvcpu *d = dv(c);

	snprintf(d->event, sizeof d->event, "%s", reason);
	d->has_event = true;
	if (!s->stopping) {
		s->stopping = true;
		s->event_tid = c->gdb_tid;
		poke(s->ev_fd);
	}
	park(s, c);
}

void gdbstub_vcpu_start(struct vcpu *c)
{
	struct gdbstub *s = c->g->dbg;

	pthread_mutex_lock(&s->lock);
	park(s, c);
	pthread_mutex_unlock(&s->lock);
}

void gdbstub_vcpu_intr(struct vcpu *c)
{
	struct gdbstub *s = c->g->dbg;

	pthread_mutex_lock(&s->lock);
	if (s->stopping)
		park(s, c);
	pthread_mutex_unlock(&s->lock);
}

/* The stop reply's reason for breakpoint or watchpoint BP. */
static void why_of(const struct gdb_bp *bp, char *why, size_t len)
{
	if (bp->type >= GDB_WP_WRITE)
		snprintf(why, len, "%swatch:%llx;",
			 bp->type == GDB_WP_WRITE ? "" : bp->type == GDB_WP_READ ? "r" : "a",
			 (unsigned long long)bp->addr);
	else
		snprintf(why, len, "%s", bp->type == GDB_BP_SW ? "swbreak:;" : "hwbreak:;");
}

void gdbstub_vcpu_debug(struct vcpu *c)
{
	struct gdbstub *s = c->g->dbg;
	struct kvm_debug_exit_arch *a = &c->run->debug.arch;
	const struct gdb_bp *bp = NULL;
	char why[48] = "";

	pthread_mutex_lock(&s->lock);
	if (dv(c)->run == GDB_RUN_STEP || s->stopping) {
		park_event(s, c, "");
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (a->exception == 3) {		/* #BP: an int3 (not always ours) */
		bp = gdb_bp_at(&s->sess.bps, a->pc);
	} else if ((bp = gdb_bp_hit_dr(&s->sess.bps, a->dr6)) == NULL &&
		   gdb_bp_by_step(&s->sess.bps)) {
		/* a step taken to look for what is served by stepping */
		bp = gdb_bp_at(&s->sess.bps, gdbtarget_linear_pc(c));
		if (bp == NULL)
			bp = gdb_bp_watch_hit(&s->sess.bps, c->g->index, gdbtarget_own_read, c);
		if (bp == NULL) {
			pthread_mutex_unlock(&s->lock);
			return;		/* nothing yet: run on */
		}
	}
	if (bp != NULL)
		why_of(bp, why, sizeof why);
	park_event(s, c, why);
	pthread_mutex_unlock(&s->lock);
}

void gdbstub_vcpu_end(struct vcpu *c)
{
	struct gdbstub *s = c->g->dbg;
	struct dvcpu *d = dv(c);

	pthread_mutex_lock(&s->lock);
	d->gone = true;
	if (d->run == GDB_RUN_STEP && !s->stopping) {
		/* the thread gdb steps is gone: stop the rest and say so */
		s->stopping = true;
		s->event_tid = 0;
	}
	pthread_cond_broadcast(&s->stub_cond);
	pthread_mutex_unlock(&s->lock);
	poke(s->ev_fd);
}

/* ---- stopping and resuming (the stub's thread) ---- */

static bool all_parked(const struct gdbstub *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].parked && !s->v[i].gone &&
		    atomic_load(&s->v[i].c->started))
			return false;
	return true;
}

static bool all_gone(const struct gdbstub *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].gone)
			return false;
	return true;
}

/*
 * Stops every processor (the lock held): interrupts them until all park.
 * A thread not yet started counts as parked: the first thing it does is
 * park (gdbstub_vcpu_start).  Then each one waits to be told how to run.
 */
static void stop_all(struct gdbstub *s)
{
	s->stopping = true;
	while (!all_parked(s) && !atomic_load(&s->quit)) {
		struct timespec ts;

		for (size_t i = 0; i < s->n; i++) {
			struct vcpu *c = s->v[i].c;

			if (s->v[i].parked || s->v[i].gone || !atomic_load(&c->started))
				continue;
			c->run->immediate_exit = 1;
			pthread_kill(c->thread, SIG_VCPU_KICK);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += KICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->stub_cond, &s->lock, &ts);
	}
	for (size_t i = 0; i < s->n; i++)
		s->v[i].run = GDB_RUN_STOPPED;
}

/* The first live thread, or 0. */
static unsigned first_live(const struct gdbstub *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].gone)
			return (unsigned)i + 1;
	return 0;
}

/*
 * Lets the processors run as the session says (the lock held).  A thread
 * told to continue that has a stop of its own not yet reported is not
 * run: that stop is reported at once (returns true).
 */
static bool resume(struct gdbstub *s, bool detach)
{
	struct gdb_session *ss = &s->sess;

	for (size_t i = 0; i < s->n && !detach; i++) {
		struct dvcpu *d = &s->v[i];

		if (!d->gone && d->has_event && ss->run[i + 1] == GDB_RUN_CONT) {
			s->event_tid = (unsigned)i + 1;
			return true;
		}
	}
	if (!detach)	/* what a watchpoint served by stepping compares with */
		gdb_bp_watch_refresh(&ss->bps, &ss->bp_mem);
	for (size_t i = 0; i < s->n; i++) {
		struct dvcpu *d = &s->v[i];

		d->has_event = false;
		if (d->gone)
			continue;
		d->run = detach ? GDB_RUN_CONT : ss->run[i + 1];
		if (detach)
			memset(&d->dbg, 0, sizeof d->dbg);	/* debugging off */
		else
			gdb_bp_guest_debug(&ss->bps, d->run == GDB_RUN_STEP, &d->dbg);
		d->debug_set = true;
	}
	s->stopping = false;
	pthread_cond_broadcast(&s->cond);
	return false;
}

/* ---- the connection (the stub's thread; its socket: gdb_sock.c) ---- */

/* The stop to report after all processors parked (the lock held). */
static void set_stop(struct gdbstub *s, int sig)
{
	struct gdb_session *ss = &s->sess;
	unsigned tid = s->event_tid;

	if (tid == 0 || s->v[tid - 1].gone)
		tid = first_live(s);
	ss->stop_tid = tid;
	ss->stop_sig = sig;
	ss->stop_why[0] = '\0';
	if (sig == 5 && tid != 0 && s->v[tid - 1].has_event) {
		snprintf(ss->stop_why, sizeof ss->stop_why, "%s", s->v[tid - 1].event);
		s->v[tid - 1].has_event = false;
	}
	s->event_tid = 0;
}

enum served { SERVED_DETACH, SERVED_GONE, SERVED_KILL, SERVED_QUIT };

/*
 * Waits, the guests running, for a stop: a processor's event, Ctrl-C, the
 * end of every guest, the debugger leaving.  Returns -1 when the stop is
 * in ss->stop_*, else how the session ended.
 */
/* Whether a processor single-steps for gdb. */
static bool stepping(struct gdbstub *s)
{
	bool any = false;

	pthread_mutex_lock(&s->lock);	/* park() sets gdb_stepping under it */
	for (size_t i = 0; i < s->n; i++)
		any |= !s->v[i].gone && s->v[i].c->gdb_stepping;
	pthread_mutex_unlock(&s->lock);
	return any;
}

/*
 * Interrupts every processor that single-steps, so that its exit loop
 * gives KVM its debug settings again (gdbstub_vcpu_rearm): an interrupt
 * the guest takes while KVM steps it clears the trap flag (AMD-V; the
 * handler runs unstepped), and a guest whose interrupts KVM handles in
 * the kernel may then never exit to us again, stepping lost for good.
 */
static void rearm_all(struct gdbstub *s)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].gone && !s->v[i].parked && s->v[i].c->gdb_stepping)
			pthread_kill(s->v[i].c->thread, SIG_VCPU_KICK);
	pthread_mutex_unlock(&s->lock);
}

static int wait_stop(struct gdbstub *s)
{
	for (;;) {
		struct pollfd pf[4] = {
			{ .fd = s->ev_fd, .events = POLLIN },
			{ .fd = s->client_fd, .events = POLLIN },
			{ .fd = s->quit_fd, .events = POLLIN },
			{ .fd = s->listen_fd, .events = POLLIN },
		};
		uint64_t count;
		uint8_t buf[512];
		ssize_t n;
		bool intr = false;
		int rc = poll(pf, 4, stepping(s) ? REARM_MS : -1);

		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return SERVED_DETACH;
		}
		if (rc == 0) {
			rearm_all(s);
			continue;
		}
		if (pf[3].revents)
			gdbsock_refuse_second(s);
		if (pf[1].revents) {
			n = recv(s->client_fd, buf, sizeof buf, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				return SERVED_DETACH;	/* gone while the guests run */
			for (ssize_t i = 0; i < n; i++)
				if (rsp_feed(&s->rd, buf[i]) == RSP_INTERRUPT)
					intr = true;
		}
		/* the guests' end first: gdb is told (W) before the run closes us */
		if (read(s->ev_fd, &count, sizeof count) < 0 && !intr) {
			if (pf[2].revents)
				return SERVED_QUIT;
			continue;
		}
		pthread_mutex_lock(&s->lock);
		if (all_gone(s)) {
			pthread_mutex_unlock(&s->lock);
			return SERVED_GONE;
		}
		if (intr || s->stopping) {
			stop_all(s);
			set_stop(s, intr && s->event_tid == 0 ? 2 : 5);
			pthread_mutex_unlock(&s->lock);
			return -1;
		}
		pthread_mutex_unlock(&s->lock);
	}
}

/* The exit status gdb is told when every guest has ended: the run's, as
 * far as the guests say (the machine's final status may add to it). */
static unsigned gone_status(const struct gdbstub *s)
{
	unsigned st = 0;

	for (size_t i = 0; i < s->nguests; i++) {
		const struct guest *g = s->guests[i];
		unsigned x = guest_status(g) == GUEST_DONE ? g->exit_status : 1;

		st = x > st ? x : st;
	}
	return st & 0xff;
}

/*
 * Before a stop reply: if the stopped thread's CPU mode has changed since
 * gdb last heard of it, a console line (an 'O' packet) says so and what
 * to type.  Returns false if the debugger does not take it.
 */
static bool tell_mode(struct gdbstub *s)
{
	static const char *const what[] = {
		[GDB_ARCH_I8086] = "real mode: `set architecture i8086` disassembles its code",
		[GDB_ARCH_I386] = "protected mode: `set architecture i386` disassembles its code",
		[GDB_ARCH_AMD64] = "long mode",
	};
	unsigned tid = s->sess.stop_tid;
	struct dvcpu *d;
	struct gdb_cpu cpu;
	enum gdb_arch now;
	char text[256];
	bool layout;

	if (tid == 0 || gdbtarget_get(s, tid, &cpu) < 0)
		return true;
	d = &s->v[tid - 1];
	now = gdb_regs_arch(&cpu.sregs);
	if ((int)now == d->told)
		return true;
	/* i8086 and i386 share a layout: only long mode changes it */
	layout = (now == GDB_ARCH_AMD64) != (s->sess.arch == GDB_ARCH_AMD64);
	snprintf(text, sizeof text, "minikvm: %s is now in %s%s\n", d->c->name, what[now],
		 layout ? "; its registers keep the layout of the attach: detach and "
			  "attach again to see them as they are now" : "");
	d->told = (int)now;
	rsp_out_begin(&s->out);
	rsp_out_str(&s->out, "O");
	rsp_out_hex(&s->out, text, strlen(text));
	rsp_out_end(&s->out);
	return gdbsock_send_reply(s);
}

/* One debugger, from attach to detach. */
static enum served serve(struct gdbstub *s)
{
	struct gdb_session *ss = &s->sess;
	struct gdb_cpu cpu;
	unsigned tid;

	pthread_mutex_lock(&s->lock);
	stop_all(s);
	tid = s->event_tid ? s->event_tid : first_live(s);
	pthread_mutex_unlock(&s->lock);
	if (tid == 0)
		return SERVED_GONE;
	gdb_session_init(ss, &gdbtarget_ops, s, &s->host,
			 gdbtarget_get(s, tid, &cpu) == 0 ? gdb_regs_arch(&cpu.sregs) :
							    GDB_ARCH_I386,
			 tid);
	for (size_t i = 0; i < s->n; i++)	/* what the description says */
		s->v[i].told = (int)ss->arch;
	pthread_mutex_lock(&s->lock);
	set_stop(s, 5);
	pthread_mutex_unlock(&s->lock);
	rsp_reader_init(&s->rd);
	for (;;) {
		struct pollfd pf[3] = {
			{ .fd = s->client_fd, .events = POLLIN },
			{ .fd = s->quit_fd, .events = POLLIN },
			{ .fd = s->listen_fd, .events = POLLIN },
		};
		uint8_t buf[4096];
		ssize_t n;

		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return SERVED_DETACH;
		}
		if (pf[1].revents)
			return SERVED_QUIT;
		if (pf[2].revents) {
			gdbsock_refuse_second(s);
			if (!(pf[0].revents))
				continue;
		}
		n = recv(s->client_fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SERVED_DETACH;
		for (ssize_t i = 0; i < n; i++) {
			enum rsp_event ev = rsp_feed(&s->rd, buf[i]);
			enum gdb_action act;
			int w;

			if (ev == RSP_NAK) {
				if (!gdbsock_send_reply(s))
					return SERVED_DETACH;
				continue;
			}
			if (ev == RSP_BAD) {
				if (!gdbsock_send_all(s, "-", 1))
					return SERVED_DETACH;
				continue;
			}
			if (ev != RSP_PACKET)
				continue;	/* acks, Ctrl-C while stopped, garbage */
			if (!ss->no_ack && !gdbsock_send_all(s, "+", 1))
				return SERVED_DETACH;
			act = gdb_handle(ss, (const char *)s->rd.buf, s->rd.len, &s->out);
			if (act == GDB_ACT_KILL) {
				if (s->out.len > 4)
					gdbsock_send_reply(s);
				return SERVED_KILL;
			}
			if (act != GDB_ACT_RESUME) {
				if (!gdbsock_send_reply(s))
					return SERVED_DETACH;
				if (strcmp((const char *)s->rd.buf, "QStartNoAckMode") == 0)
					ss->no_ack = true;
				if (act == GDB_ACT_DETACH)
					return SERVED_DETACH;
				continue;
			}
			pthread_mutex_lock(&s->lock);
			if (resume(s, false)) {
				set_stop(s, 5);
				pthread_mutex_unlock(&s->lock);
				if (!tell_mode(s))
					return SERVED_DETACH;
				gdb_stop_reply(ss, &s->out);
				if (!gdbsock_send_reply(s))
					return SERVED_DETACH;
				continue;
			}
			pthread_mutex_unlock(&s->lock);
			w = wait_stop(s);
			if (w == SERVED_GONE) {
				rsp_out_begin(&s->out);
				rsp_out_fmt(&s->out, "W%02x", gone_status(s));
				rsp_out_end(&s->out);
				gdbsock_send_reply(s);
				return SERVED_GONE;
			}
			if (w >= 0)
				return (enum served)w;
			if (!tell_mode(s))
				return SERVED_DETACH;
			gdb_stop_reply(ss, &s->out);
			if (!gdbsock_send_reply(s))
				return SERVED_DETACH;
		}
	}
}

/* Waits for a debugger; refuses a second one while one is attached. */
static int accept_one(struct gdbstub *s)
{
	for (;;) {
		struct pollfd pf[3] = {
			{ .fd = s->listen_fd, .events = POLLIN },
			{ .fd = s->quit_fd, .events = POLLIN },
			{ .fd = s->ev_fd, .events = POLLIN },
		};
		uint64_t count;
		int fd, one = 1;

		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "minikvm: gdb: poll: %s\n", strerror(errno));
			return -1;
		}
		if (pf[1].revents)
			return -1;
		if (pf[2].revents && read(s->ev_fd, &count, sizeof count) > 0) {
			pthread_mutex_lock(&s->lock);
			bool gone = all_gone(s);

			pthread_mutex_unlock(&s->lock);
			if (gone)
				return -1;
		}
		if (!pf[0].revents)
			continue;
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;	/* the connection went away first */
		/* replies are small and answer a packet: send them at once */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		return fd;
	}
}

static void *stub_main(void *arg)
{
	struct gdbstub *s = arg;
	sigset_t all;

	/* signals are for the processor threads and the main thread */
	sigfillset(&all);
	sigdelset(&all, SIGSYS);	/* the sandbox's refusal must reach its handler */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sandbox_enter_service(SANDBOX_GDB, "the gdb thread");
	for (;;) {
		enum served how;

		s->client_fd = accept_one(s);
		if (s->client_fd < 0)
			break;
		atomic_store(&s->attached, true);
		poke(s->main_fd);
		fprintf(stderr, "minikvm: gdb: a debugger attached on %s\n", s->where);
		how = serve(s);
		pthread_mutex_lock(&s->lock);
		gdb_bp_clear(&s->sess.bps, &s->sess.bp_mem);
		pthread_mutex_unlock(&s->lock);
		close(s->client_fd);
		s->client_fd = -1;
		atomic_store(&s->attached, false);
		if (how == SERVED_KILL) {
			fprintf(stderr, "minikvm: gdb: killed from the debugger: the run ends\n");
			atomic_store(&s->killed, true);
			poke(s->main_fd);
			break;
		}
		if (how == SERVED_GONE || how == SERVED_QUIT)
			break;
		fprintf(stderr, "minikvm: gdb: the debugger detached: the guests run on\n");
		pthread_mutex_lock(&s->lock);
		resume(s, true);
		pthread_mutex_unlock(&s->lock);
		poke(s->main_fd);
	}
	atomic_store(&s->attached, false);
	poke(s->main_fd);
	return NULL;
}

int gdbstub_start(struct gdbstub *s, struct guest **g, size_t n,
		  const struct gdb_host_debug *host, struct err *e)
{
	size_t cpus = 0, k = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		cpus += g[i]->ncpus;
	if (cpus > GDB_MAX_THREADS)
		return err_set(e, "--gdb: %zu processors; the stub serves at most %d",
			       cpus, GDB_MAX_THREADS);
	s->v = calloc(cpus ? cpus : 1, sizeof *s->v);
	if (s->v == NULL)
		return err_set(e, "--gdb: out of memory");
	s->n = cpus;
	s->guests = g;
	s->nguests = n;
	s->host = *host;
	gdb_bp_init(&s->sess.bps, host);
	for (size_t i = 0; i < n; i++) {
		g[i]->dbg = s;
		for (unsigned j = 0; j < g[i]->ncpus; j++, k++) {
			s->v[k].c = &g[i]->cpus[j];
			g[i]->cpus[j].gdb_tid = (unsigned)k + 1;
		}
	}
	rc = pthread_create(&s->thread, NULL, stub_main, s);
	if (rc != 0)
		return err_set(e, "--gdb: cannot start a thread: %s", strerror(rc));
	s->thread_started = true;
	return 0;
}

void gdbstub_close(struct gdbstub *s)
{
	if (s == NULL)
		return;
	if (s->thread_started) {
		atomic_store(&s->quit, true);
		poke(s->quit_fd);
		pthread_join(s->thread, NULL);
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
		pthread_cond_destroy(&s->stub_cond);
	}
	if (s->client_fd >= 0)
		close(s->client_fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->unix_path[0] != '\0')
		unlink(s->unix_path);
	if (s->ev_fd >= 0)
		close(s->ev_fd);
	if (s->main_fd >= 0)
		close(s->main_fd);
	if (s->quit_fd >= 0)
		close(s->quit_fd);
	free(s->v);
	free(s);
}
