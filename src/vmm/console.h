/*
 * console.h - the guests' shared terminal: output per vCPU, input for one.
 *
 * Output: each vCPU writes into its own channel.  How bytes reach the
 * output depends on what they must look like:
 *  - one vCPU, no prefix, no colour, output on a terminal ("direct"): each
 *    console_write is written at once, bytes untouched, so a guest's
 *    prompt or progress dots show as it prints them;
 *  - otherwise a channel holds its bytes until the end of a line (or
 *    CONSOLE_LINE_MAX bytes), and writes it under one lock, so lines of
 *    different vCPUs never tear.  With prefixes on, each line is tagged
 *    "[vcpu N] "; with colour on, it is wrapped in the vCPU's ANSI colour.
 *    A partial line is written when its vCPU waits for input or ends; if
 *    another vCPU then writes, the partial line is ended ("\n") first so
 *    the next one starts clean.
 * Writes that would block wait (EAGAIN: poll for POLLOUT), losing nothing;
 * once the run is stopping (console_stop) a write that blocks or is
 * interrupted gives up and later output is dropped, so a full pipe cannot
 * hold a stopping run.  A failed write (EPIPE, ENOSPC, ...) drops all later
 * output and is reported once: console_out_error, and event_fd.
 *
 * Input: nothing is read ahead.  poll(2) tells whether a byte (or the end
 * of input) is waiting without taking it, and a byte is read, with one
 * read(2) of one byte, only when the stdin guest takes it; so whatever the
 * guests do not take stays in standard input for the next program (shell
 * pipelines, `while read` loops).  With an input interrupt
 * (console_set_input_irq) a watcher thread polls standard input and raises
 * it, once per byte.
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
/*
 * After console_peek found no input, it says so again for this long
 * without asking the kernel: a driver polling COM1's LSR (Linux reads it
 * for every byte it sends) costs no poll(2) per VM exit; input is seen at
 * most this late by a guest that only polls.
 */
#define CONSOLE_PEEK_QUIET_NS 1000000ull

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
	bool tty;		/* OUT_FD is a terminal */
	unsigned chans;		/* channels set up (console_chan_init) */
	bool direct;		/* each write goes out at once (see above) */
	int out_error;		/* errno of the first failed write; 0: none */
	bool out_dropped;	/* output given up (an error, or stopping) */
	struct console_chan *partial;	/* left a line unfinished, or NULL */
	int event_fd;		/* eventfd: readable once a write has failed */
	atomic_bool stopping;	/* console_stop: the run is ending */
	int stop_fd;		/* eventfd: readable once stopping */

	pthread_mutex_t in_lock;
	pthread_cond_t in_cond;	/* signalled when a byte is taken, or a stop */
	int in_fd;		/* standard input; -1: none */
	bool in_ready;		/* poll said a byte or the end waits, unread */
	bool in_eof;		/* read(2) said end of input (or failed) */
	bool eof_seen;		/* console_getc has returned CONSOLE_EOF */
	uint64_t peek_quiet_until;	/* ns: console_peek skips poll(2) till then */
	uint64_t taken;		/* bytes taken, for the watcher's races */
	/* input interrupts: one call per byte, the next after it is taken */
	void (*irq_fn)(void *ctx);
	void *irq_ctx;
	bool irq_pending;	/* raised, byte not yet taken */
	bool watching;		/* the watcher thread runs */
	pthread_t watch_thread;
};

/*
 * console_init - a console writing to OUT_FD with the given colour and
 * prefix choices (already resolved from auto).  IN_FD is the input for the
 * stdin vCPU, -1 for none; nothing is read from it before a guest takes a
 * byte.  Returns 0, or -1 with E set (and nothing to destroy).
 */
int console_init(struct console *con, int out_fd, bool color, bool prefix,
		 int in_fd, struct err *e);

/*
 * console_start_input - starts the watcher thread that raises the input
 * interrupt, if console_set_input_irq set one.  Returns 0, or -1 with E.
 */
int console_start_input(struct console *con, struct err *e);

/*
 * console_chan_init - sets up vCPU INDEX's channel with colour COLOR.
 * Call for every channel before any output: with exactly one, no colour
 * and no prefix, output on a terminal is written at once ("direct").
 */
void console_chan_init(struct console *con, struct console_chan *ch,
		       unsigned index, unsigned color);

/*
 * console_write - N bytes of guest output on CH: written at once (direct),
 * else buffered and written a line at a time.  Write errors are recorded
 * (console_out_error), never returned: the guest goes on.
 */
void console_write(struct console_chan *ch, const uint8_t *p, size_t n);

/* console_putc - one byte of guest output (the PUTCHAR and UART path). */
static inline void console_putc(struct console_chan *ch, uint8_t c)
{
	console_write(ch, &c, 1);
}

/* console_flush - writes out CH's partial line, if any. */
void console_flush(struct console_chan *ch);

/*
 * console_out_error - 0 while output works, else the errno of the first
 * failed write (EPIPE: the reader went away).  Once it is set, event_fd is
 * readable (for poll) and all later output is dropped.
 */
int console_out_error(struct console *con);

/*
 * console_getc - the next input byte for the stdin vCPU, waiting for one
 * (reads exactly one byte from IN_FD); returns 0..255, CONSOLE_EOF at the
 * end of input (also after a read error, or without an input), or
 * CONSOLE_STOPPED if *STOP became true or console_stop was called while
 * waiting.  Only the stdin vCPU's thread calls it.  A signal while it
 * waits (the kick that stops processors for the debugger) calls
 * KICKED(ARG), if not NULL, then it waits on: the guest's IN stays
 * pending, its processor parked in the middle of it until resumed.
 */
#define CONSOLE_EOF (-1)
#define CONSOLE_STOPPED (-2)
int console_getc(struct console *con, const atomic_bool *stop,
		 void (*kicked)(void *arg), void *arg);

/*
 * console_set_input_irq - FN(CTX) is called once for every input byte that
 * becomes available, the next call only after the byte has been taken by
 * console_getc, and once more at the end of input (the stdin guest's
 * IRQ 1, or its UART's IRQ 4).  Call before console_start_input.  FN runs
 * with the input lock held, on the watcher thread (or, through
 * console_input_irq_again, on the caller's).
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
 * then reads 0x04 once).  Never blocks and takes nothing: at most one
 * poll(2) with a zero timeout, none while a byte is known to wait, and
 * none for CONSOLE_PEEK_QUIET_NS after one that found nothing.
 */
bool console_peek(struct console *con);

/*
 * console_stop - the run is ending: every console_getc returns
 * CONSOLE_STOPPED, a write waiting for room gives up, and a blocked write
 * gives up when its thread is interrupted by a signal (the caller keeps
 * interrupting the vCPU threads until they end).  Later output that can be
 * written at once still is; once a write has given up, all is dropped.
 */
void console_stop(struct console *con);

/* console_destroy - stops the watcher thread and releases everything. */
void console_destroy(struct console *con);

#endif
