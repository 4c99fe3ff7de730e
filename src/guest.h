/*
 * guest.h - one guest: a KVM VM with its memory, its one vCPU, its devices
 * and the VM-exit loop.
 *
 * Each vCPU entry of a manifest is its own guest (its own KVM VM), so no
 * guest can reach another's memory whatever it loads into a segment
 * register.  A guest is created and destroyed by the machine (machine.h) and
 * its exit loop runs on a thread of its own.
 * KVM calls follow Linux Documentation/virt/kvm/api.rst.
 */
#ifndef MINIKVM_GUEST_H
#define MINIKVM_GUEST_H

#include <linux/kvm.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "console.h"
#include "err.h"
#include "kvm.h"
#include "manifest.h"
#include "stats.h"
#include "trace.h"
#include "uart.h"
#include "vm.h"

/*
 * Diagnoses a guest can repeat at will (a loop of unknown hypercalls):
 * each kind is printed at most guest_note_limit times (guest.c), the rest
 * counted and summed up in one line when the guest ends.
 */
enum guest_note_kind {
	GUEST_NOTE_UNKNOWN_HYPERCALL,
	GUEST_NOTE_IN_WITHOUT_GETCHAR,
	GUEST_NOTE_KINDS
};

/* How a guest's run ended. */
enum guest_status {
	GUEST_RUNNING = 0,
	GUEST_DONE,	/* EXIT hypercall or HLT: ended normally */
	GUEST_FAILED,	/* a guest error or a KVM failure, diagnosed */
	GUEST_STOPPED,	/* stopped from outside (timeout, SIGINT) */
};

struct guest {
	unsigned index;			/* vCPU index in the manifest */
	const struct vcpu_config *cfg;
	enum cpu_mode mode;		/* the manifest's */
	bool paging;			/* minikvm's identity paging is on */
	struct vm vm;			/* fds, kvm_run and RAM */
	struct kvm_regs regs;		/* registers when SYNC_REGS is missing */
	struct bus pio, mmio;
	struct console *con;
	struct console_chan *out;	/* this vCPU's output channel */
	bool has_stdin;			/* input is for this vCPU */
	bool getchar_pending;		/* GETCHAR seen: the next IN reads input */
	struct uart uart;
	bool is_linux;			/* a Linux guest (linux.h): a PC's devices */
	uint8_t cmos_index;		/* CMOS register selected at port 0x70 */
	const char *end_note;		/* why a Linux guest ended (reset), or NULL */
	atomic_bool stop;		/* set by the machine to end the run */
	atomic_bool halt_check;		/* the next EINTR: halted for good? */
	enum guest_status status;
	char stopped_at[80];		/* GUEST_STOPPED: " at CS:IP ssss:iiii",
					 * then ", halted waiting for an
					 * interrupt" if so; or "" */
	unsigned notes_shown[GUEST_NOTE_KINDS];
	uint64_t notes_hidden[GUEST_NOTE_KINDS];	/* over the limit */
	unsigned exit_status;		/* from EXIT_STATUS; 0 after EXIT */
	struct vcpu_stats stats;	/* exits counted; timed with --stats */
	const struct trace *trace;	/* --trace, or NULL */
};

/*
 * guest_create - creates the VM (KVM_CREATE_VM), its memory (cfg->memory
 * bytes at GPA 0, KVM_SET_USER_MEMORY_REGION), loads the image at
 * cfg->load, creates the vCPU in the manifest's mode and registers the
 * devices.  Returns 0, or -1 with E naming the failing step and errno.
 * guest_destroy() must be called either way.
 */
int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, struct console_chan *out, struct err *e);

/*
 * guest_run - the exit loop: KVM_RUN until the guest ends, fails or is
 * stopped (guest_stop).  Diagnoses a failure on stderr in one line naming
 * the vCPU, the exit reason and CS:IP, then the registers.  Returns the
 * final status, also left in g->status.
 */
enum guest_status guest_run(struct guest *g);

/*
 * guest_stop - asks the exit loop to end, from another thread: sets the
 * stop flag and kvm_run->immediate_exit, so a KVM_RUN about to start
 * returns at once; the caller then interrupts a running KVM_RUN with a
 * signal (machine.c).
 */
void guest_stop(struct guest *g);

/*
 * guest_regs - the vCPU's general registers at the current exit: from
 * kvm_run->s.regs (KVM_CAP_SYNC_REGS) without a syscall, else KVM_GET_REGS.
 * Returns NULL (and diagnoses) if the ioctl fails.
 */
const struct kvm_regs *guest_regs(struct guest *g);

/*
 * guest_diagnose - prints "minikvm: vcpuN: WHAT at CS:IP ssss:iiii" on
 * stderr, then, if REGISTERS, the register dump.  Flushes the guest's
 * console first so its output comes before the message.
 */
void guest_diagnose(struct guest *g, bool registers, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * guest_note - a diagnosis of KIND that the guest may repeat (see enum
 * guest_note_kind): printed as guest_diagnose() prints it, without
 * registers, unless this kind has reached its limit; then only counted.
 */
void guest_note(struct guest *g, enum guest_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * guest_exit_ip - the IP that diagnoses and traces show for the exit being
 * handled, given its registers R and S: for a port I/O exit, the address
 * of the I/O instruction itself, on every host.  KVM on VT-x/AMD-V leaves
 * RIP there (it completes the instruction on the next KVM_RUN); kvm_pvm
 * has already moved past an OUT, which this finds again (a once-only probe
 * guest tells the two apart).  For other exits, RIP.
 */
uint64_t guest_exit_ip(struct guest *g, const struct kvm_regs *r,
		       const struct kvm_sregs *s);

/*
 * guest_check_halt - from another thread, before it interrupts KVM_RUN
 * with a signal: the exit loop then checks whether a Linux guest has halted
 * with interrupts off (its power-off), and if so ends the run normally.
 */
void guest_check_halt(struct guest *g);

/* guest_destroy - unmaps memory and closes the fds; safe on a partial guest. */
void guest_destroy(struct guest *g);

#endif
