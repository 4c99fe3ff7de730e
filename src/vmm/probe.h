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

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "vmm/kvm.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

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
 * What probe_mode_learn found, if it ran: then no file is opened and no
 * VM made (the sandbox allows neither).
 */
bool probe_mode_runs(enum probe_mode mode);

/*
 * probe_mode_learn - before the sandbox: whether MODE runs on the open
 * KVM, with one round of the probe loop (a VM of its own, a millisecond
 * or two, not doctor's timing), for probe_mode_runs to answer from later.
 * Call it before any thread that may ask starts.
 */
void probe_mode_learn(const struct kvm *kvm, enum probe_mode mode);

/*
 * A probe guest, for probe.c's probes and probe_debug.c's: a VM of its own
 * with PROBE_MEM bytes of RAM from GPA 0, one vCPU set up in a mode
 * (boot/cpu.h), its code at PROBE_GPA, and a timer signal (SIGALRM) aimed
 * at the calling thread alone that limits its KVM_RUNs.
 */
#define PROBE_MEM (4ull << 20)	/* one 4 MiB page covers it all */
#define PROBE_GPA 0x1000	/* where the probe code goes, and the entry */

struct probe_guest {
	const struct kvm *kvm;
	struct vm vm;
	struct vcpu cpu;
	timer_t timer;		/* the time limit (probe_guest_limit) */
	bool has_timer;
};

/*
 * probe_guest_open - the guest, in MODE, with CODE (LEN bytes) at
 * PROBE_GPA, the timer created but not armed.  Returns 0, or -1 with WHY
 * (WHY_LEN bytes) set and nothing left to close.
 */
int probe_guest_open(struct probe_guest *g, const struct kvm *kvm,
		     enum probe_mode mode, const void *code, size_t len,
		     char *why, size_t why_len);

/* probe_guest_limit - arms the timer: SECONDS from now; 0 disarms it. */
void probe_guest_limit(struct probe_guest *g, unsigned seconds);

/*
 * probe_guest_run_at - KVM_SET_REGS with REGS, then one KVM_RUN.  Returns
 * 0 when KVM_RUN returned (the exit in G->cpu.run), or -1 with WHY set:
 * a failed ioctl, or "no answer within the probe's time limit".
 */
int probe_guest_run_at(struct probe_guest *g, const struct kvm_regs *regs,
		       char *why, size_t why_len);

/* probe_guest_close - deletes the timer and destroys the vCPU and VM. */
void probe_guest_close(struct probe_guest *g);

#endif
