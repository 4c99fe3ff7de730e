/*
 * guest.h - one guest: a KVM VM with its memory, its processors (vcpu.h),
 * its board's devices (board/board.h) and the VM-exit loop each processor
 * runs.
 *
 * Each entry of a manifest's vcpus: list is its own guest (its own KVM VM),
 * so no guest can reach another's memory whatever it loads into a segment
 * register; an entry's `cpus` processors share that guest's memory and
 * devices.  A guest is created and destroyed by the machine (machine.h)
 * and each of its processors runs its exit loop on a thread of its own.
 *
 * When a guest with several processors ends: the first processor to end
 * it normally (EXIT or EXIT_STATUS from any processor, a reset) or to fail
 * (a fault, diagnosed naming the processor) ends the whole guest: its
 * other processors are stopped wherever they are.  Other guests run on.
 * KVM calls follow Linux Documentation/virt/kvm/api.rst.
 */
#ifndef MINIKVM_GUEST_H
#define MINIKVM_GUEST_H

#include <linux/kvm.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"
#include "vmm/console.h"
#include "err.h"
#include "vmm/kvm.h"
#include "manifest/manifest.h"
#include "vmm/stats.h"
#include "vmm/trace.h"
#include "hw/uart.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/*
 * Diagnoses a guest can repeat at will (a loop of unknown hypercalls):
 * each kind is printed at most guest_note_limit times (guest.c), the rest
 * counted and summed up in one line when the guest ends.
 */
enum guest_note_kind {
	GUEST_NOTE_UNKNOWN_HYPERCALL,
	GUEST_NOTE_IN_WITHOUT_GETCHAR,
	GUEST_NOTE_DISK_ERROR,		/* a disk image's read or write failed */
	GUEST_NOTE_KINDS
};

/* The machine a guest sees (manifest.h: vcpus[].platform). */
enum guest_board {
	BOARD_BARE,	/* the hypercall port and a polled COM1 */
	BOARD_PC,	/* a PC: board/pc.h */
};

struct pc_board;
struct gdbstub;

struct guest {
	unsigned index;			/* its entry in the manifest's vcpus: */
	const struct vcpu_config *cfg;
	enum cpu_mode mode;		/* the manifest's */
	bool paging;			/* minikvm's identity paging is on */
	bool is_linux;			/* booted as a Linux kernel (linux.h) */
	enum guest_board board;
	struct vm vm;			/* fds and RAM */
	unsigned ncpus;			/* processors, 1 or more */
	struct vcpu *cpus;		/* NCPUS of them; cpus[0] is the BSP */
	struct bus pio, mmio;
	struct console *con;		/* output: each processor's channel */
	bool has_stdin;			/* input is for this guest */
	atomic_bool getchar_pending;	/* GETCHAR seen: the next IN reads input */
	struct uart uart;
	struct pc_board *pc;		/* BOARD_PC's devices, or NULL */
	const char *end_note;		/* why the guest ended (reset), or NULL */
	atomic_bool stop;		/* set to end every processor's loop */
	atomic_int status;		/* enum guest_status: the guest's end,
					 * set once by the processor that
					 * ended it; GUEST_STOPPED from
					 * outside */
	atomic_uint running;		/* processors whose loop has not ended */
	atomic_uint halt_round;		/* guest_check_halt calls, from 1 */
	atomic_uint notes_shown[GUEST_NOTE_KINDS];
	atomic_ullong notes_hidden[GUEST_NOTE_KINDS];	/* over the limit */
	unsigned exit_status;		/* from EXIT_STATUS; 0 after EXIT */
	const struct trace *trace;	/* --trace, or NULL */
	struct gdbstub *dbg;		/* --gdb (debug/gdbstub.h), or NULL */
};

/*
 * guest_create - creates the VM (KVM_CREATE_VM), its memory (cfg->memory
 * bytes at GPA 0, KVM_SET_USER_MEMORY_REGION), its board's devices, loads
 * the image at cfg->load, and creates cfg->cpus processors: processor 0 in
 * the manifest's mode at the entry point, the others waiting for INIT and
 * STARTUP (vcpu.h).  Each processor writes to a channel of CON of its
 * own (console_chan_init: tagged with the guest's index, in ANSI colour
 * COLOR, 0 for none), so every guest must be created before any runs.
 * Returns 0, or -1 with E naming the failing step and errno.
 * guest_destroy() must be called either way.
 */
