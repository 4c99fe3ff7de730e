/*
 * rsp.h - the framing of gdb's Remote Serial Protocol (gdb's manual,
 * Appendix E, "Overview"): packets "$payload#cs" with a two-digit hex
 * checksum (the sum of the payload's bytes modulo 256), '+' and '-'
 * acknowledgments, the interrupt byte 0x03 between packets, and the
 * escape '}' (the next byte XOR 0x20) of binary data.  No KVM, no socket:
 * bytes in, packets out; the gdb stub (gdbstub.h) feeds it what the socket
 * gives and sends what rsp_out builds.
 */
#ifndef MINIKVM_RSP_H
#define MINIKVM_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest payload accepted, in bytes after unescaping (qSupported's
 * PacketSize, in hex, tells gdb): a longer one is read to its end and
 * answered with '-' as a bad one, never stored past the buffer.
 */
#define RSP_PACKET_MAX 4096
/* The largest reply payload built, in bytes before the frame. */
#define RSP_REPLY_MAX (2 * RSP_PACKET_MAX + 64)

/* What one byte fed to the reader completed. */
enum rsp_event {
	RSP_NONE,	/* nothing yet */
	RSP_PACKET,	/* a packet with a good checksum: r->buf, r->len */
	RSP_BAD,	/* a packet with a bad checksum, non-hex checksum digits
			 * or over RSP_PACKET_MAX: answer '-' */
	RSP_INTERRUPT,	/* 0x03 outside a packet: gdb's Ctrl-C */
	RSP_ACK,	/* '+' */
	RSP_NAK,	/* '-': resend the last reply */
};

struct rsp_reader {
	int state;			/* where in a packet (rsp.c) */
	bool escape;			/* the last payload byte was '}' */
	bool overlong;			/* more than RSP_PACKET_MAX bytes */
	uint8_t sum;			/* of the payload's bytes as sent */
	uint8_t cs;			/* the checksum's first digit, shifted */
	size_t len;			/* payload bytes in buf */
	uint8_t buf[RSP_PACKET_MAX + 1];	/* unescaped, NUL after len */
};

/* rsp_reader_init - a reader waiting for the start of a packet. */
void rsp_reader_init(struct rsp_reader *r);

/*
 * rsp_feed - one byte from the debugger.  Bytes outside a packet other
 * than '$', '+', '-' and 0x03 are ignored (garbage on the line).  Returns
 * what the byte completed; after RSP_PACKET the payload stays in R->buf
 * until the next byte is fed.
 */
enum rsp_event rsp_feed(struct rsp_reader *r, uint8_t byte);

/* A reply being built: "$", the payload, then "#cs" by rsp_out_end. */
struct rsp_out {
	size_t len;			/* bytes in buf, frame included */
	bool full;			/* something did not fit: the reply
					 * is turned into "E0e" by rsp_out_end */
	uint8_t sum;
	char buf[RSP_REPLY_MAX + 4];
};

/* rsp_out_begin - an empty reply ("$"). */
void rsp_out_begin(struct rsp_out *o);
/* rsp_out_str - appends S as it is (no escaping: for ASCII replies). */
void rsp_out_str(struct rsp_out *o, const char *s);
/* rsp_out_fmt - appends printf-formatted text. */
void rsp_out_fmt(struct rsp_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* rsp_out_hex - appends LEN bytes as lower-case hex, two digits a byte. */
void rsp_out_hex(struct rsp_out *o, const void *data, size_t len);
/* rsp_out_bin - appends LEN bytes of binary data, escaping '#', '$', '}'
 * and '*' (qXfer replies). */
void rsp_out_bin(struct rsp_out *o, const void *data, size_t len);
/* rsp_out_end - appends "#cs"; the frame is o->buf, o->len bytes. */
void rsp_out_end(struct rsp_out *o);

/*
 * rsp_hex_u64 - parses hex digits at *P (at least one, at most 16) into
 * *V and moves *P past them.  Returns false, leaving *P, if there is no
 * digit or the number does not fit in 64 bits.
 */
bool rsp_hex_u64(const char **p, uint64_t *v);

/*
 * rsp_hex_bytes - decodes 2*LEN hex digits at S into OUT (LEN bytes).
 * Returns false on a non-hex digit.
 */
bool rsp_hex_bytes(const char *s, size_t len, uint8_t *out);

#endif
