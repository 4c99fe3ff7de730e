/* guest.c - one VM, one vCPU, and the VM-exit loop (see guest.h). */
#define _GNU_SOURCE
#include "guest.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "elf_image.h"
#include "probe.h"
#include "fileio.h"
#include "hypercall.h"
#include "linux.h"
#include "minikvm.h"

#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)

/* Copies the image into guest memory: a flat binary at cfg->load, or an
 * ELF image's segments where its program headers say (elf_image.h). */
static int guest_load_image(struct guest *g, const struct manifest *m,
			    const struct vcpu_config *cfg, struct err *e)
{
	uint64_t limit = m->mode == CPU_MODE_REAL ? g->vm.mem_size :
			 cpu_boot_area(m->mode, m->paging, g->vm.mem_size);
	struct elf_image *img = NULL;
	uint8_t *data = NULL;
	const char *why;
	uint64_t size;
	size_t len;
	int rc = -1;

	if (!cfg->is_elf) {
		why = file_read(cfg->image, g->vm.mem + cfg->load, limit - cfg->load, &len);
		if (why != NULL)
			return err_set(e, "image '%s': %s", cfg->image,
				       strcmp(why, "is too large") == 0 ?
				       "does not fit in the guest's memory" : why);
		return 0;
	}
	/* checked when the manifest was loaded, but the file may have changed */
	why = file_size(cfg->image, &size);
	if (why != NULL)
		return err_set(e, "image '%s': %s", cfg->image, why);
	if (size == 0 || size > ELF_MAX_FILE)
		return err_set(e, "image '%s': %llu bytes is no ELF image for minikvm",
			       cfg->image, (unsigned long long)size);
	img = malloc(sizeof *img);
	data = malloc(size);
	if (img == NULL || data == NULL) {
		err_set(e, "image '%s': out of memory", cfg->image);
		goto out;
	}
	why = file_read(cfg->image, data, size, &len);
	if (why != NULL) {
		err_set(e, "image '%s': %s", cfg->image, why);
		goto out;
	}
	if (elf_parse(data, len, m->mode, limit, img) < 0) {
		err_set(e, "image '%s': %s", cfg->image, img->why);
		goto out;
	}
	elf_load(data, img, g->vm.mem);
	rc = 0;
out:
	free(data);
	free(img);
	return rc;
}

/*
 * A Linux guest (linux.h): the bzImage and initrd into memory, the zero
 * page, and the vCPU at the 32-bit entry point, paging and interrupts
 * off, ESI = the zero page (boot.rst, "32-bit boot protocol").
 */
static int guest_load_linux(struct guest *g, const struct vcpu_config *cfg,
			    struct err *e)
{
	uint64_t top = cpu_boot_area(CPU_MODE_PROTECTED, false, g->vm.mem_size);
	uint64_t size, initrd_addr = 0, initrd_size = 0;
	struct linux_image img;
	struct cpu_boot boot;
	struct kvm_regs regs;
	uint8_t *kernel = NULL;
	const char *why;
	size_t len, initrd_len;
	int rc = -1;

