/* trace.c - decoding VM exits for people (see trace.h). */
#define _GNU_SOURCE
#include "trace.h"

#include <linux/kvm.h>
#include <string.h>

#include "guest.h"
#include "hypercall.h"
#include "minikvm.h"
#include "uart.h"

int trace_parse(const char *arg, struct trace *t, const char **file)
{
	static const struct {
		const char *word;
		unsigned mask;
	} words[] = {
		{ "io", TRACE_IO }, { "mmio", TRACE_MMIO }, { "hlt", TRACE_HLT },
		{ "other", TRACE_OTHER }, { "all", TRACE_ALL },
	};
	char buf[128], *save = NULL;
	unsigned mask = 0;

	*file = NULL;
	t->mask = TRACE_ALL;
	if (arg == NULL || arg[0] == '\0')
		return 0;
	if (strlen(arg) >= sizeof buf) {
		*file = arg;
		return 0;
	}
	snprintf(buf, sizeof buf, "%s", arg);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strcmp(w, words[i].word) == 0)
				break;
		if (i == sizeof words / sizeof words[0]) {
			*file = arg;	/* not a filter: a file name */
			return 0;
		}
		mask |= words[i].mask;
	}
	if (mask == 0)
		return -1;
	t->mask = mask;
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
static void io_meaning(char *buf, size_t len, struct guest *g, uint16_t port,
		       const uint8_t *data, bool out)
{
	const struct kvm_regs *r = &g->vm.run->s.regs.regs;
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

void trace_exit(const struct trace *t, struct guest *g, enum io_result res)
{
	struct kvm_run *run = g->vm.run;
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
		io_meaning(meaning, sizeof meaning, g, run->io.port, data, out);
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
	if (g->mode == CPU_MODE_REAL)
		snprintf(where, sizeof where, "cs:ip=%04x:%04llx", s->cs.selector,
			 (unsigned long long)r->rip);
	else
		snprintf(where, sizeof where, "cs:rip=%04x:%08llx", s->cs.selector,
			 (unsigned long long)r->rip);
	fprintf(t->out, "vcpu%u #%llu %s  %s%s\n", g->index,
		(unsigned long long)g->stats.exits, what, where,
		res == IO_EXIT ? "  -> vCPU done" : res == IO_FAULT ? "  -> guest error" : "");
}
