/*
 * machine.h - runs what a manifest describes: one guest per vCPU entry, each
 * on its own thread, all at once; the run ends when every guest has ended,
 * when limits.timeout passes, or on SIGINT/SIGTERM.
 */
#ifndef MINIKVM_MACHINE_H
#define MINIKVM_MACHINE_H

#include "manifest.h"

/* Exit statuses of a run (and of the minikvm command). */
#define STATUS_OK 0		/* every vCPU ended normally */
#define STATUS_GUEST_FAILED 1	/* a guest failed, or KVM could not be used */
#define STATUS_USAGE 2		/* bad command line or manifest */
#define STATUS_TIMEOUT 124	/* limits.timeout passed (as timeout(1)) */
#define STATUS_SIGINT 130	/* interrupted: 128 + SIGINT */
#define STATUS_SIGTERM 143	/* terminated: 128 + SIGTERM */

#include <stdint.h>
#include <stdio.h>

#include "trace.h"

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
};

/*
 * machine_run - creates every guest of M, runs them to their end and
 * returns one of the STATUS_ values above.  Errors and guest diagnoses are
 * printed on stderr, one line each, prefixed "minikvm: ".
 */
int machine_run(const struct manifest *m, const struct run_options *opt);

#endif
