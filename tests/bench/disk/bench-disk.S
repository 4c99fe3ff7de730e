/*
 * bench-disk.S - the disk throughput benchmark's guest (make bench:
 * tests/lab/bench-disk.t): one boot sector, linked at 0x7C00, that runs the
 * same under minikvm (`boot: disk`, no BIOS: it calls no BIOS interrupt)
 * and under QEMU with SeaBIOS (-drive if=ide).  On the primary master, by
 * polled PIO (nIEN set, interrupts off), LBA28:
 *
 *   SET MULTIPLE 16, then the line "bench-disk: start"
 *   READ MULTIPLE of 16 MiB (up to read_end) from LBA READ_LBA, 128
 *   sectors (64 KiB) a command, 8 blocks of 16 sectors, each one
 *   `rep insw` into the buffer segment BUF_SEG (64 KiB, reused); after
 *   each command a checksum of the first and last dword of each of its
 *   sectors: h = rol(h, 5) + d, from 0
 *   then "bench-disk: read done, checksum XXXXXXXX" (hex, A-F)
 *   WRITE MULTIPLE of 16 MiB (up to write_end) to LBA WRITE_LBA, the same
 *   way (`rep outsw`), the buffer as the last read left it but each
 *   sector's first dword its own LBA; then FLUSH CACHE
 *   then "bench-disk: write done"
 *   then 0x00 to port 0xF4 (QEMU's isa-debug-exit: status 1) and minikvm's
 *   HC_EXIT (status 0).
 *
 * read_end and write_end, the LBAs where each transfer stops (multiples
 * of 128 sectors past its start), are dwords at offset PARAMS of the
 * sector: bench-disk.t moves less by patching them in its copy of the
 * image.  A device error prints "bench-disk: error SSLLLLLL" (SS the
 * status, then the command's LBA, 24 bits), then writes 0x01 to port 0xF4
 * (QEMU: status 3) and makes EXIT_STATUS 1 (minikvm).  The image (disk.mk)
 * holds at LBA L of the read range a sector whose first dword is L and
 * last dword ~L (zeros between), so the checksum tells a broken transfer;
 * tests/lab/bench-disk.t computes the expected one and checks the written
 * range.  COM1 is polled (LSR bit 5) before each byte.  Registers and
 * commands: ATA/ATAPI-6 (T13/1410D), sections 7 and 8; the PIO data-in
 * and data-out protocols of section 9.
 */
#include "minikvm.h"

#define READ_LBA	2048		/* 1 MiB into the image */
#define WRITE_LBA	40960		/* 20 MiB into the image */
#define SECTORS		32768		/* 16 MiB each way */
#define CMD_SECTORS	128		/* per command: 64 KiB, the buffer */
#define MULT		16		/* sectors per DRQ block */
#define BUF_SEG		0x1000		/* the buffer: 0x10000-0x1FFFF */
#define PARAMS		502		/* read_end, write_end: LBAs, dwords */

#define ATA		0x1f0		/* primary command block */
#define ATA_CTL		0x3f6		/* device control (write) */
#define ST_BSY		0x80
#define ST_DF		0x20
#define ST_DRQ		0x08
#define ST_ERR		0x01

	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7c00, %sp
	ljmp $0, $1f			/* CS:IP = 0000:7Cxx, whatever loaded us */
1:	cld

	mov $ATA_CTL, %dx		/* nIEN: polled, no INTRQ */
	mov $0x02, %al
	out %al, %dx
	mov $ATA + 6, %dx		/* the master, LBA mode */
	mov $0xe0, %al
	out %al, %dx
	call wait_idle
	mov $ATA + 2, %dx		/* SET MULTIPLE 16 */
	mov $MULT, %al
	out %al, %dx
	mov $ATA + 7, %dx
	mov $0xc6, %al
	out %al, %dx
	call wait_idle

	mov $msg_start, %si
	call puts

	/* read: EBP the LBA, EBX the checksum */
	mov $READ_LBA, %ebp
	xor %ebx, %ebx
read_cmd:
	mov $0xc4, %al			/* READ MULTIPLE */
	call issue
	mov $BUF_SEG, %ax
	mov %ax, %es
	xor %di, %di
	mov $CMD_SECTORS / MULT, %si	/* blocks */
read_block:
	call wait_drq
	mov $ATA, %dx
	mov $MULT * 256, %cx
	rep insw
	dec %si
	jnz read_block
	xor %si, %si			/* the checksum of the 128 sectors */
1:	rol $5, %ebx
	add %es:(%si), %ebx
	rol $5, %ebx
	add %es:508(%si), %ebx
	add $512, %si
	jnz 1b
	add $CMD_SECTORS, %ebp
	cmp read_end, %ebp
	jb read_cmd
	call wait_idle
	mov $msg_read, %si
	call puts
	mov %ebx, %eax
	call hex8
	call newline

	/* write: EBP the LBA; the buffer's sectors named after their LBA */
	mov $WRITE_LBA, %ebp
