/*
 * test_sandbox.c - the seccomp filters (vmm/sandbox.h) refuse what they
 * must and allow what a thread needs (TAP).  Each case runs in a child
 * process that enters a role's filter and then makes one system call: a
 * refused one must end the child with status 159 and one line naming the
 * thread and the call; an allowed one must return as usual.  Without
 * seccomp (an AddressSanitizer build, an old kernel) every case is a skip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "vmm/sandbox.h"

enum call { OPEN, SOCKET, EXECVE, MMAP_EXEC, KVM_CREATE, KVM_RUN_BADF, WRITE, CONNECT };

/* In the child: the call; returns 0 if it came back as an allowed call
 * should (an error from the kernel itself, not from the filter). */
static int make_call(enum call what)
{
	static char *const argv[] = { "true", NULL };
	void *p;

	switch (what) {
	case OPEN:
		return open("/dev/null", O_RDONLY) >= 0 ? 0 : 1;
	case SOCKET:
		return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1;
	case EXECVE:
		execve("/bin/true", argv, NULL);
		return 1;
	case MMAP_EXEC:
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p != MAP_FAILED ? 0 : 1;
	case KVM_CREATE:
		return ioctl(-1, KVM_CREATE_VM, 0) < 0 && errno == EBADF ? 0 : 1;
	case KVM_RUN_BADF:
		return ioctl(-1, KVM_RUN, 0) < 0 && errno == EBADF ? 0 : 1;
	case WRITE:
		return write(STDOUT_FILENO, "", 0) == 0 ? 0 : 1;
	case CONNECT:
		return connect(-1, NULL, 0) < 0 && errno == EBADF ? 0 : 1;
	}
	return 1;
}

/*
 * ROLE's filter, then WHAT: REFUSED says whether the filter must stop it,
 * NAME the system call the refusal must name.
 */
static void one(enum sandbox_role role, enum call what, bool refused, const char *name,
		const char *label)
{
	int err[2];
	pid_t pid;
	int st = 0;
	char buf[512] = "", want[128];
	ssize_t got, len = 0;
	bool ok;

	if (pipe(err) < 0) {
		check(false, label);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct err e;

		dup2(err[1], STDERR_FILENO);
		close(err[0]);
		if (sandbox_prepare(&e) < 0 || sandbox_enter(role, "the test thread", &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			_exit(3);
		}
		_exit(make_call(what));
	}
	close(err[1]);
	while (len < (ssize_t)sizeof buf - 1 &&
	       (got = read(err[0], buf + len, sizeof buf - 1 - (size_t)len)) > 0)
		len += got;
	close(err[0]);
	buf[len] = '\0';
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		check(false, label);
		return;
	}
	snprintf(want, sizeof want, "minikvm: sandbox: the test thread made system call %s (",
		 name);
	if (refused)
		ok = WIFEXITED(st) && WEXITSTATUS(st) == SANDBOX_STATUS &&
		     strncmp(buf, want, strlen(want)) == 0;
	else
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && buf[0] == '\0';
	check(ok, label);
	if (!ok)
		printf("# status %d (exited %d), stderr: %s\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
		       WIFEXITED(st), buf);
}

int main(void)
{
	char why[128];
	static const char *const labels[] = {
		"vcpu: open(2) refused, named openat",
		"vcpu: socket(2) refused, named",
		"vcpu: execve(2) refused, named",
		"vcpu: mmap with PROT_EXEC refused, named",
		"vcpu: KVM_CREATE_VM refused (no new VMs after set-up)",
		"vcpu: KVM_RUN allowed (EBADF from the kernel)",
		"vcpu: write(2) allowed",
		"gdb: connect(2) refused (it only accepts)",
		"input: open(2) refused",
		"ticker: socket(2) refused",
		"main: execve(2) refused",
		"main: KVM_RUN allowed",
	};
	size_t count = sizeof labels / sizeof labels[0];

	printf("1..%zu\n", count);
	if (!sandbox_supported(why, sizeof why)) {
		for (size_t i = 0; i < count; i++)
			printf("ok %zu - %s # SKIP %s\n", i + 1, labels[i], why);
		return 0;
	}
	one(SANDBOX_VCPU, OPEN, true, "openat", labels[0]);
	one(SANDBOX_VCPU, SOCKET, true, "socket", labels[1]);
	one(SANDBOX_VCPU, EXECVE, true, "execve", labels[2]);
	one(SANDBOX_VCPU, MMAP_EXEC, true, "mmap", labels[3]);
	one(SANDBOX_VCPU, KVM_CREATE, true, "ioctl", labels[4]);
	one(SANDBOX_VCPU, KVM_RUN_BADF, false, "", labels[5]);
	one(SANDBOX_VCPU, WRITE, false, "", labels[6]);
	one(SANDBOX_GDB, CONNECT, true, "connect", labels[7]);
	one(SANDBOX_INPUT, OPEN, true, "openat", labels[8]);
	one(SANDBOX_TICKER, SOCKET, true, "socket", labels[9]);
	one(SANDBOX_MAIN, EXECVE, true, "execve", labels[10]);
	one(SANDBOX_MAIN, KVM_RUN_BADF, false, "", labels[11]);
	return failed ? 1 : 0;
}
