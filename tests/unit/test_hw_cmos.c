/*
 * test_hw_cmos.c - the MC146818A model (hw/cmos.h) alone, with a fixed
 * clock, through its bus handler as a guest's in/out would reach it (TAP).
 */
#include <stdio.h>
#include <string.h>

#include "hw/cmos.h"
#include "tap.h"

#define outb(c, port, v) tap_out(cmos_io, c, (port) - CMOS_BASE, v)
#define inb(c, port) tap_in(cmos_io, c, (port) - CMOS_BASE)
#define rd(c, reg) tap_rd(cmos_io, c, reg)
#define wr(c, reg, v) tap_wr(cmos_io, c, reg, v)

static void fixed_clock(void *ctx, struct timespec *now)
{
	*now = *(struct timespec *)ctx;
}

/* The clock bytes 0x00 0x02 0x04 0x06 0x07 0x08 0x09 0x32 as a string. */
static const char *clock_bytes(struct cmos *c)
{
	static char buf[64];

	snprintf(buf, sizeof buf, "%02x:%02x:%02x w%02x %02x-%02x-%02x%02x",
		 rd(c, 4), rd(c, 2), rd(c, 0), rd(c, 6), rd(c, 7), rd(c, 8),
		 rd(c, 0x32), rd(c, 9));
	return buf;
}

static bool same(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return true;
	printf("# got  %s\n# want %s\n", got, want);
	return false;
}

static void test_memory(void)
{
	struct cmos c;
	unsigned sum = 0, i;

	cmos_init(&c, 64ULL << 20);
	check(rd(&c, 0x15) == 0x80 && rd(&c, 0x16) == 0x02,
	      "64 MiB: base memory 640 KiB (0x15/0x16)");
	check(rd(&c, 0x17) == 0x00 && rd(&c, 0x18) == 0xfc &&
	      rd(&c, 0x30) == 0x00 && rd(&c, 0x31) == 0xfc,
	      "64 MiB: extended memory 64512 KiB (0x17/0x18, 0x30/0x31)");
	check(rd(&c, 0x34) == 0x00 && rd(&c, 0x35) == 0x03,
	      "64 MiB: 768 x 64 KiB above 16 MiB (0x34/0x35)");
	for (i = 0x10; i <= 0x2d; i++)
		sum += rd(&c, (uint8_t)i);
	check(rd(&c, 0x2e) == (sum >> 8 & 0xff) && rd(&c, 0x2f) == (sum & 0xff) &&
	      rd(&c, 0x10) == 0 && rd(&c, 0x14) == 0x02,
	      "floppy none, equipment 0x02, checksum of 0x10-0x2d at 0x2e/0x2f");
	cmos_destroy(&c);

	cmos_init(&c, 8ULL << 30);
	check(rd(&c, 0x17) == 0xff && rd(&c, 0x18) == 0xff &&
	      rd(&c, 0x34) == 0xff && rd(&c, 0x35) == 0xff,
	      "8 GiB: extended and above-16-MiB counts capped at 0xffff");
	cmos_destroy(&c);

	cmos_init(&c, 256 << 10);
	check(rd(&c, 0x15) == 0x00 && rd(&c, 0x16) == 0x01 &&
	      rd(&c, 0x17) == 0 && rd(&c, 0x18) == 0 && rd(&c, 0x34) == 0,
	      "256 KiB: base memory 256 KiB, nothing extended");
	cmos_destroy(&c);
}

/* With the host's clock: a guest polling UIP sees it rise and fall. */
static void test_host_clock(void)
{
	struct timespec t0, t;
	struct cmos c;
	int state = 0;	/* 0: waiting for 1, 1: waiting for 0, 2: done */

	cmos_init(&c, 1 << 20);
	check(rd(&c, 0x32) == 0x20 && rd(&c, 0x08) >= 0x01 && rd(&c, 0x08) <= 0x12,
	      "host clock: century 0x20, a BCD month");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint8_t a = rd(&c, 0x0a);

		if (state == 0 && (a & 0x80))
			state = 1;
		else if (state == 1 && !(a & 0x80))
			state = 2;
		clock_gettime(CLOCK_MONOTONIC, &t);
	/* UIP is up 244 us a second: a loaded host may preempt the poll
	 * through a few of them (seen once in 30 runs with 4 s) */
	} while (state < 2 && t.tv_sec - t0.tv_sec < 15);
	check(state == 2, "host clock: polling UIP sees 0 -> 1 -> 0 within 15 s");
	cmos_destroy(&c);
}

