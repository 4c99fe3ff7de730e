/* probe_debug.c - which KVM_SET_GUEST_DEBUG features exit (see probe_debug.h). */
#define _GNU_SOURCE
#include "vmm/probe_debug.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "minikvm.h"
#include "vmm/probe.h"

/* Where things are in the probe guest (probe_debug.h). */
#define AT_NOP2 (PROBE_GPA + 1)		/* the second nop */
#define AT_INT3 (PROBE_GPA + 5)		/* the int3, after the 3-byte mov */
#define WATCHED 0x2000			/* the word the mov writes */
#define ISR 0x1100			/* the guest's own vector 3 handler */
#define ISR_SAYS 0xcc			/* what it writes to HC_PORT */

static const uint8_t code[] = {
	0x90, 0x90,					/* nop; nop */
	0xa3, WATCHED & 0xff, WATCHED >> 8,		/* mov %ax, (WATCHED) */
	0xcc,						/* int3 */
	0xb0, HC_EXIT, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};
/* mov $ISR_SAYS, %al; mov $HC_PORT, %dx; out %al, (%dx); hlt */
static const uint8_t isr[] = {
	0xb0, ISR_SAYS, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};

/* DR7 (SDM Vol. 3B §17.2.4): bit 10 is reserved and reads as 1; Ln
 * enables DRn; R/Wn and LENn are 2 bits each from bit 16 + 4n, 18 + 4n. */
#define DR7_FIXED 0x400ull
#define DR7_L(n) (1ull << (2 * (n)))
#define DR7_RW(n, v) ((uint64_t)(v) << (16 + 4 * (n)))
#define DR7_LEN(n, v) ((uint64_t)(v) << (18 + 4 * (n)))

static const struct check {
	const char *name;	/* as the JSON key of doctor's report */
	size_t result;		/* offset of its bool in struct probe_debug */
	uint32_t control;	/* KVM_GUESTDBG_* but ENABLE */
	int dr;			/* the debug register set, or -1 */
	uint64_t dr_addr, dr7;
	int exception;		/* the vector the exit must name, or -1 */
	uint64_t stop;		/* else the RIP it must leave */
} checks[] = {
	{ "single_step", offsetof(struct probe_debug, single_step),
	  KVM_GUESTDBG_SINGLESTEP, -1, 0, 0, -1, PROBE_GPA + 1 },
	{ "hw_insn", offsetof(struct probe_debug, hw_insn),
	  KVM_GUESTDBG_USE_HW_BP, 0, AT_NOP2,
	  DR7_FIXED | DR7_L(0) | DR7_RW(0, 0) | DR7_LEN(0, 0), -1, AT_NOP2 },
	{ "hw_data", offsetof(struct probe_debug, hw_data),
	  KVM_GUESTDBG_USE_HW_BP, 1, WATCHED,
	  DR7_FIXED | DR7_L(1) | DR7_RW(1, 1) | DR7_LEN(1, 1), -1, AT_INT3 },
	{ "sw_bp", offsetof(struct probe_debug, sw_bp),
	  KVM_GUESTDBG_USE_SW_BP, -1, 0, 0, 3, 0 },
};
#define CHECKS (sizeof checks / sizeof checks[0])
#define WHY_MAX 160		/* bytes of one check's reason */

/* What stopped the guest instead of the exit C wanted, into WHY. */
static void why_not(const struct probe_guest *g, const struct check *c,
		    unsigned long long rip, char *why, size_t len)
{
	const struct kvm_run *run = g->cpu.run;

	if (run->exit_reason == KVM_EXIT_IO && run->io.port == HC_PORT)
		snprintf(why, len, "%s", ((const uint8_t *)run)[run->io.data_offset] ==
			 ISR_SAYS ? "no debug exit: the guest ran on and took its int3 itself" :
			 "no debug exit: the guest ran to its end");
	else if (run->exit_reason == KVM_EXIT_DEBUG && c->exception >= 0)
		snprintf(why, len, "KVM_EXIT_DEBUG for exception %u at RIP 0x%llx",
			 run->debug.arch.exception, rip);
	else if (run->exit_reason == KVM_EXIT_DEBUG)
		snprintf(why, len, "KVM_EXIT_DEBUG at RIP 0x%llx, not 0x%llx",
			 rip, (unsigned long long)c->stop);
	else
		snprintf(why, len, "%s at RIP 0x%llx",
			 kvm_exit_reason_name(run->exit_reason), rip);
}

