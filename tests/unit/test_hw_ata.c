/*
 * test_hw_ata.c - the ATA channel model (hw/ata.h) over raw images in
 * temporary files (block/disk.h), driven through its two bus handlers as
 * a guest's in/out would reach them (TAP).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "block/disk.h"
#include "hw/ata.h"
#include "tap.h"

#define SECTORS 1024u
#define BIG ((1ull << 28) + 8)	/* sectors: past LBA28's reach (sparse) */
#define PLAN 82

/* Registers (offsets from the command block base). */
enum { DATA, ERROR, COUNT, LBAL, LBAM, LBAH, DEVICE, STATUS };
#define ST_READY 0x50
#define ST_DRQ 0x58
#define ST_ERR 0x51

static char dir[] = "/tmp/minikvm-ata-XXXXXX";

/* What the callbacks saw. */
struct seen {
	unsigned raises, lowers, repeats;	/* repeats: a call without a change */
	bool level;
	char msg[ATA_MSG];
};

static void irq_cb(void *ctx, unsigned irq, bool level)
{
	struct seen *s = ctx;

	if (irq != ATA_PRIMARY_IRQ || level == s->level)
		s->repeats++;
	s->level = level;
	if (level)
		s->raises++;
	else
		s->lowers++;
}

static void error_cb(void *ctx, const char *msg)
{
	snprintf(((struct seen *)ctx)->msg, ATA_MSG, "%s", msg);
}

static uint8_t pattern(uint64_t s, unsigned i)
{
	return (uint8_t)(s * 7 + i + (s >> 8));
}

/* A patterned image of N sectors at DIR/NAME into PATH (256 bytes). */
static void make_image(char *path, const char *name, uint64_t n)
{
	uint8_t sec[DISK_SECTOR];
	int fd;

	snprintf(path, 256, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)(n * DISK_SECTOR)) < 0) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (uint64_t s = 0; s < n && s < SECTORS; s++) {
		for (unsigned i = 0; i < DISK_SECTOR; i++)
			sec[i] = pattern(s, i);
		if (pwrite(fd, sec, DISK_SECTOR, (off_t)(s * DISK_SECTOR)) != DISK_SECTOR)
			exit(1);
	}
	close(fd);
}

static bool is_pattern(const uint8_t *b, uint64_t s, unsigned n)
{
	for (unsigned i = 0; i < n * DISK_SECTOR; i++)
		if (b[i] != pattern(s + i / DISK_SECTOR, i % DISK_SECTOR))
			return false;
	return true;
}

/* N sectors at S of the file PATH as it is now, into B. */
static bool file_read(const char *path, uint64_t s, unsigned n, uint8_t *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)n * DISK_SECTOR;
	bool ok = fd >= 0 && pread(fd, b, (size_t)len, (off_t)(s * DISK_SECTOR)) == len;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The file PATH holds the N sectors at B at sector S (N <= 300). */
static bool file_holds(const char *path, uint64_t s, unsigned n, const uint8_t *b)
{
	static uint8_t f[300 * DISK_SECTOR];

	return file_read(path, s, n, f) && memcmp(f, b, (size_t)n * DISK_SECTOR) == 0;
}

static void outb(struct ata_channel *ch, unsigned reg, uint8_t v)
{
	tap_out(ata_io_cmd, ch, reg, v);
}

static uint8_t inb(struct ata_channel *ch, unsigned reg)
{
	return tap_in(ata_io_cmd, ch, reg);
}

static void ctl(struct ata_channel *ch, uint8_t v)
{
	tap_out(ata_io_ctl, ch, 0, v);
}

static uint8_t alt(struct ata_channel *ch)
{
	return tap_in(ata_io_ctl, ch, 0);
}

/* `in %ax`/`in %eax` (SIZE 2 or 4) at the data port, N times into B. */
static void data_in(struct ata_channel *ch, uint8_t *b, unsigned size, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ata_io_cmd(ch, DATA, b + i * size, size, false);
}

static void data_out(struct ata_channel *ch, const uint8_t *b, unsigned size, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ata_io_cmd(ch, DATA, (uint8_t *)b + i * size, size, true);
}

/* The task file (DEVICE, COUNT, LBA low, mid, high), then the command CMD. */
static void task_file(struct ata_channel *ch, uint8_t device, uint8_t count, uint8_t lbal,
		      uint8_t lbam, uint8_t lbah, uint8_t cmd)
{
	outb(ch, DEVICE, device);
	outb(ch, COUNT, count);
	outb(ch, LBAL, lbal);
	outb(ch, LBAM, lbam);
	outb(ch, LBAH, lbah);
	outb(ch, STATUS, cmd);
}

