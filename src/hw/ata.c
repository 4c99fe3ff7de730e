/*
 * ata.c - an ATA channel, PIO only, ATA/ATAPI-6 (see ata.h): the register
 * file, reset, INTRQ and the bus handlers; commands are in ata_cmd.c.
 */
#include "hw/ata_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Register offsets from the command block base. */
enum { REG_DATA, REG_ERROR, REG_COUNT, REG_LBA_LOW, REG_LBA_MID, REG_LBA_HIGH,
       REG_DEVICE, REG_STATUS };

void ata_set_intrq(struct ata_channel *ch, bool level)
{
	if (ch->intrq == level)
		return;
	ch->intrq = level;
	if (ch->irq_fn)
		ch->irq_fn(ch->ctx, ch->irq, level);
}

/* Nothing while nIEN masks it, as in QEMU: no interrupt stays pending. */
void ata_interrupt(struct ata_channel *ch)
{
	if (!(ch->control & CTL_NIEN))
		ata_set_intrq(ch, true);
}

void ata_finish(struct ata_channel *ch, struct ata_drive *d, uint8_t error)
{
	ch->x.active = false;
	d->error = error;
	d->status = ST_READY | (error ? ST_ERR : 0);
	ata_interrupt(ch);
}

/*
 * The ATA signature (clause 9, "Signature and persistence") left by a
 * reset or diagnostic, with each present device ready.
 */
void ata_signature(struct ata_channel *ch)
{
	for (unsigned i = 0; i < 2; i++) {
		ch->count[i] = 1;
		ch->lba_low[i] = 1;
		ch->lba_mid[i] = 0;
		ch->lba_high[i] = 0;
	}
	ch->device = 0;
	for (unsigned i = 0; i < 2; i++) {
		if (ch->drive[i].disk == NULL)
			continue;
		ch->drive[i].error = ER_DIAG_OK;
		ch->drive[i].status = ST_READY;
	}
}

static uint8_t reg_read(struct ata_channel *ch, unsigned reg)
{
	struct ata_drive *d = &ch->drive[ata_sel_dev(ch)];
	unsigned hob = (ch->control & CTL_HOB) ? 1 : 0;

	if (ata_no_devices(ch))
		return 0xff;
	if (d->disk == NULL)
		return 0x00;
	switch (reg) {
	case REG_ERROR:
		return d->error;
	case REG_COUNT:
		return ch->count[hob];
	case REG_LBA_LOW:
		return ch->lba_low[hob];
	case REG_LBA_MID:
		return ch->lba_mid[hob];
	case REG_LBA_HIGH:
		return ch->lba_high[hob];
	case REG_DEVICE:
		return ch->device | DEV_ONES;
	default:		/* REG_STATUS: the read acknowledges INTRQ */
		ata_set_intrq(ch, false);
		return d->status;
	}
}

/* Registers 1-5 shift the current byte into the previous (HOB) one. */
static void push(uint8_t r[2], uint8_t v)
{
	r[1] = r[0];
	r[0] = v;
}

static void reg_write(struct ata_channel *ch, unsigned reg, uint8_t v)
{
	ch->control &= (uint8_t)~CTL_HOB;
	switch (reg) {
	case REG_ERROR:
		push(ch->feature, v);
		break;
	case REG_COUNT:
		push(ch->count, v);
		break;
	case REG_LBA_LOW:
		push(ch->lba_low, v);
		break;
	case REG_LBA_MID:
		push(ch->lba_mid, v);
		break;
	case REG_LBA_HIGH:
		push(ch->lba_high, v);
		break;
	case REG_DEVICE:
		ch->device = v & (uint8_t)~DEV_ONES;
		break;
	default:
		ata_command(ch, v);
		break;
	}
}

static void control_write(struct ata_channel *ch, uint8_t v)
{
	uint8_t old = ch->control;

	ch->control = v;
	if ((v & CTL_SRST) && !(old & CTL_SRST)) {
		ch->x.active = false;	/* unwritten data is dropped */
		ata_set_intrq(ch, false);
		for (unsigned i = 0; i < 2; i++)
			ch->drive[i].status = ch->drive[i].disk ? ST_BSY : 0;
	} else if (!(v & CTL_SRST) && (old & CTL_SRST)) {
		ata_signature(ch);
	}
	if (v & CTL_NIEN)
		ata_set_intrq(ch, false);
}

/* Unlocks CH and passes on an error message kept under the lock. */
static void unlock(struct ata_channel *ch)
{
	char msg[ATA_MSG];

	memcpy(msg, ch->msg, sizeof msg);
	ch->msg[0] = '\0';
	pthread_mutex_unlock(&ch->lock);
	if (msg[0] && ch->error_fn)
		ch->error_fn(ch->ctx, msg);
}

enum io_result ata_io_cmd(void *owner, uint64_t offset, uint8_t *data,
			  unsigned size, bool is_write)
{
	struct ata_channel *ch = owner;

	pthread_mutex_lock(&ch->lock);
	if (offset == REG_DATA) {
		ata_data_io(ch, data, size, is_write);
	} else {
		for (unsigned i = 0; i < size; i++) {
			uint64_t reg = offset + i;

			if (reg > REG_STATUS) {	/* not ours (bus.h says never) */
				if (!is_write)
					data[i] = 0xff;
			} else if (is_write) {
				reg_write(ch, (unsigned)reg, data[i]);
			} else {
				data[i] = reg_read(ch, (unsigned)reg);
			}
		}
	}
	unlock(ch);
	return IO_OK;
}

enum io_result ata_io_ctl(void *owner, uint64_t offset, uint8_t *data,
			  unsigned size, bool is_write)
{
	struct ata_channel *ch = owner;

	pthread_mutex_lock(&ch->lock);
	for (unsigned i = 0; i < size; i++) {
		struct ata_drive *d = &ch->drive[ata_sel_dev(ch)];

		if (offset + i != 0) {
			if (!is_write)
				data[i] = 0xff;
		} else if (is_write) {
			control_write(ch, data[i]);
		} else {	/* alternate status: INTRQ stays */
			data[i] = ata_no_devices(ch) ? 0xff : d->disk ? d->status : 0x00;
		}
	}
	unlock(ch);
	return IO_OK;
}

int ata_init(struct ata_channel *ch, struct disk *master, struct disk *slave,
	     unsigned irq, ata_irq_fn irq_fn, ata_error_fn error_fn, void *ctx)
{
	int rc;

	memset(ch, 0, sizeof *ch);
	ch->drive[0].disk = master;
	ch->drive[1].disk = slave;
	for (unsigned i = 0; i < 2; i++) {
		ch->drive[i].write_cache = true;
		ch->drive[i].heads = 16;
		ch->drive[i].spt = 63;
	}
	ch->irq = irq;
	ch->irq_fn = irq_fn;
	ch->error_fn = error_fn;
	ch->ctx = ctx;
	ata_signature(ch);
	ch->buf = malloc(ATA_BUF_BYTES);
	if (ch->buf == NULL)
		return -ENOMEM;
	rc = pthread_mutex_init(&ch->lock, NULL);
	if (rc != 0) {
		free(ch->buf);
		ch->buf = NULL;
		return -rc;
	}
	return 0;
}

void ata_destroy(struct ata_channel *ch)
{
	free(ch->buf);
	ch->buf = NULL;
	pthread_mutex_destroy(&ch->lock);
}
