/* ticker.c - timerfds on an epoll thread (see ticker.h). */
#include "vmm/ticker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "vmm/sandbox.h"

int ticker_init(struct ticker *t, size_t cap, struct err *e)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	*t = (struct ticker){ .epfd = -1, .stop_fd = -1, .cap = cap };
	t->ticks = calloc(cap ? cap : 1, sizeof *t->ticks);
	if (t->ticks == NULL)
		return err_set(e, "ticker: out of memory");
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (t->epfd < 0 || t->stop_fd < 0)
		return err_set(e, "ticker: %s", strerror(errno));
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stop_fd, &ev) < 0)
		return err_set(e, "ticker: epoll_ctl: %s", strerror(errno));
	return 0;
}

int ticker_add(struct ticker *t, uint64_t period_ns, void (*fire)(void *ctx),
	       void *ctx, struct err *e)
{
	struct itimerspec its = {
		.it_interval = { (time_t)(period_ns / 1000000000u),
				 (long)(period_ns % 1000000000u) },
	};
	struct tick *k;
	struct epoll_event ev = { .events = EPOLLIN };

	if (t->n == t->cap)
		return err_set(e, "ticker: too many sources");
	k = &t->ticks[t->n];
	k->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (k->fd < 0)
		return err_set(e, "timerfd_create: %s", strerror(errno));
	k->fire = fire;
	k->ctx = ctx;
	its.it_value = its.it_interval;
	ev.data.ptr = k;
	if (timerfd_settime(k->fd, 0, &its, NULL) < 0 ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, k->fd, &ev) < 0) {
		close(k->fd);
		return err_set(e, "timerfd: %s", strerror(errno));
	}
	return (int)t->n++;
}

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	struct epoll_event evs[16];

	sandbox_enter_service(SANDBOX_TICKER, "the timer thread");
	for (;;) {
		int n = epoll_wait(t->epfd, evs, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		for (int i = 0; i < n; i++) {
			struct tick *k = evs[i].data.ptr;
			uint64_t expirations;

			if (k == NULL)
				return NULL;	/* the stop eventfd */
			/* EAGAIN: disarmed since; nothing to deliver */
			if (read(k->fd, &expirations, sizeof expirations) ==
			    sizeof expirations)
				k->fire(k->ctx);
		}
	}
}

int ticker_start(struct ticker *t, struct err *e)
{
	int rc;

	if (t->n == 0)
		return 0;
	rc = pthread_create(&t->thread, NULL, ticker_main, t);
	if (rc != 0)
		return err_set(e, "ticker: cannot start a thread: %s", strerror(rc));
	t->started = true;
	return 0;
}

void ticker_disarm(struct ticker *t, size_t i)
{
	struct itimerspec off = { 0 };

	if (i < t->n)
		timerfd_settime(t->ticks[i].fd, 0, &off, NULL);
}

void ticker_destroy(struct ticker *t)
{
	uint64_t one = 1;

	if (t->started) {
		while (write(t->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
			;
		pthread_join(t->thread, NULL);
	}
	for (size_t i = 0; i < t->n; i++)
		close(t->ticks[i].fd);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	free(t->ticks);
	t->ticks = NULL;
	t->n = 0;
}
