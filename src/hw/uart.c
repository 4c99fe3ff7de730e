/* uart.c - a 16550A, polled or with IRQ 4 (see uart.h). */
#include "hw/uart.h"

#include "vmm/guest.h"
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
#define IER_RDI 0x01
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define UART_IRQ 4
#define IIR_FIFO 0xc0
#define MCR_LOOP 0x10
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_DCD 0x80

void uart_init(struct uart *u, struct guest *g)
{
	*u = (struct uart){ .g = g, .lcr = 0x03, .dll = 0x0c };
	atomic_init(&u->rx_ready, false);
	pthread_mutex_init(&u->lock, NULL);
	pthread_mutex_init(&u->out_lock, NULL);
}

void uart_destroy(struct uart *u)
{
	pthread_mutex_destroy(&u->lock);
	pthread_mutex_destroy(&u->out_lock);
}

void uart_set_output(struct uart *u, struct console *con, unsigned index,
		     unsigned color)
{
	console_chan_init(con, &u->out, index, color);
	u->shared_out = true;
}

void uart_flush(struct uart *u)
{
	if (!u->shared_out)
		return;
	pthread_mutex_lock(&u->out_lock);
	console_flush(&u->out);
	pthread_mutex_unlock(&u->out_lock);
}

void uart_enable_irq(struct uart *u)
{
	u->irq = true;
}

/* Sets IRQ 4 to the interrupt output; an edge reaches the PIC on 0 -> 1. */
static void uart_update(struct uart *u)
{
	bool level;

	if (!u->irq)
		return;
	pthread_mutex_lock(&u->lock);
	level = ((u->ier & IER_THRI) && u->thri) ||
		((u->ier & IER_RDI) && atomic_load(&u->rx_ready));
	if (level != u->level) {
		u->level = level;
		vm_irq_line(&u->g->vm, UART_IRQ, level);
	}
	pthread_mutex_unlock(&u->lock);
}

void uart_input_irq(void *ctx)
{
	struct uart *u = ctx;

	atomic_store(&u->rx_ready, true);
	uart_update(u);
}

/*
 * Input reaches the guest only if it has standard input, and with IRQ 4
 * wired only while the driver enables the receive interrupt: Linux
 * flushes the receiver (reading RBR) as it probes and opens the port,
 * which would eat the first bytes of piped input.
 */
static bool uart_rx_open(const struct uart *u)
{
	return u->g->has_stdin && (!u->irq || (u->ier & IER_RDI));
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
		if (!uart_rx_open(u) || !console_peek(g->con))
			return 0;
		/* taken: the console reports the next byte (uart_input_irq) */
		atomic_store(&u->rx_ready, false);
		/* a byte is waiting, or the end of input: then EOT, once */
		c = console_getc(g->con, &g->stop, NULL, NULL);	/* a byte waits: no wait */
		return c >= 0 ? (uint8_t)c : HC_EOT;
	case REG_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR: {
		uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;

		if ((u->ier & IER_RDI) && atomic_load(&u->rx_ready))
			return IIR_RDI | fifo;
		if ((u->ier & IER_THRI) && u->thri) {
			u->thri = false;	/* reading IIR acknowledges it */
			return IIR_THRI | fifo;
		}
		return IIR_NO_INT | fifo;
	}
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT |
		       (uart_rx_open(u) && console_peek(g->con) ? LSR_DR : 0);
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
		if (dlab) {
			u->dll = v;
		} else {
			if (u->shared_out) {
				pthread_mutex_lock(&u->out_lock);
				console_putc(&u->out, v);
				pthread_mutex_unlock(&u->out_lock);
			} else if (vcpu_current() != NULL) {
				/* the guest's only processor: its channel */
				console_putc(&vcpu_current()->out, v);
			}
			u->thri = true;		/* sent at once: THR empty again */
		}
		break;
	case REG_IER_DLM:
		if (dlab) {
			u->dlm = v;
		} else {
			/* enabling "THR empty" while it is empty raises it */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thri = true;
			u->ier = v & 0x0f;
		}
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

	/* A wider access touches consecutive registers, as on the ISA bus;
	 * the bus never hands us bytes past 0x3FF (bus_dispatch). */
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = (unsigned)(offset + i);

		if (is_write)
			uart_write(u, reg, data[i]);
		else
			data[i] = uart_read(u, reg);
	}
	uart_update(u);
	return IO_OK;
}
