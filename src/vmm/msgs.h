/*
 * msgs.h - the main thread's own messages on stderr during a run (the
 * timeout, a signal, the stats table).  While the run goes on they are
 * ordinary blocking writes: a slow reader is waited for.  Once it is
 * stopping (msgs_bound) they may block only until a deadline, after which
 * what stderr does not take at once is dropped: a stop must end the run
 * however stuck stderr is (a full pipe, a stopped terminal).
 */
#ifndef MINIKVM_MSGS_H
#define MINIKVM_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct msgs {
	uint64_t deadline;	/* 0: no bound; else CLOCK_MONOTONIC ns */
	timer_t timer;		/* interrupts a write blocked past it */
	bool timer_ok;
	bool gave_up;		/* a write blocked past it: drop the rest */
};

/*
 * msgs_bound - from now on, messages may block until BOUND_NS from now:
 * a POSIX timer sends SIGNO (whose handler must not have SA_RESTART, so a
 * blocked write(2) returns EINTR) to the calling thread at that deadline
 * and every KICK_NS after it, so a write that blocks just after one signal
 * is released by the next.  Without a timer (timer_create failed) messages
 * are not bounded.  A second call changes nothing.
 */
void msgs_bound(struct msgs *ms, int signo, uint64_t bound_ns, long kick_ns);

/*
 * say_raw - writes LEN bytes of BUF on stderr, within MS's bound.  Returns
 * 0, also when the bound cut it short or stderr's reader went away
 * (EPIPE), or -1 if stderr failed otherwise (a full disk: ENOSPC).
 */
int say_raw(struct msgs *ms, const char *buf, size_t len);

/* say - one message (FMT ends with its newline), within MS's bound. */
void say(struct msgs *ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* msgs_end - deletes the timer; call before the thread goes on to other
 * blocking work. */
void msgs_end(struct msgs *ms);

#endif