/* An LBA28 command CMD on device DEV. */
static void cmd28(struct ata_channel *ch, unsigned dev, uint32_t lba, uint8_t count,
		  uint8_t cmd)
{
	task_file(ch, (uint8_t)(0xe0 | dev << 4 | (lba >> 24 & 0x0f)), count, (uint8_t)lba,
		  (uint8_t)(lba >> 8), (uint8_t)(lba >> 16), cmd);
}

/* A 48-bit command: previous bytes first, as the 48-bit protocol has it. */
static void cmd48(struct ata_channel *ch, uint64_t lba, uint16_t count, uint8_t cmd)
{
	outb(ch, DEVICE, 0x40);
	outb(ch, COUNT, (uint8_t)(count >> 8));
	outb(ch, LBAL, (uint8_t)(lba >> 24));
	outb(ch, LBAM, (uint8_t)(lba >> 32));
	outb(ch, LBAH, (uint8_t)(lba >> 40));
	outb(ch, COUNT, (uint8_t)count);
	outb(ch, LBAL, (uint8_t)lba);
	outb(ch, LBAM, (uint8_t)(lba >> 8));
	outb(ch, LBAH, (uint8_t)(lba >> 16));
	outb(ch, STATUS, cmd);
}

/* A DRQ block of a data-out command, N words from B with `out %ax`: true
 * if the alternate status is then ST and the interrupts raised so far
 * RAISES (an interrupt handler would then read the status). */
static bool block_out(struct ata_channel *ch, const struct seen *s, const uint8_t *b,
		      unsigned n, uint8_t st, unsigned raises)
{
	data_out(ch, b, 2, n);
	return alt(ch) == st && s->raises == raises;
}

/* Reads DRQ blocks with `in %ax` into B while DRQ; returns the sectors read. */
static unsigned pio_in(struct ata_channel *ch, uint8_t *b)
{
	unsigned n = 0;

	while (inb(ch, STATUS) == ST_DRQ) {
		data_in(ch, b + n * DISK_SECTOR, 2, 256);
		n++;
	}
	return n;
}

/* Writes sectors from B with `out %eax` while DRQ; returns the sectors written. */
static unsigned pio_out(struct ata_channel *ch, const uint8_t *b)
{
	unsigned n = 0;

	while (alt(ch) == ST_DRQ) {
		data_out(ch, b + n * DISK_SECTOR, 4, 128);
		n++;
		inb(ch, STATUS);
	}
	return n;
}

static void start(struct ata_channel *ch, struct disk *m, struct disk *s, struct seen *seen)
{
	memset(seen, 0, sizeof *seen);
	if (ata_init(ch, m, s, ATA_PRIMARY_IRQ, irq_cb, error_cb, seen) != 0) {
		printf("Bail out! ata_init\n");
		exit(1);
	}
}

static void open_disk(struct disk *d, const char *path, enum disk_access a)
{
	struct err e;

	if (disk_open(d, path, a, &e) < 0) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
}

static bool signature(struct ata_channel *ch)
{
	return inb(ch, COUNT) == 1 && inb(ch, LBAL) == 1 && inb(ch, LBAM) == 0 &&
	       inb(ch, LBAH) == 0 && inb(ch, DEVICE) == 0xa0 && inb(ch, ERROR) == 0x01 &&
	       inb(ch, STATUS) == ST_READY;
}

static uint16_t word(const uint8_t *id, unsigned w)
{
	return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8);
}

