/*
 * kbcall.S - hostile: every byte the guest can throw at the PC platform's
 * keyboard controller and CMOS (real mode, loaded at 0x7C00).  Nothing of
 * it may crash minikvm, stop the guest or reset the machine.
 *
 *  1. Every command byte 0x00-0xFF to port 0x64 but the eight that pulse
 *     the reset line (0xF0-0xFE with bit 0 clear: 0xFE is the one a PC
 *     uses), each after a bounded wait for IBF to clear and followed by
 *     draining port 0x60 while OBF says a byte waits (at most 32 bytes).
 *     Commands that expect a byte on port 0x60 (0x60, 0xD1, ...) get none:
 *     the next command replaces them.
 *  2. Every byte 0x00-0xFF written to port 0x60 as a keyboard command, the
 *     same way, each after command 0x20 (read the command byte, drained),
 *     so that no controller command waits for it as its parameter.
 *  3. The controller still works: self-test 0xAA answers 0x55.
 *  4. Every CMOS index 0x00-0xFF (bit 7 is the NMI mask: 0x80-0xFF select
 *     the same 128 bytes) read, then written, except the clock's own bytes
 *     (0x00-0x0B and the century, 0x32, modulo 0x80); the plain bytes
 *     (0x0E-0x7F) must read back what was written: index XOR 0xA5.
 *     Registers C and D are written too (the writes are ignored).
 * It prints
 *   kbc: 248 commands, 256 keyboard bytes, self-test 55
 *   CMOS: 256 indexes read, 230 written, 226 read back, 0 differ
 *   survived
 * and ends with EXIT.
 */
#include "lib16.inc"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

	boot16

	/* 1. the controller's commands */
	xor %si, %si			/* SI: the command */
1:	mov %si, %ax
	cmp $0xf0, %al
	jb 2f
	test $0x01, %al
	jz 3f				/* pulses the reset line: skipped */
2:	call wait_ibf
	out %al, $KBC_STATUS
	call drain
	incw ncmds
3:	inc %si
	cmp $0x100, %si
	jb 1b

	/* 2. bytes for the keyboard */
	xor %si, %si
1:	call wait_ibf
	mov $0x20, %al
	out %al, $KBC_STATUS
	call drain
	call wait_ibf
	mov %si, %ax
	out %al, $KBC_DATA
	call drain
	incw nkbd
	inc %si
	cmp $0x100, %si
	jb 1b

	/* 3. the self-test still answers: drain, then 0xAA and one byte */
	call drain
	call wait_ibf
	mov $0xaa, %al
	out %al, $KBC_STATUS
	mov $100000, %ecx
1:	in $KBC_STATUS, %al
	test $0x01, %al
	jnz 2f
	addr32 loop 1b
	movb $0xff, selftest		/* no answer: "ff" */
	jmp 3f
2:	in $KBC_DATA, %al
	mov %al, selftest
3:	call drain

	/* 4. the CMOS */
	xor %si, %si
1:	mov %si, %ax
	out %al, $CMOS_INDEX
	in $CMOS_DATA, %al
	incw nread
	mov %si, %ax
	and $0x7f, %al
	cmp $0x0b, %al			/* the clock, A and B: not written */
	jbe 3f
	cmp $0x32, %al			/* the century */
	je 3f
	mov %al, %bl			/* BL: the byte, 0x0C-0x7F */
	mov %si, %ax
	out %al, $CMOS_INDEX
	xor $0xa5, %al
	mov %al, %bh			/* BH: what was written */
	out %al, $CMOS_DATA
	incw nwritten
	cmp $0x0e, %bl			/* C and D: not plain bytes */
	jb 3f
	mov %si, %ax
	out %al, $CMOS_INDEX
	in $CMOS_DATA, %al
	incw nback
	cmp %bh, %al
	je 3f
	mov ndiffer, %di		/* the first 8 that differ, for the report */
	cmp $8, %di
	jae 2f
	mov %si, %ax
	mov %al, differ(%di)
2:	incw ndiffer
3:	inc %si
	cmp $0x100, %si
	jb 1b

	say s_kbc
	movzwl ncmds, %eax
	num %eax
	say s_cmds
	movzwl nkbd, %eax
	num %eax
	say s_kbd
	mov selftest, %al
	call hex2
	say s_cmos
	movzwl nread, %eax
	num %eax
	say s_read
	movzwl nwritten, %eax
	num %eax
	say s_written
	movzwl nback, %eax
	num %eax
	say s_back
	movzwl ndiffer, %eax
	num %eax
	say s_differ
	cmpw $0, ndiffer
	je 2f
	xor %si, %si			/* which: " (0e 8e ...)" */
	mov $' ', %bl
	hypercall HC_PUTCHAR
	mov $'(', %bl
1:	cmp ndiffer, %si
	jae 3f
	cmp $8, %si
	jae 3f
	hypercall HC_PUTCHAR		/* "(" the first time, then " " */
	mov differ(%si), %al
	call hex2
	mov $' ', %bl
	inc %si
	jmp 1b
3:	mov $')', %bl
	hypercall HC_PUTCHAR
2:	mov $'\n', %bl
	hypercall HC_PUTCHAR
	say s_survived
	hypercall HC_EXIT

/* wait_ibf: until the controller takes a byte (status bit 1 clear), at
 * most 10000 polls; keeps AX */
wait_ibf:
	push %ax
	push %cx
	mov $10000, %cx
1:	in $KBC_STATUS, %al
	test $0x02, %al
	jz 2f
	loop 1b
2:	pop %cx
	pop %ax
	ret

/* drain: reads port 0x60 while OBF is set, at most 32 bytes; keeps AX */
drain:
	push %ax
	push %cx
	mov $32, %cx
1:	in $KBC_STATUS, %al
	test $0x01, %al
	jz 2f
	in $KBC_DATA, %al
	loop 1b
2:	pop %cx
	pop %ax
	ret

	string s_kbc, "kbc: "
	string s_cmds, " commands, "
	string s_kbd, " keyboard bytes, self-test "
	string s_cmos, "\nCMOS: "
	string s_read, " indexes read, "
	string s_written, " written, "
	string s_back, " read back, "
	string s_differ, " differ"
	string s_survived, "survived\n"
ncmds:	.word 0
nkbd:	.word 0
selftest: .byte 0
nread:	.word 0
nwritten: .word 0
nback:	.word 0
ndiffer: .word 0
differ:	.skip 8
