/*
 * ata_impl.h - what ata.c (registers, reset, interrupts) and ata_cmd.c
 * (commands, PIO transfers) share inside the ATA model; see ata.h.  All
 * functions here are called with the channel's lock held.
 */
#ifndef MINIKVM_HW_ATA_IMPL_H
#define MINIKVM_HW_ATA_IMPL_H

#include "hw/ata.h"

#define ATA_BUF_BYTES (ATA_BUF_SECTORS * DISK_SECTOR)

/* Status register (clause 7, "Status register"). */
#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ST_READY (ST_DRDY | ST_DSC)

/* Error register. */
#define ER_DIAG_OK 0x01		/* after reset and diagnostic: device 0 passed */
#define ER_ABRT 0x04
#define ER_IDNF 0x10
#define ER_UNC 0x40

/* Device register and device control register bits. */
#define DEV_LBA 0x40
#define DEV_DEV 0x10
#define DEV_ONES 0xa0		/* obsolete bits 7 and 5: read as 1 */
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB 0x80

/* The device DEV selects: 0 or 1. */
static inline unsigned ata_sel_dev(const struct ata_channel *ch)
{
	return (ch->device & DEV_DEV) ? 1 : 0;
}

static inline bool ata_no_devices(const struct ata_channel *ch)
{
	return ch->drive[0].disk == NULL && ch->drive[1].disk == NULL;
}

/* ata_set_intrq - INTRQ to LEVEL; irq_fn only when it changes. */
void ata_set_intrq(struct ata_channel *ch, bool level);

/* ata_interrupt - an event that interrupts: raises INTRQ unless nIEN. */
void ata_interrupt(struct ata_channel *ch);

/*
 * ata_finish - ends the command (and any transfer) on D with ERROR in the
 * error register (0: success), status DRDY DSC, plus ERR if ERROR is not 0,
 * and an interrupt.
 */
void ata_finish(struct ata_channel *ch, struct ata_drive *d, uint8_t error);

/* ata_signature - the registers a reset or diagnostic leaves (ata.h). */
void ata_signature(struct ata_channel *ch);

/* ata_command - CMD written to the command register (ata_cmd.c). */
void ata_command(struct ata_channel *ch, uint8_t cmd);

/*
 * ata_data_io - SIZE bytes of the data stream through the data register:
 * to DATA (read) or from it (write); 0xFF bytes / dropped with no
 * transfer of that direction going on the selected device (ata_cmd.c).
 */
void ata_data_io(struct ata_channel *ch, uint8_t *data, unsigned size, bool is_write);

#endif