static void test_power_on(const char *path)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	uint8_t b[4] = { 0 };

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	check(signature(&ch), "power-on: signature 01 01 00 00, device A0, error 01, status 50");
	check(alt(&ch) == ST_READY && !s.level && s.raises == 0, "power-on: alternate status 50, INTRQ low");
	outb(&ch, DEVICE, 0xb0);
	check(inb(&ch, STATUS) == 0 && alt(&ch) == 0 && inb(&ch, ERROR) == 0 &&
	      inb(&ch, COUNT) == 0 && inb(&ch, LBAL) == 0 && inb(&ch, DEVICE) == 0,
	      "absent slave selected: every register reads 00");
	outb(&ch, STATUS, 0xec);
	check(inb(&ch, STATUS) == 0 && s.raises == 0, "absent slave: IDENTIFY ignored, no interrupt");
	outb(&ch, DEVICE, 0xa0);
	check(inb(&ch, STATUS) == ST_READY, "master selected again: status 50");
	data_in(&ch, b, 4, 1);
	check(b[0] == 0xff && b[3] == 0xff, "data port with no transfer reads FF");
	/* `out` of 4 bytes at offset 2: four registers, count to LBA high */
	ata_io_cmd(&ch, COUNT, (uint8_t[]){ 0x11, 0x22, 0x33, 0x44 }, 4, true);
	ata_io_cmd(&ch, COUNT, b, 4, false);
	check(memcmp(b, (uint8_t[]){ 0x11, 0x22, 0x33, 0x44 }, 4) == 0,
	      "a 4-byte access at offset 2 is 4 registers");
	ata_destroy(&ch);

	ata_init(&ch, NULL, NULL, 14, NULL, NULL, NULL);
	check(inb(&ch, STATUS) == 0xff && alt(&ch) == 0xff, "no devices: status reads FF (empty bus)");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_identify(const char *path, const char *big)
{
	struct ata_channel ch;
	struct disk d, bd;
	struct seen s;
	uint8_t id[512], id4[512], id1[512], sum = 0;
	char model[41];

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	outb(&ch, STATUS, 0xec);
	check(alt(&ch) == ST_DRQ && s.level && s.raises == 1, "IDENTIFY: DRQ and INTRQ");
	check(inb(&ch, STATUS) == ST_DRQ && !s.level, "reading status lowers INTRQ");
	data_in(&ch, id, 2, 256);
	check(inb(&ch, STATUS) == ST_READY && s.raises == 1, "after 256 words: status 50, no interrupt");
	for (unsigned i = 0; i < 512; i++)
		sum = (uint8_t)(sum + id[i]);
	check(sum == 0 && id[510] == 0xa5, "word 255: A5 and a checksum making the sum 0");
	check(word(id, 0) == 0x0040 && word(id, 47) == 0x8010 && (word(id, 49) & 0x0200) &&
	      word(id, 53) == 0x0003 && word(id, 59) == 0 && word(id, 64) == 0x0003 &&
	      word(id, 80) == 0x007e, "words 0, 47, 49, 53, 59, 64, 80");
	check(word(id, 60) == SECTORS && word(id, 61) == 0 && word(id, 100) == SECTORS &&
	      word(id, 101) == 0 && word(id, 102) == 0 && word(id, 103) == 0,
	      "capacity: LBA28 words 60-61, LBA48 words 100-103");
	check(word(id, 83) == 0x7400 && word(id, 86) == 0x3400 && word(id, 84) == 0x4000 &&
	      word(id, 87) == 0x4000 && (word(id, 85) & 0x20), "48-bit, FLUSH CACHE (EXT), write cache on");
	check(word(id, 1) == 1 && word(id, 3) == 16 && word(id, 6) == 63 && word(id, 55) == 16 &&
	      word(id, 56) == 63, "CHS: 1 cylinder of 16 heads, 63 sectors");
	for (unsigned i = 0; i < 40; i += 2) {
		model[i] = (char)id[54 + i + 1];
		model[i + 1] = (char)id[54 + i];
	}
	model[40] = '\0';
	check(strcmp(model, "MINIKVM HARDDISK                        ") == 0,
	      "model (words 27-46): byte-swapped, space-padded");
	check(memcmp(id + 20, "IMINVK-M410-", 12) == 0 && memcmp(id + 46, ".1 0", 4) == 0,
	      "serial MINIKVM-14-0, firmware 1.0");
	outb(&ch, STATUS, 0xec);
	data_in(&ch, id4, 4, 128);
	outb(&ch, STATUS, 0xec);
	for (unsigned i = 0; i < 512; i++)
		ata_io_cmd(&ch, DATA, &id1[i], 1, false);
	check(memcmp(id, id4, 512) == 0 && memcmp(id, id1, 512) == 0,
	      "the same data with `in %eax` and with byte reads");
	ata_destroy(&ch);
	disk_close(&d);

	open_disk(&bd, big, DISK_READ_WRITE);
	start(&ch, &bd, NULL, &s);
	outb(&ch, STATUS, 0xec);
	data_in(&ch, id, 2, 256);
	check(word(id, 60) == 0xffff && word(id, 61) == 0x0fff && word(id, 100) == 8 &&
	      word(id, 101) == 0x1000 && word(id, 102) == 0 && word(id, 1) == 16383,
	      "2^28+8 sectors: LBA28 capacity 0FFFFFFF, LBA48 all, 16383 cylinders");
	ata_destroy(&ch);
	disk_close(&bd);
}