int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, unsigned color, struct err *e);

/*
 * guest_run_vcpu - processor C's exit loop, on its own thread: KVM_RUN
 * until its guest ends, fails or is stopped (guest_stop).  Diagnoses a
 * failure on stderr in one line naming the processor (C->name), the exit
 * reason and CS:IP, then the registers.  The processor that ends the guest
 * stops the others.  Returns true if C was the guest's last processor to
 * end: the guest's status is then final (guest_status).
 */
bool guest_run_vcpu(struct vcpu *c);

/* guest_status - how the guest ended (or GUEST_RUNNING). */
enum guest_status guest_status(const struct guest *g);

/*
 * guest_stop - asks every processor's exit loop to end, from any thread:
 * sets the stop flag and kvm_run->immediate_exit, so a KVM_RUN about to
 * start returns at once, and interrupts each processor thread that has
 * started (SIG_VCPU_KICK) but the caller's own.
 */
void guest_stop(struct guest *g);

/*
 * guest_regs - the general registers of processor C at the current exit
 * (vcpu_regs); diagnoses and returns NULL if the ioctl fails.
 */
const struct kvm_regs *guest_regs(struct vcpu *c);

/*
 * guest_diagnose - prints "minikvm: NAME: WHAT at CS:IP ssss:iiii" on
 * stderr, NAME being processor C's (vcpu.h), then, if REGISTERS, the
 * register dump.  Flushes the guest's console first so its output comes
 * before the message.
 */
void guest_diagnose(struct vcpu *c, bool registers, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * guest_note - a diagnosis of KIND that the guest may repeat (see enum
 * guest_note_kind): printed as guest_diagnose() prints it, without
 * registers, unless this kind has reached its limit (counted per guest);
 * then only counted.
 */
void guest_note(struct vcpu *c, enum guest_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * guest_diag_prepare - before the sandbox (sandbox.h): starts learning on
 * KVM, in VMs of its own and on a thread of its own (SANDBOX_PROBE), the
 * host facts a diagnosis or a trace may need later (whether KVM has moved
 * RIP past an OUT when it exits to us; with PROTECTED_MODE, whether
 * protected-mode interrupts and 32-bit paging run), so that none is made
 * where the filters forbid new VMs; those who need one wait for it.
 * guest_diag_finish - waits for that thread: before KVM is closed.
 */
void guest_diag_prepare(const struct kvm *kvm, bool protected_mode);
void guest_diag_finish(void);

/*
 * guest_exit_ip - the IP that diagnoses and traces show for the exit being
 * handled, given its registers R and S: for a port I/O exit, the address
 * of the I/O instruction itself, on every host.  KVM on VT-x/AMD-V leaves
 * RIP there (it completes the instruction on the next KVM_RUN); kvm_pvm
 * has already moved past an OUT, which this finds again (a once-only probe
 * guest tells the two apart).  For other exits, RIP.
 */
uint64_t guest_exit_ip(struct vcpu *c, const struct kvm_regs *r,
		       const struct kvm_sregs *s);

/*
 * guest_check_halt - from another thread: interrupts every processor of a
 * Linux guest, whose exit loops then check whether it has halted for good
 * (Linux's power-off): the guest ends normally once every processor is
 * halted with interrupts off, or still waits for its STARTUP IPI, in the
 * same round of checks.  One processor halted with interrupts off (Linux's
 * paravirtual spinlock wait does that) is not enough.
 */
void guest_check_halt(struct guest *g);

/* guest_flush - writes out every processor's partial line; only once
 * they have all stopped (a channel belongs to its processor's thread). */
void guest_flush(struct guest *g);

/*
 * guest_vcpu_kicked - VCPU (a struct vcpu *) was interrupted by a signal
 * while out of KVM_RUN, waiting in a device (console_getc): parks it if
 * the debugger is stopping the guests (gdbstub_vcpu_intr), so that a
 * processor waiting for input stops too.
 */
void guest_vcpu_kicked(void *vcpu);

/* guest_destroy - unmaps memory and closes the fds; safe on a partial guest. */
void guest_destroy(struct guest *g);

#endif