write_cmd:
	mov %ebp, %eax
	xor %di, %di
1:	mov %eax, %es:(%di)
	inc %eax
	add $512, %di
	jnz 1b
	mov $0xc5, %al			/* WRITE MULTIPLE */
	call issue
	mov $CMD_SECTORS / MULT, %bx	/* blocks */
	push %ds
	mov %es, %ax
	mov %ax, %ds
	xor %si, %si
write_block:
	call wait_drq
	mov $ATA, %dx
	mov $MULT * 256, %cx
	rep outsw
	dec %bx
	jnz write_block
	pop %ds
	call wait_idle			/* the last block written */
	add $CMD_SECTORS, %ebp
	cmp write_end, %ebp
	jb write_cmd
	mov $ATA + 7, %dx		/* FLUSH CACHE */
	mov $0xe7, %al
	out %al, %dx
	call wait_idle
	mov $msg_write, %si
	call puts

	mov $0xf4, %dx			/* QEMU: isa-debug-exit, status 1 */
	xor %al, %al
	out %al, %dx
	mov $HC_EXIT, %al		/* minikvm */
	mov $HC_PORT, %dx
	out %al, %dx
halt:	hlt
	jmp halt

/* issue: command AL of CMD_SECTORS sectors at LBA EBP (LBA28), once the
 * device is idle.  Clobbers EAX, DX. */
issue:
	push %ax
	call wait_idle
	mov $ATA + 2, %dx
	mov $CMD_SECTORS, %al
	out %al, %dx			/* count */
	mov %ebp, %eax
	inc %dx
	out %al, %dx			/* LBA 7-0 */
	shr $8, %eax
	inc %dx
	out %al, %dx			/* LBA 15-8 */
	shr $8, %eax
	inc %dx
	out %al, %dx			/* LBA 23-16 */
	shr $8, %eax
	and $0x0f, %al
	or $0xe0, %al
	inc %dx
	out %al, %dx			/* device: master, LBA, LBA 27-24 */
	pop %ax
	inc %dx
	out %al, %dx			/* command */
	ret

/* wait_idle: until BSY clears; to fail on ERR or DF.  Clobbers AL, DX. */
wait_idle:
	mov $ATA + 7, %dx
1:	in %dx, %al
	test $ST_BSY, %al
	jnz 1b
	test $ST_ERR | ST_DF, %al
	jnz fail
	ret

/* wait_drq: until BSY clears; to fail on ERR or DF or without DRQ.
 * Clobbers AL, DX. */
wait_drq:
	call wait_idle
	test $ST_DRQ, %al
	jz fail
	ret

/* fail: the error line (status AL, LBA EBP: "SS LLLLLL" is the status byte,
 * then the LBA, 24 bits), then the error exits. */
fail:
	push %ax
	push %cs			/* DS = 0 */
	pop %ds
	mov $msg_error, %si
	call puts
	pop %ax
	shl $24, %eax
	or %ebp, %eax
	call hex8
	call newline
	mov $0xf4, %dx			/* QEMU: status 3 */
	mov $1, %al
	out %al, %dx
	mov $1, %bl			/* minikvm: status 1 */
	mov $HC_EXIT_STATUS, %al
	mov $HC_PORT, %dx
	out %al, %dx
	jmp halt

/* puts: the NUL-terminated string at DS:SI to COM1.  Clobbers AL, DX, SI. */
puts:
	lodsb
	test %al, %al
	jz 1f
	call putc
	jmp puts
1:	ret

/* putc: AL to COM1, once its transmit register is empty.  Clobbers DX. */
putc:
	push %ax
	mov $COM1_BASE + UART_LSR, %dx
1:	in %dx, %al
	test $UART_LSR_THRE, %al
	jz 1b
	pop %ax
	mov $COM1_BASE + UART_THR, %dx
	out %al, %dx
	ret

/* newline: a newline.  Clobbers AL, DX. */
newline:
	mov $10, %al
	jmp putc

/* hex8: EAX in hex, 8 digits.  Clobbers EAX, CX, DX. */
hex8:
	mov $8, %cx
1:	rol $4, %eax
	push %eax
	and $0x0f, %al			/* 0-9, A-F */
	add $0x90, %al
	daa
	adc $0x40, %al
	daa
	call putc
	pop %eax
	loop 1b
	ret

msg_start:	.asciz "bench-disk: start\n"
msg_read:	.asciz "bench-disk: read done, checksum "
msg_write:	.asciz "bench-disk: write done\n"
msg_error:	.asciz "bench-disk: error "

/* the parameters: where each transfer ends (tests/lab/bench-disk.t patches
 * them in its copy of the image to move less) */
	.org PARAMS
read_end:	.long READ_LBA + SECTORS
write_end:	.long WRITE_LBA + SECTORS
	.word 0xaa55