static void test_read_write(const char *path)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	static uint8_t b[300 * DISK_SECTOR], f[300 * DISK_SECTOR];
	uint64_t preads, pwrites;

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	cmd28(&ch, 0, 5, 3, 0x20);
	check(s.raises == 1 && alt(&ch) == ST_DRQ, "READ SECTORS: first block ready with INTRQ");
	check(pio_in(&ch, b) == 3 && is_pattern(b, 5, 3), "READ SECTORS 3 at LBA 5: the image's bytes");
	check(s.raises == 3 && s.lowers == 3 && inb(&ch, STATUS) == ST_READY,
	      "one interrupt per sector, none after the last");

	memset(b, 0xa7, 2 * DISK_SECTOR);
	b[DISK_SECTOR] = 0x42;
	s.raises = 0;
	cmd28(&ch, 0, 10, 2, 0x30);
	check(alt(&ch) == ST_DRQ && s.raises == 0, "WRITE SECTORS: DRQ at once, no interrupt");
	check(block_out(&ch, &s, b, 256, ST_DRQ, 1), "after the first sector: INTRQ, DRQ for the next");
	inb(&ch, STATUS);
	check(block_out(&ch, &s, b + DISK_SECTOR, 256, ST_READY, 2) && file_holds(path, 10, 2, b),
	      "after the last: INTRQ, status 50, file has both sectors");
	check(d.stats.pwrites == 1, "the whole command: one pwrite");
	cmd28(&ch, 0, 10, 2, 0x20);
	check(pio_in(&ch, f) == 2 && memcmp(f, b, 2 * DISK_SECTOR) == 0, "READ SECTORS reads them back");

	/* syscall economy */
	preads = d.stats.preads;
	cmd48(&ch, 300, 256, 0x24);
	check(pio_in(&ch, b) == 256 && is_pattern(b, 300, 256) && d.stats.preads == preads + 1,
	      "READ SECTORS EXT of 256 sectors: one pread");
	preads = d.stats.preads;
	cmd48(&ch, 100, 300, 0x24);
	check(pio_in(&ch, b) == 300 && is_pattern(b, 100, 300) && d.stats.preads == preads + 2,
	      "READ SECTORS EXT of 300 sectors: two preads");
	pwrites = d.stats.pwrites;
	memset(b, 0x3d, sizeof b);
	cmd48(&ch, 600, 300, 0x34);
	check(pio_out(&ch, b) == 300 && d.stats.pwrites == pwrites + 2 && file_holds(path, 600, 300, b),
	      "WRITE SECTORS EXT of 300 sectors: two pwrites, in the file");
	check(inb(&ch, STATUS) == ST_READY, "... status 50");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_lba48(const char *path, const char *big)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	uint8_t b[2 * DISK_SECTOR], f[2 * DISK_SECTOR];
	const uint64_t lba = (1ull << 28) + 3;

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	outb(&ch, COUNT, 0x12);
	outb(&ch, COUNT, 0x34);
	outb(&ch, LBAH, 0x56);
	outb(&ch, LBAH, 0x78);
	ctl(&ch, 0x80);
	check(inb(&ch, COUNT) == 0x12 && inb(&ch, LBAH) == 0x56, "HOB=1: the previous bytes");
	ctl(&ch, 0x00);
	check(inb(&ch, COUNT) == 0x34 && inb(&ch, LBAH) == 0x78, "HOB=0: the current bytes");
	ctl(&ch, 0x80);
	outb(&ch, LBAL, 0x9a);
	check(inb(&ch, COUNT) == 0x34, "writing a register clears HOB");
	ata_destroy(&ch);
	disk_close(&d);

	open_disk(&d, big, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	memset(b, 0xe1, sizeof b);
	cmd48(&ch, lba, 2, 0x34);
	check(pio_out(&ch, b) == 2 && file_read(big, lba, 2, f) && memcmp(f, b, sizeof b) == 0,
	      "WRITE SECTORS EXT at LBA 2^28+3: lands there in the file");
	memset(b, 0, sizeof b);
	cmd48(&ch, lba, 2, 0x24);
	check(pio_in(&ch, b) == 2 && memcmp(f, b, sizeof b) == 0, "READ SECTORS EXT reads it back");
	cmd48(&ch, BIG - 1, 2, 0x24);
	ctl(&ch, 0x80);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x10 && inb(&ch, LBAL) == 0x10 &&
	      inb(&ch, LBAM) == 0, "past the end (EXT): IDNF, HOB bytes name sector 2^28+8");
	ctl(&ch, 0x00);
	check(inb(&ch, LBAL) == 8 && inb(&ch, LBAM) == 0 && inb(&ch, LBAH) == 0,
	      "... and the current bytes");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_multiple(const char *path)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	static uint8_t b[16 * DISK_SECTOR];
	uint8_t id[512];

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	cmd28(&ch, 0, 0, 4, 0xc4);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04 && s.raises == 1,
	      "READ MULTIPLE before SET MULTIPLE MODE: ABRT with an interrupt");
	cmd28(&ch, 0, 0, 3, 0xc6);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04, "SET MULTIPLE MODE 3: ABRT");
	cmd28(&ch, 0, 0, 32, 0xc6);
	check(inb(&ch, STATUS) == ST_ERR, "SET MULTIPLE MODE 32: ABRT");
	cmd28(&ch, 0, 0, 4, 0xc6);
	check(inb(&ch, STATUS) == ST_READY && inb(&ch, ERROR) == 0, "SET MULTIPLE MODE 4: done");
	outb(&ch, STATUS, 0xec);
	data_in(&ch, id, 2, 256);
	check(word(id, 59) == 0x0104, "IDENTIFY word 59: 0104");
	s.raises = 0;
	cmd28(&ch, 0, 20, 10, 0xc4);
	for (unsigned blk = 0; blk < 3; blk++) {
		inb(&ch, STATUS);
		data_in(&ch, b + blk * 4 * DISK_SECTOR, 4, blk < 2 ? 512 : 256);
	}
	check(is_pattern(b, 20, 10) && s.raises == 3 && inb(&ch, STATUS) == ST_READY,
	      "READ MULTIPLE 10 sectors by 4: blocks of 4, 4, 2, three interrupts");
	memset(b, 0x77, sizeof b);
	s.raises = 0;
	cmd48(&ch, 40, 6, 0x39);
	check(block_out(&ch, &s, b, 1024, ST_DRQ, 1),
	      "WRITE MULTIPLE EXT: after a block of 4, INTRQ and DRQ");
	inb(&ch, STATUS);
	check(block_out(&ch, &s, b, 512, ST_READY, 2) && file_holds(path, 40, 6, b),
	      "... the last block of 2: done, in the file");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_errors(const char *path, const char *ro_path)
{
	struct ata_channel ch;
	struct disk d, ro;
	struct seen s;
	struct rlimit old;
	uint8_t b[DISK_SECTOR], f[DISK_SECTOR];

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	cmd28(&ch, 0, SECTORS - 1, 2, 0x20);
	check(s.raises == 1 && inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x10,
	      "READ SECTORS past the end: ERR, IDNF, interrupt");
	check(inb(&ch, LBAL) == (SECTORS & 0xff) && inb(&ch, LBAM) == SECTORS >> 8,
	      "... the LBA registers name the first sector past the end");
	data_in(&ch, b, 2, 1);
	check(b[0] == 0xff && s.msg[0] == '\0', "... nothing to read, no host error");
	cmd28(&ch, 0, 0x0fffffff, 1, 0x30);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x10, "WRITE SECTORS past the end: IDNF");
	outb(&ch, STATUS, 0xa1);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04, "IDENTIFY PACKET DEVICE: ABRT");
	s.raises = 0;
	outb(&ch, STATUS, 0x00);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04 && s.raises == 1,
	      "NOP: ABRT with an interrupt");
	outb(&ch, STATUS, 0xe7);
	check(inb(&ch, STATUS) == ST_READY && d.stats.syncs == 1, "FLUSH CACHE: one fdatasync");
	outb(&ch, STATUS, 0x90);
	check(s.level && signature(&ch), "EXECUTE DEVICE DIAGNOSTIC: signature, error 01, interrupt");
	outb(&ch, ERROR, 0x82);
	outb(&ch, STATUS, 0xef);
	cmd28(&ch, 0, 30, 1, 0x30);
	data_out(&ch, b, 2, 256);
	check(inb(&ch, STATUS) == ST_READY && d.stats.syncs == 2,
	      "write cache off (SET FEATURES 82): a write command ends with fdatasync");
	outb(&ch, ERROR, 0x02);
	outb(&ch, STATUS, 0xef);
	ata_destroy(&ch);
	disk_close(&d);

	open_disk(&ro, ro_path, DISK_READ_ONLY);
	start(&ch, &ro, NULL, &s);
	cmd28(&ch, 0, 1, 1, 0x30);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04 && file_read(ro_path, 1, 1, f) &&
	      is_pattern(f, 1, 1), "WRITE SECTORS to a read-only disk: ABRT, file untouched");
	/* a host I/O error: the image shrinks behind the disk's back */
	if (truncate(ro_path, 8 * DISK_SECTOR) < 0)
		printf("# truncate: %s\n", strerror(errno));
	cmd28(&ch, 0, 100, 1, 0x20);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x40 && s.level == false,
	      "a failing pread: ERR, UNC");
	check(strstr(s.msg, "read of 1 sectors at LBA 100 failed: the image shrank") &&
	      strstr(s.msg, ro_path), "... and the error callback names the image and the sectors");
	ata_destroy(&ch);
	disk_close(&ro);

	/* a failing pwrite: past RLIMIT_FSIZE, pwrite fails with EFBIG */
	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	setrlimit(RLIMIT_FSIZE, &(struct rlimit){ 8 * DISK_SECTOR, old.rlim_max });
	memset(b, 0x12, sizeof b);
	cmd28(&ch, 0, 100, 1, 0x30);
	data_out(&ch, b, 2, 256);
	setrlimit(RLIMIT_FSIZE, &old);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x04 && file_read(path, 100, 1, f) &&
	      is_pattern(f, 100, 1), "a failing pwrite: ERR, ABRT, file unchanged");
	check(strstr(s.msg, "write of 1 sectors at LBA 100 failed: ") && strstr(s.msg, strerror(EFBIG)),
	      "... and the error callback says why");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_irq_and_reset(const char *path)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	uint8_t b[2 * DISK_SECTOR], f[2 * DISK_SECTOR];

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	ctl(&ch, 0x02);
	outb(&ch, STATUS, 0xec);
	check(alt(&ch) == ST_DRQ && s.raises == 0, "nIEN=1: IDENTIFY raises no interrupt");
	ctl(&ch, 0x00);
	check(s.raises == 0, "clearing nIEN raises nothing later");
	outb(&ch, STATUS, 0xec);
	check(s.level, "nIEN=0: INTRQ");
	ctl(&ch, 0x02);
	check(!s.level, "setting nIEN lowers INTRQ");
	ctl(&ch, 0x00);
	outb(&ch, STATUS, 0xec);
	outb(&ch, STATUS, 0xe7);
	check(s.lowers == 2 && s.raises == 3 && s.level,
	      "a command written lowers INTRQ before its own completion raises it");
	check(alt(&ch) == ST_READY && s.level, "alternate status leaves INTRQ up");

	memset(b, 0xee, sizeof b);
	file_read(path, 50, 2, f);
	cmd28(&ch, 0, 50, 2, 0x30);
	data_out(&ch, b, 2, 256);
	check(alt(&ch) == ST_DRQ && s.level, "WRITE SECTORS 2: first sector taken");
	ctl(&ch, 0x04);
	check(alt(&ch) == 0x80 && !s.level, "SRST=1: BSY, INTRQ low");
	ctl(&ch, 0x00);
	check(signature(&ch) && !s.level, "SRST cleared: signature, status 50, no interrupt");
	check(file_read(path, 50, 2, b) && memcmp(f, b, sizeof b) == 0 && d.stats.pwrites == 0,
	      "the write abandoned by SRST left the file unchanged");
	data_in(&ch, b, 2, 1);
	check(b[0] == 0xff && b[1] == 0xff, "no transfer after SRST");
	check(s.repeats == 0, "irq callback only on changes of level");
	ata_destroy(&ch);
	disk_close(&d);
}

