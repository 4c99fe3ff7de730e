/* uart.c - a polling-only 16550A (see uart.h). */
#include "uart.h"

#include "guest.h"
#include "minikvm.h"

/* Register offsets, PC16550D table 2. */
enum {
	REG_RBR_THR_DLL = 0, REG_IER_DLM = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NO_INT 0x01
#define IIR_FIFO 0xc0
#define MCR_LOOP 0x10
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_DCD 0x80

void uart_init(struct uart *u, struct guest *g)
{
	*u = (struct uart){ .g = g, .lcr = 0x03, .dll = 0x0c };
}

static uint8_t uart_read(struct uart *u, unsigned reg)
{
	struct guest *g = u->g;
	bool dlab = u->lcr & LCR_DLAB;
	int c;

	switch (reg) {
	case REG_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		if (!g->has_stdin || !console_peek(g->con))
			return 0;
		/* a byte is waiting, or the end of input: then EOT, once */
		c = console_getc(g->con, &g->stop);
		return c >= 0 ? (uint8_t)c : HC_EOT;
	case REG_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return IIR_NO_INT | ((u->fcr & 1) ? IIR_FIFO : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT |
		       (g->has_stdin && console_peek(g->con) ? LSR_DR : 0);
	case REG_MSR:
		/* modem lines up; in loopback they mirror MCR's outputs */
		if (u->mcr & MCR_LOOP)
			return (uint8_t)(((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) |
					 ((u->mcr & 0x08) << 4) | ((u->mcr & 0x04) << 4));
		return MSR_CTS | MSR_DSR | MSR_DCD;
	default:
		return u->scr;
	}
}

static void uart_write(struct uart *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR_DLL:
		if (dlab)
			u->dll = v;
		else
			console_putc(u->g->out, v);
		break;
	case REG_IER_DLM:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case REG_IIR_FCR:
		u->fcr = v;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_LSR:
	case REG_MSR:
		break;	/* read-only */
	default:
		u->scr = v;
		break;
	}
}

enum io_result uart_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write)
{
	struct uart *u = owner;

	/* A wider access touches consecutive registers, as on the ISA bus. */
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = (unsigned)((offset + i) % UART_PORTS);

		if (is_write)
			uart_write(u, reg, data[i]);
		else
			data[i] = uart_read(u, reg);
	}
	return IO_OK;
}
