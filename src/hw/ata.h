/*
 * ata.h - an ATA (IDE) channel with up to two hard disks (device 0, the
 * master, and device 1, the slave), PIO transfers only, after ATA/ATAPI-6
 * (T13/1410D rev. 3b; clause 7 "Interface register definitions", clause 8
 * "Command descriptions", clause 9 "Protocol").  QEMU's hw/ide/core.c is
 * the yardstick where the standard leaves room.
 *
 * Command block registers (ata_io_cmd, offsets from the base port):
 *   0  data: an access of SIZE bytes moves SIZE bytes of the data stream
 *      (`in %ax` one word, `in %eax` two, `in %al` one byte, which the
 *      standard does not allow but costs nothing to give); with no
 *      transfer going it reads 0xFF bytes and writes are dropped
 *   1  error (read) / features (write)
 *   2  sector count   3 LBA low   4 LBA mid   5 LBA high
 *   6  device: bit 4 DEV selects device 1, bit 6 LBA addressing, bits 3-0
 *      LBA 27:24 (LBA28) or the head (CHS); bits 7 and 5 read as 1
 *   7  status (read; clears a pending interrupt) / command (write)
 * An access of several bytes at offset 1-7 is byte accesses to consecutive
 * registers.  Registers 1-5 keep the previous byte written (the "HOB"
 * byte of 48-bit commands: clause 6, "48-bit Address feature set"); with
 * device control HOB = 1, reads of 2-5 return those.  Writing any command
 * block register clears HOB (clause 7, "Device Control register").
 * Writes reach both devices' registers, as on the cable; reads come from
 * the selected device.
 *
 * Control block (ata_io_ctl, offset 0 only): alternate status (read;
 * status without clearing the interrupt) / device control (write: bit 1
 * nIEN, bit 2 SRST, bit 7 HOB).
 *
 * Status: BSY 0x80 (only while SRST is held: commands complete at once),
 * DRDY 0x40, DSC 0x10 (both set when ready), DRQ 0x08, ERR 0x01; DF never.
 * Error: ABRT 0x04, IDNF 0x10, UNC 0x40; 0x01 after a reset or diagnostic.
 *
 * A missing device: when the selected position is empty and the other is
 * not, registers 1-7 and alternate status read 0x00 (reading status then
 * leaves INTRQ alone) and commands to it are ignored (clause 9: device 0
 * answers for an absent device 1; also QEMU): xv6 waits for status != 0 to
 * find disk 1, Linux takes 0 as no device.  A channel with no devices
 * reads 0xFF everywhere (an empty bus).
 *
 * Commands (clause 8): IDENTIFY DEVICE EC; READ SECTORS 20/21, WRITE
 * SECTORS 30/31, READ/WRITE MULTIPLE C4/C5, SET MULTIPLE MODE C6 (1, 2, 4,
 * 8 or 16 sectors per block, 0 turns it off; MULTIPLE commands without it
 * are aborted), and their 48-bit forms READ/WRITE SECTORS EXT 24/34, READ/
 * WRITE MULTIPLE EXT 29/39 (sector count 0 means 256, 65536 for EXT);
 * FLUSH CACHE E7 / EXT EA (fdatasync); SET FEATURES EF (02/82 turn the
 * write cache on/off; other subcommands accepted without effect); EXECUTE
 * DEVICE DIAGNOSTIC 90 (run by both devices, whichever is selected);
 * INITIALIZE DEVICE PARAMETERS 91 (sets the CHS translation).  Anything
 * else (IDENTIFY PACKET DEVICE, NOP, DMA, ...) ends with ERR, ABRT and an
 * interrupt.
 *
 * CHS addressing (device bit 6 = 0) works through the current translation:
 * 16 heads and 63 sectors per track until INITIALIZE DEVICE PARAMETERS
 * sets another; an address outside it gets IDNF.
 *
 * The write cache is the host's page cache: a completed write is in the
 * file (pwrite), durable after FLUSH CACHE.  IDENTIFY says the cache is
 * there and on (words 82 and 85 bit 5), so a guest that cares flushes;
 * with it off (SET FEATURES 82), every write command ends with a flush.
 *
 * Transfers (clause 9, "PIO data-in" and "PIO data-out" protocols).  A
 * read: once the command is written the first DRQ block is ready (status
 * DRDY DSC DRQ) and INTRQ is asserted; a block is one sector (SECTORS
 * commands) or the multiple count (MULTIPLE; the last block may be
 * shorter); after the last byte of the last block the status is DRDY DSC,
 * with no interrupt.  A write: DRQ at once for the first block, without an
 * interrupt; after each block, INTRQ with DRQ for the next, or the final
 * status with INTRQ.  System calls: a read command's sectors are read with
 * one disk_read per ATA_BUF_SECTORS (or fewer at the end); a write
 * command's with one disk_write per ATA_BUF_SECTORS or at its end, always
 * before the status that says the command completed.  A new command
 * written during a transfer abandons it (the standard leaves this open).
 *
 * Errors: a range running past the image: ERR IDNF, nothing moved, the
 * LBA registers name the first sector outside (LBA modes); a write to a
 * read-only disk: ERR ABRT; a host I/O error: ERR with UNC (read) or ABRT
 * (write, flush), and a message through the error callback.  All of these
 * interrupt.
 *
 * Reset (clause 9, "Software reset protocol"): SRST set abandons any
 * transfer (collected write data not yet written is dropped: the guest
 * never saw it complete), lowers
 * INTRQ, shows BSY; SRST cleared leaves the signature (sector count 1, LBA
 * low 1, mid 0, high 0, device 0, error 0x01) and DRDY DSC, no interrupt.
 * The multiple count and CHS translation survive it.  Power-on is the
 * same state, multiple mode off.
 *
 * INTRQ (one line for the channel): asserted on the events above unless
 * nIEN = 1 (then the event raises nothing, as in QEMU); deasserted when
 * the guest reads status (not alternate status), writes a command, or sets
 * nIEN or SRST.  irq_fn is called only when the level changes.
 *
 * One mutex per channel: any vCPU thread may call the handlers.
 */
