/* probe.c - running a tiny guest per mode (see probe.h). */
#define _GNU_SOURCE
#include "vmm/probe.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "boot/cpu.h"
#include "minikvm.h"
#include "vmm/stats.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define PROBE_MIN_NS 20000000.0	/* time the loop for at least 20 ms */
#define NATIVE_NS 5.0		/* below this per instruction: not emulated */

static const char *const mode_names[PROBE_MODES] = {
	"real", "protected", "protected+paging", "protected+interrupts", "long",
};

const char *probe_mode_name(enum probe_mode m)
{
	return m < PROBE_MODES ? mode_names[m] : "?";
}

int probe_mode_parse(const char *s)
{
	for (int i = 0; i < PROBE_MODES; i++)
		if (strcmp(s, mode_names[i]) == 0)
			return i;
	return -1;
}

/*
 * The probe: mov $N, %ecx; 1: dec %ecx; jnz 1b; mov $HC_EXIT, %al;
 * mov $HC_PORT, %dx; out %al, (%dx); hlt -- two instructions per loop.
 * N is patched in at offset 2 (16-bit: after 66 b9), 1 (32/64-bit).
 */
static const uint8_t probe16[] = {
	0x66, 0xb9, 0, 0, 0, 0, 0x66, 0x49, 0x75, 0xfc,
	0xb0, HC_EXIT, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};
static const uint8_t probe32[] = {
	0xb9, 0, 0, 0, 0, 0x49, 0x75, 0xfd,
	0xb0, HC_EXIT, 0x66, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};
static const uint8_t probe64[] = {	/* dec %ecx is ff c9: 0x49 is REX */
	0xb9, 0, 0, 0, 0, 0xff, 0xc9, 0x75, 0xfc,
	0xb0, HC_EXIT, 0x66, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};

/*
 * protected+interrupts: lidt IDT_DESC; the loop; int $0x30 (whose gate
 * leads to an iret); then EXIT -- an interrupt taken and returned from.
 */
#define IDT_DESC 0x1f00
#define IDT 0x2000
#define ISR 0x1100
static const uint8_t probe32_int[] = {
	0x0f, 0x01, 0x1d, IDT_DESC & 0xff, IDT_DESC >> 8, 0, 0,
	0xb9, 0, 0, 0, 0, 0x49, 0x75, 0xfd, 0xcd, 0x30,
	0xb0, HC_EXIT, 0x66, 0xba, HC_PORT & 0xff, HC_PORT >> 8, 0xee, 0xf4,
};

static const struct {
	const uint8_t *code;
	size_t len;
	size_t n_at;		/* where the loop count goes */
} probes[PROBE_MODES] = {
	[PROBE_REAL] = { probe16, sizeof probe16, 2 },
	[PROBE_PROTECTED] = { probe32, sizeof probe32, 1 },
	[PROBE_PROTECTED_PAGING] = { probe32, sizeof probe32, 1 },
	[PROBE_PROTECTED_INTERRUPTS] = { probe32_int, sizeof probe32_int, 8 },
	[PROBE_LONG] = { probe64, sizeof probe64, 1 },
};

/* The IDT for protected+interrupts: vector 0x30 -> ISR: iret. */
static void probe_write_idt(uint8_t *mem)
{
	uint8_t gate[8] = { ISR & 0xff, ISR >> 8, 0x08, 0, 0, 0x8e, 0, 0 };
	uint8_t desc[6] = { 0xff, 0x07, IDT & 0xff, IDT >> 8, 0, 0 };

	memcpy(mem + IDT + 0x30 * 8, gate, sizeof gate);
	memcpy(mem + IDT_DESC, desc, sizeof desc);
	mem[ISR] = 0xcf;	/* iret */
}

static void alarm_handler(int sig)
{
	(void)sig;	/* only to interrupt KVM_RUN with EINTR */
}

int probe_guest_open(struct probe_guest *g, const struct kvm *kvm,
		     enum probe_mode mode, const void *code, size_t len,
		     char *why, size_t why_len)
{
	struct sigaction sa = { .sa_handler = alarm_handler };
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM,
	};
	struct cpu_boot boot;
	struct err e;
	int rc;

	g->kvm = kvm;
	g->has_timer = false;
	vcpu_init(&g->cpu, NULL, 0, 0, 1);
	if (vm_create(&g->vm, kvm, PROBE_MEM, 0, &e) < 0 ||
	    vcpu_create(&g->cpu, &g->vm, &e) < 0) {
		snprintf(why, why_len, "%s", e.msg);
		probe_guest_close(g);
		return -1;
	}
	memcpy(g->vm.mem + PROBE_GPA, code, len);
	boot = (struct cpu_boot){
		.mem = g->vm.mem, .mem_size = g->vm.mem_size, .entry = PROBE_GPA,
		.paging = mode == PROBE_PROTECTED_PAGING,
	};
	switch (mode) {
	case PROBE_REAL:
		rc = cpu_setup_real_mode(g->cpu.fd, &boot, &e);
		break;
	case PROBE_PROTECTED:
	case PROBE_PROTECTED_PAGING:
	case PROBE_PROTECTED_INTERRUPTS:
		rc = cpu_setup_protected_mode(g->cpu.fd, &boot, &e);
		break;
	default:
		rc = cpu_setup_long_mode(g->cpu.fd, &boot, &e);
		break;
	}
	if (rc < 0) {
		snprintf(why, why_len, "%s", e.msg);
		probe_guest_close(g);
		return -1;
	}
	/* the time limit interrupts this thread's KVM_RUN, no other's */
	sev._sigev_un._tid = (pid_t)gettid();
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    timer_create(CLOCK_MONOTONIC, &sev, &g->timer) < 0) {
		snprintf(why, why_len, "timer_create: %s", strerror(errno));
		probe_guest_close(g);
		return -1;
	}
	g->has_timer = true;
	return 0;
}

