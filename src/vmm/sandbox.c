/* sandbox.c - the seccomp allow-lists of a run's threads (see sandbox.h). */
#define _GNU_SOURCE
#include "vmm/sandbox.h"

#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* System calls above this are named by number only in a refusal. */
#define NAMES 512

static bool prepared;
static char names[NAMES][28];		/* filled by sandbox_prepare */
static __thread const char *thread_name = "minikvm";

/* Every thread: memory, locks, its own signals, the console and the
 * eventfds it shares, the clock, and its end.  mmap and mprotect never
 * with PROT_EXEC (below): no new code. */
static const int base_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(futex), SCMP_SYS(madvise), SCMP_SYS(munmap),
	SCMP_SYS(brk), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(newfstatat),
	SCMP_SYS(fstat), SCMP_SYS(lseek), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
	SCMP_SYS(restart_syscall), SCMP_SYS(rseq), SCMP_SYS(set_robust_list),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(close),
};

/* The KVM ioctls a running guest needs (KVM api.rst, section 4), and
 * TCGETS for isatty(3).  Creating VMs, processors or memory slots is not
 * among them: that was done before. */
static const unsigned long kvm_runtime[] = {
	KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
	KVM_GET_MP_STATE, KVM_SET_GUEST_DEBUG, KVM_TRANSLATE, KVM_IRQ_LINE,
	KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, TCGETS,
};

/* What each role adds to the base. */
static const int vcpu_calls[] = {	/* disks; its guest's timer off */
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(fdatasync), SCMP_SYS(fsync),
	SCMP_SYS(timerfd_settime),
};
static const int ticker_calls[] = { SCMP_SYS(epoll_wait), SCMP_SYS(timerfd_settime) };
static const int gdb_calls[] = {	/* one debugger's socket */
	SCMP_SYS(accept4), SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(setsockopt),
};
static const int main_calls[] = {	/* a Unix socket's file; the end, its
					 * messages bounded by a timer (msgs.c) */
	SCMP_SYS(unlink), SCMP_SYS(rt_sigpending), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timer_create), SCMP_SYS(timer_settime),
	SCMP_SYS(timer_delete),
};

/* The probe thread makes, runs and closes small VMs of its own: any
 * ioctl (on the KVM fd it was given), its time limit's timer. */
static const int probe_calls[] = {
	SCMP_SYS(ioctl), SCMP_SYS(timer_create), SCMP_SYS(timer_settime),
	SCMP_SYS(timer_delete), SCMP_SYS(rt_sigaction),
};

static const char *const role_names[] = {
	[SANDBOX_MAIN] = "main", [SANDBOX_VCPU] = "vcpu", [SANDBOX_INPUT] = "input",
	[SANDBOX_TICKER] = "ticker", [SANDBOX_GDB] = "gdb", [SANDBOX_PROBE] = "probe",
};

bool sandbox_supported(char *why, size_t len)
{
#if defined(__SANITIZE_ADDRESS__)
	snprintf(why, len, "an AddressSanitizer build, which runs without (LeakSanitizer needs ptrace at exit)");
	return false;
#else
	if (seccomp_api_get() < 1) {
		snprintf(why, len, "this kernel takes no seccomp filters (libseccomp API level %u):"
			 " run needs --no-sandbox", seccomp_api_get());
		return false;
	}
	snprintf(why, len, "libseccomp API level %u", seccomp_api_get());
	return true;
#endif
}

/* Appends the decimal N to P (async-signal-safe); returns the new end. */
static char *put_num(char *p, long n)
{
	char d[24];
	int k = 0;

	if (n < 0) {
		*p++ = '-';
		n = -n;
	}
	do
		d[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0 && k < (int)sizeof d);
	while (k > 0)
		*p++ = d[--k];
	return p;
}

static char *put_str(char *p, const char *s, const char *end)
{
	while (*s != '\0' && p < end)
		*p++ = *s++;
	return p;
}