#ifndef MINIKVM_HW_ATA_H
#define MINIKVM_HW_ATA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "block/disk.h"
#include "vmm/bus.h"

#define ATA_PRIMARY_BASE 0x1F0
#define ATA_PRIMARY_CTL 0x3F6
#define ATA_PRIMARY_IRQ 14
#define ATA_SECONDARY_BASE 0x170
#define ATA_SECONDARY_CTL 0x376
#define ATA_SECONDARY_IRQ 15
#define ATA_CMD_PORTS 8		/* command block registers at base+0..7 */
#define ATA_CTL_PORTS 1		/* alternate status / device control */

#define ATA_BUF_SECTORS 256u	/* transfer buffer: sectors per disk call */
#define ATA_MAX_MULTIPLE 16u	/* IDENTIFY word 47: most sectors per block */
#define ATA_MSG 320		/* bytes of an error_fn message, NUL included */

/*
 * INTRQ of the channel changed to LEVEL; IRQ is the number given to
 * ata_init.  Called with the channel's lock held (so changes arrive in
 * order): it must not call back into the channel.
 */
typedef void (*ata_irq_fn)(void *ctx, unsigned irq, bool level);

/*
 * A host-side I/O failure that the guest saw as an ATA error, as one line
 * without a newline ("disk 'x.img': write of 8 sectors at LBA 1234 failed:
 * No space left on device").  Called without the lock held.
 */
typedef void (*ata_error_fn)(void *ctx, const char *msg);

/* One device position. */
struct ata_drive {
	struct disk *disk;	/* NULL: no device here */
	uint8_t status, error;
	uint8_t multiple;	/* sectors per MULTIPLE block; 0: mode off */
	bool write_cache;	/* off: each write command ends with a flush */
	uint8_t heads, spt;	/* CHS translation: heads, sectors per track */
};

/* The PIO transfer in progress, if any. */
struct ata_xfer {
	bool active;		/* DRQ: the data port moves bytes */
	bool write;		/* data-out */
	bool identify;		/* data from IDENTIFY, not the disk */
	uint8_t dev;		/* the device transferring: 0 or 1 */
	uint64_t lba;		/* sector of buf[0] */
	uint32_t left;		/* sectors not yet through the data port */
	uint32_t block;		/* sectors per DRQ block */
	uint32_t pos, end;	/* bytes in buf: next one, end of this block */
	uint32_t filled;	/* data-in: bytes of buf loaded */
};

struct ata_channel {
	pthread_mutex_t lock;
	struct ata_drive drive[2];
	unsigned irq;
	ata_irq_fn irq_fn;	/* NULL: no interrupts */
	ata_error_fn error_fn;	/* NULL: errors are not reported */
	void *ctx;		/* for both callbacks */
	bool intrq;		/* INTRQ as last reported */

	/* command block registers; [0] current, [1] previous (HOB) byte */
	uint8_t feature[2], count[2], lba_low[2], lba_mid[2], lba_high[2];
	uint8_t device;		/* as written, bits 7 and 5 dropped */
	uint8_t control;	/* device control as written */

	struct ata_xfer x;
	uint8_t *buf;		/* ATA_BUF_SECTORS * DISK_SECTOR bytes */
	char msg[ATA_MSG];	/* error_fn message waiting for the unlock */
};

/*
 * ata_init - the channel CH in its power-on state, with DRIVE[0] = MASTER
 * and DRIVE[1] = SLAVE (either may be NULL: no device there; the disks
 * stay the caller's, open until after ata_destroy).  IRQ is passed back to
 * IRQ_FN; IRQ_FN and ERROR_FN may be NULL and get CTX.  Allocates the
 * ATA_BUF_SECTORS-sector transfer buffer.  Returns 0 or a negative errno
 * (-ENOMEM, or the mutex's error).
 */
int ata_init(struct ata_channel *ch, struct disk *master, struct disk *slave,
	     unsigned irq, ata_irq_fn irq_fn, ata_error_fn error_fn, void *ctx);

/* ata_destroy - frees the buffer and the lock; the disks are not closed. */
void ata_destroy(struct ata_channel *ch);

/*
 * ata_identify - the 256 words of IDENTIFY DEVICE data (clause 8,
 * "IDENTIFY DEVICE") of device DEV (0 or 1, present) of CH, as the data
 * port sends them: little-endian words, 512 bytes into OUT.  Reads CH
 * without locking (ata.c calls it with the lock held).  In ata_identify.c.
 */
void ata_identify(const struct ata_channel *ch, unsigned dev, uint8_t *out);

/*
 * ata_io_cmd - the bus handler of the command block (ATA_CMD_PORTS ports
 * from ATA_*_BASE); OWNER is the struct ata_channel, OFFSET 0-7.
 * ata_io_ctl - the handler of the control port (ATA_*_CTL), OFFSET 0.
 * Both return IO_OK: a guest's mistakes are ATA errors, never a fault.
 */
enum io_result ata_io_cmd(void *owner, uint64_t offset, uint8_t *data,
			  unsigned size, bool is_write);
enum io_result ata_io_ctl(void *owner, uint64_t offset, uint8_t *data,
			  unsigned size, bool is_write);

#endif
