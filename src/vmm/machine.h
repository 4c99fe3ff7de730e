/*
 * machine.h - runs what a manifest describes: one guest per vCPU entry, each
 * on its own thread, all at once; the run ends when every guest has ended,
 * when limits.timeout passes, on SIGINT/SIGTERM, or when standard output
 * fails.
 */
#ifndef MINIKVM_MACHINE_H
#define MINIKVM_MACHINE_H

#include "manifest/manifest.h"

/* Exit statuses of a run (and of the minikvm command). */
#define STATUS_OK 0		/* every vCPU ended normally */
#define STATUS_GUEST_FAILED 1	/* a guest failed, or KVM could not be used */
#define STATUS_USAGE 2		/* bad command line or manifest */
#define STATUS_TIMEOUT 124	/* limits.timeout passed (as timeout(1)) */
#define STATUS_SIGINT 130	/* interrupted: 128 + SIGINT */
#define STATUS_SIGPIPE 141	/* stdout's reader went away: 128 + SIGPIPE */
#define STATUS_SIGTERM 143	/* terminated: 128 + SIGTERM */
#define STATUS_KILLED 137	/* gdb's `kill` under --gdb: 128 + SIGKILL */

#include <stdint.h>
#include <stdio.h>

#include "vmm/trace.h"

/* What a run cost, for `minikvm bench` (times: CLOCK_MONOTONIC ns). */
struct run_report {
	uint64_t t_first_run;	/* the earliest first KVM_RUN of any vCPU */
	uint64_t t_end;		/* the last vCPU's end */
	uint64_t exits;		/* VM exits of all vCPUs */
};

/* Choices of the command line. */
struct run_options {
	enum when color;		/* WHEN_UNSET: as the manifest says */
	const struct trace *trace;	/* --trace, or NULL */
	bool stats;			/* --stats: count and time the run */
	FILE *stats_json;		/* --stats=json:FILE, or NULL for a table */
	uint64_t t_start;		/* ns (CLOCK_MONOTONIC): the process started */
	bool quiet;			/* guest output to /dev/null (bench) */
	struct run_report *report;	/* filled at the end, or NULL */
	const char *gdb;		/* --gdb: the stub's address, or NULL */
	bool sandbox;			/* seccomp filters per thread (sandbox.h);
					 * bench leaves it off: it builds VMs
					 * again and again in one process */
};

/*
 * machine_run - creates every guest of M, runs them to their end and
 * returns one of the STATUS_ values above (or the highest EXIT_STATUS a
 * guest gave).  Errors and guest diagnoses are printed on stderr, one line
 * each, prefixed "minikvm: ".
 *
 * Before creating any VM it refuses (STATUS_GUEST_FAILED, one line) guests
 * whose memory, in all, is more than the host can give (hostmem.h).
 * With opt->gdb, a gdb stub (debug/gdbstub.h) serves every processor,
 * which waits for the debugger before its first instruction; the timeout
 * then counts from the moment a debugger detaches, never while one is
 * attached or awaited; gdb's `kill` ends the run with STATUS_KILLED.
 * A timeout or the first SIGINT/SIGTERM ends the run within a fraction of
 * a second whatever the output does: vCPU threads blocked writing to a
 * full pipe are interrupted until they end, and once the run stops the
 * main thread's own messages block at most STOP_MSG_NS in all (machine.c).
 * Standard output failing ends the run: EPIPE quietly with STATUS_SIGPIPE,
 * any other error with one line ("minikvm: standard output: ...") and
 * STATUS_GUEST_FAILED, unless a timeout or signal ended it first.
 * SIGINT and SIGTERM are left blocked in the calling thread on return (a
 * second one while the run winds down stays pending), so the caller can
 * finish its files and return its status.
 */
int machine_run(const struct manifest *m, const struct run_options *opt);

#endif
