/* gdbstub.c - the gdb stub's thread, its socket, and parking processors (see gdbstub.h). */
#define _GNU_SOURCE
#include "debug/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
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
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "debug/gdb_proto.h"
#include "debug/rsp.h"

#define KICK_MS 5		/* a processor not yet parked is interrupted again */
#define SEND_MS 10000		/* a reply gdb does not take in this long: it is gone */

/* One processor as the stub sees it; thread id = index + 1. */
struct dvcpu {
	struct vcpu *c;
	enum gdb_run run;	/* how it goes on when released */
	bool parked;
	bool gone;		/* its exit loop ended */
	bool debug_set;		/* dbg must be given to KVM before it runs */
	struct kvm_guest_debug dbg;
	int told;		/* the enum gdb_arch gdb last heard of for it */
	char event[48];		/* a stop of its own not yet reported: its
				 * stop reply's reason, or "" */
	bool has_event;
};

struct gdbstub {
	int listen_fd, client_fd;
	int ev_fd;		/* processors -> stub thread */
	int main_fd;		/* stub thread -> machine */
	int quit_fd;		/* gdbstub_close -> stub thread */
	char where[128];	/* the address, as said */
	char unix_path[108];	/* to unlink, for unix: */
	pthread_t thread;
	bool thread_started;
	atomic_bool killed, attached;
	atomic_bool quit;	/* gdbstub_close: stop waiting for anything */

	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cond;	/* parked processors wait on it */
	pthread_cond_t stub_cond;	/* the stub waits for them on it */
	bool stopping;		/* every processor is to park */
	size_t n;		/* processors of the run */
	struct dvcpu *v;
	size_t nguests;
	struct guest **guests;
	struct gdb_host_debug host;
	unsigned event_tid;	/* the processor whose stop is to be reported */

	struct gdb_session sess;	/* the stub thread's alone */
	struct rsp_reader rd;
	struct rsp_out out;
};

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

/* ---- the socket ---- */

bool gdbstub_address_ok(const char *address, struct err *e)
{
	const char *colon = strrchr(address, ':');

	if (strncmp(address, "unix:", 5) == 0) {
		if (address[5] == '\0' || strlen(address + 5) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
			err_set(e, "--gdb=%s: the path is empty or longer than %zu bytes", address,
				sizeof ((struct sockaddr_un *)0)->sun_path - 1);
			return false;
		}
		return true;
	}
	if (colon == NULL || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atoi(colon + 1) > 65535) {
		err_set(e, "--gdb=%s: expected HOST:PORT (PORT from 0 to 65535) or unix:PATH", address);
		return false;
	}
	if ((size_t)(colon - address) >= 128) {
		err_set(e, "--gdb=%s: the host name is too long", address);
		return false;
	}
	return true;
}