void probe_guest_limit(struct probe_guest *g, unsigned seconds)
{
	struct itimerspec limit = { .it_value = { (time_t)seconds, 0 } };

	timer_settime(g->timer, 0, &limit, NULL);
}

int probe_guest_run_at(struct probe_guest *g, const struct kvm_regs *regs,
		       char *why, size_t why_len)
{
	if (ioctl(g->cpu.fd, KVM_SET_REGS, regs) < 0) {
		snprintf(why, why_len, "KVM_SET_REGS: %s", strerror(errno));
		return -1;
	}
	if (ioctl(g->cpu.fd, KVM_RUN, 0) < 0) {
		snprintf(why, why_len, errno == EINTR ?
			 "no answer within the probe's time limit" :
			 "KVM_RUN: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void probe_guest_close(struct probe_guest *g)
{
	if (g->has_timer)
		timer_delete(g->timer);
	g->has_timer = false;
	vcpu_destroy(&g->cpu, g->kvm->run_size);
	vm_destroy(&g->vm);
}

/*
 * Runs the probe loop N times from the entry; returns its time in ns, or -1
 * with P->why set if the guest did not reach its EXIT hypercall.
 */
static double probe_loop(struct probe_guest *g, size_t off, uint32_t n,
			 struct probe *p)
{
	struct vcpu *cpu = &g->cpu;
	struct kvm_regs regs;
	double t0, t1;

	memcpy(g->vm.mem + PROBE_GPA + off, &n, sizeof n);
	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) < 0) {
		snprintf(p->why, sizeof p->why, "KVM_GET_REGS: %s", strerror(errno));
		return -1;
	}
	regs.rip = PROBE_GPA;
	t0 = (double)stats_now();
	if (probe_guest_run_at(g, &regs, p->why, sizeof p->why) < 0)
		return -1;
	t1 = (double)stats_now();
	if (cpu->run->exit_reason == KVM_EXIT_IO && cpu->run->io.port == HC_PORT)
		return t1 - t0;
	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) == 0 && regs.rip == PROBE_GPA)
		snprintf(p->why, sizeof p->why, "%s at the first instruction",
			 kvm_exit_reason_name(cpu->run->exit_reason));
	else
		snprintf(p->why, sizeof p->why, "%s at RIP 0x%llx",
			 kvm_exit_reason_name(cpu->run->exit_reason),
			 (unsigned long long)regs.rip);
	return -1;
}

void probe_run(const struct kvm *kvm, enum probe_mode mode, struct probe *p)
{
	size_t off = probes[mode].n_at;
	struct probe_guest g;
	double base, t = 0;
	uint32_t n;

	memset(p, 0, sizeof *p);
	if (probe_guest_open(&g, kvm, mode, probes[mode].code, probes[mode].len,
			     p->why, sizeof p->why) < 0)
		return;
	if (mode == PROBE_PROTECTED_INTERRUPTS)
		probe_write_idt(g.vm.mem);
	probe_guest_limit(&g, PROBE_LIMIT_S);
	/* the time of one loop is the cost of entering and leaving */
	base = probe_loop(&g, off, 1, p);
	for (n = 1000; base >= 0 && n <= 1000000000u; n *= 10) {
		t = probe_loop(&g, off, n, p);
		if (t < 0 || t - base >= PROBE_MIN_NS)
			break;
	}
	if (base >= 0 && t > 0) {
		p->runs = true;
		p->ns_per_insn = t > base ? (t - base) / (2.0 * (n - 1)) : 0;
		p->native = p->ns_per_insn < NATIVE_NS;
	} else if (base >= 0 && p->why[0] != '\0' && strstr(p->why, "time limit")) {
		/* the first loop ran: slow, but it runs */
		p->runs = true;
		p->why[0] = '\0';
	}
	probe_guest_close(&g);
}

/* What probe_mode_learn found: 0 not asked, 1 runs, -1 does not. */
static signed char learnt[PROBE_MODES];

void probe_mode_learn(const struct kvm *kvm, enum probe_mode mode)
{
	struct probe_guest g;
	struct probe p;

	memset(&p, 0, sizeof p);
	learnt[mode] = -1;
	if (probe_guest_open(&g, kvm, mode, probes[mode].code, probes[mode].len,
			     p.why, sizeof p.why) < 0)
		return;
	if (mode == PROBE_PROTECTED_INTERRUPTS)
		probe_write_idt(g.vm.mem);
	probe_guest_limit(&g, PROBE_LIMIT_S);
	if (probe_loop(&g, probes[mode].n_at, 1, &p) >= 0)	/* once round: it runs */
		learnt[mode] = 1;
	probe_guest_close(&g);
}

bool probe_mode_runs(enum probe_mode mode)
{
	struct kvm kvm;
	struct err e;
	struct probe p;

	if (learnt[mode] != 0)
		return learnt[mode] > 0;
	if (kvm_open(&kvm, &e) < 0)
		return false;
	probe_run(&kvm, mode, &p);
	kvm_close(&kvm);
	return p.runs;
}

