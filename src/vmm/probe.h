/*
 * probe.h - does a guest mode run on this host's KVM, and how fast?
 *
 * A probe is a tiny guest (mov $N,%ecx; 1: dec %ecx; jnz 1b; then the EXIT
 * hypercall) started in one mode in a VM of its own, under a short time
 * limit.  It either reaches its EXIT hypercall, and its loop is timed, or
 * it does not, and the VM exit that stopped it says why.  Used by
 * `minikvm doctor` and by a run's diagnosis of a guest fault.
 */
#ifndef MINIKVM_PROBE_H
#define MINIKVM_PROBE_H

#include <stdbool.h>

#include "err.h"
#include "vmm/kvm.h"

/* The guest modes probed. */
enum probe_mode {
	PROBE_REAL,
	PROBE_PROTECTED,
	PROBE_PROTECTED_PAGING,	/* 32-bit paging with 4 MiB pages */
	PROBE_PROTECTED_INTERRUPTS,	/* an interrupt taken and returned from (iret) */
	PROBE_LONG,
	PROBE_MODES
};

#define PROBE_LIMIT_S 2		/* seconds one probe may take */

struct probe {
	bool runs;		/* the probe reached its EXIT hypercall */
	bool native;		/* under 5 ns per instruction: not emulated */
	double ns_per_insn;	/* nanoseconds per guest instruction; 0 if untimed */
	char why[sizeof(struct err)];	/* why not, when !runs */
};

/* probe_mode_name - "real", "protected", "protected+paging",
 * "protected+interrupts", "long". */
const char *probe_mode_name(enum probe_mode m);

/* probe_mode_parse - the mode named S; returns -1 if there is none. */
int probe_mode_parse(const char *s);

/*
 * probe_run - probes MODE on the open KVM K and fills P.  Uses a timer
 * signal (SIGALRM) aimed at the calling thread alone, so any thread may
 * call it.
 */
void probe_run(const struct kvm *k, enum probe_mode mode, struct probe *p);

/*
 * probe_mode_runs - true if a guest in MODE runs on this host's KVM
 * ($MINIKVM_KVM_DEVICE or /dev/kvm); false also if KVM cannot be opened.
 */
bool probe_mode_runs(enum probe_mode mode);

#endif