int main(void)
{
	/* 2026-12-01 23:59:58 UTC, a Tuesday (day 3) */
	struct timespec now = { .tv_sec = 1796169598, .tv_nsec = 0 };
	struct cmos c;
	uint8_t w[8];
	unsigned i;
	bool ok;

	printf("1..41\n");
	cmos_init(&c, 64ULL << 20);
	cmos_set_clock(&c, fixed_clock, &now);

	check(rd(&c, 0x0a) == 0x26 && rd(&c, 0x0b) == 0x02 &&
	      rd(&c, 0x0c) == 0 && rd(&c, 0x0d) == 0x80,
	      "reset: A 0x26, B 0x02 (24-hour, BCD), C 0, D 0x80");
	check(same(clock_bytes(&c), "23:59:58 w03 01-12-2026"),
	      "BCD, 24-hour: 2026-12-01 23:59:58, Tuesday, century 0x20");
	wr(&c, 0x0b, 0x06);
	check(rd(&c, 0) == 58 && rd(&c, 2) == 59 && rd(&c, 4) == 23 &&
	      rd(&c, 8) == 12 && rd(&c, 9) == 26 && rd(&c, 0x32) == 20,
	      "binary, 24-hour: 23:59:58, month 12, year 26, century 20");
	wr(&c, 0x0b, 0x00);
	check(rd(&c, 4) == 0x91, "BCD, 12-hour: 23h reads 0x91 (11, PM bit)");
	wr(&c, 0x0b, 0x04);
	check(rd(&c, 4) == 0x8b, "binary, 12-hour: 23h reads 0x8b");
	now.tv_sec += 2;	/* 2026-12-02 00:00:00 */
	check(rd(&c, 4) == 12, "binary, 12-hour: midnight reads 12, no PM bit");
	now.tv_sec += 12 * 3600;
	check(rd(&c, 4) == 0x8c, "binary, 12-hour: noon reads 0x8c (12, PM)");
	now.tv_sec -= 12 * 3600 + 2;
	wr(&c, 0x0b, 0x02);

	/* UIP: the last 244 us of each second */
	now.tv_nsec = 999800000;
	check(rd(&c, 0x0a) == 0xa6, "UIP set 200 us before the second");
	now.tv_nsec = 1000000000 - 244000;
	check(rd(&c, 0x0a) & 0x80, "UIP set 244 us before the second");
	now.tv_nsec = 1000000000 - 244001;
	check(!(rd(&c, 0x0a) & 0x80), "UIP clear 244.001 us before the second");
	now.tv_nsec = 500000000;
	check(rd(&c, 0x0a) == 0x26, "UIP clear mid-second");
	now.tv_nsec = 0;
	check(rd(&c, 0x0a) == 0x26, "UIP clear at the second");
	wr(&c, 0x0a, 0xa0 | 0x2f);
	check(rd(&c, 0x0a) == 0x2f, "register A: divider and rate as written, UIP not");
	wr(&c, 0x0a, 0x26);

	/* plain bytes */
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			wr(&c, (uint8_t)i, (uint8_t)(i ^ 0xa5));
	ok = true;
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && rd(&c, (uint8_t)i) != (uint8_t)(i ^ 0xa5))
			ok = false;
	check(ok, "0x0e-0x7f (but the century, 0x32) read back what was written");
	wr(&c, 0x01, 0x12);
	wr(&c, 0x03, 0x34);
	wr(&c, 0x05, 0xc0);
	check(rd(&c, 1) == 0x12 && rd(&c, 3) == 0x34 && rd(&c, 5) == 0xc0,
	      "alarm bytes read back");
	wr(&c, 0x0c, 0xff);
	wr(&c, 0x0d, 0x00);
	check(rd(&c, 0x0c) == 0 && rd(&c, 0x0d) == 0x80,
	      "registers C and D ignore writes");

	/* index port */
	outb(&c, 0x70, 0x8d);
	check(cmos_nmi_disabled(&c) && inb(&c, 0x71) == 0x80,
	      "index 0x8d: NMI disabled, register D selected");
	check(inb(&c, 0x70) == 0xff, "port 0x70 reads 0xff");
	outb(&c, 0x70, 0x80 | 0x20);
	outb(&c, 0x71, 0xab);
	outb(&c, 0x70, 0x20);
	check(!cmos_nmi_disabled(&c) && inb(&c, 0x71) == 0xab,
	      "an index with bit 7 set selects index & 0x7f; NMI enabled again");

	/* setting the clock */
	wr(&c, 0x0b, 0x82 | 0x10);
	check(rd(&c, 0x0b) == 0x82, "SET clears UIE");
	wr(&c, 0x09, 0x27);
	wr(&c, 0x08, 0x01);
	wr(&c, 0x07, 0x15);
	wr(&c, 0x04, 0x10);
	wr(&c, 0x02, 0x20);
	wr(&c, 0x00, 0x30);
	now.tv_sec += 3;
	now.tv_nsec = 999900000;
	check(same(clock_bytes(&c), "10:20:30 w03 15-01-2027") &&
	      !(rd(&c, 0x0a) & 0x80),
	      "while SET: the written time reads back, frozen, UIP clear");
	wr(&c, 0x0b, 0x02);
	now.tv_nsec = 0;
	check(same(clock_bytes(&c), "10:20:30 w06 15-01-2027"),
	      "SET cleared: the new time, its day of week computed");
	now.tv_sec += 5;
	check(same(clock_bytes(&c), "10:20:35 w06 15-01-2027"),
	      "the set clock advances with the host's");
	wr(&c, 0x0b, 0x82);
	wr(&c, 0x07, 0x31);
	wr(&c, 0x08, 0x02);
	wr(&c, 0x07, 0x28);
	wr(&c, 0x0b, 0x02);
	check(same(clock_bytes(&c), "10:20:35 w01 28-02-2027"),
	      "date 31 then month 2 then date 28: 28 February (fields held apart)");
	wr(&c, 0x0b, 0x86);
	wr(&c, 0x04, 13);
	wr(&c, 0x0b, 0x02);
	check(rd(&c, 4) == 0x13, "hour set in binary reads 0x13 in BCD");
	wr(&c, 0x0b, 0x80);
	wr(&c, 0x04, 0x81);
	wr(&c, 0x0b, 0x02);
	check(rd(&c, 4) == 0x13, "1 PM set in 12-hour BCD reads 0x13 in 24-hour");
	wr(&c, 0x0b, 0x80);
	wr(&c, 0x04, 0x12);
	wr(&c, 0x0b, 0x02);
	check(rd(&c, 4) == 0x00, "12 AM set in 12-hour reads 0x00 in 24-hour");
	wr(&c, 0x0b, 0x82);
	wr(&c, 0x32, 0x21);
	wr(&c, 0x0b, 0x02);
	check(rd(&c, 0x32) == 0x21 && rd(&c, 9) == 0x27,
	      "century set: 2127");
	wr(&c, 0x02, 0x45);
	check(rd(&c, 2) == 0x45 && rd(&c, 0x32) == 0x21,
	      "a write without SET changes the clock at once");
	wr(&c, 0x0b, 0x82);
	wr(&c, 0x00, 0x99);
	wr(&c, 0x0b, 0x02);
	check(rd(&c, 0) == 0x59, "a second out of range is clamped to 59");

	/* wide accesses: byte i goes to port OFFSET + i */
	w[0] = 0x40;
	w[1] = 0x77;
	cmos_io(&c, 0, w, 2, true);
	check(rd(&c, 0x40) == 0x77, "a 16-bit write to 0x70 selects and writes");
	memset(w, 0, sizeof w);
	outb(&c, 0x70, 0x40);
	cmos_io(&c, 0, w, 8, false);
	check(w[0] == 0xff && w[1] == 0x77 && w[2] == 0xff && w[7] == 0xff,
	      "a 64-bit read at 0x70: 0xff, the byte, then 0xff");
	memset(w, 0x41, sizeof w);
	cmos_io(&c, 1, w, 8, true);
	cmos_io(&c, 0, w, 4, true);
	check(rd(&c, 0x40) == 0x41 && rd(&c, 0x41) == 0x41,
	      "wider writes past the ports are dropped, the rest done");

	cmos_destroy(&c);
	test_memory();
	test_host_clock();
	return failed ? 1 : 0;
}