/* Runs check C from REGS; true if it gave the exit it should, else WHY. */
static bool check_one(struct probe_guest *g, const struct check *c,
		      const struct kvm_regs *regs, char *why, size_t len)
{
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE | c->control };
	struct kvm_guest_debug off = { .control = 0 };
	const struct kvm_run *run = g->cpu.run;
	struct kvm_regs now;
	bool ok = false;
	int rc;

	if (c->dr >= 0) {
		dbg.arch.debugreg[c->dr] = c->dr_addr;
		dbg.arch.debugreg[7] = c->dr7;
	}
	if (ioctl(g->cpu.fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		snprintf(why, len, "KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		return false;
	}
	probe_guest_limit(g, PROBE_LIMIT_S);
	rc = probe_guest_run_at(g, regs, why, len);
	probe_guest_limit(g, 0);
	if (rc == 0) {
		if (ioctl(g->cpu.fd, KVM_GET_REGS, &now) < 0)
			now.rip = ~0ull;
		if (run->exit_reason == KVM_EXIT_DEBUG)
			ok = c->exception >= 0 ? run->debug.arch.exception == (unsigned)c->exception :
			     now.rip == c->stop;
		if (!ok)
			why_not(g, c, (unsigned long long)now.rip, why, len);
	}
	ioctl(g->cpu.fd, KVM_SET_GUEST_DEBUG, &off);
	return ok;
}

/*
 * P->why from the reasons of the checks that failed (an empty one: it
 * worked), those with the same reason named together: "hw_insn, sw_bp: ...".
 */
static void say_why(struct probe_debug *p, char why[][WHY_MAX], size_t n)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		bool first = true;

		if (why[i][0] == '\0')
			continue;
		for (size_t j = i; j < n; j++) {
			if (j > i && strcmp(why[j], why[i]) != 0)
				continue;
			used += (size_t)snprintf(p->why + used, sizeof p->why - used, "%s%s",
						 first ? (used > 0 ? "; " : "") : ", ", checks[j].name);
			first = false;
			if (used >= sizeof p->why)
				return;
			if (j > i)
				why[j][0] = '\0';
		}
		used += (size_t)snprintf(p->why + used, sizeof p->why - used, ": %s", why[i]);
		if (used >= sizeof p->why)
			return;
	}
}

void probe_debug_run(const struct kvm *kvm, struct probe_debug *p)
{
	uint16_t vector3[2] = { ISR, 0 };	/* IP, CS */
	char why[CHECKS][WHY_MAX] = { "" };
	struct probe_guest g;
	struct kvm_regs regs;

	memset(p, 0, sizeof *p);
	if (probe_guest_open(&g, kvm, PROBE_REAL, code, sizeof code,
			     p->why, sizeof p->why) < 0)
		return;
	memcpy(g.vm.mem + 3 * 4, vector3, sizeof vector3);
	memcpy(g.vm.mem + ISR, isr, sizeof isr);
	if (ioctl(g.cpu.fd, KVM_GET_REGS, &regs) < 0) {
		snprintf(p->why, sizeof p->why, "KVM_GET_REGS: %s", strerror(errno));
		probe_guest_close(&g);
		return;
	}
	for (size_t i = 0; i < CHECKS; i++)
		if (check_one(&g, &checks[i], &regs, why[i], WHY_MAX))
			*(bool *)((char *)p + checks[i].result) = true;
	say_why(p, why, CHECKS);
	probe_guest_close(&g);
}
