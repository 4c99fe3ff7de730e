/* msgs.c - the main thread's own messages on stderr (see msgs.h). */
#define _GNU_SOURCE
#include "vmm/msgs.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmm/stats.h"

/* A POSIX timer signals this thread at the deadline, then every KICK_NS. */
void msgs_bound(struct msgs *ms, int signo, uint64_t bound_ns, long kick_ns)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = signo,
	};
	struct itimerspec its = { .it_interval = { 0, kick_ns } };

	if (ms->deadline != 0)
		return;
	ms->deadline = stats_now() + bound_ns;
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &ms->timer) < 0)
		return;
	ms->timer_ok = true;
	its.it_value = (struct timespec){ (time_t)(ms->deadline / 1000000000u),
					  (long)(ms->deadline % 1000000000u) };
	if (timer_settime(ms->timer, TIMER_ABSTIME, &its, NULL) < 0) {
		timer_delete(ms->timer);
		ms->timer_ok = false;
	}
}

/* A write blocked past the deadline gives up, and every later one. */
int say_raw(struct msgs *ms, const char *buf, size_t len)
{
	while (len > 0 && !ms->gave_up) {
		ssize_t n = write(STDERR_FILENO, buf, len);

		if (n < 0 && errno == EINTR) {
			ms->gave_up = ms->deadline != 0 && stats_now() >= ms->deadline;
			continue;
		}
		if (n < 0)	/* stderr itself fails: nowhere to say so */
			return errno == EPIPE ? 0 : -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Formats into memory first: one write(2) per message. */
void say(struct msgs *ms, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;	/* out of memory: the message is lost, the run goes on */
	say_raw(ms, buf, (size_t)n);
	free(buf);
}

/* The timer goes; the messages stay bounded if they were. */
void msgs_end(struct msgs *ms)
{
	if (ms->timer_ok)
		timer_delete(ms->timer);
	ms->timer_ok = false;
}