static void test_slave_snapshot_chs(const char *path, const char *snap_path)
{
	struct ata_channel ch;
	struct disk m, sl;
	struct seen s;
	uint8_t b[DISK_SECTOR], f[DISK_SECTOR], id[512];

	open_disk(&m, path, DISK_READ_WRITE);
	open_disk(&sl, snap_path, DISK_SNAPSHOT);
	start(&ch, &m, &sl, &s);
	outb(&ch, DEVICE, 0xb0);
	check(inb(&ch, COUNT) == 1 && inb(&ch, LBAL) == 1 && inb(&ch, DEVICE) == 0xb0 &&
	      inb(&ch, ERROR) == 0x01 && inb(&ch, STATUS) == ST_READY, "slave present: signature, status 50");
	memset(b, 0x99, sizeof b);
	cmd28(&ch, 1, 7, 1, 0x30);
	check(pio_out(&ch, b) == 1 && inb(&ch, STATUS) == ST_READY, "snapshot slave: WRITE SECTORS done");
	memset(f, 0, sizeof f);
	cmd28(&ch, 1, 7, 1, 0x20);
	check(pio_in(&ch, f) == 1 && memcmp(f, b, sizeof b) == 0, "snapshot: the guest reads its write back");
	check(file_read(snap_path, 7, 1, f) && is_pattern(f, 7, 1), "snapshot: the file is unchanged");
	outb(&ch, DEVICE, 0xb0);
	outb(&ch, STATUS, 0xec);
	data_in(&ch, id, 2, 256);
	check(memcmp(id + 20, "IMINVK-M411-", 12) == 0, "slave serial MINIKVM-14-1");

	/* CHS: cylinder 0, head 1, sector 1 is LBA 63 with 16/63 */
	task_file(&ch, 0xa1, 1, 1, 0, 0, 0x20);	/* head 1; 1 sector at sector 1, cylinder 0 */
	check(pio_in(&ch, f) == 1 && is_pattern(f, 63, 1), "CHS 0/1/1 with 16 heads, 63 sectors: LBA 63");
	outb(&ch, DEVICE, 0xa3);	/* 4 heads */
	outb(&ch, COUNT, 17);
	outb(&ch, STATUS, 0x91);
	task_file(&ch, 0xa1, 1, 2, 1, 0, 0x20);	/* sector 2, cylinder 1 */
	check(pio_in(&ch, f) == 1 && is_pattern(f, (1 * 4 + 1) * 17 + 1, 1),
	      "after INITIALIZE DEVICE PARAMETERS 4/17: CHS 1/1/2 is LBA 86");
	outb(&ch, LBAL, 0);
	outb(&ch, STATUS, 0x20);
	check(inb(&ch, STATUS) == ST_ERR && inb(&ch, ERROR) == 0x10, "CHS sector 0: IDNF");
	ata_destroy(&ch);
	disk_close(&m);
	disk_close(&sl);
}