	if ((why = file_size(cfg->image, &size)) != NULL)
		return err_set(e, "kernel '%s': %s", cfg->image, why);
	if ((kernel = malloc(size ? size : 1)) == NULL)
		return err_set(e, "kernel '%s': out of memory", cfg->image);
	if ((why = file_read(cfg->image, kernel, size, &len)) != NULL) {
		err_set(e, "kernel '%s': %s", cfg->image, why);
		goto out;
	}
	if (linux_parse(kernel, len, len, &img) < 0) {
		err_set(e, "kernel '%s': %s", cfg->image, img.why);
		goto out;
	}
	if (cfg->initrd != NULL) {
		if ((why = file_size(cfg->initrd, &initrd_size)) != NULL) {
			err_set(e, "initrd '%s': %s", cfg->initrd, why);
			goto out;
		}
		initrd_addr = linux_initrd_addr(&img, initrd_size, top);
		if (initrd_addr == 0) {
			err_set(e, "initrd '%s': does not fit above the kernel", cfg->initrd);
			goto out;
		}
		why = file_read(cfg->initrd, g->vm.mem + initrd_addr, top - initrd_addr,
				&initrd_len);
		if (why != NULL) {
			err_set(e, "initrd '%s': %s", cfg->initrd, why);
			goto out;
		}
		initrd_size = initrd_len;
	}
	if (linux_setup(g->vm.mem, g->vm.mem_size, kernel, len, cfg->cmdline,
			initrd_addr, initrd_size, &why) < 0) {
		err_set(e, "kernel '%s': %s", cfg->image, why);
		goto out;
	}
	boot = (struct cpu_boot){ .mem = g->vm.mem, .mem_size = g->vm.mem_size,
				  .entry = LINUX_KERNEL };
	if (cpu_setup_protected_mode(g->vm.vcpu_fd, &boot, e) < 0)
		goto out;
	if (ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &regs) < 0) {
		err_set(e, "KVM_GET_REGS: %s", strerror(errno));
		goto out;
	}
	regs.rsi = LINUX_ZERO_PAGE;
	if (ioctl(g->vm.vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		err_set(e, "KVM_SET_REGS: %s", strerror(errno));
		goto out;
	}
	rc = vm_set_cpuid(&g->vm, e);
out:
	free(kernel);
	return rc;
}

/* The keyboard controller's status and reset line (port 0x64): writing
 * 0xFE pulses the CPU's reset, which `reboot=k` (and a panic with
 * panic=-1) use; it ends the run.  Reads: ready to take a command (IBF
 * clear, so the reset goes out at once) and an output byte always
 * waiting (OBF set, port 0x60 reads all ones): Linux's i8042 driver
 * flushes, finds a buffer that never empties and reports "No controller
 * found" at once, instead of waiting 1.7 s for a controller that never
 * answers (drivers/input/serio/i8042.c, i8042_flush). */
#define KBC_STATUS_OBF 0x01	/* output buffer full; IBF (0x02) clear */

static enum io_result guest_kbc_io(void *owner, uint64_t offset, uint8_t *data,
				   unsigned size, bool is_write)
{
	struct guest *g = owner;

	(void)offset;
	if (!is_write) {
		memset(data, KBC_STATUS_OBF, size);
		return IO_OK;
	}
	if (data[0] != 0xfe)
		return IO_OK;
	g->end_note = "the guest reset the machine (keyboard controller, port 0x64)";
	return IO_EXIT;
}

/* The CMOS clock (ports 0x70-0x71, MC146818): the host's UTC time in BCD,
 * never "update in progress"; other registers read 0. */
static enum io_result guest_cmos_io(void *owner, uint64_t offset, uint8_t *data,
				    unsigned size, bool is_write)
{
	struct guest *g = owner;
	time_t now = time(NULL);
	struct tm tm;
	int v = 0;

	if (is_write) {
		if (offset == 0)
			g->cmos_index = data[0] & 0x7f;
		return IO_OK;
	}
	memset(data, 0, size);
	if (offset == 0)
		return IO_OK;
	gmtime_r(&now, &tm);
	switch (g->cmos_index) {
	case 0x00: v = tm.tm_sec; break;
	case 0x02: v = tm.tm_min; break;
	case 0x04: v = tm.tm_hour; break;
	case 0x06: v = tm.tm_wday + 1; break;
	case 0x07: v = tm.tm_mday; break;
	case 0x08: v = tm.tm_mon + 1; break;
	case 0x09: v = tm.tm_year % 100; break;
	case 0x32: v = 19 + tm.tm_year / 100; break;
	case 0x0a: data[0] = 0x26; return IO_OK;	/* 32 kHz, no update */
	case 0x0b: data[0] = 0x02; return IO_OK;	/* 24-hour, BCD */
	case 0x0d: data[0] = 0x80; return IO_OK;	/* battery good */
	default: return IO_OK;
	}
	data[0] = (uint8_t)((v / 10) << 4 | v % 10);
	return IO_OK;
}

