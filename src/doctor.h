/*
 * doctor.h - what the host's KVM can do: `minikvm doctor`.
 *
 * Reports the KVM device and module, whether the host is itself a VM, the
 * capabilities minikvm uses, and for each guest mode whether it runs and how
 * fast, found by running a tiny probe guest (a dec/jnz loop, then the EXIT
 * hypercall) under a short time limit.  Hosts differ: on VT-x/AMD-V every
 * mode runs natively; on a software KVM such as kvm_pvm real mode and ring 0
 * are emulated and 32-bit paging is refused (../shared/notes/host-kvm.md).
 */
#ifndef MINIKVM_DOCTOR_H
#define MINIKVM_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

/* The guest modes doctor probes. */
enum probe_mode {
	PROBE_REAL,
	PROBE_PROTECTED,
	PROBE_PROTECTED_PAGING,
	PROBE_LONG,
	PROBE_MODES
};

/* probe_mode_name - "real", "protected", "protected+paging", "long". */
const char *probe_mode_name(enum probe_mode m);

/* probe_mode_parse - the mode named S; returns -1 if there is none. */
int probe_mode_parse(const char *s);

/*
 * doctor_report - probes the host and prints the report to OUT, as text or
 * (JSON) as one JSON object (the fields are listed in minikvm(1)).
 * Returns 0 if /dev/kvm is usable, 1 if not.
 */
int doctor_report(FILE *out, bool json);

/*
 * doctor_mode_runs - true if a guest in MODE runs on this host's KVM (the
 * probe ends with its EXIT hypercall).  Prints nothing.
 */
bool doctor_mode_runs(enum probe_mode mode);

#endif
