/*
 * ticker.h - periodic callbacks on one thread of their own: the interrupt
 * timers of a run (timer.period raises IRQ 0 of each guest's PIC).  Each
 * tick source is a timerfd(2); one thread waits on all of them with
 * epoll(7), so a slow or stopped vCPU never delays another's interrupts and
 * no vCPU thread ever blocks on a timer.
 */
#ifndef MINIKVM_TICKER_H
#define MINIKVM_TICKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tick {
	int fd;				/* the timerfd */
	void (*fire)(void *ctx);	/* called on the ticker thread */
	void *ctx;
};

struct ticker {
	int epfd;
	int stop_fd;		/* eventfd: written to end the thread */
	pthread_t thread;
	bool started;
	size_t n, cap;
	struct tick *ticks;
};

/* ticker_init - an empty ticker for up to CAP sources. Returns 0 or -1 (E). */
int ticker_init(struct ticker *t, size_t cap, struct err *e);

/*
 * ticker_add - a source firing FIRE(CTX) every PERIOD_NS nanoseconds, from
 * now on.  Expirations that pile up while FIRE runs are merged into one
 * call, as a PIC merges edges.  Returns the source's index, or -1 (E).
 */
int ticker_add(struct ticker *t, uint64_t period_ns, void (*fire)(void *ctx),
	       void *ctx, struct err *e);

/* ticker_start - starts the thread. Returns 0 or -1 (E). */
int ticker_start(struct ticker *t, struct err *e);

/* ticker_disarm - source I fires no more (at most one call in flight). */
void ticker_disarm(struct ticker *t, size_t i);

/* ticker_destroy - stops the thread and closes every source. */
void ticker_destroy(struct ticker *t);

#endif
