/*
 * test_guest.c - guest set-up and tear-down, from C (TAP output).
 *
 * A guest whose creation fails early must close only what it opened: a
 * half-built guest once closed fd 0 (its zeroed file descriptors).  The
 * Linux guest here fails before any VM exists on a host whose KVM refuses
 * 32-bit paging or that has none (the paging probe says no), and at
 * KVM_CREATE_VM elsewhere (the KVM handle is fd -1): either way,
 * guest_destroy() must leave standard input open.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmm/console.h"
#include "vmm/guest.h"

int main(void)
{
	struct kvm kvm = { .fd = -1 };
	struct vcpu_config cfg = { .is_linux = true, .memory = 1 << 20,
				   .image = "/nonexistent/vmlinuz" };
	struct manifest m = { .mode = CPU_MODE_PROTECTED, .irqchip = true,
			      .nr_vcpus = 1, .vcpus = &cfg };
	struct console con;
	struct err e = { "" };
	struct guest *g = calloc(1, sizeof *g);
	int nul = open("/dev/null", O_RDONLY), rc;

	printf("1..2\n");
	if (g == NULL || nul < 0 || dup2(nul, 0) < 0) {
		printf("Bail out! set-up: %s\n", g == NULL ? "out of memory" : "fd 0");
		return 1;
	}
	close(nul);
	if (console_init(&con, 1, false, false, -1, &e) < 0) {
		printf("Bail out! console_init: %s\n", e.msg);
		return 1;
	}
	rc = guest_create(g, &kvm, &m, &cfg, &con, 0, &e);
	printf("%s 1 - a Linux guest without a usable KVM is refused (%s)\n",
	       rc < 0 && e.msg[0] ? "ok" : "not ok", e.msg);
	guest_destroy(g);
	printf("%s 2 - guest_destroy of a half-built guest leaves fd 0 open\n",
	       fcntl(0, F_GETFD) >= 0 ? "ok" : "not ok");
	console_destroy(&con);
	free(g);
	return 0;
}
