/*
 * boot.S - the boot sector of a small system of the project's own
 * (configs/disk.yaml): sector 0 of guests/disk/system.img.  There is no
 * BIOS: minikvm (`boot: disk`) puts this sector at 0000:7C00 and starts
 * it in real mode with DL = 0x80, the first disk, as a PC BIOS would, but
 * it answers no INT 0x13.  So the boot sector reads the disk itself,
 * through the ATA ports (ata.inc): stage 2, the sectors that follow it
 * (stage2.S, linked right behind it at 0x7E00), then jumps there.
 */
#include "console.inc"

	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds			/* data, extra and stack segment 0: */
	mov %ax, %es			/* addresses are offsets from 0 */
	mov %ax, %ss
	mov $0x7c00, %sp		/* the stack grows down below us */
	ljmp $0, $1f			/* CS:IP = 0000:7Cxx */
1:	cld

	say s_loading
	call stage2_sectors
	num %ecx
	say s_sectors
	call stage2_sectors
	mov $1, %eax			/* from sector 1 */
	mov $0, %bl			/* of the primary master (disk 0) */
	mov $stage2, %di		/* to 0x7E00 */
	call ata_read
	jc 1f
	jmp stage2
1:	die s_error

/* stage2_sectors: ECX = stage 2's length in sectors (stage2.S pads it to
 * whole sectors and marks its end with stage2_end) */
stage2_sectors:
	mov $stage2_end, %ecx
	sub $stage2, %ecx
	shr $9, %ecx
	ret

#include "ata.inc"

	string s_loading, "boot sector: loading stage 2, "
	string s_sectors, " sectors from disk 0\n"
	string s_error, "boot sector: cannot read stage 2\n"

	.org 510
	.word 0xaa55			/* a boot sector's signature */
