/*
 * test_hw_i8042.c - the 8042 keyboard controller model (hw/i8042.h) alone,
 * through its two bus handlers as a guest's in/out would reach them, and
 * through bus_dispatch for wide accesses (TAP).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/bus.h"
#include "hw/i8042.h"
#include "tap.h"

/* What the callbacks saw. */
struct seen {
	unsigned raises[13], lowers[13];
	bool level[13];
	unsigned resets;
};

static void irq_cb(void *ctx, unsigned irq, bool level)
{
	struct seen *s = ctx;

	if (irq > 12)
		return;
	if (level)
		s->raises[irq]++;
	else
		s->lowers[irq]++;
	s->level[irq] = level;
}

static void reset_cb(void *ctx)
{
	((struct seen *)ctx)->resets++;
}

static enum io_result outb(struct i8042 *k, unsigned port, uint8_t v)
{
	if (port == 0x64)
		return i8042_io_cmd(k, 0, &v, 1, true);
	return i8042_io_data(k, 0, &v, 1, true);
}

static uint8_t inb(struct i8042 *k, unsigned port)
{
	uint8_t v = 0;

	if (port == 0x64)
		i8042_io_cmd(k, 0, &v, 1, false);
	else
		i8042_io_data(k, 0, &v, 1, false);
	return v;
}

/* Reads every waiting byte into BUF (at most MAX); returns how many. */
static unsigned drain(struct i8042 *k, uint8_t *buf, unsigned max)
{
	unsigned got = 0;

	while ((inb(k, 0x64) & 1) && got < max) {
		uint8_t v = inb(k, 0x60);

		if (buf)
			buf[got] = v;
		got++;
	}
	return got;
}

/* Sends BYTE to the keyboard and checks that exactly WANT[0..LEN) comes back. */
static bool kbd_says(struct i8042 *k, uint8_t byte, const uint8_t *want,
		     unsigned len)
{
	uint8_t got[32];

	outb(k, 0x60, byte);
	return drain(k, got, 32) == len && memcmp(got, want, len) == 0;
}

static uint8_t ctr(struct i8042 *k)
{
	outb(k, 0x64, 0x20);
	return inb(k, 0x60);
}

static void set_ctr(struct i8042 *k, uint8_t v)
{
	outb(k, 0x64, 0x60);
	outb(k, 0x60, v);
}

static void start(struct i8042 *k, struct seen *s)
{
	memset(s, 0, sizeof *s);
	if (i8042_init(k, irq_cb, reset_cb, s) != 0) {
		printf("Bail out! i8042_init\n");
		exit(1);
	}
}

static void *hammer(void *arg)
{
	struct i8042 *k = arg;

	for (unsigned i = 0; i < 20000; i++) {
		outb(k, 0x64, (i & 1) ? 0x20 : 0xd3);
		if (!(i & 1))
			outb(k, 0x60, (uint8_t)i);
		outb(k, 0x60, 0xf2);
		inb(k, 0x64);
		inb(k, 0x60);
	}
	return NULL;
}

