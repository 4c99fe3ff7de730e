/* console.c - guest output channels and the stdin reader (see console.h). */
#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int console_init(struct console *con, int out_fd, bool color, bool prefix,
		 int in_fd, struct err *e)
{
	int rc;

	memset(con, 0, sizeof *con);
	con->out_fd = out_fd;
	con->color = color;
	con->prefix = prefix;
	con->in_fd = in_fd;
	con->stop_pipe[0] = con->stop_pipe[1] = -1;
	if ((rc = pthread_mutex_init(&con->out_lock, NULL)) != 0 ||
	    (rc = pthread_mutex_init(&con->in_lock, NULL)) != 0 ||
	    (rc = pthread_cond_init(&con->in_cond, NULL)) != 0)
		return err_set(e, "console: %s", strerror(rc));
	if (pipe2(con->stop_pipe, O_CLOEXEC) < 0)
		return err_set(e, "console: pipe: %s", strerror(errno));
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
}

/* Writes all of IOV (CNT entries) to FD, retrying short writes. */
static int write_all(int fd, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t n = writev(fd, iov, cnt);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
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
	if (!con->out_failed && write_all(con->out_fd, iov, cnt) < 0)
		con->out_failed = true;	/* e.g. EPIPE: the reader has gone */
	pthread_mutex_unlock(&con->out_lock);
	ch->len = 0;
}

void console_write(struct console_chan *ch, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ch->buf[ch->len++] = p[i];
		if (p[i] == '\n' || ch->len == sizeof ch->buf)
			chan_emit(ch);
	}
}

void console_flush(struct console_chan *ch)
{
	chan_emit(ch);
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

/* Raises the input interrupt if a byte (or the end) awaits and none is out. */
static void input_irq_locked(struct console *con)
{
	if (con->irq_fn == NULL || con->irq_pending)
		return;
	if (con->in_count == 0 && !(con->in_eof && !con->eot_raised))
		return;
	if (con->in_count == 0)
		con->eot_raised = true;
	con->irq_pending = true;
	con->irq_fn(con->irq_ctx);
}

/* The reader thread: stdin -> ring, until EOF, an error or a stop byte. */
static void *console_reader(void *arg)
{
	struct console *con = arg;
	struct pollfd fds[2] = {
		{ .fd = con->in_fd, .events = POLLIN },
		{ .fd = con->stop_pipe[0], .events = POLLIN },
	};
	uint8_t buf[512];

	for (;;) {
		size_t room;
		ssize_t n;

		/* ring full: wait for the guest to take some, or for a stop */
		pthread_mutex_lock(&con->in_lock);
		while (con->in_count == sizeof con->ring && !con->in_stopping)
			pthread_cond_wait(&con->in_cond, &con->in_lock);
		room = sizeof con->ring - con->in_count;
		pthread_mutex_unlock(&con->in_lock);
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			return NULL;
		if (fds[0].revents == 0)
			continue;
		if (room > sizeof buf)
			room = sizeof buf;
		n = read(con->in_fd, buf, room);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		pthread_mutex_lock(&con->in_lock);
		if (n <= 0) {
			con->in_eof = true;
		} else {
			for (ssize_t i = 0; i < n; i++) {
				size_t at = (con->in_head + con->in_count) % sizeof con->ring;

				con->ring[at] = buf[i];
				con->in_count++;
			}
		}
		input_irq_locked(con);
		pthread_cond_broadcast(&con->in_cond);
		pthread_mutex_unlock(&con->in_lock);
		if (n <= 0)
			return NULL;
	}
	pthread_mutex_lock(&con->in_lock);
	con->in_eof = true;
	input_irq_locked(con);
	pthread_cond_broadcast(&con->in_cond);
	pthread_mutex_unlock(&con->in_lock);
	return NULL;
}

int console_start_input(struct console *con, struct err *e)
{
	int rc;

	if (con->in_fd < 0) {
		pthread_mutex_lock(&con->in_lock);
		con->in_eof = true;
		input_irq_locked(con);
		pthread_mutex_unlock(&con->in_lock);
		return 0;
	}
	rc = pthread_create(&con->in_thread, NULL, console_reader, con);
	if (rc != 0)
		return err_set(e, "console: cannot start the input thread: %s",
			       strerror(rc));
	con->in_started = true;
	return 0;
}

int console_getc(struct console *con, const atomic_bool *stop)
{
	int c;

	pthread_mutex_lock(&con->in_lock);
	while (con->in_count == 0 && !con->in_eof && !atomic_load(stop))
		pthread_cond_wait(&con->in_cond, &con->in_lock);
	if (con->in_count > 0) {
		c = con->ring[con->in_head];
		con->in_head = (con->in_head + 1) % sizeof con->ring;
		con->in_count--;
		if (con->in_count == sizeof con->ring - 1)
			pthread_cond_broadcast(&con->in_cond); /* room again */
	} else {
		c = con->in_eof ? CONSOLE_EOF : CONSOLE_STOPPED;
		con->eof_seen = con->in_eof;
	}
	if (c != CONSOLE_STOPPED) {
		con->irq_pending = false;
		input_irq_locked(con);
	}
	pthread_mutex_unlock(&con->in_lock);
	return c;
}

bool console_peek(struct console *con)
{
	bool ready;

	pthread_mutex_lock(&con->in_lock);
	ready = con->in_count > 0 || (con->in_eof && !con->eof_seen);
	pthread_mutex_unlock(&con->in_lock);
	return ready;
}

void console_wake(struct console *con)
{
	pthread_mutex_lock(&con->in_lock);
	pthread_cond_broadcast(&con->in_cond);
	pthread_mutex_unlock(&con->in_lock);
}

void console_destroy(struct console *con)
{
	if (con->in_started) {
		ssize_t n;

		pthread_mutex_lock(&con->in_lock);
		con->in_stopping = true;
		pthread_cond_broadcast(&con->in_cond);
		pthread_mutex_unlock(&con->in_lock);

		do {
			n = write(con->stop_pipe[1], "x", 1);
		} while (n < 0 && errno == EINTR);
		pthread_join(con->in_thread, NULL);
	}
	if (con->stop_pipe[0] >= 0)
		close(con->stop_pipe[0]);
	if (con->stop_pipe[1] >= 0)
		close(con->stop_pipe[1]);
	pthread_cond_destroy(&con->in_cond);
	pthread_mutex_destroy(&con->in_lock);
	pthread_mutex_destroy(&con->out_lock);
}
