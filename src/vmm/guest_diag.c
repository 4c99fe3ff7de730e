/*
 * guest_diag.c - what minikvm says about a guest: where a vCPU is (CS:IP of
 * the instruction that exited), one-line diagnoses with the registers,
 * repeated notes counted, and the explanation of a fault this host's KVM
 * causes (see guest.h and guest_impl.h).
 */
#define _GNU_SOURCE
#include "vmm/guest_impl.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "boot/cpu.h"
#include "vmm/probe.h"
#include "vmm/sandbox.h"

#define CR0_PG (1ull << 31)

/*
 * Copies N bytes of guest memory at linear address LIN (through the
 * guest's page tables if it pages: KVM_TRANSLATE, page by page) into BUF;
 * false if any of them is not RAM.
 */
static bool guest_read_linear(struct vcpu *c, const struct kvm_sregs *s,
			      uint64_t lin, uint8_t *buf, size_t n)
{
	while (n > 0) {
		uint64_t gpa = lin;
		size_t chunk = 0x1000 - (lin & 0xfff);
		const uint8_t *p;

		if (s->cr0 & CR0_PG) {
			struct kvm_translation tr = { .linear_address = lin };

			if (ioctl(c->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
				return false;
			gpa = tr.physical_address;
		}
		if (chunk > n)
			chunk = n;
		if ((p = vm_gpa_to_hva(&c->g->vm, gpa, chunk)) == NULL)
			return false;
		memcpy(buf, p, chunk);
		buf += chunk;
		lin += chunk;
		n -= chunk;
	}
	return true;
}

/*
 * Decodes the port I/O instruction in B (N bytes; Intel SDM Vol. 2A/2B
 * "IN", "INS", "OUT", "OUTS"): its length, or 0 if it is none.  *OUT: a
 * write; *IMM: its immediate port, or -1 for the DX forms.
 */
static unsigned io_insn_decode(const uint8_t *b, unsigned n, bool long_mode,
			       bool *out, int *imm)
{
	unsigned i = 0;

	/* operand/address size, segment, lock and rep prefixes; REX in long mode */
	while (i < n &&
	       (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf2 || b[i] == 0xf3 ||
		b[i] == 0xf0 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
		b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65 ||
		(long_mode && (b[i] & 0xf0) == 0x40)))
		i++;
	if (i >= n)
		return 0;
	*imm = -1;
	switch (b[i]) {
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* in/out with imm8 */
		if (i + 1 >= n)
			return 0;
		*out = b[i] >= 0xe6;
		*imm = b[i + 1];
		return i + 2;
	case 0xec: case 0xed: case 0xee: case 0xef:	/* in/out with DX */
		*out = b[i] >= 0xee;
		return i + 1;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:	/* ins/outs */
		*out = b[i] >= 0x6e;
		return i + 1;
	default:
		return 0;
	}
}

/*
 * Whether this host's KVM has already moved RIP past an OUT when it exits
 * to minikvm.  KVM on VT-x/AMD-V completes (and skips) the instruction on
 * the next KVM_RUN, so RIP is the OUT itself; kvm_pvm skips it first.
 * Learnt once, from a two-byte guest, the first time it matters.
 */
static bool out_rip_advanced;
static pthread_once_t out_rip_once = PTHREAD_ONCE_INIT;
static const struct kvm *out_rip_kvm;

static void out_rip_probe(void)
{
	static const uint8_t code[] = { 0xee, 0xf4 };	/* out %al, (%dx); hlt */
	struct cpu_boot boot = { 0 };
	struct kvm_regs r;
	struct err e;
	struct vcpu cpu;
	struct vm vm;

	vcpu_init(&cpu, NULL, 0, 0, 1);
	if (vm_create(&vm, out_rip_kvm, 0x1000, 0, &e) == 0 &&
	    vcpu_create(&cpu, &vm, &e) == 0) {
		memcpy(vm.mem, code, sizeof code);
		boot.mem = vm.mem;
		boot.mem_size = vm.mem_size;
		if (cpu_setup_real_mode(cpu.fd, &boot, &e) == 0 &&
		    ioctl(cpu.fd, KVM_RUN, 0) == 0 &&
		    cpu.run->exit_reason == KVM_EXIT_IO &&
		    ioctl(cpu.fd, KVM_GET_REGS, &r) == 0)
			out_rip_advanced = r.rip == 1;
	}
	vcpu_destroy(&cpu, out_rip_kvm->run_size);
	vm_destroy(&vm);
}

/*
 * Under the sandbox the host facts are learnt beside the guests' first
 * instructions, by a thread of their own (their VMs take a millisecond or
 * more to make), which those who need a fact wait for (diag_wait).
 */
static pthread_t diag_thread;
static bool diag_started, diag_done, diag_protected;
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t diag_cond = PTHREAD_COND_INITIALIZER;

static void *diag_probe_main(void *arg)
{
	(void)arg;
	sandbox_enter_service(SANDBOX_PROBE, "the probe thread");
	pthread_once(&out_rip_once, out_rip_probe);
	if (diag_protected) {	/* what guest_explain_fault may ask */
		probe_mode_learn(out_rip_kvm, PROBE_PROTECTED_INTERRUPTS);
		probe_mode_learn(out_rip_kvm, PROBE_PROTECTED_PAGING);
	}
	pthread_mutex_lock(&diag_lock);
	diag_done = true;
	pthread_cond_broadcast(&diag_cond);
	pthread_mutex_unlock(&diag_lock);
	return NULL;
}

void guest_diag_prepare(const struct kvm *kvm, bool protected_mode)
{
	sigset_t all, old;

	out_rip_kvm = kvm;
	diag_protected = protected_mode;
	/* its probes' time limit is a SIGALRM for the thread; the rest are
	 * the main thread's (signalfd) and the processors' */
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	diag_started = pthread_create(&diag_thread, NULL, diag_probe_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!diag_started)
		diag_probe_main(NULL);	/* no thread: learn them now */
}

/* Waits until the host facts are learnt, if a thread is learning them. */
static void diag_wait(void)
{
	if (!diag_started)
		return;
	pthread_mutex_lock(&diag_lock);
	while (!diag_done)
		pthread_cond_wait(&diag_cond, &diag_lock);
	pthread_mutex_unlock(&diag_lock);
}

void guest_diag_finish(void)
{
	if (diag_started)
		pthread_join(diag_thread, NULL);
	diag_started = false;
}

uint64_t guest_exit_ip(struct vcpu *c, const struct kvm_regs *r,
		       const struct kvm_sregs *s)
{
	const struct kvm_run *run = c->run;
	uint64_t lin = s->cs.base + r->rip;
	uint8_t b[16];
	bool out;
	int imm;

	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT)
		return r->rip;
	diag_wait();
	if (!diag_started)
		out_rip_kvm = c->g->vm.kvm;
	pthread_once(&out_rip_once, out_rip_probe);
	if (!out_rip_advanced)
		return r->rip;
	/* find the OUT that ends at RIP: the shortest one that fits */
	for (unsigned back = 1; back <= 15 && back <= lin; back++) {
		if (!guest_read_linear(c, s, lin - back, b, back))
			break;
		if (io_insn_decode(b, back, s->cs.l, &out, &imm) == back && out &&
		    (imm < 0 || (unsigned)imm == run->io.port))
			return r->rip - back;
	}
	return r->rip;
}

/*
 * Writes " at CS:IP ssss:iiii" for where the vCPU is now into BUF (LEN
 * bytes), or "" if KVM will not say; S and R, if not NULL, receive the
 * registers.  AT_EXIT: while an exit is handled (guest_exit_ip).  Returns
 * whether they were read.
 */
static bool guest_where(struct vcpu *c, char *buf, size_t len,
			struct kvm_sregs *s, struct kvm_regs *r, bool at_exit)
{
	struct kvm_sregs s0;
	struct kvm_regs r0;

	s = s ? s : &s0;
	r = r ? r : &r0;
	buf[0] = '\0';
	if (ioctl(c->fd, KVM_GET_SREGS, s) != 0 ||
	    ioctl(c->fd, KVM_GET_REGS, r) != 0)
		return false;
	snprintf(buf, len, " at CS:IP %04x:%04llx", s->cs.selector,
		 (unsigned long long)(at_exit ? guest_exit_ip(c, r, s) : r->rip));
	return true;
}

/*
 * Prints WHAT with the vCPU's name and CS:IP; then NOTE (a line that
 * explains, or NULL); then, if REGISTERS, the register dump.  One fprintf:
 * stderr is locked per call, so two vCPUs' reports never interleave.
 */
static void guest_report(struct vcpu *c, bool registers, const char *note,
			 const char *what)
{
	const char *name = c->name;
	struct kvm_sregs s;
	struct kvm_regs r;
	char where[64] = "", line[256] = "", dump[600] = "";
	bool have;

	console_flush(&c->out);	/* its output before the message */
	if (c->g != NULL)
		uart_flush(&c->g->uart);
	have = guest_where(c, where, sizeof where, &s, &r, true);
	if (note != NULL)
		snprintf(line, sizeof line, "minikvm: %s: %s\n", name, note);
	if (registers && have)
		snprintf(dump, sizeof dump,
			 "minikvm: %s:   eax=%08llx ebx=%08llx ecx=%08llx edx=%08llx\n"
			 "minikvm: %s:   esi=%08llx edi=%08llx ebp=%08llx esp=%08llx\n"
			 "minikvm: %s:   eip=%08llx eflags=%08llx cr0=%08llx cr3=%08llx cr4=%08llx\n"
			 "minikvm: %s:   cs=%04x ds=%04x es=%04x ss=%04x fs=%04x gs=%04x efer=%llx\n",
			 name, (unsigned long long)r.rax, (unsigned long long)r.rbx,
			 (unsigned long long)r.rcx, (unsigned long long)r.rdx,
			 name, (unsigned long long)r.rsi, (unsigned long long)r.rdi,
			 (unsigned long long)r.rbp, (unsigned long long)r.rsp,
			 name, (unsigned long long)r.rip, (unsigned long long)r.rflags,
			 (unsigned long long)s.cr0, (unsigned long long)s.cr3,
			 (unsigned long long)s.cr4,
			 name, s.cs.selector, s.ds.selector, s.es.selector,
			 s.ss.selector, s.fs.selector, s.gs.selector,
			 (unsigned long long)s.efer);
	fprintf(stderr, "minikvm: %s: %s%s\n%s%s", name, what, where, line, dump);
}

void guest_diagnose(struct vcpu *c, bool registers, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	guest_report(c, registers, NULL, what);
}

/* How many diagnoses of each kind a guest gets before they are counted. */
static const unsigned guest_note_limit[GUEST_NOTE_KINDS] = {
	[GUEST_NOTE_UNKNOWN_HYPERCALL] = 10,
	[GUEST_NOTE_IN_WITHOUT_GETCHAR] = 1,
	[GUEST_NOTE_DISK_ERROR] = 10,
};

void guest_note(struct vcpu *c, enum guest_note_kind kind, const char *fmt, ...)
{
	struct guest *g = c->g;
	char what[512];
	va_list ap;

	/* one count per guest, whichever processor repeats the note */
	if (atomic_load(&g->notes_shown[kind]) >= guest_note_limit[kind] ||
	    atomic_fetch_add(&g->notes_shown[kind], 1) >= guest_note_limit[kind]) {
		atomic_fetch_add(&g->notes_hidden[kind], 1);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	guest_report(c, false, NULL, what);
}

/* At the guest's end: one line for each kind of note over its limit. */
void guest_notes_summary(const struct guest *g)
{
	static const char *const what[GUEST_NOTE_KINDS] = {
		[GUEST_NOTE_UNKNOWN_HYPERCALL] = "unknown hypercalls",
		[GUEST_NOTE_IN_WITHOUT_GETCHAR] = "INs from the hypercall port without GETCHAR",
		[GUEST_NOTE_DISK_ERROR] = "disk I/O errors",
	};

	for (unsigned k = 0; k < GUEST_NOTE_KINDS; k++)
		if (atomic_load(&g->notes_hidden[k]) > 0)
			fprintf(stderr, "minikvm: vcpu%u: and %llu more %s like this (not shown)\n",
				g->index, (unsigned long long)atomic_load(&g->notes_hidden[k]),
				what[k]);
}

/*
 * For the timeout message: where a stopped vCPU was, and whether it was
 * halted waiting for an interrupt (the in-kernel LAPIC runs HLT: KVM's
 * MP state says so) rather than running.
 */
void guest_where_stopped(struct vcpu *c)
{
	struct kvm_mp_state mp;
	size_t n;

	guest_where(c, c->stopped_at, sizeof c->stopped_at, NULL, NULL, false);
	n = strlen(c->stopped_at);
	if (ioctl(c->fd, KVM_GET_MP_STATE, &mp) == 0) {
		const char *how = mp.mp_state == KVM_MP_STATE_HALTED ?
				  ", halted waiting for an interrupt" :
				  mp.mp_state == KVM_MP_STATE_INIT_RECEIVED ||
				  mp.mp_state == KVM_MP_STATE_UNINITIALIZED ?
				  ", waiting for a STARTUP IPI" : "";

		snprintf(c->stopped_at + n, sizeof c->stopped_at - n, "%s", how);
	}
}

/*
 * True if the instruction at RIP, or the one just before it, is a `mov
 * %reg, %cr0` (0F 22 /r, ModRM mod 11 and reg 0: Intel SDM Vol. 2B "MOV
 * -- Move to/from Control Registers") whose source register has PG (bit
 * 31) set: the guest has just turned paging on.
 */
static bool guest_just_set_pg(struct vcpu *c, const struct kvm_sregs *s,
			      const struct kvm_regs *r)
{
	const uint64_t gpr[8] = { r->rax, r->rcx, r->rdx, r->rbx,
				  r->rsp, r->rbp, r->rsi, r->rdi };
	uint64_t lin = s->cs.base + r->rip;
	uint8_t b[3];

	for (uint64_t back = 0; back <= 3; back += 3) {
		if (lin < back || !guest_read_linear(c, s, lin - back, b, sizeof b))
			continue;
		if (b[0] == 0x0f && b[1] == 0x22 && (b[2] & 0xf8) == 0xc0 &&
		    (gpr[b[2] & 7] & CR0_PG))
			return true;
	}
	return false;
}

/*
 * Some KVMs refuse 32-bit paging: kvm_pvm shuts a protected-mode guest down
 * as soon as paging is on (and may report CR0 without PG afterwards).  If a
 * protected-mode guest dies on such a host, say so: the guest is probably
 * fine and needs VT-x/AMD-V.
 */
static const char *guest_explain_fault(struct vcpu *c)
{
	struct guest *g = c->g;
	struct kvm_sregs s;
	struct kvm_regs r;
	uint8_t at[1];

	if (g->mode != CPU_MODE_PROTECTED ||
	    ioctl(c->fd, KVM_GET_SREGS, &s) < 0 ||
	    ioctl(c->fd, KVM_GET_REGS, &r) < 0)
		return NULL;
	/* kvm_pvm's emulator cannot do int/iret in protected-mode ring 0 */
	if (c->run->exit_reason == KVM_EXIT_INTERNAL_ERROR && !(s.cr0 & CR0_PG) &&
	    guest_read_linear(c, &s, s.cs.base + r.rip, at, sizeof at) &&
	    (at[0] == 0xcf || at[0] == 0xcd) &&	/* iret, int n */
	    (diag_wait(), !probe_mode_runs(PROBE_PROTECTED_INTERRUPTS)))
		return "this host's KVM cannot emulate interrupts (int/iret) in protected-mode ring 0; the guest needs VT-x/AMD-V (see 'minikvm doctor')";
	/* Paging is blamed only if it was on: minikvm turned it on, or CR0
	 * says so, or the guest has just set CR0.PG (kvm_pvm clears PG in the
	 * state it reports, so look at the instruction).  A CR3 or CR4 loaded
	 * without PG proves nothing. */
	if (!g->paging && !(s.cr0 & CR0_PG) && !guest_just_set_pg(c, &s, &r))
		return NULL;
	diag_wait();
	if (probe_mode_runs(PROBE_PROTECTED_PAGING))
		return NULL;
	return "this host's KVM refuses 32-bit paging, which this guest turns on; it needs VT-x/AMD-V (see 'minikvm doctor')";
}

/* True if the vCPU is at the x86 reset vector: F000:FFF0, CR0 0x60000010. */
static bool guest_in_reset_state(struct vcpu *c)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	return ioctl(c->fd, KVM_GET_SREGS, &s) == 0 &&
	       ioctl(c->fd, KVM_GET_REGS, &r) == 0 &&
	       s.cs.selector == 0xf000 && r.rip == 0xfff0 && s.cr0 == 0x60000010;
}

/* A guest failure the VMM cannot handle: diagnose, with registers. */
enum guest_status guest_fault(struct vcpu *c)
{
	struct guest *g = c->g;
	struct kvm_run *run = c->run;
	unsigned reason = run->exit_reason;
	const char *note = NULL;
	char what[256];

	if (g->is_linux && reason == KVM_EXIT_SHUTDOWN) {
		/* Linux's last way to reboot (reboot=t, or after the others) */
		g->end_note = "the guest reset the machine (triple fault)";
		return GUEST_DONE;
	}
	switch (reason) {
	case KVM_EXIT_SHUTDOWN:
		snprintf(what, sizeof what, "guest fault: triple fault (KVM_EXIT_SHUTDOWN)");
		if (guest_in_reset_state(c))
			note = "KVM reset the vCPU at the shutdown (as on AMD SVM): the CS:IP and registers are the reset state, not where the guest failed";
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		/* kvm_pvm reports a triple fault this way (host-kvm.md) */
		snprintf(what, sizeof what, "guest fault: triple fault or an instruction KVM cannot emulate (KVM_EXIT_INTERNAL_ERROR, suberror %u)",
			 run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof what, "guest fault: the CPU refused to enter the guest (KVM_EXIT_FAIL_ENTRY, reason 0x%llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		snprintf(what, sizeof what, "guest fault: unhandled VM exit %s (%u)",
			 kvm_exit_reason_name(reason), reason);
		guest_report(c, true, NULL, what);
		return GUEST_FAILED;
	}
	guest_report(c, true, note ? note : guest_explain_fault(c), what);
	return GUEST_FAILED;
}
