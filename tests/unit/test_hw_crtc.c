/*
 * test_hw_crtc.c - the 6845 CRT controller register file (hw/crtc.h)
 * alone, through its bus handler as a guest's in/out would reach it (TAP).
 */
#include <stdio.h>
#include <string.h>

#include "hw/crtc.h"
#include "tap.h"

#define outb(c, port, v) tap_out(crtc_io, c, (port) - CRTC_BASE, v)
#define inb(c, port) tap_in(crtc_io, c, (port) - CRTC_BASE)
#define rd(c, reg) tap_rd(crtc_io, c, reg)
#define wr(c, reg, v) tap_wr(crtc_io, c, reg, v)

int main(void)
{
	struct crtc c;
	uint8_t before[CRTC_REGS], w[8];
	unsigned i;
	bool ok;

	printf("1..11\n");
	crtc_init(&c);
	check(rd(&c, 0x0a) == 0x0d && rd(&c, 0x0b) == 0x0e && rd(&c, 0x01) == 0x4f &&
	      rd(&c, 0x09) == 0x4f && crtc_cursor(&c) == 0,
	      "reset: mode 3, cursor scan lines 13-14 at cell 0");
	outb(&c, 0x3d4, 0x0e);
	check(inb(&c, 0x3d4) == 0x0e, "the index port reads back the index");

	wr(&c, 0x0e, 0x07);
	wr(&c, 0x0f, 0xd0);
	check(rd(&c, 0x0e) == 0x07 && rd(&c, 0x0f) == 0xd0,
	      "cursor location written to 0x0e/0x0f reads back");
	check(crtc_cursor(&c) == 0x07d0, "crtc_cursor: 0x07d0 (cell 2000)");

	for (i = 0; i < CRTC_REGS; i++)
		wr(&c, (uint8_t)i, (uint8_t)(0x40 + i));
	ok = true;
	for (i = 0; i < CRTC_REGS; i++)
		if (rd(&c, (uint8_t)i) != 0x40 + i)
			ok = false;
	check(ok, "all 18 registers read back what was written");

	for (i = 0; i < CRTC_REGS; i++)
		before[i] = rd(&c, (uint8_t)i);
	wr(&c, 0x12, 0x99);
	wr(&c, 0xff, 0x99);
	ok = memcmp(before, c.regs, sizeof before) == 0;
	check(ok, "writes through indexes 0x12 and 0xff change nothing");
	outb(&c, 0x3d4, 0x12);
	check(inb(&c, 0x3d5) == 0xff && inb(&c, 0x3d4) == 0x12,
	      "index 0x12: data reads 0xff, the index reads back 0x12");
	outb(&c, 0x3d4, 0x8e);
	check(inb(&c, 0x3d5) == 0xff, "index 0x8e does not alias 0x0e");

	/* wide accesses: byte i goes to port OFFSET + i */
	w[0] = 0x0e;
	w[1] = 0x05;
	crtc_io(&c, 0, w, 2, true);
	check(rd(&c, 0x0e) == 0x05, "outw 0x3d4, 0x050e selects 0x0e and writes 5");
	memset(w, 0, sizeof w);
	crtc_io(&c, 0, w, 8, false);
	check(w[0] == 0x0e && w[1] == 0x05 && w[2] == 0xff && w[7] == 0xff,
	      "a 64-bit read at 0x3d4: the index, the register, then 0xff");
	memset(w, 0x0f, sizeof w);
	crtc_io(&c, 0, w, 8, true);
	crtc_io(&c, 1, w, 4, true);
	check(rd(&c, 0x0f) == 0x0f && crtc_cursor(&c) == 0x050f,
	      "wider writes past the ports are dropped, the rest done");

	crtc_destroy(&c);
	return failed ? 1 : 0;
}
