/* i8042.c - the 8042 keyboard controller and a PS/2 keyboard (see i8042.h). */
#include "hw/i8042.h"

#include <errno.h>
#include <string.h>

/* Status register, AT Technical Reference "Status-Register Bit Definition". */
#define STS_OBF 0x01
#define STS_SYS 0x04
#define STS_CMD 0x08
#define STS_KEYL 0x10	/* 1 = keyboard not inhibited */
#define STS_AUX 0x20
#define STS_TO 0x40

/* Command byte (controller RAM byte 0). */
#define CB_KBDINT 0x01
#define CB_AUXINT 0x02
#define CB_SYS 0x04
#define CB_KBDDIS 0x10
#define CB_AUXDIS 0x20
#define CB_XLATE 0x40

/* Output port bits computed from the output buffer (PS/2). */
#define OP_KBD_OBF 0x10
#define OP_AUX_OBF 0x20

#define INPUT_PORT 0xb3
#define TEST_INPUTS 0x03

/* Keyboard responses, AT Technical Reference section 4. */
#define KBD_ACK 0xfa
#define KBD_BAT_OK 0xaa
#define KBD_RESEND 0xfe
#define KBD_ECHO 0xee

static void fifo_put(struct i8042_fifo *f, uint8_t val, uint8_t status)
{
	f->b[(f->head + f->n) % I8042_QUEUE] = (struct i8042_byte){ val, status };
	f->n++;
}

static bool fifo_get(struct i8042_fifo *f, struct i8042_byte *b)
{
	if (f->n == 0)
		return false;
	*b = f->b[f->head];
	f->head = (f->head + 1) % I8042_QUEUE;
	f->n--;
	return true;
}

static unsigned waiting(const struct i8042 *k)
{
	return k->obf + k->ctrl.n + k->kbd.n;
}

/* Queues a byte unless I8042_QUEUE bytes already wait: then it is lost. */
static bool push(struct i8042 *k, struct i8042_fifo *f, uint8_t val,
		 uint8_t status)
{
	if (waiting(k) >= I8042_QUEUE)
		return false;
	fifo_put(f, val, status);
	return true;
}

/* A result of the controller itself, ahead of any keyboard byte. */
static void ctrl_result(struct i8042 *k, uint8_t val, uint8_t status)
{
	push(k, &k->ctrl, val, status);
}

static void kbd_send(struct i8042 *k, uint8_t val)
{
	k->kbd_last = val;
	push(k, &k->kbd, val, 0);
}

/*
 * Moves the next waiting byte into an empty output buffer: a controller
 * result first, then a keyboard byte if the keyboard interface is enabled.
 */
static void refill(struct i8042 *k)
{
	if (k->obf)
		return;
	if (fifo_get(&k->ctrl, &k->ob) ||
	    (!(k->ram[0] & CB_KBDDIS) && fifo_get(&k->kbd, &k->ob)))
		k->obf = true;
}

static void set_line(struct i8042 *k, unsigned i, bool level)
{
	if (k->line[i] == level)
		return;
	k->line[i] = level;
	if (k->irq)
		k->irq(k->ctx, i ? I8042_AUX_IRQ : I8042_KBD_IRQ, level);
}

/* IRQ 1 and 12 follow the output buffer and command byte bits 0 and 1. */
static void update_irqs(struct i8042 *k)
{
	bool aux = k->ob.status & STS_AUX;

	set_line(k, 0, k->obf && !aux && (k->ram[0] & CB_KBDINT));
	set_line(k, 1, k->obf && aux && (k->ram[0] & CB_AUXINT));
}

static uint8_t status(const struct i8042 *k)
{
	uint8_t s = STS_KEYL;

	if (k->obf)
		s |= STS_OBF | k->ob.status;
	if (k->sys)
		s |= STS_SYS;
	if (k->cmd_last)
		s |= STS_CMD;
	return s;
}

static uint8_t output_port(const struct i8042 *k)
{
	uint8_t v = k->outport & ~(OP_KBD_OBF | OP_AUX_OBF);

	if (k->obf)
		v |= (k->ob.status & STS_AUX) ? OP_AUX_OBF : OP_KBD_OBF;
	return v;
}

