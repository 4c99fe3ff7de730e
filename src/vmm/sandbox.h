/*
 * sandbox.h - a seccomp-BPF allow-list per thread (libseccomp), installed
 * once the VMs are built and before the first KVM_RUN, so that a bug in
 * minikvm that a hostile guest reaches can make only the system calls
 * (and KVM ioctls) the thread's work needs: no open(2), no exec, no
 * socket, no ptrace.  The filter follows the kernel's
 * Documentation/userspace-api/seccomp_filter.rst; a call outside it traps
 * (SECCOMP_RET_TRAP): the SIGSYS handler writes one line naming the
 * thread and the system call and ends the process with status 159
 * (128 + SIGSYS), as if SIGSYS had killed it.
 */
#ifndef MINIKVM_SANDBOX_H
#define MINIKVM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The threads of a run, each with a list of its own. */
enum sandbox_role {
	SANDBOX_MAIN,		/* waits for the guests, signals, the end */
	SANDBOX_VCPU,		/* a processor's exit loop and its devices */
	SANDBOX_INPUT,		/* the stdin watcher: input interrupts */
	SANDBOX_TICKER,		/* the interrupt timers */
	SANDBOX_GDB,		/* the gdb stub's thread */
	SANDBOX_PROBE,		/* learns host facts in VMs of its own, then ends */
};

/* The exit status after a refused system call: 128 + SIGSYS. */
#define SANDBOX_STATUS 159

/*
 * sandbox_supported - whether this host's kernel takes seccomp filters
 * (seccomp_api_get() >= 1: SECCOMP_SET_MODE_FILTER) and this build can
 * run under one (not AddressSanitizer's, whose LeakSanitizer scans the
 * process with ptrace at exit).  False with the reason in WHY (LEN bytes).
 */
bool sandbox_supported(char *why, size_t len);

/*
 * sandbox_prepare - before the run's threads start: the SIGSYS handler and
 * the system calls' names it prints (nothing may be resolved inside it).
 * Afterwards sandbox_enter installs filters; without it (--no-sandbox)
 * sandbox_enter does nothing.  In an AddressSanitizer build it does
 * nothing and returns 0: such a build runs without filters.  Returns 0, or -1 with E set (the kernel
 * takes no filters: the message says --no-sandbox runs without).
 */
int sandbox_prepare(struct err *e);

/*
 * sandbox_enter - the calling thread's filter for ROLE, NAME naming the
 * thread in a refusal ("vcpu0 cpu1", "ticker"); the thread must not block
 * SIGSYS.  Filters only add up: a thread started after it gets this one
 * too, so the main thread enters last.  Returns 0 (also when the sandbox
 * is off), or -1 with E set (libseccomp could not build or load it).
 */
int sandbox_enter(enum sandbox_role role, const char *name, struct err *e);

/*
 * sandbox_enter_service - sandbox_enter for a service thread (input,
 * ticker, gdb), which has no guest to end and no one to tell: if its
 * filter cannot be loaded (the kernel out of memory: sandbox_prepare
 * checked the rest), one line on stderr and the process ends, status 1,
 * rather than run on without it.
 */
void sandbox_enter_service(enum sandbox_role role, const char *name);

/* sandbox_on - whether sandbox_prepare ran: the threads enter filters. */
bool sandbox_on(void);

#endif
