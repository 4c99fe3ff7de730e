/*
 * console.h - the guests' shared terminal: output per vCPU, input for one.
 *
 * Output: each vCPU writes into its own channel; a channel is flushed whole
 * lines at a time under one lock, so lines of different vCPUs never tear.
 * With prefixes on, each line is tagged "[vcpu N] "; with colour on, it is
 * wrapped in the vCPU's ANSI colour.  A partial line is flushed when its
 * vCPU waits for input or ends; if another vCPU then writes, the partial
 * line is ended first so the next one starts clean.
 *
 * Input: a reader thread copies standard input into a bounded ring buffer
 * (it stops reading while the ring is full, so memory stays bounded); the
 * one vCPU that owns stdin takes bytes from it, waiting if none is there.
 */
#ifndef MINIKVM_CONSOLE_H
#define MINIKVM_CONSOLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CONSOLE_LINE_MAX 4096	/* bytes buffered per vCPU before a flush */
#define CONSOLE_INPUT_MAX 4096	/* bytes of input read ahead */

struct console;

/* One vCPU's output channel. */
struct console_chan {
	struct console *con;
	unsigned index;		/* the vCPU's index, for the prefix */
	unsigned color;		/* ANSI SGR code: 31..37, 90..97; 0: none */
	bool line_start;	/* the next byte starts a line on the terminal */
	size_t len;
	uint8_t buf[CONSOLE_LINE_MAX];
};

struct console {
	pthread_mutex_t out_lock;
	int out_fd;		/* where guest output goes: stdout */
	bool color, prefix;
	bool out_failed;	/* a write failed (EPIPE...): output dropped */
	struct console_chan *partial;	/* left a line unfinished, or NULL */

	pthread_mutex_t in_lock;
	pthread_cond_t in_cond;	/* signalled when input arrives or stops */
	int in_fd;		/* standard input; -1: none */
	bool in_started, in_eof, in_stopping;
	uint8_t ring[CONSOLE_INPUT_MAX];
	size_t in_head, in_count;
	int stop_pipe[2];	/* a byte here ends the reader thread */
	/* input interrupts: one call per byte, the next after it is taken */
	void (*irq_fn)(void *ctx);
	void *irq_ctx;
	bool irq_pending;	/* raised, byte not yet taken */
	bool eot_raised;	/* the end of input has had its interrupt */
	bool eof_seen;		/* console_getc has returned CONSOLE_EOF */
	pthread_t in_thread;
};

/*
 * console_init - a console writing to OUT_FD with the given colour and
 * prefix choices (already resolved from auto).  IN_FD is the input for the
 * stdin vCPU, -1 for none; the reader thread starts at console_start_input.
 * Returns 0, or -1 with E set.
 */
int console_init(struct console *con, int out_fd, bool color, bool prefix,
		 int in_fd, struct err *e);

/* console_start_input - starts the reader thread if there is an input. */
int console_start_input(struct console *con, struct err *e);

/* console_chan_init - sets up vCPU INDEX's channel with colour COLOR. */
void console_chan_init(struct console *con, struct console_chan *ch,
		       unsigned index, unsigned color);

/* console_write - appends N bytes of guest output to CH; flushes lines. */
void console_write(struct console_chan *ch, const uint8_t *p, size_t n);

/* console_putc - one byte of guest output (the PUTCHAR and UART path). */
static inline void console_putc(struct console_chan *ch, uint8_t c)
{
	console_write(ch, &c, 1);
}

/* console_flush - writes out CH's partial line, if any. */
void console_flush(struct console_chan *ch);

/*
 * console_getc - the next input byte for the stdin vCPU, waiting for one;
 * returns 0..255, CONSOLE_EOF at the end of input, or CONSOLE_STOPPED if
 * *STOP became true while waiting (see console_wake).
 */
#define CONSOLE_EOF (-1)
#define CONSOLE_STOPPED (-2)
int console_getc(struct console *con, const atomic_bool *stop);

/*
 * console_set_input_irq - FN(CTX) is called once for every input byte that
 * becomes available, the next call only after the byte has been taken by
 * console_getc, and once more at the end of input (the stdin guest's
 * IRQ 1).  Call before console_start_input.  FN runs with the input lock
 * held, on the reader thread or on the thread calling console_getc.
 */
void console_set_input_irq(struct console *con, void (*fn)(void *ctx),
			   void *ctx);

/*
 * console_input_irq_again - if an input interrupt was raised and its byte
 * is still not taken, calls FN(ctx) (instead of the usual function) so the
 * caller can raise it again if its edge was lost: an edge raised before the
 * guest programmed its PIC is (machine.c checks and repeats on each tick).
 */
void console_input_irq_again(struct console *con, void (*fn)(void *ctx));

/*
 * console_peek - true if an input byte is waiting, or the end of input has
 * not been reported by console_getc yet (UART LSR.DR: a polling driver
 * then reads 0x04 once).
 */
bool console_peek(struct console *con);

/* console_wake - wakes every console_getc so it can see its stop flag. */
void console_wake(struct console *con);

/* console_destroy - stops the reader thread and releases everything. */
void console_destroy(struct console *con);

#endif