int guest_create(struct guest *g, const struct kvm *kvm,
		 const struct manifest *m, const struct vcpu_config *cfg,
		 struct console *con, struct console_chan *out, struct err *e)
{
	struct cpu_boot boot;
	int rc;

	memset(g, 0, sizeof *g);
	vm_init(&g->vm, kvm);	/* guest_destroy() closes only what was opened */
	g->index = cfg->index;
	g->cfg = cfg;
	g->con = con;
	g->out = out;
	g->has_stdin = cfg->stdin;
	g->mode = m->mode;
	g->paging = m->paging;
	atomic_init(&g->stop, false);
	atomic_init(&g->halt_check, false);
	uart_init(&g->uart, g);

	g->is_linux = cfg->is_linux;
	/* Linux turns paging on at once: say so now, not at a triple fault */
	if (cfg->is_linux && !probe_mode_runs(PROBE_PROTECTED_PAGING))
		return err_set(e, "this host's KVM refuses 32-bit paging, which Linux turns on; it needs VT-x/AMD-V (see 'minikvm doctor --mode protected+paging')");
	if (vm_create(&g->vm, kvm, cfg->memory,
		      cfg->is_linux ? VM_PC : m->irqchip ? VM_IRQCHIP : 0, e) < 0)
		return -1;
	if (cfg->is_linux) {
		if (guest_load_linux(g, cfg, e) < 0)
			return -1;
		uart_enable_irq(&g->uart);
		if (bus_register(&g->pio, UART_COM1_BASE, UART_PORTS, &g->uart,
				 uart_io, "COM1") < 0 ||
		    bus_register(&g->pio, 0x64, 1, g, guest_kbc_io, "keyboard controller") < 0 ||
		    bus_register(&g->pio, 0x70, 2, g, guest_cmos_io, "CMOS") < 0)
			return err_set(e, "cannot register devices: out of memory");
		return 0;
	}
	if (guest_load_image(g, m, cfg, e) < 0)
		return -1;
	boot = (struct cpu_boot){
		.mem = g->vm.mem, .mem_size = g->vm.mem_size,
		.entry_cs = cfg->entry_cs, .entry = cfg->entry_ip,
		.stack = cfg->stack, .paging = m->paging,
	};
	switch (m->mode) {
	case CPU_MODE_REAL:
		rc = cpu_setup_real_mode(g->vm.vcpu_fd, &boot, e);
		break;
	case CPU_MODE_PROTECTED:
		rc = cpu_setup_protected_mode(g->vm.vcpu_fd, &boot, e);
		break;
	case CPU_MODE_LONG:
		rc = cpu_setup_long_mode(g->vm.vcpu_fd, &boot, e);
		break;
	default:
		rc = err_set(e, "no CPU mode");
		break;
	}
	if (rc < 0)
		return -1;

	if (bus_register(&g->pio, HC_PORT, HC_PORTS, g, hypercall_io, "hypercall") < 0 ||
	    bus_register(&g->pio, UART_COM1_BASE, UART_PORTS, &g->uart, uart_io,
			 "COM1") < 0)
		return err_set(e, "cannot register devices: out of memory");
	return 0;
}

const struct kvm_regs *guest_regs(struct guest *g)
{
	if (g->vm.kvm->sync_regs)
		return &g->vm.run->s.regs.regs;
	if (ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &g->regs) < 0) {
		guest_diagnose(g, false, "KVM_GET_REGS: %s", strerror(errno));
		return NULL;
	}
	return &g->regs;
}

/*
 * Copies N bytes of guest memory at linear address LIN (through the
 * guest's page tables if it pages: KVM_TRANSLATE, page by page) into BUF;
 * false if any of them is not RAM.
 */
