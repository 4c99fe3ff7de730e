/*
 * ata_cmd.c - the ATA commands and their PIO data-in / data-out transfers
 * (ATA/ATAPI-6 clauses 8 and 9; see ata.h).  Called with the lock held.
 */
#include "hw/ata_impl.h"

#include <stdio.h>
#include <string.h>

/* Command codes (clause 8). */
#define CMD_READ 0x20
#define CMD_READ_NORETRY 0x21
#define CMD_READ_EXT 0x24
#define CMD_READ_MULTIPLE_EXT 0x29
#define CMD_WRITE 0x30
#define CMD_WRITE_NORETRY 0x31
#define CMD_WRITE_EXT 0x34
#define CMD_WRITE_MULTIPLE_EXT 0x39
#define CMD_DIAGNOSTIC 0x90
#define CMD_INIT_PARAMS 0x91
#define CMD_READ_MULTIPLE 0xc4
#define CMD_WRITE_MULTIPLE 0xc5
#define CMD_SET_MULTIPLE 0xc6
#define CMD_FLUSH 0xe7
#define CMD_FLUSH_EXT 0xea
#define CMD_IDENTIFY 0xec
#define CMD_SET_FEATURES 0xef

#define FEAT_WCACHE_ON 0x02
#define FEAT_WCACHE_OFF 0x82

/* Keeps a host I/O failure for the error callback, sent after the unlock. */
static void io_error(struct ata_channel *ch, const struct disk *disk,
		     const char *what, uint64_t lba, uint32_t n, const char *why)
{
	if (lba == UINT64_MAX)
		snprintf(ch->msg, sizeof ch->msg, "disk '%s': %s failed: %s",
			 disk->path, what, why);
	else
		snprintf(ch->msg, sizeof ch->msg,
			 "disk '%s': %s of %u sectors at LBA %llu failed: %s",
			 disk->path, what, n, (unsigned long long)lba, why);
}

/*
 * The first sector and sector count of a READ/WRITE command: 48-bit
 * (EXT), LBA28 or CHS through D's translation.  Returns false for a CHS
 * address outside the translation (the caller answers IDNF).
 */
static bool address(const struct ata_channel *ch, const struct ata_drive *d,
		    bool ext, uint64_t *lba, uint32_t *count)
{
	unsigned cyl, head, sector;

	if (ext) {
		*count = (uint32_t)ch->count[1] << 8 | ch->count[0];
		if (*count == 0)
			*count = 65536;
		*lba = (uint64_t)ch->lba_high[1] << 40 | (uint64_t)ch->lba_mid[1] << 32 |
		       (uint64_t)ch->lba_low[1] << 24 | (uint64_t)ch->lba_high[0] << 16 |
		       (uint64_t)ch->lba_mid[0] << 8 | ch->lba_low[0];
		return true;
	}
	*count = ch->count[0] ? ch->count[0] : 256;
	if (ch->device & DEV_LBA) {
		*lba = (uint64_t)(ch->device & 0x0f) << 24 | (uint64_t)ch->lba_high[0] << 16 |
		       (uint64_t)ch->lba_mid[0] << 8 | ch->lba_low[0];
		return true;
	}
	cyl = (unsigned)ch->lba_high[0] << 8 | ch->lba_mid[0];
	head = ch->device & 0x0f;
	sector = ch->lba_low[0];
	if (sector == 0 || sector > d->spt || head >= d->heads)
		return false;
	*lba = ((uint64_t)cyl * d->heads + head) * d->spt + sector - 1;
	return true;
}

/* IDNF's error output: the LBA registers name sector S (LBA modes only). */
static void report_lba(struct ata_channel *ch, bool ext, uint64_t s)
{
	if (ext) {
		ch->lba_low[1] = (uint8_t)(s >> 24);
		ch->lba_mid[1] = (uint8_t)(s >> 32);
		ch->lba_high[1] = (uint8_t)(s >> 40);
	} else if (ch->device & DEV_LBA) {
		ch->device = (uint8_t)((ch->device & 0xf0) | ((s >> 24) & 0x0f));
	} else {
		return;
	}
	ch->lba_low[0] = (uint8_t)s;
	ch->lba_mid[0] = (uint8_t)(s >> 8);
	ch->lba_high[0] = (uint8_t)(s >> 16);
}

