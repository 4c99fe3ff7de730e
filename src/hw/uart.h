/*
 * uart.h - COM1, a 16550A UART at ports 0x3F8-0x3FF, enough for a polling
 * driver: THR writes go to the console, LSR always reports the transmitter
 * empty and data-ready when input is waiting, RBR returns the input byte
 * (and 0x04, EOT, once at the end of input),
 * and the other registers (IER, IIR/FCR, LCR with DLAB, MCR, MSR, SCR) read
 * back what a driver expects.
 * With interrupts on (uart_enable_irq, for Linux guests), IRQ 4 of the
 * in-kernel irqchip follows the 16550's interrupt output: high while IER
 * enables "THR empty" and it is pending (set when IER enables it or a byte
 * is written, cleared by reading IIR that reports it), or enables "data
 * received" and an input byte waits; IIR reports the highest of the two.
 * Input is then held while the driver does not enable "data received" (a
 * driver probing or opening the port flushes the receiver: it would be lost).
 * Register map: National Semiconductor PC16550D datasheet, table 2.
 */
#ifndef MINIKVM_UART_H
#define MINIKVM_UART_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"
#include "vmm/console.h"

#define UART_COM1_BASE 0x3f8
#define UART_PORTS 8

struct guest;

struct uart {
	struct guest *g;
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	bool irq;		/* IRQ 4 is wired (uart_enable_irq) */
	bool thri;		/* "THR empty" interrupt pending */
	bool level;		/* what IRQ 4 was last set to */
	atomic_bool rx_ready;	/* an input byte (or the end) waits */
	pthread_mutex_t lock;	/* orders updates of IRQ 4 */
	/* Output: a one-processor guest's bytes go to its processor's
	 * channel; with several processors, to this one of its own, in the
	 * order the THR received them, whichever processor wrote each (an
	 * OS moves a process between processors mid-line). */
	bool shared_out;	/* uart_set_output was called */
	struct console_chan out;
	pthread_mutex_t out_lock;	/* orders writes to OUT */
};

/*
 * uart_set_output - for a guest with several processors: THR bytes go to
 * a channel of the UART's own in CON (console_chan_init with INDEX and
 * COLOR), in the order they were written.  Flushed by uart_flush.
 */
void uart_set_output(struct uart *u, struct console *con, unsigned index,
		     unsigned color);

/* uart_flush - writes out the UART's own channel's partial line, if any. */
void uart_flush(struct uart *u);

/* uart_enable_irq - wires the UART to IRQ 4 of the guest's irqchip. */
void uart_enable_irq(struct uart *u);

/*
 * uart_input_irq - for console_set_input_irq (CTX: the uart): input is
 * waiting; raises IRQ 4 if IER asks for it.  Runs on the console's thread.
 */
void uart_input_irq(void *ctx);

/* uart_destroy - releases the lock. */
void uart_destroy(struct uart *u);

/* uart_init - reset state (9600 baud divisor, 8N1 as a BIOS leaves it). */
void uart_init(struct uart *u, struct guest *g);

/* uart_io - the bus handler for the eight UART ports (see bus.h). */
enum io_result uart_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write);

#endif
