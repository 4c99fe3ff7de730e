/*
 * gdb_proto.h - the commands of gdb's Remote Serial Protocol (gdb's
 * manual, Appendix E.2 "Packets", E.3 "Stop Reply Packets", E.4 "General
 * Query Packets") that minikvm's stub serves, over any target: a packet
 * in, a reply or an action out.  The target (gdb_target.c: the guests'
 * processors, stopped; tests/unit/test_gdb.c and tests/fuzz/fuzz_gdb.c:
 * a made-up one) is reached through struct gdb_target_ops only, so the
 * parser runs without KVM.
 *
 * Threads: each processor of each guest is a thread, ids 1, 2, ... in the
 * manifest's order (guest 0's processors first).  A guest is an address
 * space: memory is read and written through the selected thread (Hg).
 * Addresses are linear (gdb_regs.h); the target translates them.
 */
#ifndef MINIKVM_GDB_PROTO_H
#define MINIKVM_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debug/gdb_bp.h"
#include "debug/gdb_regs.h"
#include "debug/rsp.h"

struct gdb_target_ops {
	/* threads: ids 1..threads(); alive() says which still run */
	unsigned (*threads)(void *t);
	bool (*alive)(void *t, unsigned tid);
	/* a line for `info threads`: "vcpu1 cpu0, protected mode" */
	void (*describe)(void *t, unsigned tid, char *buf, size_t len);
	/* the guest (address space) of TID, from 0; and how many there are */
	unsigned (*space)(void *t, unsigned tid);
	unsigned (*spaces)(void *t);
	/* registers of a stopped thread; 0 or -1 */
	int (*get)(void *t, unsigned tid, struct gdb_cpu *cpu);
	int (*set)(void *t, unsigned tid, const struct gdb_cpu *cpu);
	/*
	 * LEN bytes at linear ADDR as thread TID sees them (its page
	 * tables), raw (int3 bytes included): returns the number of bytes
	 * done from ADDR on, fewer where an address maps to nothing.
	 */
	size_t (*mem)(void *t, unsigned tid, uint64_t addr, uint8_t *buf,
		      size_t len, bool write);
};

/* How a thread goes on when the debugger resumes. */
enum gdb_run {
	GDB_RUN_STOPPED,	/* stays stopped */
	GDB_RUN_CONT,
	GDB_RUN_STEP,		/* one instruction */
};

/* What the stub does after a packet. */
enum gdb_action {
	GDB_ACT_REPLY,		/* send the reply */
	GDB_ACT_RESUME,		/* run the threads as s->run[] says; the
				 * reply is the stop reply, later */
	GDB_ACT_DETACH,		/* send the reply ("OK"), then let go */
	GDB_ACT_KILL,		/* end the run; reply only if it is not empty */
};

#define GDB_MAX_THREADS 1024	/* KVM's KVM_MAX_VCPUS today, per run */

struct gdb_session {
	const struct gdb_target_ops *ops;
	void *t;
	struct gdb_bps bps;
	struct gdb_bp_mem bp_mem;
	enum gdb_arch arch;	/* for the whole session (gdb reads it once) */
	bool no_ack;		/* QStartNoAckMode was agreed */
	unsigned g_tid;		/* Hg: registers and memory; 0 = the stop's */
	unsigned c_tid;		/* Hc: the thread of `s` and `c`; 0 = all */
	unsigned iter;		/* qsThreadInfo's next thread */
	/* the last stop, for '?' and the stop reply */
	unsigned stop_tid;
	int stop_sig;		/* 5 SIGTRAP, 2 SIGINT */
	char stop_why[48];	/* "swbreak:;", "hwbreak:;", "watch:ADDR;" or "" */
	enum gdb_run run[GDB_MAX_THREADS + 1];	/* by thread id */
};

/*
 * gdb_session_init - a new debugger's session over OPS/T, with the
 * breakpoints HOST can serve, registers in layout ARCH, stopped in thread
 * STOP_TID.
 */
void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *t, const struct gdb_host_debug *host,
		      enum gdb_arch arch, unsigned stop_tid);

/*
 * gdb_handle - one packet (PKT, LEN bytes, NUL after them) from the
 * debugger, the target stopped: builds the reply in O (rsp_out_end
 * done) and says what comes next.  Malformed packets (non-hex, a
 * register out of range, a range outside the guest) get "E.." replies;
 * unknown ones the empty reply.
 */
enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt, size_t len,
			   struct rsp_out *o);

/* gdb_stop_reply - "T<sig>thread:<tid>;<why>" for the session's last stop. */
void gdb_stop_reply(const struct gdb_session *s, struct rsp_out *o);

#endif
