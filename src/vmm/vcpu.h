/*
 * vcpu.h - one processor of a guest: its KVM vCPU fd, the kvm_run page it
 * shares with KVM, and what the exit loop keeps per processor (statistics,
 * where it stopped).  A guest (guest.h) has one or more; each runs its exit
 * loop on a thread of its own.  KVM: api.rst KVM_CREATE_VCPU, KVM_SET_CPUID2,
 * the mmap of the vCPU fd; APIC IDs: Intel SDM Vol. 3A §10.4.6 (local APIC
 * ID) and §8.4 (MP initialization).
 */
#ifndef MINIKVM_VCPU_H
#define MINIKVM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "vmm/console.h"
#include "err.h"
#include "vmm/stats.h"
#include "vmm/vm.h"

/* Interrupts a processor thread's KVM_RUN (its handler does nothing). */
#define SIG_VCPU_KICK SIGUSR1

/* How the run of a processor, and of its guest, ended. */
enum guest_status {
	GUEST_RUNNING = 0,
	GUEST_DONE,	/* EXIT hypercall, HLT or reset: ended normally */
	GUEST_FAILED,	/* a guest error or a KVM failure, diagnosed */
	GUEST_STOPPED,	/* stopped from outside (timeout, SIGINT), or by
			 * another processor of its guest ending it */
};

struct guest;

struct vcpu {
	struct guest *g;		/* the guest it belongs to */
	unsigned id;			/* processor index = KVM vCPU id = APIC ID */
	char name[32];			/* "vcpu2" (the guest), or "vcpu2 cpu1" in a
					 * guest with several processors */
	int fd;				/* the vCPU fd, or -1 */
	struct kvm_run *run;		/* kvm->run_size bytes, shared with KVM */
	struct kvm_regs regs;		/* registers when SYNC_REGS is missing */
	atomic_bool halt_check;		/* the next EINTR: halted for good? */
	atomic_uint halted_round;	/* the guest's last halt check round
					 * that found it halted for good */
	enum guest_status status;
	char stopped_at[80];		/* GUEST_STOPPED: " at CS:IP ssss:iiii",
					 * then ", halted waiting for an
					 * interrupt" if so; or "" */
	struct vcpu_stats stats;	/* exits counted; timed with --stats */
	struct console_chan out;	/* its output: a line buffer of its own,
					 * so processors of one guest never
					 * tear each other's lines */
	pthread_t thread;		/* set by the machine before it starts */
	atomic_bool started;		/* the thread runs (guest_stop kicks it) */
	unsigned gdb_tid;		/* its gdb thread id under --gdb, or 0 */
	bool gdb_stepping;		/* under --gdb: KVM single-steps it (gdbstub_vcpu_rearm) */
};

/*
 * vcpu_init - a processor that vcpu_destroy() can take: no fd (-1),
 * nothing mapped; NAME as above from the guest's index GUEST, ID and
 * the guest's number of processors NCPUS.
 */
void vcpu_init(struct vcpu *c, struct guest *g, unsigned guest, unsigned id,
	       unsigned ncpus);

/*
 * vcpu_create - KVM_CREATE_VCPU with id C->id in VM, the mmap of its
 * kvm_run, and kvm_valid_regs asking for the general registers on every
 * exit where KVM_CAP_SYNC_REGS exists.  With the in-kernel irqchip, KVM
 * keeps every processor but id 0 waiting for INIT and STARTUP IPIs
 * (KVM_MP_STATE_UNINITIALIZED), as on hardware.  Returns 0, or -1 with E
 * naming the step and errno.
 */
int vcpu_create(struct vcpu *c, const struct vm *vm, struct err *e);

/*
 * vcpu_set_cpuid - the processor's CPUID: all that KVM_GET_SUPPORTED_CPUID
 * offers (with KVM's signature leaves 0x40000000), the hypervisor bit set,
 * and its APIC ID = C->id in leaf 1 EBX[31:24] and the x2APIC ID of leaves
 * 0xB and 0x1F (KVM_SET_CPUID2).  Returns 0, or -1 with E.
 */
int vcpu_set_cpuid(const struct vcpu *c, const struct kvm *kvm, struct err *e);

/*
 * vcpu_regs - the general registers at the current exit: from
 * kvm_run->s.regs (KVM_CAP_SYNC_REGS) without a syscall, else KVM_GET_REGS
 * into C->regs.  Returns NULL (errno set) if the ioctl fails.
 */
const struct kvm_regs *vcpu_regs(struct vcpu *c, const struct kvm *kvm);

/* vcpu_destroy - unmaps kvm_run (RUN_SIZE bytes) and closes the fd. */
void vcpu_destroy(struct vcpu *c, size_t run_size);

/*
 * vcpu_current - the processor whose thread calls it (set by
 * vcpu_set_current at the start of its exit loop), or NULL on another
 * thread.  Devices on a bus use it to read the registers of the processor
 * that made the access (the hypercall port), as each processor's exits
 * are handled on its own thread.
 */
struct vcpu *vcpu_current(void);
void vcpu_set_current(struct vcpu *c);

#endif
