/* fileio.c - reading regular files only, without blocking (see fileio.h). */
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_problem(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return "is a directory";
	if (!S_ISREG(st->st_mode))
		return "is not a regular file";
	return NULL;
}

const char *file_size(const char *path, uint64_t *size)
{
	struct stat st;
	const char *why;

	if (stat(path, &st) < 0)
		return strerror(errno);
	why = kind_problem(&st);
	if (why == NULL)
		*size = (uint64_t)st.st_size;
	return why;
}

/* Reads up to MAX bytes; with WHOLE, a file longer than MAX is an error. */
static const char *read_regular(const char *path, void *dst, size_t max,
				size_t *len, bool whole)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	const char *why = NULL;
	struct stat st;
	size_t done = 0;

	*len = 0;
	if (fd < 0)
		return strerror(errno);
	if (fstat(fd, &st) < 0) {
		why = strerror(errno);
		goto out;
	}
	why = kind_problem(&st);
	if (why != NULL)
		goto out;
	if (whole && (uint64_t)st.st_size > max) {
		why = "is too large";
		goto out;
	}
	/* Read until EOF or MAX; the file may have changed since fstat. */
	while (done < max) {
		ssize_t n = read(fd, (char *)dst + done, max - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			why = strerror(errno);
			goto out;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (whole && done == max) {
		char extra;
		ssize_t n = read(fd, &extra, 1);

		if (n > 0)
			why = "is too large";
		else if (n < 0)
			why = strerror(errno);
	}
out:
	close(fd);
	*len = done;
	return why;
}

const char *file_read(const char *path, void *dst, size_t max, size_t *len)
{
	return read_regular(path, dst, max, len, true);
}

const char *file_read_prefix(const char *path, void *dst, size_t max,
			     size_t *len)
{
	return read_regular(path, dst, max, len, false);
}