static void kbd_defaults(struct i8042 *k)
{
	k->kbd_set = 2;
	k->kbd_leds = 0;
	k->kbd_rate = 0x2b;	/* 10.9 characters/s after 500 ms */
	k->kbd_pending = 0;
}

/* What a translating 8042 makes of the few set-2 bytes we send below 0x80. */
static uint8_t xlate(const struct i8042 *k, uint8_t v)
{
	static const uint8_t set_no[4] = { 0xff, 0x43, 0x41, 0x3f };

	if (!(k->ram[0] & CB_XLATE))
		return v;
	if (v == 0x83)	/* F7, the one set-2 code above 0x7F */
		return 0x41;
	return v < 4 ? set_no[v] : v;
}

/* A parameter byte for ED, F0 or F3. */
static void kbd_param(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	switch (cmd) {
	case 0xed:
		k->kbd_leds = v & 7;
		kbd_send(k, KBD_ACK);
		break;
	case 0xf3:
		k->kbd_rate = v & 0x7f;
		kbd_send(k, KBD_ACK);
		break;
	default:	/* 0xf0 */
		if (v > 3) {
			kbd_send(k, KBD_RESEND);
			break;
		}
		kbd_send(k, KBD_ACK);
		if (v == 0)
			kbd_send(k, xlate(k, k->kbd_set));
		else
			k->kbd_set = v;
		break;
	}
}

/* A byte the system sends to the keyboard. */
static void kbd_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->kbd_pending;

	k->kbd_pending = 0;
	if (cmd && v < 0xed) {
		kbd_param(k, cmd, v);
		return;
	}
	switch (v) {
	case 0xed:
	case 0xf0:
	case 0xf3:
		k->kbd_pending = v;
		kbd_send(k, KBD_ACK);
		break;
	case 0xee:
		kbd_send(k, KBD_ECHO);
		break;
	case 0xf2:
		kbd_send(k, KBD_ACK);
		kbd_send(k, 0xab);
		kbd_send(k, xlate(k, 0x83));
		break;
	case 0xf4:
		k->kbd_scan = true;
		kbd_send(k, KBD_ACK);
		break;
	case 0xf5:
	case 0xf6:
	case 0xff:
		k->kbd.n = 0;		/* the keyboard's own buffer is cleared */
		kbd_defaults(k);
		k->kbd_scan = v != 0xf5;
		kbd_send(k, KBD_ACK);
		if (v == 0xff)
			kbd_send(k, KBD_BAT_OK);
		break;
	case 0xf7: case 0xf8: case 0xf9: case 0xfa:
	case 0xfb: case 0xfc: case 0xfd:
		kbd_send(k, KBD_ACK);
		break;
	case 0xfe:
		kbd_send(k, k->kbd_last);
		break;
	default:
		kbd_send(k, KBD_RESEND);
		break;
	}
}

/* A command byte written to 0x64; returns true for a reset pulse. */
static bool ctrl_command(struct i8042 *k, uint8_t c)
{
	k->pending = 0;		/* a new command abandons a pending one */
	if (c >= 0x20 && c <= 0x3f) {
		ctrl_result(k, k->ram[c & 0x1f], 0);
		return false;
	}
	if ((c >= 0x60 && c <= 0x7f) || (c >= 0xd1 && c <= 0xd4) || c == 0xa5) {
		k->pending = c;
		return false;
	}
	if (c >= 0xf0)
		return !(c & 1);	/* bit 0 low pulses the reset line */
	switch (c) {
	case 0xa4:
		ctrl_result(k, 0xf1, 0);
		break;
	case 0xa7:
		k->ram[0] |= CB_AUXDIS;
		break;
	case 0xa8:
		k->ram[0] &= ~CB_AUXDIS;
		break;
	case 0xa9:
	case 0xab:
		ctrl_result(k, 0x00, 0);
		break;
	case 0xaa:
		k->sys = true;
		ctrl_result(k, 0x55, 0);
		break;
	case 0xad:
		k->ram[0] |= CB_KBDDIS;
		break;
	case 0xae:
		k->ram[0] &= ~CB_KBDDIS;
		break;
	case 0xc0:
		ctrl_result(k, INPUT_PORT, 0);
		break;
	case 0xd0:
		ctrl_result(k, output_port(k), 0);
		break;
	case 0xe0:
		ctrl_result(k, TEST_INPUTS, 0);
		break;
	default:
		break;	/* not an AT/PS/2 command: ignored, no result */
	}
	return false;
}

