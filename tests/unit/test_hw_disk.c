/*
 * test_hw_disk.c - the disk image backend (block/disk.h) alone: opening
 * and its refusals, the OFD lock between openers, reads and writes in the
 * three access modes, the snapshot overlay (TAP).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/disk.h"
#include "tap.h"

#define SECTORS 64u

static char dir[] = "/tmp/minikvm-disk-XXXXXX";

/* A path under the test's folder; PATH has room for 256 bytes. */
static void in_dir(char *path, const char *name)
{
	snprintf(path, 256, "%s/%s", dir, name);
}

/* Byte I of sector S of the test images. */
static uint8_t pattern(uint64_t s, unsigned i)
{
	return (uint8_t)(s * 7 + i + (s >> 8));
}

/* Writes a file of LEN bytes, sector-patterned; returns 0 or -1. */
static int make_file(const char *path, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = b != NULL && fd >= 0;

	for (size_t i = 0; ok && i < len; i++)
		b[i] = pattern(i / DISK_SECTOR, i % DISK_SECTOR);
	if (ok && len)
		ok = write(fd, b, len) == (ssize_t)len;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	free(b);
	return ok ? 0 : -1;
}

/* Sector S of the file PATH as it is now, into BUF (512 bytes). */
static bool file_sector(const char *path, uint64_t s, uint8_t *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && pread(fd, buf, DISK_SECTOR, (off_t)(s * DISK_SECTOR)) == DISK_SECTOR;

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool is_pattern(const uint8_t *buf, uint64_t s, unsigned n)
{
	for (unsigned i = 0; i < n * DISK_SECTOR; i++)
		if (buf[i] != pattern(s + i / DISK_SECTOR, i % DISK_SECTOR))
			return false;
	return true;
}

static bool msg_has(const struct err *e, const char *a, const char *b)
{
	return strstr(e->msg, a) != NULL && (b == NULL || strstr(e->msg, b) != NULL);
}

static void test_open_errors(void)
{
	char path[256], quoted[300];
	struct disk d;
	struct err e = { "" };
	bool stdin_open;

	in_dir(path, "empty.img");
	make_file(path, 0);
	snprintf(quoted, sizeof quoted, "'%s'", path);
	check(disk_open(&d, path, DISK_READ_WRITE, &e) == -1 && msg_has(&e, quoted, "is empty") &&
	      d.fd == -1, "empty image refused, message names it");
	in_dir(path, "odd.img");
	make_file(path, 1000);
	snprintf(quoted, sizeof quoted, "'%s'", path);
	check(disk_open(&d, path, DISK_READ_ONLY, &e) == -1 &&
	      msg_has(&e, quoted, "is 1000 bytes, not a multiple of 512"),
	      "1000-byte image refused: not a multiple of 512");
	snprintf(quoted, sizeof quoted, "'%s': not a regular file", dir);
	check(disk_open(&d, dir, DISK_READ_WRITE, &e) == -1 && msg_has(&e, quoted, NULL),
	      "a directory (read-write) is not a regular file");
	check(disk_open(&d, dir, DISK_SNAPSHOT, &e) == -1 && msg_has(&e, quoted, NULL),
	      "a directory (snapshot) is not a regular file");
	in_dir(path, "missing.img");
	snprintf(quoted, sizeof quoted, "'%s': %s", path, strerror(ENOENT));
	check(disk_open(&d, path, DISK_READ_WRITE, &e) == -1 && msg_has(&e, quoted, NULL),
	      "missing image: strerror after the quoted path");
	check(disk_open(&d, "/dev/null", DISK_READ_ONLY, &e) == -1 &&
	      msg_has(&e, "'/dev/null': not a regular file", NULL), "/dev/null refused");
	in_dir(path, "fifo");
	check(mkfifo(path, 0600) == 0 && disk_open(&d, path, DISK_READ_ONLY, &e) == -1 &&
	      msg_has(&e, "not a regular file", NULL), "a FIFO refused at once (open does not block)");
	disk_close(&d);
	check(d.fd == -1, "disk_close on a failed disk is harmless");
	memset(&d, 0, sizeof d);
	stdin_open = fcntl(0, F_GETFD) >= 0;
	disk_close(&d);
	check((fcntl(0, F_GETFD) >= 0) == stdin_open && d.fd == -1,
	      "disk_close on a zeroed disk leaves fd 0 alone");
}

static void test_locks(void)
{
	char path[256], quoted[300];
	struct disk a, b, c;
	struct err e = { "" };

	in_dir(path, "locked.img");
	make_file(path, SECTORS * DISK_SECTOR);
	snprintf(quoted, sizeof quoted, "'%s' is in use", path);
	check(disk_open(&a, path, DISK_READ_WRITE, &e) == 0 && a.sectors == SECTORS,
	      "read-write open: 64 sectors");
	check(disk_open(&b, path, DISK_READ_WRITE, &e) == -1 && msg_has(&e, quoted, "lock"),
	      "a second read-write open is refused, naming the image");
	check(disk_open(&b, path, DISK_READ_ONLY, &e) == -1 && msg_has(&e, quoted, NULL),
	      "a read-only open beside a read-write one is refused");
	check(disk_open(&b, path, DISK_SNAPSHOT, &e) == -1 && msg_has(&e, quoted, NULL),
	      "a snapshot open beside a read-write one is refused");
	disk_close(&a);
	check(disk_open(&b, path, DISK_READ_ONLY, &e) == 0 &&
	      disk_open(&c, path, DISK_SNAPSHOT, &e) == 0, "two readers (read-only, snapshot) share it");
	check(disk_open(&a, path, DISK_READ_WRITE, &e) == -1 && msg_has(&e, quoted, NULL),
	      "a writer beside readers is refused");
	disk_close(&b);
	disk_close(&c);
	check(disk_open(&a, path, DISK_READ_WRITE, &e) == 0, "closing releases the locks");
	disk_close(&a);
}

static void test_io(void)
{
	char path[256];
	uint8_t buf[8 * DISK_SECTOR], sec[DISK_SECTOR];
	struct disk d;
	struct err e = { "" };
	const char *why = NULL;

	in_dir(path, "io.img");
	make_file(path, SECTORS * DISK_SECTOR);
	disk_open(&d, path, DISK_READ_WRITE, &e);
	check(disk_read(&d, 60, 4, buf, &why) == 0 && is_pattern(buf, 60, 4) &&
	      d.stats.preads == 1, "read of the last 4 sectors: one pread");
	check(disk_read(&d, 61, 4, buf, &why) == -1 && strstr(why, "beyond the end") &&
	      d.stats.preads == 1, "read past the end refused before any pread");
	check(disk_read(&d, UINT64_MAX, 2, buf, &why) == -1, "read at LBA 2^64-1 refused (no wrap)");
	memset(buf, 0x5a, 2 * DISK_SECTOR);
	check(disk_write(&d, 3, 2, buf, &why) == 0 && d.stats.pwrites == 1 &&
	      file_sector(path, 4, sec) && sec[0] == 0x5a && sec[511] == 0x5a,
	      "read-write: write lands in the file, one pwrite");
	check(disk_write(&d, 63, 2, buf, &why) == -1 && d.stats.pwrites == 1,
	      "write past the end refused before any pwrite");
	check(disk_flush(&d, &why) == 0 && d.stats.syncs == 1, "flush: one fdatasync");
	disk_close(&d);

	disk_open(&d, path, DISK_READ_ONLY, &e);
	check(disk_write(&d, 0, 1, buf, &why) == -1 && strstr(why, "read-only") &&
	      file_sector(path, 0, sec) && is_pattern(sec, 0, 1), "read-only: write refused");
	check(disk_flush(&d, &why) == 0 && d.stats.syncs == 0, "read-only: flush does nothing");
	disk_close(&d);

	/* the snapshot overlay: runs of written and unwritten sectors */
	make_file(path, SECTORS * DISK_SECTOR);
	disk_open(&d, path, DISK_SNAPSHOT, &e);
	memset(buf, 0xc3, DISK_SECTOR);
	memset(buf + DISK_SECTOR, 0x3c, DISK_SECTOR);
	check(disk_write(&d, 9, 1, buf, &why) == 0 && disk_write(&d, 11, 1, buf + DISK_SECTOR, &why) == 0 &&
	      d.stats.pwrites == 0, "snapshot: writes take no pwrite");
	check(disk_read(&d, 8, 5, buf, &why) == 0 && is_pattern(buf, 8, 1) &&
	      buf[DISK_SECTOR] == 0xc3 && is_pattern(buf + 2 * DISK_SECTOR, 10, 1) &&
	      buf[3 * DISK_SECTOR + 100] == 0x3c && is_pattern(buf + 4 * DISK_SECTOR, 12, 1),
	      "snapshot: a read mixes overlay and file sectors in order");
	check(d.stats.preads == 3, "snapshot: one pread per run of unwritten sectors");
	check(file_sector(path, 9, sec) && is_pattern(sec, 9, 1) &&
	      file_sector(path, 11, sec) && is_pattern(sec, 11, 1), "snapshot: the file is untouched");
	disk_close(&d);
	disk_open(&d, path, DISK_SNAPSHOT, &e);
	check(disk_read(&d, 9, 1, buf, &why) == 0 && is_pattern(buf, 9, 1),
	      "snapshot: writes are gone after close");
	disk_close(&d);

	/* the image shrinks under a read */
	disk_open(&d, path, DISK_READ_ONLY, &e);
	check(truncate(path, 8 * DISK_SECTOR) == 0 && disk_read(&d, 10, 1, buf, &why) == -1 &&
	      strcmp(why, "the image shrank") == 0, "an image that shrank: read fails, no crash");
	disk_close(&d);
}

int main(void)
{
	char path[256];

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	printf("1..30\n");
	test_open_errors();
	test_locks();
	test_io();
	for (const char *const *f = (const char *const[]){ "empty.img", "odd.img", "fifo",
			"locked.img", "io.img", NULL }; *f; f++) {
		in_dir(path, *f);
		unlink(path);
	}
	rmdir(dir);
	return failed || n != 30;
}
