/*
 * minikvm.h - the guest side of the minikvm hypercall ABI.
 *
 * Included by the guest programs in guests/ (GNU as, through the C
 * preprocessor) and by the VMM itself (src/hw/hypercall.c), so that both sides
 * agree on every number.  The ABI is the one of the original Mini-KVM guests:
 *
 *   mov $FUNCTION, %al      ; function number
 *   mov ..., %ebx / %ecx    ; arguments
 *   mov $HC_PORT, %dx
 *   out %al, (%dx)          ; one VM exit (KVM_EXIT_IO) per hypercall
 *
 * The manual page minikvm-hypercall(7) documents it for guest authors.
 */
#ifndef MINIKVM_GUEST_ABI_H
#define MINIKVM_GUEST_ABI_H

/* The hypercall I/O port, and the ports its device spans: 0x501-0x503
 * only carry the upper bytes of a 16- or 32-bit access at 0x500. */
#define HC_PORT		0x500
#define HC_PORTS	4

/* Function numbers, passed in AL. */
#define HC_EXIT		0x00	/* this guest ends normally (all its processors) */
#define HC_PUTCHAR	0x01	/* BL: byte to the console */
#define HC_GETCHAR	0x02	/* next `in (%dx),%al` on HC_PORT returns a byte, 0x04 at
				 * EOF; `in %ax`/`in %eax`: the byte, or HC_EOF_WIDE */
#define HC_PUTNUM	0x03	/* EBX printed as an unsigned decimal number */
#define HC_PUTS		0x04	/* EBX: guest-physical address, ECX: length (<= HC_PUTS_MAX) */
#define HC_EXIT_STATUS	0x05	/* BL: this guest ends with that exit status */

#define HC_PUTS_MAX	0x10000	/* bytes: the most one PUTS may write */
#define HC_EOT		0x04	/* what GETCHAR's `in %al` reads at the end of input */
#define HC_EOF_WIDE	0xffffffff /* ... and a 32-bit `in %eax` (0xffff: `in %ax`) */

/* COM1, a 16550A UART (guests here poll it; Linux guests get IRQ 4). */
#define COM1_BASE	0x3F8
#define UART_THR	0	/* write: transmit holding register */
#define UART_RBR	0	/* read: receive buffer register */
#define UART_LSR	5	/* line status register */
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

#ifdef __ASSEMBLER__
/* hypercall FN: out FN to HC_PORT; clobbers AL and DX. */
.macro hypercall fn
	mov $\fn, %al
	mov $HC_PORT, %dx
	out %al, (%dx)
.endm
#endif

#endif