/* A byte written to 0x60; returns true for a reset pulse. */
static bool data_write(struct i8042 *k, uint8_t v)
{
	uint8_t c = k->pending;

	if (c != 0xa5)		/* a password runs until its 0 byte */
		k->pending = 0;
	if (c >= 0x60 && c <= 0x7f) {
		k->ram[c & 0x1f] = v;
		if (c == 0x60)
			k->sys = v & CB_SYS;
		return false;
	}
	switch (c) {
	case 0xa5:
		if (v == 0)
			k->pending = 0;
		return false;
	case 0xd1:
		/* a 0 in bit 0 resets the processor: treated as a pulse */
		k->outport = v | 1;
		return !(v & 1);
	case 0xd2:
		ctrl_result(k, v, 0);
		return false;
	case 0xd3:
		ctrl_result(k, v, STS_AUX);
		return false;
	case 0xd4:
		/* no auxiliary device: the transmission times out */
		ctrl_result(k, KBD_RESEND, STS_AUX | STS_TO);
		return false;
	default:
		/* sending to the keyboard enables its interface */
		k->ram[0] &= ~CB_KBDDIS;
		kbd_write(k, v);
		return false;
	}
}

static uint8_t data_read(struct i8042 *k)
{
	if (k->obf) {
		k->obf = false;
		update_irqs(k);		/* the line falls before the next byte */
	}
	return k->ob.val;
}

/* The one byte of ports 0x60 and 0x64 (IS_CMD) under the lock. */
static enum io_result port_io(struct i8042 *k, bool is_cmd, uint8_t *data,
			      bool is_write)
{
	bool reset = false;

	pthread_mutex_lock(&k->lock);
	if (is_write) {
		k->cmd_last = is_cmd;
		reset = is_cmd ? ctrl_command(k, *data) : data_write(k, *data);
	} else {
		*data = is_cmd ? status(k) : data_read(k);
	}
	refill(k);
	update_irqs(k);
	pthread_mutex_unlock(&k->lock);
	if (!reset)
		return IO_OK;
	if (k->reset)
		k->reset(k->ctx);
	return IO_EXIT;
}

/* Splits an access: only offset 0 is the port, the rest is not ours. */
static enum io_result io(struct i8042 *k, bool is_cmd, uint64_t offset,
			 uint8_t *data, unsigned size, bool is_write)
{
	enum io_result r = IO_OK;

	for (unsigned i = 0; i < size; i++) {
		if (offset + i == 0)
			r = port_io(k, is_cmd, &data[i], is_write);
		else if (!is_write)
			data[i] = 0xff;
	}
	return r;
}

enum io_result i8042_io_data(void *owner, uint64_t offset, uint8_t *data,
			     unsigned size, bool is_write)
{
	return io(owner, false, offset, data, size, is_write);
}

enum io_result i8042_io_cmd(void *owner, uint64_t offset, uint8_t *data,
			    unsigned size, bool is_write)
{
	return io(owner, true, offset, data, size, is_write);
}

unsigned i8042_kbd_input(struct i8042 *k, const uint8_t *bytes, unsigned n)
{
	unsigned i = 0;

	pthread_mutex_lock(&k->lock);
	while (k->kbd_scan && i < n && push(k, &k->kbd, bytes[i], 0))
		k->kbd_last = bytes[i++];
	refill(k);
	update_irqs(k);
	pthread_mutex_unlock(&k->lock);
	return i;
}

int i8042_init(struct i8042 *k, i8042_irq_fn irq, i8042_reset_fn reset,
	       void *ctx)
{
	int rc;

	memset(k, 0, sizeof *k);
	k->irq = irq;
	k->reset = reset;
	k->ctx = ctx;
	k->ram[0] = CB_KBDINT | CB_SYS | CB_AUXDIS | CB_XLATE;
	k->sys = true;
	k->outport = 0xcf;
	kbd_defaults(k);
	k->kbd_scan = true;
	k->kbd_last = KBD_BAT_OK;
	rc = pthread_mutex_init(&k->lock, NULL);
	return rc ? -rc : 0;
}

void i8042_destroy(struct i8042 *k)
{
	pthread_mutex_destroy(&k->lock);
}