static bool guest_read_linear(struct guest *g, const struct kvm_sregs *s,
			      uint64_t lin, uint8_t *buf, size_t n)
{
	while (n > 0) {
		uint64_t gpa = lin;
		size_t chunk = 0x1000 - (lin & 0xfff);
		const uint8_t *p;

		if (s->cr0 & CR0_PG) {
			struct kvm_translation tr = { .linear_address = lin };

			if (ioctl(g->vm.vcpu_fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
				return false;
			gpa = tr.physical_address;
		}
		if (chunk > n)
			chunk = n;
		if ((p = vm_gpa_to_hva(&g->vm, gpa, chunk)) == NULL)
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
	struct vm vm;

	if (vm_create(&vm, out_rip_kvm, 0x1000, 0, &e) == 0) {
		memcpy(vm.mem, code, sizeof code);
		boot.mem = vm.mem;
		boot.mem_size = vm.mem_size;
		if (cpu_setup_real_mode(vm.vcpu_fd, &boot, &e) == 0 &&
		    ioctl(vm.vcpu_fd, KVM_RUN, 0) == 0 &&
		    vm.run->exit_reason == KVM_EXIT_IO &&
		    ioctl(vm.vcpu_fd, KVM_GET_REGS, &r) == 0)
			out_rip_advanced = r.rip == 1;
	}
	vm_destroy(&vm);
}

uint64_t guest_exit_ip(struct guest *g, const struct kvm_regs *r,
		       const struct kvm_sregs *s)
{
	const struct kvm_run *run = g->vm.run;
	uint64_t lin = s->cs.base + r->rip;
	uint8_t b[16];
	bool out;
	int imm;

	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT)
		return r->rip;
	out_rip_kvm = g->vm.kvm;
	pthread_once(&out_rip_once, out_rip_probe);
	if (!out_rip_advanced)
		return r->rip;
	/* find the OUT that ends at RIP: the shortest one that fits */
	for (unsigned back = 1; back <= 15 && back <= lin; back++) {
		if (!guest_read_linear(g, s, lin - back, b, back))
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
static bool guest_where(struct guest *g, char *buf, size_t len,
			struct kvm_sregs *s, struct kvm_regs *r, bool at_exit)
{
	struct kvm_sregs s0;
	struct kvm_regs r0;

	s = s ? s : &s0;
	r = r ? r : &r0;
	buf[0] = '\0';
	if (ioctl(g->vm.vcpu_fd, KVM_GET_SREGS, s) != 0 ||
	    ioctl(g->vm.vcpu_fd, KVM_GET_REGS, r) != 0)
		return false;
	snprintf(buf, len, " at CS:IP %04x:%04llx", s->cs.selector,
		 (unsigned long long)(at_exit ? guest_exit_ip(g, r, s) : r->rip));
	return true;
}

/*
 * Prints WHAT with the vCPU's name and CS:IP; then NOTE (a line that
 * explains, or NULL); then, if REGISTERS, the register dump.  One fprintf:
 * stderr is locked per call, so two vCPUs' reports never interleave.
 */
static void guest_report(struct guest *g, bool registers, const char *note,
			 const char *what)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	char where[64] = "", line[256] = "", dump[600] = "";
	bool have;

	console_flush(g->out);
	have = guest_where(g, where, sizeof where, &s, &r, true);
	if (note != NULL)
		snprintf(line, sizeof line, "minikvm: vcpu%u: %s\n", g->index, note);
	if (registers && have)
		snprintf(dump, sizeof dump,
			 "minikvm: vcpu%u:   eax=%08llx ebx=%08llx ecx=%08llx edx=%08llx\n"
			 "minikvm: vcpu%u:   esi=%08llx edi=%08llx ebp=%08llx esp=%08llx\n"
			 "minikvm: vcpu%u:   eip=%08llx eflags=%08llx cr0=%08llx cr3=%08llx cr4=%08llx\n"
			 "minikvm: vcpu%u:   cs=%04x ds=%04x es=%04x ss=%04x fs=%04x gs=%04x efer=%llx\n",
			 g->index, (unsigned long long)r.rax, (unsigned long long)r.rbx,
			 (unsigned long long)r.rcx, (unsigned long long)r.rdx,
			 g->index, (unsigned long long)r.rsi, (unsigned long long)r.rdi,
			 (unsigned long long)r.rbp, (unsigned long long)r.rsp,
			 g->index, (unsigned long long)r.rip, (unsigned long long)r.rflags,
			 (unsigned long long)s.cr0, (unsigned long long)s.cr3,
			 (unsigned long long)s.cr4,
			 g->index, s.cs.selector, s.ds.selector, s.es.selector,
			 s.ss.selector, s.fs.selector, s.gs.selector,
			 (unsigned long long)s.efer);
	fprintf(stderr, "minikvm: vcpu%u: %s%s\n%s%s", g->index, what, where, line, dump);
}

void guest_diagnose(struct guest *g, bool registers, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	guest_report(g, registers, NULL, what);
}

/* How many diagnoses of each kind a guest gets before they are counted. */
static const unsigned guest_note_limit[GUEST_NOTE_KINDS] = {
	[GUEST_NOTE_UNKNOWN_HYPERCALL] = 10,
	[GUEST_NOTE_IN_WITHOUT_GETCHAR] = 1,
};

void guest_note(struct guest *g, enum guest_note_kind kind, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (g->notes_shown[kind] >= guest_note_limit[kind]) {
		g->notes_hidden[kind]++;
		return;
	}
	g->notes_shown[kind]++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	guest_report(g, false, NULL, what);
}

/* At the guest's end: one line for each kind of note over its limit. */
static void guest_notes_summary(const struct guest *g)
{
	static const char *const what[GUEST_NOTE_KINDS] = {
		[GUEST_NOTE_UNKNOWN_HYPERCALL] = "unknown hypercalls",
		[GUEST_NOTE_IN_WITHOUT_GETCHAR] = "INs from the hypercall port without GETCHAR",
	};

	for (unsigned k = 0; k < GUEST_NOTE_KINDS; k++)
		if (g->notes_hidden[k] > 0)
			fprintf(stderr, "minikvm: vcpu%u: and %llu more %s like this (not shown)\n",
				g->index, (unsigned long long)g->notes_hidden[k], what[k]);
}

/*
 * For the timeout message: where a stopped vCPU was, and whether it was
 * halted waiting for an interrupt (the in-kernel LAPIC runs HLT: KVM's
 * MP state says so) rather than running.
 */
static void guest_where_stopped(struct guest *g)
{
	struct kvm_mp_state mp;
	size_t n;

	guest_where(g, g->stopped_at, sizeof g->stopped_at, NULL, NULL, false);
	n = strlen(g->stopped_at);
	if (ioctl(g->vm.vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 &&
	    mp.mp_state == KVM_MP_STATE_HALTED)
		snprintf(g->stopped_at + n, sizeof g->stopped_at - n,
			 ", halted waiting for an interrupt");
}

/* KVM_EXIT_IO: each of COUNT accesses (a `rep ins/outs`) goes to the bus. */
static enum io_result guest_pio(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	unsigned size = run->io.size;
	uint64_t total = (uint64_t)run->io.count * size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	if (g->stats.by_port != NULL)
		g->stats.by_port[run->io.port]++;

	if (run->io.data_offset > g->vm.kvm->run_size ||
	    total > g->vm.kvm->run_size - run->io.data_offset) {
		guest_diagnose(g, true, "KVM_EXIT_IO with its data outside kvm_run");
		return IO_FAULT;
	}
	for (uint32_t i = 0; i < run->io.count; i++) {
		enum io_result r = bus_dispatch(&g->pio, run->io.port,
						data + (size_t)i * size, size,
						is_write);

		if (r != IO_OK)
			return r;
	}
	return IO_OK;
}


/*
 * True if the instruction at RIP, or the one just before it, is a `mov
 * %reg, %cr0` (0F 22 /r, ModRM mod 11 and reg 0: Intel SDM Vol. 2B "MOV
 * -- Move to/from Control Registers") whose source register has PG (bit
 * 31) set: the guest has just turned paging on.
 */
static bool guest_just_set_pg(struct guest *g, const struct kvm_sregs *s,
			      const struct kvm_regs *r)
{
	const uint64_t gpr[8] = { r->rax, r->rcx, r->rdx, r->rbx,
				  r->rsp, r->rbp, r->rsi, r->rdi };
	uint64_t lin = s->cs.base + r->rip;
	uint8_t b[3];

	for (uint64_t back = 0; back <= 3; back += 3) {
		if (lin < back || !guest_read_linear(g, s, lin - back, b, sizeof b))
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
static const char *guest_explain_fault(struct guest *g)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	uint8_t at[1];

	if (g->mode != CPU_MODE_PROTECTED ||
	    ioctl(g->vm.vcpu_fd, KVM_GET_SREGS, &s) < 0 ||
	    ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &r) < 0)
		return NULL;
	/* kvm_pvm's emulator cannot do int/iret in protected-mode ring 0 */
	if (g->vm.run->exit_reason == KVM_EXIT_INTERNAL_ERROR && !(s.cr0 & CR0_PG) &&
	    guest_read_linear(g, &s, s.cs.base + r.rip, at, sizeof at) &&
	    (at[0] == 0xcf || at[0] == 0xcd) &&	/* iret, int n */
	    !probe_mode_runs(PROBE_PROTECTED_INTERRUPTS))
		return "this host's KVM cannot emulate interrupts (int/iret) in protected-mode ring 0; the guest needs VT-x/AMD-V (see 'minikvm doctor')";
	/* Paging is blamed only if it was on: minikvm turned it on, or CR0
	 * says so, or the guest has just set CR0.PG (kvm_pvm clears PG in the
	 * state it reports, so look at the instruction).  A CR3 or CR4 loaded
	 * without PG proves nothing. */
	if (!g->paging && !(s.cr0 & CR0_PG) && !guest_just_set_pg(g, &s, &r))
		return NULL;
	if (probe_mode_runs(PROBE_PROTECTED_PAGING))
		return NULL;
	return "this host's KVM refuses 32-bit paging, which this guest turns on; it needs VT-x/AMD-V (see 'minikvm doctor')";
}

/* True if the vCPU is at the x86 reset vector: F000:FFF0, CR0 0x60000010. */
static bool guest_in_reset_state(struct guest *g)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	return ioctl(g->vm.vcpu_fd, KVM_GET_SREGS, &s) == 0 &&
	       ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &r) == 0 &&
	       s.cs.selector == 0xf000 && r.rip == 0xfff0 && s.cr0 == 0x60000010;
}

/* A guest failure the VMM cannot handle: diagnose, with registers. */
static enum guest_status guest_fault(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
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
		if (guest_in_reset_state(g))
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
		guest_report(g, true, NULL, what);
		return GUEST_FAILED;
	}
	guest_report(g, true, note ? note : guest_explain_fault(g), what);
	return GUEST_FAILED;
}

/*
 * A Linux guest halts for good with HLT and interrupts off (its power-off
 * without ACPI is a halt: "reboot: System halted").  With the in-kernel
 * irqchip, KVM runs HLT itself and the vCPU sleeps in KVM_RUN; the machine
 * interrupts it now and then (guest_check_halt), and this looks.
 */
static bool guest_halted_for_good(struct guest *g)
{
	struct kvm_mp_state mp;
	struct kvm_regs r;

	return g->is_linux &&
	       ioctl(g->vm.vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 &&
	       mp.mp_state == KVM_MP_STATE_HALTED &&
	       ioctl(g->vm.vcpu_fd, KVM_GET_REGS, &r) == 0 &&
	       !(r.rflags & 0x200);	/* IF */
}

void guest_check_halt(struct guest *g)
{
	atomic_store(&g->halt_check, true);
}

enum guest_status guest_run(struct guest *g)
{
	struct kvm_run *run = g->vm.run;
	struct vcpu_stats *st = &g->stats;
	uint64_t t_exit = 0, t = 0;
	enum io_result r;
	int rc;

	if (g->trace != NULL)	/* the trace shows CS: have KVM hand it over */
		run->kvm_valid_regs |= KVM_SYNC_X86_SREGS;
	st->t_first_run = stats_now();
	for (;;) {
		if (atomic_load_explicit(&g->stop, memory_order_relaxed)) {
			/* for the timeout message: where a stuck guest was */
			guest_where_stopped(g);
			g->status = GUEST_STOPPED;
			break;
		}
		if (st->timing) {
			t = stats_now();
			if (t_exit)
				st->ns_exits += t - t_exit;
		}
		rc = ioctl(g->vm.vcpu_fd, KVM_RUN, 0);
		if (st->timing) {
			/* an interrupted KVM_RUN was time inside it too */
			t_exit = stats_now();
			st->ns_run += t_exit - t;
		}
		if (rc < 0) {
			int err = errno;

			if ((err == EINTR || err == EAGAIN) &&
			    atomic_exchange(&g->halt_check, false) &&
			    guest_halted_for_good(g)) {
				g->end_note = "the guest halted with interrupts off";
				g->status = GUEST_DONE;
				break;
			}
			if (err == EINTR || err == EAGAIN)
				continue;	/* a stop request, or a stray signal */
			guest_diagnose(g, false, "KVM_RUN: %s", strerror(err));
			g->status = GUEST_FAILED;
			break;
		}
		st->exits++;
		st->by_reason[run->exit_reason % STATS_REASONS]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			r = guest_pio(g);
			break;
		case KVM_EXIT_MMIO:
			r = bus_dispatch(&g->mmio, run->mmio.phys_addr, run->mmio.data,
					 run->mmio.len <= 8 ? run->mmio.len : 8,
					 run->mmio.is_write);
			break;
		case KVM_EXIT_HLT:
			/* no irqchip, no timer: nothing can wake it, so it is done */
			r = IO_EXIT;
			break;
		case KVM_EXIT_INTR:
			r = IO_OK;
			break;
		default:
			if (g->trace != NULL)
				trace_exit(g->trace, g, IO_FAULT);
			g->status = guest_fault(g);
			goto out;
		}
		if (g->trace != NULL)
			trace_exit(g->trace, g, r);
		if (r == IO_EXIT) {
			g->status = GUEST_DONE;
			break;
		}
		if (r == IO_FAULT) {
			g->status = GUEST_FAILED;
			break;
		}
	}
out:
	if (st->timing && t_exit)
		st->ns_exits += stats_now() - t_exit;
	st->t_end = stats_now();
	console_flush(g->out);
	guest_notes_summary(g);
	if (g->end_note != NULL && g->status == GUEST_DONE)
		fprintf(stderr, "minikvm: vcpu%u: %s: the run ends\n", g->index, g->end_note);
	return g->status;
}

void guest_stop(struct guest *g)
{
	atomic_store(&g->stop, true);
	if (g->vm.run != MAP_FAILED)
		g->vm.run->immediate_exit = 1;
}

void guest_destroy(struct guest *g)
{
	stats_free(&g->stats);
	uart_destroy(&g->uart);
	vm_destroy(&g->vm);
	bus_free(&g->pio);
	bus_free(&g->mmio);
}