static void test_basics(void)
{
	struct i8042 k;
	struct seen s;
	uint8_t b[4];

	start(&k, &s);
	check((inb(&k, 0x64) & 0x03) == 0, "status at start: OBF and IBF clear");
	/* Linux warns of an active key lock otherwise */
	check(inb(&k, 0x64) & 0x10, "status bit 4: keyboard not inhibited");

	outb(&k, 0x64, 0xaa);
	check((inb(&k, 0x64) & 0x0d) == 0x0d, "after AA: OBF, SYS and C/D set");
	check(inb(&k, 0x60) == 0x55, "self-test returns 0x55");
	check(!(inb(&k, 0x64) & 1), "OBF clear after one read");
	check(inb(&k, 0x60) == 0x55,
	      "reading with nothing waiting returns the last byte again");
	check(!(inb(&k, 0x64) & 1), "... and leaves OBF clear");

	set_ctr(&k, 0x47);
	check(!(inb(&k, 0x64) & 0x08), "status bit 3 clear after a write to 0x60");
	check(ctr(&k) == 0x47, "command byte written with 60 reads back with 20");
	check(inb(&k, 0x64) & 0x08, "status bit 3 set after a write to 0x64");
	set_ctr(&k, 0x43);
	check(!(inb(&k, 0x64) & 0x04), "command byte bit 2 clear clears SYS");
	set_ctr(&k, 0x47);
	check(inb(&k, 0x64) & 0x04, "command byte bit 2 set sets SYS");
	outb(&k, 0x64, 0x65);
	outb(&k, 0x60, 0x5a);
	outb(&k, 0x64, 0x25);
	check(inb(&k, 0x60) == 0x5a && ctr(&k) == 0x47,
	      "controller RAM byte 5 written with 65, read with 25, command byte untouched");

	outb(&k, 0x64, 0xd0);
	check((inb(&k, 0x60) & 0x03) == 0x03, "D0: output port has reset line high and A20 on");
	outb(&k, 0x64, 0xc0);
	check(drain(&k, b, 4) == 1, "C0: one input port byte");
	outb(&k, 0x64, 0xab);
	check(drain(&k, b, 4) == 1 && b[0] == 0x00, "AB keyboard interface test: 0x00");
	outb(&k, 0x64, 0xa9);
	check(drain(&k, b, 4) == 1 && b[0] == 0x00, "A9 aux interface test: 0x00");
	outb(&k, 0x64, 0xa4);
	check(drain(&k, b, 4) == 1 && b[0] == 0xf1, "A4: no password installed (F1)");
	outb(&k, 0x64, 0xa7);
	check(ctr(&k) & 0x20, "A7 sets command byte bit 5");
	outb(&k, 0x64, 0xa8);
	check(!(ctr(&k) & 0x20), "A8 clears command byte bit 5");
	outb(&k, 0x64, 0xad);
	check(ctr(&k) & 0x10, "AD sets command byte bit 4");
	outb(&k, 0x64, 0xae);
	check(!(ctr(&k) & 0x10), "AE clears command byte bit 4");
	check(s.resets == 0, "no reset so far");
	i8042_destroy(&k);
}

static void test_reset(void)
{
	struct i8042 k;
	struct seen s;
	bool ok = true;

	start(&k, &s);
	outb(&k, 0x64, 0xd1);
	check(outb(&k, 0x60, 0xdd) == IO_OK && s.resets == 0, "D1 with bit 0 set: no reset");
	outb(&k, 0x64, 0xd0);
	check((inb(&k, 0x60) & 0xcf) == 0xcd, "D0 reads back what D1 wrote (A20 off)");
	outb(&k, 0x64, 0xd1);
	check(outb(&k, 0x60, 0xde) == IO_EXIT && s.resets == 1,
	      "D1 with bit 0 clear: reset callback, IO_EXIT");
	check(outb(&k, 0x64, 0xfe) == IO_EXIT && s.resets == 2,
	      "FE: reset callback, IO_EXIT");
	check(outb(&k, 0x64, 0xff) == IO_OK && s.resets == 2, "FF: no pulse, no reset");
	for (unsigned c = 0xf0; c <= 0xff; c++) {
		unsigned before = s.resets;
		enum io_result r = outb(&k, 0x64, (uint8_t)c);

		if ((c & 1) ? (r != IO_OK || s.resets != before)
			    : (r != IO_EXIT || s.resets != before + 1))
			ok = false;
	}
	check(ok, "F0-FF: exactly the even ones (bit 0 low) reset");
	i8042_destroy(&k);

	/* no callback: the reset still ends the run */
	i8042_init(&k, NULL, NULL, NULL);
	check(outb(&k, 0x64, 0xfe) == IO_EXIT, "FE without callbacks: IO_EXIT");
	i8042_destroy(&k);
}