/* Sets up the next DRQ block at x.pos: DRQ, the block's end. */
static void next_block(struct ata_channel *ch)
{
	struct ata_xfer *x = &ch->x;
	uint32_t n = x->block < x->left ? x->block : x->left;

	x->end = x->pos + n * DISK_SECTOR;
	ch->drive[x->dev].status = ST_READY | ST_DRQ;
}

/*
 * Data-in: reads the next ATA_BUF_SECTORS (or what is left) at x.lba into
 * the buffer, one disk_read.  Returns 0, or -1 having ended the command
 * with UNC.
 */
static int load(struct ata_channel *ch)
{
	struct ata_xfer *x = &ch->x;
	struct ata_drive *d = &ch->drive[x->dev];
	uint32_t n = x->left < ATA_BUF_SECTORS ? x->left : ATA_BUF_SECTORS;
	const char *why;

	if (disk_read(d->disk, x->lba, n, ch->buf, &why) < 0) {
		io_error(ch, d->disk, "read", x->lba, n, why);
		ata_finish(ch, d, ER_UNC);
		return -1;
	}
	x->filled = n * DISK_SECTOR;
	x->pos = 0;
	return 0;
}

/*
 * Data-out: writes the sectors collected in the buffer, one disk_write.
 * Returns 0, or -1 having ended the command with ABRT.
 */
static int store(struct ata_channel *ch)
{
	struct ata_xfer *x = &ch->x;
	struct ata_drive *d = &ch->drive[x->dev];
	uint32_t n = x->pos / DISK_SECTOR;
	const char *why;

	if (disk_write(d->disk, x->lba, n, ch->buf, &why) < 0) {
		io_error(ch, d->disk, "write", x->lba, n, why);
		ata_finish(ch, d, ER_ABRT);
		return -1;
	}
	x->lba += n;
	x->pos = 0;
	return 0;
}

/* The guest moved the last byte of a DRQ block. */
static void block_done(struct ata_channel *ch)
{
	struct ata_xfer *x = &ch->x;
	struct ata_drive *d = &ch->drive[x->dev];
	const char *why;

	x->left -= x->block < x->left ? x->block : x->left;
	if (!x->write) {
		if (x->left == 0) {	/* data-in ends without an interrupt */
			x->active = false;
			d->error = 0;
			d->status = ST_READY;
			return;
		}
		if (x->pos == x->filled) {
			x->lba += x->filled / DISK_SECTOR;
			if (load(ch) < 0)
				return;
		}
		next_block(ch);
		ata_interrupt(ch);
		return;
	}
	/* data-out: on the disk before any status that says it is done */
	if ((x->left == 0 || x->pos == ATA_BUF_BYTES) && store(ch) < 0)
		return;
	if (x->left > 0) {
		next_block(ch);
		ata_interrupt(ch);
		return;
	}
	if (!d->write_cache && disk_flush(d->disk, &why) < 0) {
		io_error(ch, d->disk, "flush", UINT64_MAX, 0, why);
		ata_finish(ch, d, ER_ABRT);
		return;
	}
	ata_finish(ch, d, 0);
}

/* READ/WRITE SECTORS and MULTIPLE, 28- or 48-bit (EXT), on device DEV. */
static void start_rw(struct ata_channel *ch, unsigned dev, bool write,
		     bool ext, bool multiple)
{
	struct ata_drive *d = &ch->drive[dev];
	uint64_t lba, sectors = d->disk->sectors;
	uint32_t count;

	if ((multiple && d->multiple == 0) ||
	    (write && d->disk->access == DISK_READ_ONLY)) {
		ata_finish(ch, d, ER_ABRT);
		return;
	}
	if (!address(ch, d, ext, &lba, &count)) {
		ata_finish(ch, d, ER_IDNF);
		return;
	}
	if (count > sectors || lba > sectors - count) {
		report_lba(ch, ext, lba < sectors ? sectors : lba);
		ata_finish(ch, d, ER_IDNF);
		return;
	}
	ch->x = (struct ata_xfer){
		.active = true, .write = write, .dev = (uint8_t)dev, .lba = lba,
		.left = count, .block = multiple ? d->multiple : 1,
	};
	if (!write && load(ch) < 0)
		return;
	next_block(ch);
	if (!write)	/* data-out asks for its first block without one */
		ata_interrupt(ch);
}