static void *hammer(void *arg)
{
	struct ata_channel *ch = arg;
	uint8_t id[512];

	for (unsigned i = 0; i < 2000; i++) {
		outb(ch, STATUS, 0xec);
		data_in(ch, id, 4, 128);
		inb(ch, STATUS);
		alt(ch);
	}
	return NULL;
}

/* Two vCPU threads on one channel: the lock keeps its state whole. */
static void test_threads(const char *path)
{
	struct ata_channel ch;
	struct disk d;
	struct seen s;
	pthread_t t[2];
	bool ok = true;

	open_disk(&d, path, DISK_READ_WRITE);
	start(&ch, &d, NULL, &s);
	for (unsigned i = 0; i < 2; i++)
		ok &= pthread_create(&t[i], NULL, hammer, &ch) == 0;
	for (unsigned i = 0; i < 2 && ok; i++)
		pthread_join(t[i], NULL);
	check(ok && s.repeats == 0 && !ch.x.active && (alt(&ch) & 0xf7) == ST_READY,
	      "two threads issuing IDENTIFY and reading it: no damage, no repeated irq level");
	ata_destroy(&ch);
	disk_close(&d);
}

int main(void)
{
	char path[256], big[256], ro[256], snap[256];

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	make_image(path, "disk.img", SECTORS);
	make_image(big, "big.img", BIG);
	make_image(ro, "ro.img", SECTORS);
	make_image(snap, "snap.img", SECTORS);
	printf("1..%d\n", PLAN);
	test_power_on(path);
	test_identify(path, big);
	test_read_write(path);
	test_lba48(path, big);
	test_multiple(path);
	test_errors(path, ro);
	test_irq_and_reset(path);
	test_slave_snapshot_chs(path, snap);
	test_threads(path);
	unlink(path);
	unlink(big);
	unlink(ro);
	unlink(snap);
	rmdir(dir);
	return failed || n != PLAN;
}
