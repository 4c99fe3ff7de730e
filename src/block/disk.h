/*
 * disk.h - a disk image backend: a raw image file, one 512-byte sector
 * after another, read and written with pread/pwrite.
 *
 * Three ways to open one (enum disk_access):
 *   read-write  guest writes go to the file (pwrite); flushes are fdatasync.
 *   read-only   guest writes are refused.
 *   snapshot    guest writes go to an in-memory overlay and are lost when
 *               the disk is closed; the file is opened read-only and never
 *               changes.  The overlay is two anonymous MAP_NORESERVE
 *               mappings, the image's size in bytes and a bitmap of one bit
 *               per sector, so only pages the guest writes cost memory.  The
 *               image file itself is never mapped: a file someone truncates
 *               would raise SIGBUS, where pread just returns short.
 *
 * Sharing: disk_open takes an open-file-description lock on the whole file
 * (fcntl F_OFD_SETLK): a write lock for read-write, a read lock otherwise.
 * A second writer, or a writer beside readers (in this or another process,
 * minikvm or anything else that locks with fcntl), is refused at once:
 * two programs writing one file system image corrupt it.
 *
 * A struct disk is used by one thread at a time (the ATA channel's lock).
 */
#ifndef MINIKVM_BLOCK_DISK_H
#define MINIKVM_BLOCK_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define DISK_SECTOR 512u	/* bytes per sector */

enum disk_access {
	DISK_READ_WRITE = 0,
	DISK_READ_ONLY,
	DISK_SNAPSHOT,		/* writes kept in memory, the file untouched */
};

/* System calls that moved data or flushed: for tests of syscall economy. */
struct disk_stats {
	uint64_t preads, pwrites, syncs;	/* pread, pwrite, fdatasync calls */
};

struct disk {
	int fd;			/* -1 when closed */
	char *path;		/* as given, for messages; NULL when closed */
	uint64_t sectors;	/* image size / DISK_SECTOR */
	enum disk_access access;
	/* snapshot overlay (NULL otherwise): sectors * 512 bytes of data, and
	 * a bitmap, bit N (byte N/8, bit N%8) set once sector N was written */
	uint8_t *overlay, *written;
	size_t overlay_len, written_len;	/* bytes mapped */
	struct disk_stats stats;
};

/*
 * disk_open - opens PATH (O_CLOEXEC; O_RDWR for DISK_READ_WRITE, O_RDONLY
 * for the other two; never blocks on a FIFO) as disk D with ACCESS.  PATH
 * must be a regular file whose size is a non-zero multiple of DISK_SECTOR
 * bytes.  Takes the lock described above; a lock held elsewhere is refused
 * at once, never waited for.  Returns 0, or -1 with E's message starting
 * with the quoted path: "'x.img': not a regular file", "'x.img' is empty",
 * "'x.img' is 1000 bytes, not a multiple of 512", "'x.img' is in use ...",
 * "'x.img': <strerror>".  On failure nothing stays open and D is closed
 * (disk_close on it is a no-op).
 */
int disk_open(struct disk *d, const char *path, enum disk_access access,
	      struct err *e);

/*
 * disk_read - reads COUNT sectors starting at sector LBA into BUF (COUNT *
 * 512 bytes).  The caller keeps LBA + COUNT <= d->sectors; a request past
 * the end fails anyway.  Snapshot disks take each run of sectors from the
 * overlay or the file.  Returns 0, or -1 with *WHY a static string
 * ("beyond the end of the image", "the image shrank", or strerror).
 */
int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf,
	      const char **why);

/*
 * disk_write - writes COUNT sectors from BUF at sector LBA: into the file
 * (read-write), into the overlay (snapshot: every later read of those
 * sectors sees them), or not at all (read-only: refused).  Bounds as
 * disk_read.  Returns 0, or -1 with *WHY a static string.
 */
int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf,
	       const char **why);

/*
 * disk_flush - makes written sectors durable: fdatasync for read-write,
 * nothing for the others.  Returns 0, or -1 with *WHY (strerror).
 */
int disk_flush(struct disk *d, const char **why);

/*
 * disk_close - fdatasync (read-write; an error is not reported: the guest
 * flushes what it needs durable), closes the file (which releases the
 * lock), drops the overlay.  Safe on a closed disk and on an all-zero one.
 */
void disk_close(struct disk *d);

#endif
