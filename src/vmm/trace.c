/* trace.c - decoding VM exits for people (see trace.h). */
#define _GNU_SOURCE
#include "vmm/trace.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "err.h"
#include "vmm/guest.h"
#include "hw/hypercall.h"
#include "minikvm.h"
#include "hw/uart.h"

int trace_parse(const char *arg, struct trace *t, const char **file, struct err *e)
{
	static const struct {
		const char *word;
		unsigned mask;
	} words[] = {
		{ "io", TRACE_IO }, { "mmio", TRACE_MMIO }, { "hlt", TRACE_HLT },
		{ "other", TRACE_OTHER }, { "all", TRACE_ALL },
	};
	static const char expected[] = "expected io, mmio, hlt, other, all or file:PATH";
	unsigned mask = 0;

	*file = NULL;
	t->mask = TRACE_ALL;
	if (arg == NULL || arg[0] == '\0')
		return 0;
	for (const char *w = arg;; w++) {
		size_t n = strcspn(w, ","), i;

		if (strncmp(w, "file:", 5) == 0) {
			/* the rest is the path: a file name may hold commas */
			if (w[5] == '\0')
				return err_set(e, "file: needs a path");
			if (strcmp(w + 5, "-") == 0)
				return err_set(e, "the trace cannot go to standard output, "
					       "where guest output goes");
			*file = w + 5;
			break;
		}
		if (n == 0)
			return err_set(e, "an empty word (%s)", expected);
		for (i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strlen(words[i].word) == n && strncmp(w, words[i].word, n) == 0)
				break;
		if (i == sizeof words / sizeof words[0])
			return err_set(e, "unknown filter word '%.*s' (%s)", (int)n, w, expected);
		mask |= words[i].mask;
		w += n;
		if (*w == '\0')
			break;
	}
	t->mask = mask ? mask : TRACE_ALL;
	return 0;
}

/* What a byte looks like in a trace: 'H', '\n' or 0x07. */
static void show_byte(char *buf, size_t len, uint8_t c)
{
	if (c == '\n')
		snprintf(buf, len, "'\\n'");
	else if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "0x%02x", c);
}

/* The meaning of a port access, after it was handled. */
static void io_meaning(char *buf, size_t len, struct vcpu *cpu, uint16_t port,
		       const uint8_t *data, bool out)
{
	const struct kvm_regs *r = &cpu->run->s.regs.regs;
	const char *name;
	char c[8];

	if (port == HC_PORT && out) {
		uint8_t fn = data[0];

		switch (fn) {
		case HC_PUTCHAR:
			show_byte(c, sizeof c, (uint8_t)r->rbx);
			snprintf(buf, len, "PUTCHAR %s", c);
			break;
		case HC_PUTNUM:
			snprintf(buf, len, "PUTNUM %u", (uint32_t)r->rbx);
			break;
		case HC_PUTS:
			snprintf(buf, len, "PUTS gpa=0x%x len=%u", (uint32_t)r->rbx,
				 (uint32_t)r->rcx);
			break;
		case HC_EXIT_STATUS:
			snprintf(buf, len, "EXIT_STATUS %u", (uint8_t)r->rbx);
			break;
		default:
			snprintf(buf, len, "%s", hypercall_name(fn));
			break;
		}
	} else if (port == HC_PORT) {
		show_byte(c, sizeof c, data[0]);
		snprintf(buf, len, "GETCHAR -> %s", c);
	} else if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORTS) {
		static const char *const regs[] = {
			"THR/RBR", "IER", "IIR/FCR", "LCR", "MCR", "LSR", "MSR", "SCR",
		};
		if (port == UART_COM1_BASE && out) {
			show_byte(c, sizeof c, data[0]);
			snprintf(buf, len, "COM1 THR %s", c);
		} else {
			snprintf(buf, len, "COM1 %s", regs[port - UART_COM1_BASE]);
		}
	} else if ((name = bus_name_at(&cpu->g->pio, port)) != NULL) {
		snprintf(buf, len, "%s", name);	/* the device that took it */
	} else {
		snprintf(buf, len, "(unclaimed)");
	}
}

static uint64_t value_of(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size <= 8 ? size : 8);
	return v;
}

void trace_exit(const struct trace *t, struct vcpu *c, enum io_result res)
{
	struct guest *g = c->g;
	struct kvm_run *run = c->run;
	const struct kvm_regs *r = &run->s.regs.regs;
	const struct kvm_sregs *s = &run->s.regs.sregs;
	char what[160], where[48];
	unsigned kind;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		const uint8_t *data = (const uint8_t *)run + run->io.data_offset;
		bool out = run->io.direction == KVM_EXIT_IO_OUT;
		char meaning[64];

		kind = TRACE_IO;
		io_meaning(meaning, sizeof meaning, c, run->io.port, data, out);
		snprintf(what, sizeof what, "IO %s 0x%x %uB%s%s=0x%0*llx %s",
			 out ? "out" : "in", run->io.port, run->io.size,
			 run->io.count > 1 ? " rep" : "",
			 run->io.size == 1 ? " al" : run->io.size == 2 ? " ax" : " eax",
			 run->io.size * 2,
			 (unsigned long long)value_of(data, run->io.size), meaning);
		if (run->io.count > 1) {
			size_t o = strlen(what);

			snprintf(what + o, sizeof what - o, " (x%u)", run->io.count);
		}
		break;
	}
	case KVM_EXIT_MMIO:
		kind = TRACE_MMIO;
		snprintf(what, sizeof what, "MMIO %s 0x%08llx %uB data=0x%llx (unbacked)",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len,
			 (unsigned long long)value_of(run->mmio.data, run->mmio.len));
		break;
	case KVM_EXIT_HLT:
		kind = TRACE_HLT;
		snprintf(what, sizeof what, "HLT");
		break;
	default:
		kind = TRACE_OTHER;
		snprintf(what, sizeof what, "%s", kvm_exit_reason_name(run->exit_reason) + 9);
		break;
	}
	if (!(t->mask & kind))
		return;
	/* real mode: a real-mode guest, or an AP not yet in protected mode */
	if (g->mode == CPU_MODE_REAL || !(s->cr0 & 1))
		snprintf(where, sizeof where, "cs:ip=%04x:%04llx", s->cs.selector,
			 (unsigned long long)guest_exit_ip(c, r, s));
	else
		snprintf(where, sizeof where, "cs:rip=%04x:%08llx", s->cs.selector,
			 (unsigned long long)guest_exit_ip(c, r, s));
	if (fprintf(t->out, "%s #%llu %s  %s%s\n", c->name,
		    (unsigned long long)c->stats.exits, what, where,
		    res == IO_EXIT ? "  -> vCPU done" : res == IO_FAULT ? "  -> guest error" : "") < 0 &&
	    t->write_errno != NULL && errno != EINTR) {
		/* EINTR: a kick (a stop, the halt check) cut the write short,
		 * which is no fault of the file */
		int none = 0;

		atomic_compare_exchange_strong(t->write_errno, &none, errno);
	}
}