static void test_keyboard(void)
{
	struct i8042 k;
	struct seen s;

	start(&k, &s);
	set_ctr(&k, 0x04);	/* no translation, no interrupts */
	check(kbd_says(&k, 0xff, (uint8_t[]){ 0xfa, 0xaa }, 2), "keyboard reset: FA AA");
	check(kbd_says(&k, 0xf2, (uint8_t[]){ 0xfa, 0xab, 0x83 }, 3), "identify: FA AB 83");
	check(kbd_says(&k, 0xf5, (uint8_t[]){ 0xfa }, 1), "F5: FA");
	check(kbd_says(&k, 0xf4, (uint8_t[]){ 0xfa }, 1), "F4: FA");
	check(kbd_says(&k, 0xf6, (uint8_t[]){ 0xfa }, 1), "F6: FA");
	check(kbd_says(&k, 0xed, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0x07, (uint8_t[]){ 0xfa }, 1), "ED 07 (LEDs): FA FA");
	check(kbd_says(&k, 0xf3, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0x20, (uint8_t[]){ 0xfa }, 1), "F3 20 (typematic): FA FA");
	check(kbd_says(&k, 0xee, (uint8_t[]){ 0xee }, 1), "EE: echo EE");
	check(kbd_says(&k, 0xf0, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0x00, (uint8_t[]){ 0xfa, 0x02 }, 2), "F0 00: FA 02 (set 2)");
	check(kbd_says(&k, 0xf0, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0x09, (uint8_t[]){ 0xfe }, 1), "F0 09: FE (no such set)");
	check(kbd_says(&k, 0xed, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0xf2, (uint8_t[]){ 0xfa, 0xab, 0x83 }, 3),
	      "a command where a parameter was due is taken as the command");
	check(kbd_says(&k, 0x01, (uint8_t[]){ 0xfe }, 1), "unknown keyboard command 01: FE");
	check(kbd_says(&k, 0xfe, (uint8_t[]){ 0xfe }, 1), "FE: the last byte again");

	set_ctr(&k, 0x44);	/* translation on, as a BIOS leaves it */
	check(kbd_says(&k, 0xf2, (uint8_t[]){ 0xfa, 0xab, 0x41 }, 3),
	      "identify through a translating controller: FA AB 41");
	check(kbd_says(&k, 0xf0, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0x00, (uint8_t[]){ 0xfa, 0x41 }, 2),
	      "F0 00 through a translating controller: FA 41");

	/* keyboard disabled at the controller: its bytes wait */
	check(i8042_kbd_input(&k, (uint8_t[]){ 0x1e, 0x9e }, 2) == 2,
	      "key input taken while scanning");
	outb(&k, 0x64, 0xad);
	inb(&k, 0x60);
	check(!(inb(&k, 0x64) & 1), "AD: the second key byte waits in the keyboard");
	outb(&k, 0x64, 0xd2);
	outb(&k, 0x60, 0x77);
	check(drain(&k, NULL, 8) == 1,
	      "D2 byte still comes out while the keyboard is disabled");
	outb(&k, 0x64, 0xae);
	check(inb(&k, 0x64) & 1 && inb(&k, 0x60) == 0x9e, "AE: the waiting key byte comes out");
	outb(&k, 0x64, 0xad);
	outb(&k, 0x60, 0xee);
	check(inb(&k, 0x60) == 0xee && !(ctr(&k) & 0x10),
	      "a byte sent to the keyboard enables its interface");
	outb(&k, 0x60, 0xf5);
	inb(&k, 0x60);
	check(i8042_kbd_input(&k, (uint8_t[]){ 0x1e }, 1) == 0, "no key input after F5");
	outb(&k, 0x60, 0xf4);
	inb(&k, 0x60);
	check(i8042_kbd_input(&k, (uint8_t[]){ 0x1e }, 1) == 1 && inb(&k, 0x60) == 0x1e,
	      "key input again after F4");
	i8042_destroy(&k);
}

