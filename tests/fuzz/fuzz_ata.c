/*
 * fuzz_ata.c - libFuzzer target: the ATA channel (hw/ata.h) and its disks
 * (block/disk.h) under arbitrary port accesses, as a hostile guest makes
 * them.
 *
 * Input: byte 0 picks the drives (below) and whether there is an irq
 * callback; then accesses, each an op byte and, for a write, its value:
 *   bits 3-0  0-7: command block register (offset), 8: control port,
 *             9-15: the command register (7), the busiest one
 *   bits 5-4  size 1, 2, 4, 8 (cut so offset + size <= 8, 1 for control:
 *             the bus never hands a handler more, see bus.h)
 *   bit 6     write; SIZE value bytes follow (missing ones are 0)
 *   bit 7     repeat the access 256 times (a sector's worth of `in %ax`)
 * Checks, besides ASan and UBSan: the transfer state stays inside the
 * buffer; irq_fn sees only changes of level and agrees with the channel;
 * no host I/O error is ever reported (the disk functions refuse ranges
 * past the image with an error, so a range the model failed to check
 * shows up here); the image files never change size.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/disk.h"
#include "hw/ata.h"

#define RW_SECTORS 320u	/* a command can span two buffer loads */
#define RO_SECTORS 40u

static char dir[64], rw_path[96], ro_path[96];
static struct disk rw, ro;	/* open across inputs */
static bool level;

static void cleanup(void)
{
	disk_close(&rw);
	disk_close(&ro);
	unlink(rw_path);
	unlink(ro_path);
	rmdir(dir);
}

static void make(const char *path, unsigned sectors)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)sectors * DISK_SECTOR) < 0) {
		perror(path);
		abort();
	}
	close(fd);
}

/* Files in /dev/shm where there is one: FLUSH CACHE's fdatasync is cheap. */
static void setup(void)
{
	struct err e;

	snprintf(dir, sizeof dir, "%s/fuzz-ata-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(rw_path, sizeof rw_path, "%s/rw.img", dir);
	snprintf(ro_path, sizeof ro_path, "%s/ro.img", dir);
	make(rw_path, RW_SECTORS);
	make(ro_path, RO_SECTORS);
	if (disk_open(&rw, rw_path, DISK_READ_WRITE, &e) < 0 ||
	    disk_open(&ro, ro_path, DISK_READ_ONLY, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		abort();
	}
	atexit(cleanup);
}

static void irq_cb(void *ctx, unsigned irq, bool lvl)
{
	(void)ctx;
	if (irq != ATA_PRIMARY_IRQ || lvl == level)
		abort();	/* a call without a change */
	level = lvl;
}

static void error_cb(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "unexpected host error: %s\n", msg);
	abort();
}

static void check_state(const struct ata_channel *ch)
{
	const struct ata_xfer *x = &ch->x;

	if (ch->irq_fn && ch->intrq != level)
		abort();
	if (!x->active)
		return;
	if (x->pos >= x->end || x->end > ATA_BUF_SECTORS * DISK_SECTOR || x->left == 0 ||
	    x->block == 0 || x->block > ATA_MAX_MULTIPLE || ch->drive[x->dev].disk == NULL)
		abort();
	if (!x->write && x->end > x->filled)
		abort();
}

static off_t size_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		abort();
	return st.st_size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct ata_channel ch;
	struct disk snap, *m, *s;
	struct err e;
	size_t i = 1;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1)
		return 0;
	if (disk_open(&snap, ro_path, DISK_SNAPSHOT, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		abort();
	}
	switch (data[0] & 3) {	/* master, slave */
	case 0: m = &rw; s = &snap; break;
	case 1: m = &rw; s = NULL; break;
	case 2: m = NULL; s = &ro; break;
	default: m = &snap; s = &ro; break;
	}
	level = false;
	if (ata_init(&ch, m, s, ATA_PRIMARY_IRQ, (data[0] & 4) ? NULL : irq_cb, error_cb, NULL) < 0)
		abort();
	while (i < size) {
		uint8_t op = data[i++], v[8] = { 0 };
		unsigned reg = op & 0x0f, len = 1u << ((op >> 4) & 3);
		bool write = op & 0x40, ctl = reg == 8;
		unsigned reps = (op & 0x80) ? 256 : 1;

		if (reg > 8)
			reg = 7;
		if (ctl)
			len = 1;
		else if (reg + len > ATA_CMD_PORTS)
			len = ATA_CMD_PORTS - reg;
		for (unsigned k = 0; write && k < len && i < size; k++)
			v[k] = data[i++];
		for (unsigned r = 0; r < reps; r++) {
			uint8_t buf[8];

			memcpy(buf, v, sizeof buf);
			if (ctl)
				ata_io_ctl(&ch, 0, buf, len, write);
			else
				ata_io_cmd(&ch, reg, buf, len, write);
			check_state(&ch);
		}
	}
	ata_destroy(&ch);
	disk_close(&snap);
	if (size_of(rw_path) != RW_SECTORS * DISK_SECTOR ||
	    size_of(ro_path) != RO_SECTORS * DISK_SECTOR)
		abort();
	return 0;
}