static void identify(struct ata_channel *ch, unsigned dev)
{
	ata_identify(ch, dev, ch->buf);
	ch->x = (struct ata_xfer){
		.active = true, .identify = true, .dev = (uint8_t)dev,
		.left = 1, .block = 1, .filled = DISK_SECTOR,
	};
	next_block(ch);
	ata_interrupt(ch);
}

static void flush(struct ata_channel *ch, struct ata_drive *d)
{
	const char *why;

	if (disk_flush(d->disk, &why) < 0) {
		io_error(ch, d->disk, "flush", UINT64_MAX, 0, why);
		ata_finish(ch, d, ER_ABRT);
		return;
	}
	ata_finish(ch, d, 0);
}

void ata_command(struct ata_channel *ch, uint8_t cmd)
{
	unsigned dev = ata_sel_dev(ch);
	struct ata_drive *d = &ch->drive[dev];

	if (ch->control & CTL_SRST)	/* in reset: BSY, takes nothing */
		return;
	ata_set_intrq(ch, false);
	if (cmd == CMD_DIAGNOSTIC) {	/* both devices run it, either selected */
		if (ata_no_devices(ch))
			return;
		ch->x.active = false;
		ata_signature(ch);
		ata_interrupt(ch);
		return;
	}
	if (d->disk == NULL)
		return;
	ch->x.active = false;	/* a new command abandons a transfer */
	d->error = 0;
	switch (cmd) {
	case CMD_IDENTIFY:
		identify(ch, dev);
		break;
	case CMD_READ: case CMD_READ_NORETRY:
		start_rw(ch, dev, false, false, false);
		break;
	case CMD_WRITE: case CMD_WRITE_NORETRY:
		start_rw(ch, dev, true, false, false);
		break;
	case CMD_READ_MULTIPLE:
		start_rw(ch, dev, false, false, true);
		break;
	case CMD_WRITE_MULTIPLE:
		start_rw(ch, dev, true, false, true);
		break;
	case CMD_READ_EXT:
		start_rw(ch, dev, false, true, false);
		break;
	case CMD_WRITE_EXT:
		start_rw(ch, dev, true, true, false);
		break;
	case CMD_READ_MULTIPLE_EXT:
		start_rw(ch, dev, false, true, true);
		break;
	case CMD_WRITE_MULTIPLE_EXT:
		start_rw(ch, dev, true, true, true);
		break;
	case CMD_SET_MULTIPLE: {
		uint8_t n = ch->count[0];
		bool ok = n <= ATA_MAX_MULTIPLE && (n & (n - 1)) == 0;

		if (ok)
			d->multiple = n;
		ata_finish(ch, d, ok ? 0 : ER_ABRT);
		break;
	}
	case CMD_FLUSH: case CMD_FLUSH_EXT:
		flush(ch, d);
		break;
	case CMD_SET_FEATURES:
		if (ch->feature[0] == FEAT_WCACHE_ON || ch->feature[0] == FEAT_WCACHE_OFF)
			d->write_cache = ch->feature[0] == FEAT_WCACHE_ON;
		ata_finish(ch, d, 0);
		break;
	case CMD_INIT_PARAMS:
		d->heads = (uint8_t)((ch->device & 0x0f) + 1);
		d->spt = ch->count[0];	/* 0: CHS commands get IDNF */
		ata_finish(ch, d, 0);
		break;
	default:
		ata_finish(ch, d, ER_ABRT);
		break;
	}
}

void ata_data_io(struct ata_channel *ch, uint8_t *data, unsigned size,
		    bool is_write)
{
	struct ata_xfer *x = &ch->x;
	unsigned done = 0;

	while (done < size) {
		uint32_t n;

		if (!x->active || x->dev != ata_sel_dev(ch) || x->write != is_write) {
			if (!is_write)
				memset(data + done, 0xff, size - done);
			return;
		}
		n = x->end - x->pos;
		if (n > size - done)
			n = size - done;
		if (is_write)
			memcpy(ch->buf + x->pos, data + done, n);
		else
			memcpy(data + done, ch->buf + x->pos, n);
		x->pos += n;
		done += n;
		if (x->pos == x->end)
			block_done(ch);
	}
}