/* SIGSYS from SECCOMP_RET_TRAP: one line, then the end (only
 * async-signal-safe calls, all in every list). */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[200], *p = line, *end = line + sizeof line - 40;
	int nr = si->si_syscall;

	(void)sig;
	(void)uc;
	p = put_str(p, "minikvm: sandbox: ", end);
	p = put_str(p, thread_name, end);
	p = put_str(p, " made system call ", end);
	if (nr >= 0 && nr < NAMES && names[nr][0] != '\0') {
		p = put_str(p, names[nr], end);
		*p++ = ' ';
	}
	*p++ = '(';
	p = put_num(p, nr);
	p = put_str(p, "), which its seccomp filter does not allow: the run ends"
		    " (a minikvm bug: --no-sandbox runs without)\n", line + sizeof line);
	if (write(STDERR_FILENO, line, (size_t)(p - line)) < 0) {
		/* nothing more can be said */
	}
	_exit(SANDBOX_STATUS);
}

int sandbox_prepare(struct err *e)
{
	struct sigaction sa;
	char why[128];

#if defined(__SANITIZE_ADDRESS__)
	(void)why;
	(void)e;
	return 0;	/* a build property, not the host's: the run goes on without */
#endif
	if (!sandbox_supported(why, sizeof why))
		return err_set(e, "sandbox: %s", why);
	for (int nr = 0; nr < NAMES; nr++) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (n != NULL)
			snprintf(names[nr], sizeof names[nr], "%s", n);
		free(n);
	}
	tzset();	/* the time zone, read now (the CMOS clock's mktime would open it) */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return err_set(e, "sandbox: sigaction(SIGSYS): %s", strerror(errno));
	prepared = true;
	return 0;
}

void sandbox_enter_service(enum sandbox_role role, const char *name)
{
	struct err e;

	if (sandbox_enter(role, name, &e) < 0) {
		fprintf(stderr, "minikvm: %s; the run ends\n", e.msg);
		_exit(1);
	}
}

bool sandbox_on(void)
{
	return prepared;
}

static int allow(scmp_filter_ctx f, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, calls[i], 0) < 0)
			return -1;
	return 0;
}

/* The ioctls of kvm_runtime, each by its request number (argument 1). */
static int allow_ioctls(scmp_filter_ctx f)
{
	for (size_t i = 0; i < sizeof kvm_runtime / sizeof kvm_runtime[0]; i++) {
		struct scmp_arg_cmp req = {
			.arg = 1, .op = SCMP_CMP_EQ, .datum_a = kvm_runtime[i], .datum_b = 0,
		};

		if (seccomp_rule_add_array(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &req) < 0)
			return -1;
	}
	return 0;
}

/* mmap and mprotect, without PROT_EXEC (argument 2). */
static int allow_noexec(scmp_filter_ctx f)
{
	struct scmp_arg_cmp noexec = {	/* (prot & PROT_EXEC) == 0 */
		.arg = 2, .op = SCMP_CMP_MASKED_EQ, .datum_a = PROT_EXEC, .datum_b = 0,
	};

	if (seccomp_rule_add_array(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, &noexec) < 0 ||
	    seccomp_rule_add_array(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &noexec) < 0)
		return -1;
	return 0;
}

#define ALLOW(f, list) allow((f), (list), sizeof(list) / sizeof((list)[0]))

int sandbox_enter(enum sandbox_role role, const char *name, struct err *e)
{
	scmp_filter_ctx f;
	int rc = -1;

	if (!prepared)
		return 0;
	thread_name = name;
	f = seccomp_init(SCMP_ACT_TRAP);
	if (f == NULL)
		return err_set(e, "sandbox: seccomp_init failed (%s thread)", role_names[role]);
	if (ALLOW(f, base_calls) < 0 || allow_noexec(f) < 0 || allow_ioctls(f) < 0)
		goto out;
	switch (role) {
	case SANDBOX_VCPU:
		rc = ALLOW(f, vcpu_calls);
		break;
	case SANDBOX_TICKER:
		rc = ALLOW(f, ticker_calls);
		break;
	case SANDBOX_GDB:
		rc = ALLOW(f, gdb_calls);
		break;
	case SANDBOX_MAIN:
		rc = ALLOW(f, main_calls);
		break;
	case SANDBOX_INPUT:
		rc = 0;
		break;
	case SANDBOX_PROBE:
		rc = ALLOW(f, probe_calls);
		break;
	}
	if (rc < 0)
		goto out;
	rc = seccomp_load(f);
out:
	seccomp_release(f);
	if (rc < 0)
		return err_set(e, "sandbox: cannot install the %s thread's filter: %s",
			       role_names[role], strerror(rc < -1 ? -rc : EINVAL));
	return 0;
}
