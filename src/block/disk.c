/* disk.c - a raw disk image file (see disk.h). */
#define _GNU_SOURCE		/* F_OFD_SETLK */
#include "block/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Takes the whole-file OFD lock; returns 0 or -1 with E. */
static int lock_image(struct disk *d, struct err *e)
{
	struct flock fl = {
		.l_type = d->access == DISK_READ_WRITE ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,	/* to the end, however the file grows */
	};

	if (fcntl(d->fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES) {
		if (d->access == DISK_READ_WRITE)
			return err_set(e, "'%s' is in use by another program or disk (it holds a lock on it); "
				       "minikvm will not share a disk image it may write", d->path);
		return err_set(e, "'%s' is in use by another program or disk that may write it (it holds a "
			       "write lock on it); minikvm will not read a disk image that may change under it",
			       d->path);
	}
	return err_set(e, "'%s': cannot lock it: %s", d->path, strerror(errno));
}

/* The snapshot overlay: address space only, until the guest writes. */
static int map_overlay(struct disk *d, struct err *e)
{
	const int prot = PROT_READ | PROT_WRITE;
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	d->overlay_len = d->sectors * DISK_SECTOR;
	d->written_len = (d->sectors + 7) / 8;
	d->overlay = mmap(NULL, d->overlay_len, prot, flags, -1, 0);
	if (d->overlay == MAP_FAILED) {
		d->overlay = NULL;
		return err_set(e, "'%s': no room for a snapshot overlay of %zu bytes: %s",
			       d->path, d->overlay_len, strerror(errno));
	}
	d->written = mmap(NULL, d->written_len, prot, flags, -1, 0);
	if (d->written == MAP_FAILED) {
		d->written = NULL;
		return err_set(e, "'%s': no room for a snapshot overlay: %s", d->path,
			       strerror(errno));
	}
	return 0;
}

/* Everything after open(2); returns 0 or -1 with E (the caller closes). */
static int setup(struct disk *d, struct err *e)
{
	struct stat st;
	int fl;

	if (fstat(d->fd, &st) < 0)
		return err_set(e, "'%s': %s", d->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "'%s': not a regular file", d->path);
	if (st.st_size == 0)
		return err_set(e, "'%s' is empty", d->path);
	if (st.st_size % DISK_SECTOR)
		return err_set(e, "'%s' is %lld bytes, not a multiple of %u", d->path,
			       (long long)st.st_size, DISK_SECTOR);
	/* O_NONBLOCK was only for open: a FIFO must not hang it */
	fl = fcntl(d->fd, F_GETFL);
	if (fl < 0 || fcntl(d->fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return err_set(e, "'%s': %s", d->path, strerror(errno));
	d->sectors = (uint64_t)st.st_size / DISK_SECTOR;
	if (lock_image(d, e) < 0)
		return -1;
	if (d->access == DISK_SNAPSHOT)
		return map_overlay(d, e);
	return 0;
}

int disk_open(struct disk *d, const char *path, enum disk_access access,
	      struct err *e)
{
	int flags = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

	memset(d, 0, sizeof *d);
	d->fd = -1;
	d->access = access;
	flags |= access == DISK_READ_WRITE ? O_RDWR : O_RDONLY;
	d->path = strdup(path);
	if (d->path == NULL)
		return err_set(e, "'%s': out of memory", path);
	d->fd = open(path, flags);
	if (d->fd < 0) {
		/* O_RDWR on a directory fails before fstat could say so */
		if (errno == EISDIR)
			err_set(e, "'%s': not a regular file", path);
		else
			err_set(e, "'%s': %s", path, strerror(errno));
		disk_close(d);
		return -1;
	}
	if (setup(d, e) < 0) {
		disk_close(d);
		return -1;
	}
	return 0;
}

static bool in_range(const struct disk *d, uint64_t lba, uint32_t count)
{
	return count <= d->sectors && lba <= d->sectors - count;
}

static bool is_written(const struct disk *d, uint64_t s)
{
	return d->written[s / 8] & (1u << (s % 8));
}

/* One pread loop: LEN bytes at byte OFF of the file. */
static int pread_all(struct disk *d, uint8_t *p, size_t len, uint64_t off,
		     const char **why)
{
	while (len > 0) {
		ssize_t r;

		d->stats.preads++;
		r = pread(d->fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			return -1;
		}
		if (r == 0) {
			*why = "the image shrank";
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf,
	      const char **why)
{
	uint8_t *p = buf;

	if (!in_range(d, lba, count)) {
		*why = "beyond the end of the image";
		return -1;
	}
	if (d->access != DISK_SNAPSHOT)
		return pread_all(d, p, (size_t)count * DISK_SECTOR, lba * DISK_SECTOR, why);
	/* runs of sectors that are all in the overlay, or all in the file */
	for (uint64_t s = lba, end = lba + count; s < end;) {
		bool ov = is_written(d, s);
		uint64_t run = 1;
		size_t bytes;

		while (s + run < end && is_written(d, s + run) == ov)
			run++;
		bytes = (size_t)run * DISK_SECTOR;
		if (ov)
			memcpy(p, d->overlay + s * DISK_SECTOR, bytes);
		else if (pread_all(d, p, bytes, s * DISK_SECTOR, why) < 0)
			return -1;
		p += bytes;
		s += run;
	}
	return 0;
}

int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf,
	       const char **why)
{
	const uint8_t *p = buf;
	size_t len = (size_t)count * DISK_SECTOR;
	uint64_t off = lba * DISK_SECTOR;

	if (!in_range(d, lba, count)) {
		*why = "beyond the end of the image";
		return -1;
	}
	if (d->access == DISK_READ_ONLY) {
		*why = "the disk is read-only";
		return -1;
	}
	if (d->access == DISK_SNAPSHOT) {
		memcpy(d->overlay + off, p, len);
		for (uint64_t s = lba; s < lba + count; s++)
			d->written[s / 8] |= (uint8_t)(1u << (s % 8));
		return 0;
	}
	while (len > 0) {
		ssize_t r;

		d->stats.pwrites++;
		r = pwrite(d->fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			return -1;
		}
		if (r == 0) {	/* not expected of a regular file; never spin */
			*why = "the image took no bytes";
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int disk_flush(struct disk *d, const char **why)
{
	if (d->access != DISK_READ_WRITE)
		return 0;
	d->stats.syncs++;
	if (fdatasync(d->fd) < 0) {
		*why = strerror(errno);
		return -1;
	}
	return 0;
}

void disk_close(struct disk *d)
{
	/* an all-zero struct has fd 0 but no path: never opened, not ours */
	if (d->path != NULL && d->fd >= 0) {
		/* no one to tell of a failure here: a guest that needs its
		 * data durable flushes (FLUSH CACHE) and hears of it then */
		if (d->access == DISK_READ_WRITE)
			(void)fdatasync(d->fd);
		(void)close(d->fd);	/* releases the OFD lock */
	}
	if (d->overlay != NULL)
		munmap(d->overlay, d->overlay_len);
	if (d->written != NULL)
		munmap(d->written, d->written_len);
	free(d->path);
	memset(d, 0, sizeof *d);
	d->fd = -1;
}
