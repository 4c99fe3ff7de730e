/*
 * cmos.S - the PC platform's MC146818 clock and CMOS RAM at ports
 * 0x70/0x71, read as an OS reads them (real mode, loaded at 0x7C00):
 *
 *  - the date and time three times, in the three formats register B can
 *    ask for: as the machine starts (B = 0x02: BCD, 24-hour), binary
 *    24-hour (B = 0x06) and binary 12-hour (B = 0x04, hour bit 7 = PM).
 *    Each read waits for register A's UIP bit to fall (bounded) and is
 *    repeated until two reads in a row agree (no update in between); the
 *    guest converts what it read to one line
 *        B 02: YYYY-MM-DD HH:MM:SS
 *    with the year from the century byte (0x32) and the year byte (0x09).
 *    The test compares each with the host's UTC clock (within 2 s).
 *  - register D: "D 80" (valid RAM and time);
 *  - CMOS RAM byte 0x40 written 0xA5, read back, then 0x5A, read back:
 *    "RAM 40: a5 5a".
 * Then register B is restored to 0x02, and EXIT.
 */
#include "lib16.inc"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

	boot16

	call clock_line			/* as the machine starts */
	mov $0x06, %ah			/* binary, 24-hour */
	mov $0x0b, %al
	call cmos_write
	call clock_line
	mov $0x04, %ah			/* binary, 12-hour */
	mov $0x0b, %al
	call cmos_write
	call clock_line
	mov $0x02, %ah			/* back to BCD, 24-hour */
	mov $0x0b, %al
	call cmos_write

	say s_d
	mov $0x0d, %al
	call cmos_read
	call hex2
	putc '\n'

	say s_ram
	mov $0xa5, %ah
	mov $0x40, %al
	call cmos_write
	mov $0x40, %al
	call cmos_read
	call hex2
	putc ' '
	mov $0x5a, %ah
	mov $0x40, %al
	call cmos_write
	mov $0x40, %al
	call cmos_read
	call hex2
	putc '\n'
	hypercall HC_EXIT

/* clock_line: reads the clock in the format register B says and prints
 * "B xx: YYYY-MM-DD HH:MM:SS\n" */
clock_line:
	mov $0x0b, %al
	call cmos_read
	mov %al, regb
	say s_b
	mov regb, %al
	call hex2
	putc ':'
	putc ' '
	movw $1000, tries
1:	call read_clock
	mov $now, %si			/* keep this reading */
	mov $then, %di
	mov $8, %cx
	cld
	push %ds
	pop %es
	rep movsb
	call read_clock			/* and compare it with the next */
	mov $now, %si
	mov $then, %di
	mov $8, %cx
	repe cmpsb
	je 2f
	decw tries
	jnz 1b
	say s_unstable
	jmp fail
2:	/* to binary, hours to 0-23 */
	mov $now, %si
	mov $8, %cx
3:	mov (%si), %al
	testb $0x04, regb
	jnz 4f
	cmp $6, %cx			/* the hour (now + 2: CX = 6) keeps its PM bit */
	jne 5f
	mov %al, %ah
	and $0x80, %ah
	and $0x7f, %al
	call bcd2bin
	or %ah, %al
	jmp 4f
5:	call bcd2bin
4:	mov %al, (%si)
	inc %si
	loop 3b
	testb $0x02, regb		/* 12-hour: 12 AM is 0, PM adds 12 */
	jnz 6f
	mov now + 2, %al
	mov %al, %ah
	and $0x7f, %al
	cmp $12, %al
	jne 7f
	xor %al, %al
7:	test $0x80, %ah
	jz 8f
	add $12, %al
8:	mov %al, now + 2
6:	movzbl now + 7, %eax		/* century * 100 + year */
	imul $100, %eax
	movzbl now + 6, %ebx
	add %eax, %ebx
	hypercall HC_PUTNUM
	putc '-'
	mov now + 5, %al; call dec2
	putc '-'
	mov now + 4, %al; call dec2
	putc ' '
	mov now + 2, %al; call dec2
	putc ':'
	mov now + 1, %al; call dec2
	putc ':'
	mov now + 0, %al; call dec2
	putc '\n'
	ret

/* read_clock: waits until UIP (register A bit 7) is clear, then reads
 * seconds, minutes, hours, -, date, month, year, century into now[0-7]
 * (now[3] unused) */
read_clock:
	mov $1000000, %ecx
1:	mov $0x0a, %al
	call cmos_read
	test $0x80, %al
	jz 2f
	addr32 loop 1b
	say s_uip
	jmp fail
2:	mov $0x00, %al; call cmos_read; mov %al, now + 0
	mov $0x02, %al; call cmos_read; mov %al, now + 1
	mov $0x04, %al; call cmos_read; mov %al, now + 2
	movb $0, now + 3
	mov $0x07, %al; call cmos_read; mov %al, now + 4
	mov $0x08, %al; call cmos_read; mov %al, now + 5
	mov $0x09, %al; call cmos_read; mov %al, now + 6
	mov $0x32, %al; call cmos_read; mov %al, now + 7
	ret

/* cmos_read: AL = index -> AL = byte */
cmos_read:
	out %al, $CMOS_INDEX
	in $CMOS_DATA, %al
	ret
/* cmos_write: AL = index, AH = byte */
cmos_write:
	out %al, $CMOS_INDEX
	mov %ah, %al
	out %al, $CMOS_DATA
	ret

/* bcd2bin: AL (BCD) -> AL (binary); keeps the other registers */
bcd2bin:
	push %bx
	mov %al, %bl
	and $0x0f, %bl
	shr $4, %al
	mov $10, %bh
	mul %bh				/* AX = AL * 10 */
	add %bl, %al
	pop %bx
	ret

/* dec2: AL (0-99) as two decimal digits */
dec2:
	pushal
	xor %ah, %ah
	mov $10, %bl
	div %bl				/* AL = tens, AH = units */
	mov %ah, %cl
	mov %al, %bl
	add $'0', %bl
	hypercall HC_PUTCHAR
	mov %cl, %bl
	add $'0', %bl
	hypercall HC_PUTCHAR
	popal
	ret

fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_b, "B "
	string s_d, "D "
	string s_ram, "RAM 40: "
	string s_uip, "\nregister A: UIP never falls\n"
	string s_unstable, "\nthe clock never reads the same twice\n"
regb:	.byte 0
tries:	.word 0
now:	.skip 8
then:	.skip 8