static void test_irq(void)
{
	struct i8042 k;
	struct seen s;

	start(&k, &s);
	set_ctr(&k, 0x44);	/* interrupts off */
	outb(&k, 0x60, 0xf2);
	check(s.raises[1] == 0, "no IRQ 1 with command byte bit 0 clear");
	drain(&k, NULL, 8);
	set_ctr(&k, 0x45);
	outb(&k, 0x60, 0xf4);
	check(s.raises[1] == 1 && s.level[1], "IRQ 1 raised when FA enters the output buffer");
	inb(&k, 0x60);
	check(!s.level[1] && s.lowers[1] == 1, "IRQ 1 lowered when it is read");
	memset(&s, 0, sizeof s);
	outb(&k, 0x60, 0xf2);
	drain(&k, NULL, 8);
	check(s.raises[1] == 3 && s.lowers[1] == 3, "FA AB 41: one rising edge per byte");
	check(s.raises[12] == 0, "no IRQ 12 for keyboard bytes");

	outb(&k, 0x64, 0xd3);
	outb(&k, 0x60, 0x5a);
	check((inb(&k, 0x64) & 0x21) == 0x21 && s.raises[12] == 0,
	      "D3: byte with status AUX, no IRQ 12 with command byte bit 1 clear");
	check(inb(&k, 0x60) == 0x5a, "D3: the byte written comes back");
	set_ctr(&k, 0x47);
	outb(&k, 0x64, 0xd3);
	outb(&k, 0x60, 0xa5);
	check(s.raises[12] == 1 && s.level[12] && s.raises[1] == 3,
	      "D3 with command byte bit 1: IRQ 12, not IRQ 1");
	outb(&k, 0x64, 0xd0);	/* queued behind the aux byte */
	check(inb(&k, 0x60) == 0xa5 && !s.level[12], "IRQ 12 lowered when read");
	check(inb(&k, 0x60) & 0x20,
	      "D0: output port bit 5, an aux byte was in the output buffer");
	outb(&k, 0x64, 0xd4);
	outb(&k, 0x60, 0xf2);
	check((inb(&k, 0x64) & 0x61) == 0x61 && inb(&k, 0x60) == 0xfe,
	      "D4 with no mouse: FE with AUX and timeout status, at once");

	/* an output buffer already full when interrupts get enabled */
	set_ctr(&k, 0x44);
	outb(&k, 0x60, 0xee);
	memset(&s, 0, sizeof s);
	set_ctr(&k, 0x45);
	check(s.raises[1] == 1, "enabling the interrupt with a byte waiting raises IRQ 1");
	inb(&k, 0x60);
	i8042_destroy(&k);
}

/* Linux's i8042 probe and atkbd probe, as its debug log shows them. */
static void test_linux_probe(void)
{
	struct i8042 k;
	struct seen s;
	uint8_t c, b[32];
	bool ok;

	start(&k, &s);
	check(drain(&k, NULL, 17) == 0, "i8042_controller_check: flush finds nothing");
	outb(&k, 0x64, 0xaa);
	check(drain(&k, b, 8) == 1 && b[0] == 0x55, "selftest");
	c = ctr(&k);
	check(c == 0x65, "initial command byte 0x65, as a BIOS leaves it");
	set_ctr(&k, (c | 0x10) & ~0x01);
	outb(&k, 0x64, 0xd3);
	outb(&k, 0x60, 0x5a);
	check((inb(&k, 0x64) & 0x21) == 0x21 && inb(&k, 0x60) == 0x5a,
	      "aux loop: 5A back from aux");
	outb(&k, 0x64, 0xa7);
	ok = ctr(&k) & 0x20;
	outb(&k, 0x64, 0xa8);
	check(ok && !(ctr(&k) & 0x20), "aux toggle visible in the command byte");
	set_ctr(&k, (ctr(&k) | 0x02) & ~0x20);
	outb(&k, 0x64, 0xd3);
	outb(&k, 0x60, 0xa5);
	check(s.level[12] && inb(&k, 0x60) == 0xa5, "aux IRQ test: IRQ 12 with A5");
	ok = true;
	for (unsigned i = 0; i < 3; i++) {
		static const uint8_t in[3] = { 0xf0, 0x56, 0xa4 };

		outb(&k, 0x64, 0xd3);
		outb(&k, 0x60, in[i]);
		ok = ok && inb(&k, 0x60) == in[i];
	}
	check(ok, "mux check: A4 comes back unchanged, so no multiplexer");
	set_ctr(&k, (ctr(&k) & ~0x10) | 0x01);
	check(kbd_says(&k, 0xf2, (uint8_t[]){ 0xfa, 0xab, 0x41 }, 3), "atkbd: GETID");
	check(kbd_says(&k, 0xf5, (uint8_t[]){ 0xfa }, 1), "atkbd: deactivate");
	check(kbd_says(&k, 0xed, (uint8_t[]){ 0xfa }, 1) &&
	      kbd_says(&k, 0, (uint8_t[]){ 0xfa }, 1),
	      "atkbd: set LEDs");
	check(kbd_says(&k, 0xf4, (uint8_t[]){ 0xfa }, 1), "atkbd: enable");
	outb(&k, 0x64, 0xd4);
	outb(&k, 0x60, 0xf2);
	check(s.level[12] && inb(&k, 0x64) & 0x40 && inb(&k, 0x60) == 0xfe,
	      "psmouse GETID: timeout from the empty aux port via IRQ 12");
	i8042_destroy(&k);
}

