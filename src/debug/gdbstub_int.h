/*
 * gdbstub_int.h - what the gdb stub's three files share: the stub's state
 * and the few functions each gives the others.  Not for use outside
 * src/debug/gdbstub.c, gdb_sock.c and gdb_target.c (gdbstub.h is the
 * stub's interface).
 *
 *   gdbstub.c     the stub's thread and its serve loop, and the processors'
 *                 parking, stopping and resuming (gdbstub.h, but for
 *                 gdbstub_address_ok)
 *   gdb_sock.c    its socket: the address (gdbstub_address_ok),
 *                 listening, sending, refusing a second debugger
 *   gdb_target.c  the target gdb_proto.c works on: the stopped
 *                 processors' registers and memory, through vCPU ioctls
 */
#ifndef MINIKVM_GDBSTUB_INT_H
#define MINIKVM_GDBSTUB_INT_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debug/gdb_proto.h"
#include "debug/gdbstub.h"
#include "debug/rsp.h"
#include "err.h"
#include "vmm/guest.h"

/* One processor as the stub sees it; thread id = index + 1. */
struct dvcpu {
	struct vcpu *c;
	enum gdb_run run;	/* how it goes on when released */
	bool parked;
	bool gone;		/* its exit loop ended */
	bool debug_set;		/* dbg must be given to KVM before it runs */
	struct kvm_guest_debug dbg;
	struct kvm_guest_debug applied;	/* what KVM has: its own thread's */
	int told;		/* the enum gdb_arch gdb last heard of for it */
	char event[48];		/* a stop of its own not yet reported: its
				 * stop reply's reason, or "" */
	bool has_event;
};

/* The stub of a run: made by gdbstub_open, freed by gdbstub_close. */
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

/* ---- gdb_sock.c: the socket ---- */

/*
 * gdbsock_listen - listens on ADDRESS, as gdbstub_open takes it (gdb's
 * `target remote` forms, gdb's manual "Connecting to a Remote Target"):
 * sets S->listen_fd, S->where (the address as said, a port 0 replaced by
 * the one picked) and, for "unix:PATH", S->unix_path.  Returns 0, or -1
 * with E (a bad address, a host that does not resolve, a port in use, a
 * path that cannot be bound).
 */
int gdbsock_listen(struct gdbstub *s, const char *address, struct err *e);

/*
 * gdbsock_send_all - sends LEN bytes at P to the debugger (S->client_fd).
 * Returns true, or false if it does not take them: the connection failed,
 * or it took nothing for SEND_MS (10 s).  No frame is added: P is a built
 * packet or a bare '+' / '-' (gdb's manual, Appendix E, "Overview").
 */
bool gdbsock_send_all(struct gdbstub *s, const char *p, size_t len);

/* gdbsock_send_reply - gdbsock_send_all of the packet S->out (rsp_out_end
 * done); true, or false if the debugger does not take it. */
bool gdbsock_send_reply(struct gdbstub *s);

/*
 * gdbsock_refuse_second - a connection waiting on S->listen_fd while a
 * debugger is attached: accepted and closed at once (one debugger at a
 * time), with a line on stderr.  Nothing if it went away first.
 */
void gdbsock_refuse_second(struct gdbstub *s);

/* ---- gdb_target.c: the target gdb_proto.c works on ---- */

/*
 * gdbtarget_ops - struct gdb_target_ops (gdb_proto.h) over the stub's
 * processors, its T the struct gdbstub: threads are S->v[] (id = index +
 * 1), address spaces the guests.  gdb_proto.c calls them while every
 * processor is parked (gdbstub.h): their vCPU ioctls must not race KVM_RUN.
 */
extern const struct gdb_target_ops gdbtarget_ops;

/*
 * gdbtarget_get - the .get of gdbtarget_ops: the registers of thread TID
 * (1 to S->n, parked) into CPU, by KVM_GET_REGS and KVM_GET_SREGS (KVM
 * api.rst).  Returns 0, or -1 if an ioctl fails.
 */
int gdbtarget_get(void *t, unsigned tid, struct gdb_cpu *cpu);

/*
 * gdbtarget_linear_pc - processor C's PC as gdb sees it, linear (CS.base
 * + RIP outside 64-bit code, gdb_regs.h), read on its own thread after a
 * KVM_EXIT_DEBUG; where the registers cannot be read, the exit's own
 * kvm_run->debug.arch.pc.
 */
uint64_t gdbtarget_linear_pc(struct vcpu *c);

/*
 * gdbtarget_own_read - the READ of gdb_bp_watch_hit (gdb_bp.h) for
 * processor C (CTX, a struct vcpu *): LEN bytes at linear ADDR into BUF,
 * through its own page tables (KVM_TRANSLATE, KVM api.rst) when paging
 * is on.  Returns 0, or -1 if any of them maps to nothing.
 */
int gdbtarget_own_read(void *ctx, uint64_t addr, void *buf, size_t len);

#endif
