/* console.c - guest output channels and standard input (see console.h). */
#define _GNU_SOURCE
#include "vmm/console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "vmm/sandbox.h"

/* Adds 1 to eventfd FD (which then polls readable); EINTR retried. */
static void event_raise(int fd)
{
	uint64_t one = 1;

	/* an eventfd write of 1 fails only if the counter would overflow */
	while (write(fd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

int console_init(struct console *con, int out_fd, bool color, bool prefix,
		 int in_fd, struct err *e)
{
	int rc;

	memset(con, 0, sizeof *con);
	con->out_fd = out_fd;
	con->color = color;
	con->prefix = prefix;
	con->tty = isatty(out_fd);
	con->in_fd = in_fd;
	atomic_init(&con->stopping, false);
	if ((rc = pthread_mutex_init(&con->out_lock, NULL)) != 0)
		return err_set(e, "console: %s", strerror(rc));
	if ((rc = pthread_mutex_init(&con->in_lock, NULL)) != 0) {
		pthread_mutex_destroy(&con->out_lock);
		return err_set(e, "console: %s", strerror(rc));
	}
	if ((rc = pthread_cond_init(&con->in_cond, NULL)) != 0) {
		pthread_mutex_destroy(&con->in_lock);
		pthread_mutex_destroy(&con->out_lock);
		return err_set(e, "console: %s", strerror(rc));
	}
	con->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	con->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (con->event_fd < 0 || con->stop_fd < 0) {
		int err = errno;

		if (con->event_fd >= 0)
			close(con->event_fd);
		if (con->stop_fd >= 0)
			close(con->stop_fd);
		pthread_cond_destroy(&con->in_cond);
		pthread_mutex_destroy(&con->in_lock);
		pthread_mutex_destroy(&con->out_lock);
		return err_set(e, "console: eventfd: %s", strerror(err));
	}
	return 0;
}

void console_chan_init(struct console *con, struct console_chan *ch,
		       unsigned index, unsigned color)
{
	ch->con = con;
	ch->index = index;
	ch->color = con->color ? color : 0;
	ch->line_start = true;
	ch->len = 0;
	con->chans++;
	/* bytes untouched need no line structure: let a terminal see them now */
	con->direct = con->chans == 1 && !con->color && !con->prefix && con->tty;
}

/*
 * Waits until the output has room (it is O_NONBLOCK and was full).
 * Returns 0 (room, or an error condition the next write will report), -1
 * with errno if poll fails, -2 if the run is stopping.
 */
static int wait_room(struct console *con)
{
	struct pollfd fds[2] = {
		{ .fd = con->out_fd, .events = POLLOUT },
		{ .fd = con->stop_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(fds, 2, -1) >= 0)
			return fds[1].revents ? -2 : 0;
		if (errno != EINTR)
			return -1;
		if (atomic_load(&con->stopping))
			return -2;
	}
}

/*
 * Writes all of IOV (CNT entries) to the output, retrying short writes and
 * waiting for room when the output is non-blocking.  Returns 0, -1 with
 * errno when a write failed, or -2 when it gave up: a write interrupted
 * (by the machine's kick signal) while the run is stopping.
 */
static int write_all(struct console *con, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t n = writev(con->out_fd, iov, cnt);

		if (n < 0) {
			int rc;

			if (errno == EINTR) {
				if (atomic_load(&con->stopping))
					return -2;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if ((rc = wait_room(con)) < 0)
				return rc;
			continue;
		}
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Writes IOV (out_lock held) unless output was given up; records failures. */
static void out_locked(struct console *con, struct iovec *iov, int cnt)
{
	int rc;

	if (con->out_dropped)
		return;
	rc = write_all(con, iov, cnt);
	if (rc == 0)
		return;
	con->out_dropped = true;	/* never write half a stream after a gap */
	if (rc == -1) {
		con->out_error = errno ? errno : EIO;
		event_raise(con->event_fd);	/* the machine ends the run */
	}
}

/* Writes CH's buffer as one piece of a line, tagged and coloured. */
static void chan_emit(struct console_chan *ch)
{
	struct console *con = ch->con;
	char prefix[32], color[16];
	struct iovec iov[6];
	int cnt = 0;

	if (ch->len == 0)
		return;
	pthread_mutex_lock(&con->out_lock);
	if (con->partial != NULL && con->partial != ch) {
		/* another vCPU left a line open: end it so ours starts clean */
		iov[cnt++] = (struct iovec){ "\n", 1 };
		con->partial->line_start = true;
		con->partial = NULL;
	}
	if (ch->color) {
		int n = snprintf(color, sizeof color, "\033[%um", ch->color);

		iov[cnt++] = (struct iovec){ color, (size_t)n };
	}
	if (con->prefix && ch->line_start) {
		int n = snprintf(prefix, sizeof prefix, "[vcpu %u] ", ch->index);

		iov[cnt++] = (struct iovec){ prefix, (size_t)n };
	}
	ch->line_start = ch->buf[ch->len - 1] == '\n';
	if (ch->color) {
		/* reset before the newline, so no colour bleeds into the next line */
		size_t text = ch->len - ch->line_start;

		iov[cnt++] = (struct iovec){ ch->buf, text };
		iov[cnt++] = (struct iovec){ "\033[0m", 4 };
		if (ch->line_start)
			iov[cnt++] = (struct iovec){ "\n", 1 };
	} else {
		iov[cnt++] = (struct iovec){ ch->buf, ch->len };
	}
	con->partial = ch->line_start ? NULL : ch;
	out_locked(con, iov, cnt);
	pthread_mutex_unlock(&con->out_lock);
	ch->len = 0;
}

void console_write(struct console_chan *ch, const uint8_t *p, size_t n)
{
	struct console *con = ch->con;

	if (con->direct) {
		struct iovec iov = { (void *)p, n };

		if (n == 0)
			return;
		pthread_mutex_lock(&con->out_lock);
		out_locked(con, &iov, 1);
		pthread_mutex_unlock(&con->out_lock);
		return;
	}
	while (n > 0) {
		/* copy up to the next newline or until the buffer is full */
		size_t room = sizeof ch->buf - ch->len, take = n < room ? n : room;
		const uint8_t *nl = memchr(p, '\n', take);

		if (nl != NULL)
			take = (size_t)(nl - p) + 1;
		memcpy(ch->buf + ch->len, p, take);
		ch->len += take;
		p += take;
		n -= take;
		if (nl != NULL || ch->len == sizeof ch->buf)
			chan_emit(ch);
	}
}

void console_flush(struct console_chan *ch)
{
	chan_emit(ch);
}

int console_out_error(struct console *con)
{
	int err;

	pthread_mutex_lock(&con->out_lock);
	err = con->out_error;
	pthread_mutex_unlock(&con->out_lock);
	return err;
}

void console_set_input_irq(struct console *con, void (*fn)(void *ctx),
			   void *ctx)
{
	con->irq_fn = fn;
	con->irq_ctx = ctx;
}

void console_input_irq_again(struct console *con, void (*fn)(void *ctx))
{
	pthread_mutex_lock(&con->in_lock);
	if (con->irq_fn != NULL && con->irq_pending)
		fn(con->irq_ctx);
	pthread_mutex_unlock(&con->in_lock);
}

/*
 * Polls the input and the stop eventfd for TIMEOUT_MS (-1: no limit).
 * Returns 1 if a byte or the end of input waits (POLLHUP, POLLERR and
 * POLLNVAL too: the read that follows says what it is), 0 if not (the
 * time passed, or a signal came), -2 if the run is stopping.
 */
static int poll_input(struct console *con, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = con->in_fd, .events = POLLIN },
		{ .fd = con->stop_fd, .events = POLLIN },
	};

	if (poll(fds, 2, timeout_ms) < 0)
		return 0;	/* EINTR; others (ENOMEM) as "not yet": callers retry */
	if (fds[1].revents)
		return -2;
	return fds[0].revents != 0;
}

/*
 * The watcher thread: while no input interrupt is out, waits for input to
 * be readable (poll: nothing is read) and raises one.  The byte counter
 * TAKEN tells it that a byte it saw was taken meanwhile (no interrupt for
 * that one: console_getc reads under the lock, so a byte is either taken
 * or still there when it looks).  Ends at a stop, or once the end of input
 * has been taken.
 */
static void *console_watcher(void *arg)
{
	struct console *con = arg;

	sandbox_enter_service(SANDBOX_INPUT, "the input thread");
	pthread_mutex_lock(&con->in_lock);
	for (;;) {
		uint64_t taken;
		int r;

		while (!atomic_load(&con->stopping) && con->irq_pending)
			pthread_cond_wait(&con->in_cond, &con->in_lock);
		if (atomic_load(&con->stopping) || con->eof_seen)
			break;
		taken = con->taken;
		pthread_mutex_unlock(&con->in_lock);
		r = poll_input(con, -1);
		pthread_mutex_lock(&con->in_lock);
		if (r < 0)
			break;
		if (r == 0 || con->taken != taken || con->irq_pending)
			continue;	/* a signal, or the byte went: look again */
		con->in_ready = true;	/* so LSR.DR says so too, at once */
		con->irq_pending = true;
		con->irq_fn(con->irq_ctx);
	}
	pthread_mutex_unlock(&con->in_lock);
	return NULL;
}

int console_start_input(struct console *con, struct err *e)
{
	int rc;

	if (con->irq_fn == NULL)
		return 0;
	if (con->in_fd < 0) {
		/* no input: the end of it, at once */
		pthread_mutex_lock(&con->in_lock);
		con->irq_pending = true;
		con->irq_fn(con->irq_ctx);
		pthread_mutex_unlock(&con->in_lock);
		return 0;
	}
	rc = pthread_create(&con->watch_thread, NULL, console_watcher, con);
	if (rc != 0)
		return err_set(e, "console: cannot start the input thread: %s",
			       strerror(rc));
	con->watching = true;
	return 0;
}

/* The byte (or CONSOLE_EOF) C was taken: the next interrupt may come. */
static int taken_locked(struct console *con, int c)
{
	con->in_ready = false;	/* whether another waits is not known */
	if (c == CONSOLE_EOF)
		con->eof_seen = true;
	con->taken++;
	con->irq_pending = false;
	pthread_cond_broadcast(&con->in_cond);
	return c;
}

int console_getc(struct console *con, const atomic_bool *stop,
		 void (*kicked)(void *arg), void *arg)
{
	for (;;) {
		bool ready;

		pthread_mutex_lock(&con->in_lock);
		if (con->in_fd < 0 || con->in_eof) {
			int c = taken_locked(con, CONSOLE_EOF);

			pthread_mutex_unlock(&con->in_lock);
			return c;
		}
		if (con->in_ready) {
			uint8_t b;
			/*
			 * One byte, under the lock so the watcher cannot raise
			 * an interrupt for it meanwhile: poll said it waits,
			 * so this does not block (a blocked read, if another
			 * process took the byte, is ended by a stop's signal).
			 */
			ssize_t n = read(con->in_fd, &b, 1);

			if (n == 1 || n == 0 || (errno != EINTR && errno != EAGAIN)) {
				int c = n == 1 ? b : CONSOLE_EOF;

				if (n != 1)
					con->in_eof = true;	/* a read error ends input too */
				taken_locked(con, c);
				pthread_mutex_unlock(&con->in_lock);
				return c;
			}
			con->in_ready = false;	/* not there after all: poll again */
		}
		pthread_mutex_unlock(&con->in_lock);
		if (atomic_load(stop) || atomic_load(&con->stopping))
			return CONSOLE_STOPPED;
		ready = poll_input(con, -1) > 0;
		if (!ready && kicked != NULL)
			kicked(arg);	/* no limit: only a signal ends it with 0 */
		if (ready) {
			pthread_mutex_lock(&con->in_lock);
			con->in_ready = true;
			pthread_mutex_unlock(&con->in_lock);
		}
	}
}

/* CLOCK_MONOTONIC in ns (the vDSO: no system call). */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool console_peek(struct console *con)
{
	bool ready;

	pthread_mutex_lock(&con->in_lock);
	if (con->in_fd < 0 || con->in_eof) {
		ready = !con->eof_seen;
	} else if (con->in_ready) {
		ready = true;
	} else if (now_ns() < con->peek_quiet_until) {
		ready = false;	/* asked just now: spare the poll(2) */
	} else {
		pthread_mutex_unlock(&con->in_lock);
		ready = poll_input(con, 0) > 0;
		pthread_mutex_lock(&con->in_lock);
		if (ready)
			con->in_ready = true;
		else
			con->peek_quiet_until = now_ns() + CONSOLE_PEEK_QUIET_NS;
	}
	pthread_mutex_unlock(&con->in_lock);
	return ready;
}

void console_stop(struct console *con)
{
	if (!atomic_exchange(&con->stopping, true))
		event_raise(con->stop_fd);	/* stays readable: a stop is final */
	pthread_mutex_lock(&con->in_lock);
	pthread_cond_broadcast(&con->in_cond);
	pthread_mutex_unlock(&con->in_lock);
	if (con->watching) {
		pthread_join(con->watch_thread, NULL);
		con->watching = false;
	}
}

void console_destroy(struct console *con)
{
	console_stop(con);
	close(con->event_fd);
	close(con->stop_fd);
	pthread_cond_destroy(&con->in_cond);
	pthread_mutex_destroy(&con->in_lock);
	pthread_mutex_destroy(&con->out_lock);
}
