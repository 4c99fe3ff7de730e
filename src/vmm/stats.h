/*
 * stats.h - what a vCPU's run cost: VM exits by reason, I/O exits by port,
 * hypercalls by function, and where the time went (`minikvm run --stats`).
 * Counting is a few increments per exit and always on; the clock reads
 * (clock_gettime through the vDSO, not a syscall) and the per-port table
 * only when stats were asked for.
 */
#ifndef MINIKVM_STATS_H
#define MINIKVM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_REASONS 64	/* KVM_EXIT_* numbers counted one by one */
#define STATS_PORTS 65536

struct vcpu_stats {
	uint64_t exits;
	uint64_t by_reason[STATS_REASONS];	/* [KVM_EXIT_IO] ... */
	uint64_t hypercalls[256];		/* by function number (AL) */
	uint64_t *by_port;			/* STATS_PORTS counters, or NULL */
	bool timing;				/* read the clock around KVM_RUN */
	uint64_t t_first_run;			/* ns: the first KVM_RUN */
	uint64_t t_end;				/* ns: the vCPU ended */
	uint64_t ns_run;			/* inside KVM_RUN */
	uint64_t ns_exits;			/* handling exits, between runs */
};

/* stats_now - CLOCK_MONOTONIC in nanoseconds. */
uint64_t stats_now(void);

/*
 * stats_enable - turns on timing and the per-port table for S.
 * Returns 0, or -1 if the table cannot be allocated.
 */
int stats_enable(struct vcpu_stats *s);

/* stats_free - releases the per-port table. */
void stats_free(struct vcpu_stats *s);

/* One processor's stats with its names, for the reports. */
struct stats_row {
	unsigned index;		/* its guest's entry in vcpus: */
	int cpu;		/* its processor number, or -1 in a guest
				 * with one processor */
	const char *name;	/* "vcpu0", or "vcpu0 cpu1" (vcpu.h) */
	const char *status;	/* "done", "failed", "stopped" */
	const struct vcpu_stats *s;
};

/*
 * stats_print_table - the human report on OUT: per vCPU and in total, wall
 * time, set-up time (T_START, the process start, to each first KVM_RUN),
 * time in KVM_RUN and handling exits, exits by reason, I/O exits by port,
 * hypercalls by function.  T_END: when the run ended (ns).  A write
 * error is left in OUT's error indicator, as for stats_write_json.
 */
void stats_print_table(FILE *out, const struct stats_row *rows, size_t n,
		       uint64_t t_start, uint64_t t_end);

/*
 * stats_write_json - the same as one JSON object on OUT (fields in
 * minikvm(1)).  Returns 0, or -1 if the JSON could not be made (out of
 * memory).  A write error is left in OUT's error indicator (ferror) for
 * whoever closes OUT to report, once: the file's owner, cmd_run.c.
 */
int stats_write_json(FILE *out, const struct stats_row *rows, size_t n,
		     uint64_t t_start, uint64_t t_end);

#endif