static int listen_unix(struct gdbstub *s, const char *path, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "--gdb: socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
		err_set(e, "--gdb=unix:%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(s->unix_path, sizeof s->unix_path, "%s", path);
	snprintf(s->where, sizeof s->where, "unix:%s", path);
	s->listen_fd = fd;
	return 0;
}

static int listen_tcp(struct gdbstub *s, const char *address, struct err *e)
{
	char host[128];
	const char *colon = strrchr(address, ':'), *h = address;
	size_t hlen;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char nh[INET6_ADDRSTRLEN], np[8];
	int fd, rc, one = 1;

	if (!gdbstub_address_ok(address, e))
		return -1;
	hlen = (size_t)(colon - address);
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {	/* [IPv6] */
		h++;
		hlen -= 2;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	rc = getaddrinfo(host[0] != '\0' ? host : "127.0.0.1", colon + 1, &hints, &ai);
	if (rc != 0)
		return err_set(e, "--gdb=%s: %s", address, gai_strerror(rc));
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		err_set(e, "--gdb=%s: socket: %s", address, strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	/* a restarted run may take the port back at once */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		err_set(e, "--gdb=%s: %s", address, strerror(errno));
		freeaddrinfo(ai);
		close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	if (getnameinfo((struct sockaddr *)&ss, sl, nh, sizeof nh, np, sizeof np,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(nh, sizeof nh, "?");
	snprintf(s->where, sizeof s->where, strchr(nh, ':') ? "[%s]:%s" : "%s:%s", nh, np);
	s->listen_fd = fd;
	return 0;
}

struct gdbstub *gdbstub_open(const char *address, struct err *e)
{
	struct gdbstub *s = calloc(1, sizeof *s);
	int rc;

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
	rc = strncmp(address, "unix:", 5) == 0 ? listen_unix(s, address + 5, e) :
						 listen_tcp(s, address, e);
	if (rc < 0) {
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
		struct kvm_guest_debug dbg = d->dbg;

		pthread_mutex_unlock(&s->lock);
		if (ioctl(c->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
			guest_diagnose(c, false, "gdb: KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		pthread_mutex_lock(&s->lock);
	}
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

static uint64_t linear_pc(struct vcpu *c)
{
	struct gdb_cpu cpu;

	if (ioctl(c->fd, KVM_GET_REGS, &cpu.regs) < 0 ||
	    ioctl(c->fd, KVM_GET_SREGS, &cpu.sregs) < 0)
		return c->run->debug.arch.pc;
	return gdb_regs_pc(&cpu);
}

/* READ for gdb_bp_watch_hit: through the processor's own page tables. */
static int own_read(void *ctx, uint64_t addr, void *buf, size_t len);

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
		bp = gdb_bp_at(&s->sess.bps, linear_pc(c));
		if (bp == NULL)
			bp = gdb_bp_watch_hit(&s->sess.bps, c->g->index, own_read, c);
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

/* ---- the target gdb_proto.c works on ---- */

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

static int t_get(void *t, unsigned tid, struct gdb_cpu *cpu)
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

static int own_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct vcpu *c = ctx;

	return t_mem(c->g->dbg, c->gdb_tid, addr, buf, len, false) == len ? 0 : -1;
}

static const struct gdb_target_ops target_ops = {
	.threads = t_threads, .alive = t_alive, .describe = t_describe,
	.space = t_space, .spaces = t_spaces, .get = t_get, .set = t_set,
	.mem = t_mem,
};

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

/* ---- the connection ---- */

/* Sends LEN bytes; false if the debugger does not take them. */
static bool send_all(struct gdbstub *s, const char *p, size_t len)
{
	while (len > 0) {
		struct pollfd pf = { .fd = s->client_fd, .events = POLLOUT };
		ssize_t n = send(s->client_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n < 0 && errno == EAGAIN && poll(&pf, 1, SEND_MS) == 0)
			return false;
	}
	return true;
}

static bool send_reply(struct gdbstub *s)
{
	return send_all(s, s->out.buf, s->out.len);
}

/* A second debugger while one is attached: told no by closing. */
static void refuse_second(struct gdbstub *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	close(fd);
	fprintf(stderr, "minikvm: gdb: refused a second debugger on %s: one is attached\n",
		s->where);
}

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

		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return SERVED_DETACH;
		}
		if (pf[3].revents)
			refuse_second(s);
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

	if (tid == 0 || t_get(s, tid, &cpu) < 0)
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
	return send_reply(s);
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
	gdb_session_init(ss, &target_ops, s, &s->host,
			 t_get(s, tid, &cpu) == 0 ? gdb_regs_arch(&cpu.sregs) : GDB_ARCH_I386,
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
			refuse_second(s);
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
				if (!send_reply(s))
					return SERVED_DETACH;
				continue;
			}
			if (ev == RSP_BAD) {
				if (!send_all(s, "-", 1))
					return SERVED_DETACH;
				continue;
			}
			if (ev != RSP_PACKET)
				continue;	/* acks, Ctrl-C while stopped, garbage */
			if (!ss->no_ack && !send_all(s, "+", 1))
				return SERVED_DETACH;
			act = gdb_handle(ss, (const char *)s->rd.buf, s->rd.len, &s->out);
			if (act == GDB_ACT_KILL) {
				if (s->out.len > 4)
					send_reply(s);
				return SERVED_KILL;
			}
			if (act != GDB_ACT_RESUME) {
				if (!send_reply(s))
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
				if (!send_reply(s))
					return SERVED_DETACH;
				continue;
			}
			pthread_mutex_unlock(&s->lock);
			w = wait_stop(s);
			if (w == SERVED_GONE) {
				rsp_out_begin(&s->out);
				rsp_out_fmt(&s->out, "W%02x", gone_status(s));
				rsp_out_end(&s->out);
				send_reply(s);
				return SERVED_GONE;
			}
			if (w >= 0)
				return (enum served)w;
			if (!tell_mode(s))
				return SERVED_DETACH;
			gdb_stop_reply(ss, &s->out);
			if (!send_reply(s))
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
	pthread_sigmask(SIG_BLOCK, &all, NULL);
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
