/*
 * cmos.h - the PC's real-time clock and CMOS RAM, a Motorola MC146818A
 * (data sheet "MC146818A Real-Time Clock Plus RAM (RTC)", sections
 * "Address Map", "Time, Calendar and Alarm Locations", "Registers" and
 * "Update Cycle"), at ports 0x70 (index) and 0x71 (data) as the IBM PC/AT
 * wires it.
 *
 * Port 0x70, write: bits 6-0 select one of the 128 bytes, bit 7 is the
 * PC's NMI mask (1 = NMI disabled), remembered (cmos_nmi_disabled) and not
 * otherwise acted on.  Read: 0xFF, as on most PCs where the index latch is
 * write-only.  Port 0x71 reads or writes the selected byte; the index
 * stays selected.
 *
 * The 128 bytes:
 *   0x00 0x02 0x04   seconds, minutes, hours      } the guest's clock: the
 *   0x06 0x07        day of week (1 = Sunday), date } host's UTC time plus an
 *   0x08 0x09        month, year within the century } offset, computed at
 *   0x32             century (IBM AT convention)     } each read (below)
 *   0x01 0x03 0x05   alarm seconds, minutes, hours: plain bytes (no alarm)
 *   0x0A             register A: bits 6-0 (divider, rate) as written,
 *                    reset 0x26; bit 7 UIP, read-only (below)
 *   0x0B             register B: as written, reset 0x02 (24-hour, BCD);
 *                    writing SET (bit 7) as 1 also clears UIE (bit 4)
 *   0x0C             register C: reads 0 (no interrupt flags, below);
 *                    writes ignored
 *   0x0D             register D: reads 0x80 (VRT: RAM and time valid,
 *                    battery good); writes ignored
 *   0x0E-0x7F        but 0x32: plain bytes that read back what was
 *                    written, filled at reset as a PC BIOS leaves them
 *                    (cmos_init)
 *
 * Format: the clock bytes read in BCD or binary as register B bit 2 (DM)
 * says, with hours 0-23 or 1-12 as bit 1 (24/12) says (12-hour: bit 7 of
 * the hour = PM).  The chip itself does not convert its registers when DM
 * or 24/12 changes (the data sheet asks software to reload the time);
 * here the next read is simply in the new format.  Daylight saving (DSE,
 * bit 0) is not applied: the clock is UTC.
 *
 * Setting the clock: writing register B with SET (bit 7) freezes the time
 * as it then reads; while SET is 1 the clock bytes read what was frozen or
 * written (each written field on its own, so a guest may write month
 * before date) and do not advance.  Clearing SET makes the written date
 * and time the guest's clock from then on: the offset (whole seconds) from
 * the host clock is kept, and the time advances with the host's.  A write
 * to a clock byte while SET is 0 changes the clock at once, as the chip
 * accepts it between update cycles.  The day of week is what was written
 * while SET is 1, and computed from the date afterwards.  Fields out of
 * range are clamped (seconds 0-59, ...); a date past the month's end (30
 * February) runs into the next month.
 *
 * UIP (register A bit 7, section "Update Cycle", Table 6): 1 during the
 * last 244 us before each second boundary of the guest's clock, 0 the
 * rest of the second and while SET is 1.  The update itself takes no time
 * here (the chip's is 1984 us at 32.768 kHz), so a guest that waits for
 * UIP to fall reads a time that holds for the next 999 ms, and one that
 * waits for UIP to rise and fall sees it within a second.  The divider
 * bits (DV2-0) do not stop or restart the clock.
 *
 * Not modelled: the periodic, alarm and update-ended interrupts, the
 * square-wave output and IRQ 8; register C never has a flag set, and
 * reads 0.
 *
 * The device knows nothing of the VMM: it reads the host's time through a
 * clock callback (cmos_set_clock), so it can be tested alone.  One mutex
 * guards its state; any vCPU thread may call cmos_io.
 */
