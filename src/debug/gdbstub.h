/*
 * gdbstub.h - `minikvm run --gdb`: a GDB remote serial protocol server
 * (gdb's manual, Appendix E) on a TCP or Unix socket, for every processor
 * of every guest of the run, in all-stop mode.
 *
 * The stub has a thread of its own.  Every processor parks before its
 * first instruction; the run then waits for a debugger.  While one is
 * attached and the guests are stopped, every processor thread is parked
 * (not in KVM_RUN), so the stub reads and writes registers and memory
 * with the vCPU ioctls.  To stop them it sets kvm_run->immediate_exit and
 * interrupts each thread (SIG_VCPU_KICK): KVM_RUN then completes any
 * pending I/O and returns EINTR (KVM api.rst, "immediate_exit"), and the
 * thread parks with the processor's state consistent.
 *
 * Breakpoints are served as gdb_bp.h says, with this host's debug
 * features (probe_debug.h) measured when the run starts.  One debugger at
 * a time; a second connection is refused with a message.  `detach`, or the
 * debugger going away, lets the guests run on and waits for another;
 * `kill` ends the run with STATUS_KILLED.
 *
 * The code: gdbstub.c (the thread, parking, stopping and resuming),
 * gdb_sock.c (the socket), gdb_target.c (registers and memory for
 * gdb_proto.c); gdbstub_int.h is what they share.
 */
#ifndef MINIKVM_GDBSTUB_H
#define MINIKVM_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>

#include "debug/gdb_bp.h"
#include "err.h"
#include "vmm/guest.h"

struct gdbstub;

/*
 * gdbstub_address_ok - ADDRESS has the form gdbstub_open takes; false
 * with E saying what is wrong (the command line's check: status 2).
 */
bool gdbstub_address_ok(const char *address, struct err *e);

/*
 * gdbstub_open - a listening socket on ADDRESS: "HOST:PORT" (HOST a name
 * or a numeric IPv4 address, "[IPv6]:PORT"; an empty HOST is 127.0.0.1;
 * PORT 0 picks a free one), or "unix:PATH".  Says on stderr where it
 * waits ("minikvm: gdb: waiting for a debugger on 127.0.0.1:1234").
 * Returns the stub, or NULL with E (a bad address, a port in use).
 */
struct gdbstub *gdbstub_open(const char *address, struct err *e);

/*
 * gdbstub_start - the stub's thread, for the N guests G[] (all created, no
 * processor started yet), with the debug features HOST.  Each guest's
 * g->dbg is set: its processors park before their first instruction.
 * Returns 0, or -1 with E.
 */
int gdbstub_start(struct gdbstub *s, struct guest **g, size_t n,
		  const struct gdb_host_debug *host, struct err *e);

/*
 * gdbstub_event_fd - readable when the machine should look at the stub:
 * gdb killed the run (gdbstub_killed), or a debugger attached or left
 * (gdbstub_attached).  Read it (8 bytes) to clear it.
 */
int gdbstub_event_fd(const struct gdbstub *s);
bool gdbstub_killed(const struct gdbstub *s);
bool gdbstub_attached(const struct gdbstub *s);

/* gdbstub_wake - a guest is stopping (guest_stop): its parked processors
 * wake to end their loops. */
void gdbstub_wake(struct gdbstub *s);

/* gdbstub_close - ends the stub's thread, closes its sockets, frees it
 * (after every processor thread has ended); NULL is ignored. */
void gdbstub_close(struct gdbstub *s);

/* Hooks of a processor's exit loop (guest.c), on its own thread. */

/* gdbstub_vcpu_start - before the first KVM_RUN: parks until resumed. */
void gdbstub_vcpu_start(struct vcpu *c);

/* gdbstub_vcpu_intr - KVM_RUN returned EINTR: parks if the stub is
 * stopping the guests. */
void gdbstub_vcpu_intr(struct vcpu *c);

/*
 * gdbstub_vcpu_debug - a KVM_EXIT_DEBUG: a step done or a breakpoint or
 * watchpoint hit parks the processor and stops the rest; a step taken
 * only to look for a breakpoint served by stepping goes on.
 */
void gdbstub_vcpu_debug(struct vcpu *c);

/*
 * gdbstub_vcpu_rearm - while C single-steps (c->gdb_stepping), after an
 * exit other than KVM_EXIT_DEBUG: gives KVM its debug settings again.
 * An instruction KVM emulates (string I/O, an I/O exit's completion on
 * AMD) can clear the trap flag its single-stepping sets (KVM api.rst,
 * KVM_SET_GUEST_DEBUG; measured in the lab): stepping would silently stop
 * and a breakpoint served by it be missed.  Errors are diagnosed.
 */
void gdbstub_vcpu_rearm(struct vcpu *c);

/* gdbstub_vcpu_end - the processor's exit loop has ended for good. */
void gdbstub_vcpu_end(struct vcpu *c);

#endif
