/* rsp.c - Remote Serial Protocol framing (see rsp.h). */
#include "debug/rsp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { WAIT, PAYLOAD, CS1, CS2 };

void rsp_reader_init(struct rsp_reader *r)
{
	r->state = WAIT;
	r->len = 0;
	r->buf[0] = '\0';
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum rsp_event rsp_feed(struct rsp_reader *r, uint8_t byte)
{
	int v;

	switch (r->state) {
	case WAIT:
		if (byte == '$') {
			r->state = PAYLOAD;
			r->len = 0;
			r->sum = 0;
			r->escape = false;
			r->overlong = false;
			return RSP_NONE;
		}
		if (byte == '+')
			return RSP_ACK;
		if (byte == '-')
			return RSP_NAK;
		return byte == 0x03 ? RSP_INTERRUPT : RSP_NONE;
	case PAYLOAD:
		if (byte == '#') {
			r->state = CS1;
			return RSP_NONE;
		}
		if (byte == '$') {	/* a new packet: the old one was cut short */
			r->len = 0;
			r->sum = 0;
			r->escape = false;
			r->overlong = false;
			return RSP_NONE;
		}
		r->sum += byte;
		if (!r->escape && byte == '}') {
			r->escape = true;
			return RSP_NONE;
		}
		if (r->escape)
			byte ^= 0x20;
		r->escape = false;
		if (r->len < RSP_PACKET_MAX)
			r->buf[r->len++] = byte;
		else
			r->overlong = true;
		return RSP_NONE;
	case CS1:
		v = hexval(byte);
		r->cs = v < 0 ? 0 : (uint8_t)(v << 4);
		r->overlong |= v < 0;	/* remembered as bad */
		r->state = CS2;
		return RSP_NONE;
	default:
		r->state = WAIT;
		v = hexval(byte);
		r->buf[r->len] = '\0';
		if (v < 0 || r->overlong || (uint8_t)(r->cs | v) != r->sum)
			return RSP_BAD;
		return RSP_PACKET;
	}
}

void rsp_out_begin(struct rsp_out *o)
{
	o->buf[0] = '$';
	o->len = 1;
	o->sum = 0;
	o->full = false;
}

static void put(struct rsp_out *o, char c)
{
	if (o->len >= RSP_REPLY_MAX + 1) {
		o->full = true;
		return;
	}
	o->buf[o->len++] = c;
	o->sum += (uint8_t)c;
}

void rsp_out_str(struct rsp_out *o, const char *s)
{
	while (*s != '\0')
		put(o, *s++);
}

void rsp_out_fmt(struct rsp_out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		o->full = true;
	else
		rsp_out_str(o, tmp);
}

void rsp_out_hex(struct rsp_out *o, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		put(o, digits[p[i] >> 4]);
		put(o, digits[p[i] & 15]);
	}
}

void rsp_out_bin(struct rsp_out *o, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '#' || p[i] == '$' || p[i] == '}' || p[i] == '*') {
			put(o, '}');
			put(o, (char)(p[i] ^ 0x20));
		} else {
			put(o, (char)p[i]);
		}
	}
}

void rsp_out_end(struct rsp_out *o)
{
	static const char digits[] = "0123456789abcdef";

	if (o->full) {	/* a reply that did not fit is an error, never cut */
		rsp_out_begin(o);
		rsp_out_str(o, "E0e");
	}
	o->buf[o->len++] = '#';
	o->buf[o->len++] = digits[o->sum >> 4];
	o->buf[o->len++] = digits[o->sum & 15];
}

bool rsp_hex_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int d, n = 0;

	while ((d = hexval((uint8_t)*s)) >= 0) {
		if (++n > 16)
			return false;
		x = x << 4 | (uint64_t)d;
		s++;
	}
	if (n == 0)
		return false;
	*v = x;
	*p = s;
	return true;
}

bool rsp_hex_bytes(const char *s, size_t len, uint8_t *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hexval((uint8_t)s[2 * i]), lo;

		if (hi < 0 || (lo = hexval((uint8_t)s[2 * i + 1])) < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}