#ifndef MINIKVM_HW_CMOS_H
#define MINIKVM_HW_CMOS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vmm/bus.h"

#define CMOS_BASE 0x70		/* port of the index register */
#define CMOS_PORTS 2		/* 0x70 index, 0x71 data */
#define CMOS_BYTES 128

/*
 * A clock: fills NOW with the host's current UTC time (seconds and
 * nanoseconds since the Unix epoch).  CTX is what was registered with it.
 * Called with the device's lock held, at each read of a clock byte or of
 * register A; must not fail.
 */
typedef void (*cmos_clock_fn)(void *ctx, struct timespec *now);

/* A date and time being set (SET held), as plain numbers. */
struct cmos_time {
	int sec, min, hour;	/* 0-59, 0-59, 0-23 */
	int wday;		/* 1-7, 1 = Sunday */
	int mday, mon;		/* 1-31, 1-12 */
	int year;		/* 0-9999: century * 100 + year byte */
};

struct cmos {
	pthread_mutex_t lock;
	cmos_clock_fn clock;	/* the host's UTC time */
	void *clock_ctx;
	uint8_t ram[CMOS_BYTES];	/* all but the clock bytes, C and D */
	uint8_t index;		/* the selected byte, 0-0x7F */
	bool nmi_disabled;	/* port 0x70 bit 7, last written */
	int64_t offset;		/* guest clock minus host clock, seconds */
	bool frozen;		/* SET is 1: the clock reads SET_TIME */
	struct cmos_time set_time;
};

/*
 * cmos_host_clock - the default clock: clock_gettime(CLOCK_REALTIME) into
 * NOW; CTX is unused.
 */
void cmos_host_clock(void *ctx, struct timespec *now);

/*
 * cmos_init - the state after a PC BIOS's power-on self test: register A
 * 0x26, B 0x02, the guest's clock = the host's (offset 0), index 0, NMI
 * enabled, clock cmos_host_clock.  MEM_BYTES is the guest's RAM size in
 * bytes, taken as contiguous from GPA 0; it fills (IBM PC/AT Technical
 * Reference, "CMOS RAM Address Map", and its later extensions):
 *   0x10  floppy drive types: 0x00, none
 *   0x12  hard disk types: 0x00, none
 *   0x14  equipment: 0x02 (no floppy, math coprocessor present, primary
 *         display EGA/VGA)
 *   0x15/0x16  base memory in KiB, low byte first: min(MEM_BYTES, 640 KiB)
 *   0x17/0x18 and 0x30/0x31  memory above 1 MiB in KiB, at most 0xFFFF
 *   0x2E/0x2F  checksum of 0x10-0x2D, high byte first (not kept up to
 *         date when the guest writes those bytes, as on the real chip)
 *   0x34/0x35  memory above 16 MiB in 64 KiB units, at most 0xFFFF (the
 *         convention SeaBIOS and QEMU use)
 * and leaves the other plain bytes 0.  Errors: none.
 */
void cmos_init(struct cmos *c, uint64_t mem_bytes);

/* cmos_destroy - releases the lock. */
void cmos_destroy(struct cmos *c);

/*
 * cmos_set_clock - the device reads the host's time from FN(CTX, ...)
 * from now on (tests fix the time this way).  FN must not be NULL.
 */
void cmos_set_clock(struct cmos *c, cmos_clock_fn fn, void *ctx);

/*
 * cmos_io - the bus handler for ports 0x70-0x71 (see bus.h; register it
 * at CMOS_BASE with length CMOS_PORTS, OWNER the struct cmos).  Each byte
 * of a wider access goes to the port at OFFSET + its position, in order
 * (an `out 0x70, ax` selects an index and writes it); bytes past the last
 * port read 0xFF and are otherwise ignored.  Always returns IO_OK.
 */
enum io_result cmos_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write);

/* cmos_nmi_disabled - bit 7 of the last write to port 0x70. */
bool cmos_nmi_disabled(struct cmos *c);

#endif
