/*
 * ident.S - IDENTIFY DEVICE (0xEC) on each of the four drive positions of
 * the PC's two ATA channels, booted from the primary master (tests/disk/
 * ident.yaml).  For each position, one line:
 *
 *   drive 0 (primary master): "MODEL", serial "S", LBA28 N sectors, LBA48 M sectors, multiple K, integrity ok
 *   drive 3 (secondary slave): absent (status 00)
 *
 * MODEL: words 27-46 (two characters a word, the first in the high byte;
 * trailing spaces dropped); S: words 10-19, the same way; LBA28: words
 * 60-61, the sectors a 28-bit command reaches (at most 0x0FFFFFFF);
 * LBA48: words 100-103, printed where word 83 bit 10 says the 48-bit
 * feature set is supported; multiple: word 47 bits 7-0, the most sectors a
 * block of READ/WRITE MULTIPLE may hold; integrity: word 255, where its
 * low byte is the signature 0xA5, makes the 512 bytes sum to 0 (mod 256).
 * A position without a drive reads status 0x00 (an absent slave beside a
 * master) or 0xFF (a channel without drives).  Ends with EXIT; an
 * IDENTIFY that fails prints why, status 1.
 */
#include "disk.inc"

#define IDBUF	0x1000
#define MODEL	0x1200

	boot_sector

	movl $0, drive
next_drive:
	say s_drive
	num drive
	mov drive, %esi
	mov name_ptr(,%esi,4), %ebx
	mov name_len(,%esi,4), %ecx
	hypercall HC_PUTS
	mov drive, %al
	call ata_select
	cmp $0xff, %al
	je absent
	test %al, %al
	jz absent

	mov $CMD_IDENTIFY, %bl
	mov $IDBUF, %edi
	call ata_xfer
	jnc 1f
	call ata_fail
1:	mov $IDBUF + 27 * 2, %esi	/* the model */
	mov $40, %ecx
	call ata_string
	say s_serial
	mov $IDBUF + 10 * 2, %esi	/* the serial number */
	mov $20, %ecx
	call ata_string
	say s_lba28
	num IDBUF+60*2
	say s_sectors
	testw $0x0400, IDBUF + 83 * 2
	jz 5f
	say s_lba48
	cmpl $0, IDBUF + 102 * 2
	je 6f
	say s_0x			/* 2^32 sectors or more: hex */
	mov IDBUF + 102 * 2, %eax
	call hex8
	mov IDBUF + 100 * 2, %eax
	call hex8
	jmp 7f
6:	num IDBUF+100*2
7:	say s_sectors
	jmp 8f
5:	say s_nolba48
8:	say s_multiple
	movzbl IDBUF + 47 * 2, %eax
	num %eax
	testw $0x0200, IDBUF + 49 * 2	/* word 49 bit 9: LBA supported */
	jnz 9f
	say s_nolba
9:	call integrity
	call newline
	jmp drive_done

absent:
	push %eax
	say s_absent
	pop %eax
	call hex2
	putc ')'
	call newline
drive_done:
	incl drive
	cmpl $4, drive
	jb next_drive
	hypercall HC_EXIT

/* ata_string: prints the ECX characters (even) of an IDENTIFY string at
 * ESI in quotes: two a word, the first in the high byte; trailing spaces
 * dropped */
ata_string:
	push %ecx
	putc '"'
	pop %ecx
	xor %edi, %edi
1:	mov (%esi,%edi), %ax
	xchg %al, %ah
	mov %ax, MODEL(%edi)
	add $2, %edi
	cmp %ecx, %edi
	jb 1b
2:	test %edi, %edi
	jz 3f
	cmpb $' ', MODEL - 1(%edi)
	jne 3f
	dec %edi
	jmp 2b
3:	mov $MODEL, %ebx
	mov %edi, %ecx
	hypercall HC_PUTS
	putc '"'
	ret

/* integrity: word 255, if its low byte is 0xA5, makes the 512 bytes sum
 * to 0 (mod 256): ", integrity ok" or ", integrity bad"; nothing without
 * the signature */
integrity:
	cmpb $0xa5, IDBUF + 510
	jne 3f
	xor %esi, %esi
	xor %al, %al
1:	add IDBUF(%esi), %al
	inc %esi
	cmp $512, %esi
	jb 1b
	test %al, %al
	jnz 2f
	say s_integrity_ok
	ret
2:	say s_integrity_bad
3:	ret

	.balign 4
drive:	.long 0
name_ptr: .long s_pm, s_ps, s_sm, s_ss
name_len: .long s_pm_len, s_ps_len, s_sm_len, s_ss_len
	string s_drive, "drive "
	string s_pm, " (primary master): "
	string s_ps, " (primary slave): "
	string s_sm, " (secondary master): "
	string s_ss, " (secondary slave): "
	string s_serial, ", serial "
	string s_lba28, ", LBA28 "
	string s_integrity_ok, ", integrity ok"
	string s_integrity_bad, ", integrity bad (word 255)"
	string s_lba48, ", LBA48 "
	string s_0x, "0x"
	string s_sectors, " sectors"
	string s_nolba48, ", no LBA48"
	string s_multiple, ", multiple "
	string s_nolba, ", but no LBA (word 49)"
	string s_absent, "absent (status "

	disk_lib
	/* 64 sectors in all: a size the expected output can name */
	.org 64 * 512 - 1
	.byte 0
	disk_end