static void test_hostile(void)
{
	struct i8042 k;
	struct seen s;
	unsigned most = 0, got;
	bool ok = true;

	start(&k, &s);
	for (unsigned c = 0; c <= 0xff; c++) {
		outb(&k, 0x64, (uint8_t)c);
		got = drain(&k, NULL, 1000);
		if (got > most)
			most = got;
		if (inb(&k, 0x64) & 1)
			ok = false;
	}
	check(ok && most <= 1,
	      "every command, then draining 0x60: OBF clear, at most one byte each");

	ok = true;
	most = 0;
	for (unsigned c = 0; c <= 0xff; c++) {
		for (unsigned d = 0; d <= 0xff; d += 0x11) {
			outb(&k, 0x64, (uint8_t)c);
			outb(&k, 0x60, (uint8_t)d);
			outb(&k, 0x60, (uint8_t)d);
			got = drain(&k, NULL, 1000);
			if (got > most)
				most = got;
			if (inb(&k, 0x64) & 1)
				ok = false;
		}
	}
	check(ok && most <= I8042_QUEUE,
	      "every command with data bytes, then draining: bounded");

	for (unsigned c = 0; c <= 0xff; c++) {
		outb(&k, 0x64, (uint8_t)c);
		outb(&k, 0x60, 0xf2);
	}
	got = drain(&k, NULL, 1000);
	check(got <= I8042_QUEUE && !(inb(&k, 0x64) & 1),
	      "256 commands and keyboard writes unread: at most 16 bytes wait");
	i8042_destroy(&k);
}

static void test_wide(void)
{
	struct i8042 k;
	struct seen s;
	struct bus bus = { 0 };
	uint8_t w[8];
	bool ok;

	start(&k, &s);
	memset(w, 0, sizeof w);
	ok = i8042_io_data(&k, 0, w, 4, false) == IO_OK && w[1] == 0xff && w[3] == 0xff;
	w[0] = 0xaa;
	ok = ok && i8042_io_cmd(&k, 0, w, 2, true) == IO_OK;
	memset(w, 0, sizeof w);
	ok = ok && i8042_io_data(&k, 0, w, 2, false) == IO_OK && w[0] == 0x55 && w[1] == 0xff;
	ok = ok && i8042_io_cmd(&k, 3, w, 1, false) == IO_OK && w[0] == 0xff;
	check(ok, "2- and 4-byte accesses on the handlers: byte 0 only, the rest 0xFF");

	if (bus_register(&bus, I8042_DATA_PORT, 1, &k, i8042_io_data, "i8042") ||
	    bus_register(&bus, I8042_CMD_PORT, 1, &k, i8042_io_cmd, "i8042")) {
		printf("Bail out! bus_register\n");
		exit(1);
	}
	w[0] = 0xab;
	w[1] = w[2] = w[3] = 0xff;
	bus_dispatch(&bus, 0x64, w, 4, true);
	memset(w, 0, sizeof w);
	bus_dispatch(&bus, 0x60, w, 8, false);
	check(w[0] == 0x00 && w[1] == 0xff && w[4] == 0x1c && w[7] == 0xff,
	      "inq from 0x60 through bus_dispatch: data, then status at 0x64");
	memset(w, 0xfe, sizeof w);
	check(bus_dispatch(&bus, 0x5e, w, 4, true) == IO_OK,
	      "a wide write across 0x60 sends only its own byte (FE: resend)");
	bus_free(&bus);
	i8042_destroy(&k);
}

static void test_threads(void)
{
	struct i8042 k;
	struct seen s;
	pthread_t t[4];

	start(&k, &s);
	for (unsigned i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, &k);
	for (unsigned i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	drain(&k, NULL, 100);
	check(!(inb(&k, 0x64) & 1) && s.level[1] == k.line[0],
	      "four threads at once: drains, IRQ 1 as last reported");
	i8042_destroy(&k);
}

int main(void)
{
	test_basics();
	test_reset();
	test_keyboard();
	test_irq();
	test_linux_probe();
	test_hostile();
	test_wide();
	test_threads();
	printf("1..%d\n", n);	/* the plan at the end, as TAP allows */
	return 0;
}
