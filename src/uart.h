/*
 * uart.h - COM1, a 16550A UART at ports 0x3F8-0x3FF, enough for a polling
 * driver: THR writes go to the console, LSR always reports the transmitter
 * empty and data-ready when input is waiting, RBR returns the input byte
 * (and 0x04, EOT, once at the end of input),
 * and the other registers (IER, IIR/FCR, LCR with DLAB, MCR, MSR, SCR) read
 * back what a driver expects.  No interrupts yet.
 * Register map: National Semiconductor PC16550D datasheet, table 2.
 */
#ifndef MINIKVM_UART_H
#define MINIKVM_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define UART_COM1_BASE 0x3f8
#define UART_PORTS 8

struct guest;

struct uart {
	struct guest *g;
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
};

/* uart_init - reset state (9600 baud divisor, 8N1 as a BIOS leaves it). */
void uart_init(struct uart *u, struct guest *g);

/* uart_io - the bus handler for the eight UART ports (see bus.h). */
enum io_result uart_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write);

#endif
