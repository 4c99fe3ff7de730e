/*
 * bench.h - `minikvm bench`: a manifest's scenario run many times, each
 * with freshly created VMs, guest output discarded and no guest input
 * (standard input is not read), summarised as min/median/max of set-up
 * time, run time, VM exits and nanoseconds per exit, with the host facts
 * that make a result comparable.
 */
#ifndef MINIKVM_BENCH_H
#define MINIKVM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest/manifest.h"

struct bench_options {
	uint64_t repeat;	/* measured runs; 0: the manifest's bench.repeat */
	FILE *json;		/* also write the result as JSON here, or NULL */
	bool progress;		/* "bench: run 3/10" on stderr (a terminal),
				 * rewritten in place, cleared at the end */
};

/*
 * bench_run - runs M's scenario (bench.warmup unmeasured runs, then the
 * measured ones), every vCPU without standard input, and prints the
 * summary on stdout.  Returns 0, or the failing run's exit status
 * (machine.h) after printing why, or 1 if out of memory.  Write errors on
 * stdout and O->json are left in their error indicators (ferror) for the
 * caller, who closes them, to report.
 */
int bench_run(const struct manifest *m, const struct bench_options *o);

#endif
