/*
 * machine_impl.h - what machine.c (threads, waiting, signals) and
 * machine_report.c (the run's status, the timeout's list, --stats) share,
 * and no other file.
 */
#ifndef MINIKVM_MACHINE_IMPL_H
#define MINIKVM_MACHINE_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/console.h"
#include "vmm/guest.h"
#include "vmm/machine.h"
#include "vmm/msgs.h"
#include "vmm/ticker.h"

/* One guest of the run, with what the machine keeps beside it. */
struct vcpu_thread {
	struct guest g;
	bool started;		/* processor 0's thread was created */
	size_t threads;		/* processor threads created */
	atomic_uint ended;	/* processor threads that have returned */
	int done_fd;		/* eventfd: +1 when this guest has ended */
	struct ticker *ticker;	/* its IRQ 0 timer, if any, is tick .tick */
	int tick;
};

/*
 * machine_list_running - names the processors of the guests among T (N of
 * them) stopped from outside, for the timeout message: a malloc'd "vcpu0
 * at CS:IP ..., vcpu5 cpu1 ...", "none", or NULL (out of memory).
 */
char *machine_list_running(const struct vcpu_thread *t, size_t n);

/*
 * machine_run_status - the status of a run whose N guests all ended: the
 * highest EXIT_STATUS a guest reported, and at least STATUS_GUEST_FAILED
 * if one failed or never started.
 */
int machine_run_status(const struct vcpu_thread *t, size_t n);

/*
 * machine_report_stats - the --stats report, a row per processor: the JSON
 * file (whose write errors cmd_run.c reports when it closes it) or the
 * table on stderr through MS.  Returns 0, or -1 if stderr could not take
 * the table.
 */
int machine_report_stats(const struct vcpu_thread *t, size_t n,
			 const struct run_options *opt, struct msgs *ms);

#endif
