/*
 * probe_debug.h - which guest-debugging features of this host's KVM work:
 * which KVM_SET_GUEST_DEBUG settings stop a guest with a KVM_EXIT_DEBUG
 * (Linux Documentation/virt/kvm/api.rst, KVM_SET_GUEST_DEBUG and
 * KVM_EXIT_DEBUG; the debug registers DR0-DR3 and DR7: Intel SDM Vol. 3B
 * §17.2, "Debug Registers").  Hosts differ: on VT-x/AMD-V all four work;
 * on a software KVM such as kvm_pvm single-step and instruction
 * breakpoints do, data breakpoints never fire and an int3 goes to the
 * guest; in the lab (nested SVM under QEMU's TCG) only single-step works
 * (../shared/notes/host-kvm.md).  `minikvm doctor` reports them, and the
 * gdb stub (debug/gdb_bp.h) serves each breakpoint by what does.
 *
 * The probe is a real-mode guest of its own (probe.h's probe_guest) whose
 * code at GPA 0x1000 is
 *     0x1000 nop
 *     0x1001 nop                  the instruction breakpoint (DR0)
 *     0x1002 mov %ax, (0x2000)    the data breakpoint (DR1: 2 bytes, writes)
 *     0x1005 int3                 the software breakpoint
 *     0x1006 the EXIT hypercall
 * and whose vector 3 (its IVT at GPA 0) leads to a handler that leaves by
 * an `out` of another value to the hypercall port, so that an int3 the
 * guest took itself is told from one KVM stopped it at.  Each feature is
 * one KVM_RUN from 0x1000 with the registers as set up, KVM_SET_GUEST_DEBUG
 * set for that feature alone, under a PROBE_LIMIT_S time limit.
 */
#ifndef MINIKVM_PROBE_DEBUG_H
#define MINIKVM_PROBE_DEBUG_H

#include <stdbool.h>

#include "err.h"
#include "vmm/kvm.h"

struct probe_debug {
	/* KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP: KVM_EXIT_DEBUG
	 * after one instruction (RIP 0x1001): gdb's stepi */
	bool single_step;
	/* KVM_GUESTDBG_USE_HW_BP, DR0 = the linear address 0x1001, DR7 L0
	 * with R/W0 = 00 (execute), LEN0 = 00: KVM_EXIT_DEBUG before that
	 * instruction runs (RIP 0x1001): gdb's hbreak */
	bool hw_insn;
	/* KVM_GUESTDBG_USE_HW_BP, DR1 = 0x2000, DR7 L1 with R/W1 = 01
	 * (data writes), LEN1 = 01 (2 bytes): KVM_EXIT_DEBUG right after the
	 * write (RIP 0x1005): gdb's watch */
	bool hw_data;
	/* KVM_GUESTDBG_USE_SW_BP: the int3 ends KVM_RUN with KVM_EXIT_DEBUG,
	 * debug.arch.exception 3 (#BP), instead of going through the guest's
	 * own vector 3: gdb's break, by writing an int3 */
	bool sw_bp;
	/* "" if all four work; else why each that does not, those with the
	 * same reason together ("hw_data, sw_bp: no debug exit: the guest
	 * ran on and took its int3 itself"), or why the probe could not run
	 * at all (then all four are false) */
	char why[sizeof(struct err)];
};

/*
 * probe_debug_run - probes the four features on the open KVM K and fills
 * P.  Like probe_run (probe.h), it uses a timer signal (SIGALRM) aimed at
 * the calling thread alone, so any thread may call it; it takes at most
 * 4 * PROBE_LIMIT_S seconds.
 */
void probe_debug_run(const struct kvm *k, struct probe_debug *p);

#endif
