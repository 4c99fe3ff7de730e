/*
 * guest_pc.c - the PC ports a Linux guest expects besides COM1: the
 * keyboard controller's reset line and the CMOS clock (see guest_impl.h).
 */
#include "guest_impl.h"

#include <string.h>
#include <time.h>

/* The keyboard controller's status and reset line (port 0x64): writing
 * 0xFE pulses the CPU's reset, which `reboot=k` (and a panic with
 * panic=-1) use; it ends the run.  Reads: ready to take a command (IBF
 * clear, so the reset goes out at once) and an output byte always
 * waiting (OBF set, port 0x60 reads all ones): Linux's i8042 driver
 * flushes, finds a buffer that never empties and reports "No controller
 * found" at once, instead of waiting 1.7 s for a controller that never
 * answers (drivers/input/serio/i8042.c, i8042_flush). */
#define KBC_STATUS_OBF 0x01	/* output buffer full; IBF (0x02) clear */

enum io_result guest_kbc_io(void *owner, uint64_t offset, uint8_t *data,
				   unsigned size, bool is_write)
{
	struct guest *g = owner;

	(void)offset;
	if (!is_write) {
		memset(data, KBC_STATUS_OBF, size);
		return IO_OK;
	}
	if (data[0] != 0xfe)
		return IO_OK;
	g->end_note = "the guest reset the machine (keyboard controller, port 0x64)";
	return IO_EXIT;
}

/* The CMOS clock (ports 0x70-0x71, MC146818): the host's UTC time in BCD,
 * never "update in progress"; other registers read 0. */
enum io_result guest_cmos_io(void *owner, uint64_t offset, uint8_t *data,
				    unsigned size, bool is_write)
{
	struct guest *g = owner;
	time_t now = time(NULL);
	struct tm tm;
	int v = 0;

	if (is_write) {
		if (offset == 0)
			g->cmos_index = data[0] & 0x7f;
		return IO_OK;
	}
	memset(data, 0, size);
	if (offset == 0)
		return IO_OK;
	gmtime_r(&now, &tm);
	switch (g->cmos_index) {
	case 0x00: v = tm.tm_sec; break;
	case 0x02: v = tm.tm_min; break;
	case 0x04: v = tm.tm_hour; break;
	case 0x06: v = tm.tm_wday + 1; break;
	case 0x07: v = tm.tm_mday; break;
	case 0x08: v = tm.tm_mon + 1; break;
	case 0x09: v = tm.tm_year % 100; break;
	case 0x32: v = 19 + tm.tm_year / 100; break;
	case 0x0a: data[0] = 0x26; return IO_OK;	/* 32 kHz, no update */
	case 0x0b: data[0] = 0x02; return IO_OK;	/* 24-hour, BCD */
	case 0x0d: data[0] = 0x80; return IO_OK;	/* battery good */
	default: return IO_OK;
	}
	data[0] = (uint8_t)((v / 10) << 4 | v % 10);
	return IO_OK;
}
