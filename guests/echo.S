/*
 * echo.S - echoes its input line by line until the end of input.
 *
 * Bytes come in one at a time (GETCHAR, then `in` on the hypercall port)
 * and are collected in a line buffer at guest-physical LINEBUF; each
 * complete line, newline included, goes out with one PUTS.  A line longer
 * than the buffer goes out in LINEMAX-byte pieces.  At the end of input
 * (0x04 EOT) any partial last line is printed too, then EXIT.  So the
 * output equals the input, whether or not the input ends with a newline
 * (an EOT byte inside the input ends it early).
 *
 * The e2e test feeds "one\ntwo\nthree" - the last line deliberately without
 * a newline - and expects exactly the same bytes back.
 * Needs at least LINEBUF + LINEMAX bytes of memory (64K is plenty) plus the
 * stack at the top of the first 64K.
 */
#include "minikvm.h"

#define LINEBUF	0x1000			/* well above this small image */
#define LINEMAX	1024

	.code16
	.globl _start
_start:
	cld				/* stosb counts upwards */
	mov $LINEBUF, %di		/* ES:DI = next free byte (ES=0) */
read:
	hypercall HC_GETCHAR
	in (%dx), %al			/* DX is still HC_PORT: the input byte */
	cmp $HC_EOT, %al
	je eot
	stosb
	cmp $'\n', %al
	je 1f
	cmp $LINEBUF+LINEMAX, %di	/* buffer full: print what is there */
	jb read
1:	call flush
	jmp read
eot:
	call flush			/* the last line may lack its newline */
	hypercall HC_EXIT
	hlt				/* not reached: EXIT ends the vCPU */

/* flush: PUTS the bytes collected in LINEBUF..DI (if any), then empty
 * the buffer.  Clobbers AL, EBX, ECX and DX. */
flush:
	movzwl %di, %ecx
	sub $LINEBUF, %ecx		/* ECX = bytes in the buffer */
	jz 1f
	mov $LINEBUF, %ebx
	hypercall HC_PUTS
	mov $LINEBUF, %di
1:	ret
