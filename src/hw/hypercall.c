/*
 * hypercall.c - the hypercall port, 0x500: EXIT, PUTCHAR, GETCHAR, PUTNUM,
 * PUTS, EXIT_STATUS (see hypercall.h and guests/minikvm.h).
 */
#include "hw/hypercall.h"

#include <stdio.h>
#include <string.h>

#include "vmm/guest.h"
#include "minikvm.h"

const char *hypercall_name(uint8_t fn)
{
	static const char *const names[] = {
		[HC_EXIT] = "EXIT", [HC_PUTCHAR] = "PUTCHAR",
		[HC_GETCHAR] = "GETCHAR", [HC_PUTNUM] = "PUTNUM",
		[HC_PUTS] = "PUTS", [HC_EXIT_STATUS] = "EXIT_STATUS",
	};
	static __thread char unknown[8];

	if (fn < sizeof names / sizeof names[0] && names[fn] != NULL)
		return names[fn];
	snprintf(unknown, sizeof unknown, "0x%02x", fn);
	return unknown;
}

/* PUTS: EBX = GPA, ECX = length; the range must lie inside guest RAM. */
static enum io_result hc_puts(struct vcpu *c, const struct kvm_regs *r)
{
	struct guest *g = c->g;
	uint64_t gpa = (uint32_t)r->rbx, len = (uint32_t)r->rcx;
	const uint8_t *p;

	if (len > HC_PUTS_MAX) {
		guest_diagnose(c, true, "guest error: PUTS of %llu bytes (at most %u)",
			       (unsigned long long)len, HC_PUTS_MAX);
		return IO_FAULT;
	}
	if (len == 0)
		return IO_OK;
	/* RAM only, and not across the hole below 4 GiB (layout.h) */
	p = vm_gpa_to_hva(&g->vm, gpa, len);
	if (p == NULL) {
		guest_diagnose(c, true, "guest error: PUTS of 0x%llx bytes at GPA 0x%llx, outside the guest's RAM (0x%llx bytes from GPA 0%s)",
			       (unsigned long long)len, (unsigned long long)gpa,
			       (unsigned long long)g->vm.low_size,
			       g->vm.low_size < g->vm.mem_size ? ", the rest from 4 GiB" : "");
		return IO_FAULT;
	}
	console_write(&c->out, p, (size_t)len);
	return IO_OK;
}

static void hc_putnum(struct vcpu *c, uint32_t v)
{
	uint8_t buf[10];
	size_t n = sizeof buf;

	do {
		buf[--n] = (uint8_t)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	console_write(&c->out, buf + n, sizeof buf - n);
}

/*
 * IN from the port: the byte GETCHAR asked for (0..255), CONSOLE_EOF at
 * the end of input (or for a vCPU without input), or -2 without GETCHAR.
 */
static int hc_read(struct vcpu *cpu)
{
	struct guest *g = cpu->g;
	int c;

	if (!atomic_exchange(&g->getchar_pending, false)) {
		guest_note(cpu, GUEST_NOTE_IN_WITHOUT_GETCHAR,
			   "IN from the hypercall port without GETCHAR first; it reads 0xff");
		return -2;
	}
	if (!g->has_stdin)
		return CONSOLE_EOF;
	console_flush(&cpu->out);	/* a prompt must be visible before we wait */
	c = console_getc(g->con, &g->stop, guest_vcpu_kicked, cpu);
	return c >= 0 ? c : CONSOLE_EOF;
}

/*
 * A read of SIZE bytes at 0x500: `in %al` gets the byte, or 0x04 (EOT) at
 * the end of input, as the Mini-KVM guests expect; a wider `in %ax` or
 * `in %eax` gets the byte zero-extended, or all ones at the end of input,
 * a value no byte has, so a guest can tell a 0x04 in its input from the
 * end.  Without GETCHAR first, all ones.
 */
static void hc_in(struct vcpu *cpu, uint8_t *data, unsigned size)
{
	int c = hc_read(cpu);

	memset(data, c >= 0 ? 0 : 0xff, size);
	if (c >= 0)
		data[0] = (uint8_t)c;
	else if (c == CONSOLE_EOF && size == 1)
		data[0] = HC_EOT;
}

enum io_result hypercall_io(void *owner, uint64_t offset, uint8_t *data,
			    unsigned size, bool is_write)
{
	struct guest *g = owner;
	struct vcpu *c = vcpu_current();
	const struct kvm_regs *r;

	/* 0x501-0x503 only carry the upper bytes of a wide access at 0x500;
	 * and only a processor's own thread has registers to read */
	if (offset != 0 || c == NULL) {
		if (!is_write)
			memset(data, 0xff, size);
		return IO_OK;
	}
	if (!is_write) {
		hc_in(c, data, size);
		return IO_OK;
	}
	c->stats.hypercalls[data[0]]++;
	switch (data[0]) {	/* AL, whatever the access width */
	case HC_EXIT:
		return IO_EXIT;
	case HC_GETCHAR:
		atomic_store(&g->getchar_pending, true);
		return IO_OK;
	case HC_PUTCHAR:
	case HC_PUTNUM:
	case HC_PUTS:
	case HC_EXIT_STATUS:
		break;
	default:
		guest_note(c, GUEST_NOTE_UNKNOWN_HYPERCALL,
			   "unknown hypercall 0x%02x (ignored)", data[0]);
		return IO_OK;
	}
	r = guest_regs(c);
	if (r == NULL)
		return IO_FAULT;
	if (data[0] == HC_EXIT_STATUS) {
		g->exit_status = (uint8_t)r->rbx;
		return IO_EXIT;
	}
	if (data[0] == HC_PUTCHAR)
		console_putc(&c->out, (uint8_t)r->rbx);
	else if (data[0] == HC_PUTNUM)
		hc_putnum(c, (uint32_t)r->rbx);
	else
		return hc_puts(c, r);
	return IO_OK;
}
