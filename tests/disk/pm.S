/*
 * pm.S - disk transfers from 32-bit protected mode with paging
 * (tests/disk/pm.yaml: the primary slave is a copy of tests/disk/data.img,
 * read-write).  The boot sector loads the rest; the guest switches to
 * protected mode (disk.inc's enter_protected), builds a page directory
 * with two page tables of 4 KiB pages: the first 4 MiB identity-mapped,
 * and VA 0x400000 -> PA 0x61000, VA 0x401000 -> PA 0x60000 (two pages in
 * the reverse order); loads CR3 and sets CR0.PG.  Then, with the buffer
 * at VA 0x400F00, which straddles the two pages:
 *
 *   READ SECTORS at 3 with `rep insw`: its checksum, and those of its
 *   halves where they must land, at PA 0x61F00 and PA 0x60000 (and PA
 *   0x62000, where an unpaged transfer would go on, still zeros);
 *   READ SECTORS at 4 with `rep insl` (the data register 32 bits wide);
 *   WRITE SECTORS at 7 with `rep outsw`: sector 3 inverted (each byte
 *   XOR 0xFF), and at 8 with `rep outsl`: sector 4 inverted;
 *   READ SECTORS at 7, 2 sectors, to an identity-mapped buffer: checksum.
 *
 * tests/t/39-disk.t then finds sectors 7 and 8 in the image file.  Ends
 * with EXIT; a failure prints why, status 1.
 */
#include "disk.inc"

#define PD	0x20000		/* page directory */
#define PT0	0x21000		/* VA 0-4 MiB: identity */
#define PT1	0x22000		/* VA 4-8 MiB: two pages */
#define PAGE_A	0x61000		/* VA 0x400000 */
#define PAGE_B	0x60000		/* VA 0x401000 */
#define VBUF	0x400f00	/* straddles them */
#define RBUF	0x10000		/* identity-mapped */
#define SEC3	0x11000		/* copies of sectors 3 and 4 */
#define SEC4	0x11200

/* cksum_at ADDR, BYTES: EAX = the checksum of BYTES bytes at ADDR */
.macro cksum_at addr, bytes
	mov $\addr, %esi
	mov $\bytes, %ecx
	call cksum
.endm

/* read LBA, COUNT, BUF: READ SECTORS, or dies */
.macro read lba, count, buf
	mov $CMD_READ, %bl
	mov $\lba, %eax
	mov $\count, %ecx
	mov $\buf, %edi
	call ata_xfer
	jnc .Lread\@
	call ata_fail
.Lread\@:
.endm

	boot_sector
	enter_protected

	/* paging: three zeroed pages, then the tables */
	mov $PD, %edi
	xor %eax, %eax
	mov $3 * 1024, %ecx
	rep stosl
	movl $PT0 | 3, PD		/* present, writable */
	movl $PT1 | 3, PD + 4
	mov $PT0, %edi
	mov $3, %eax
1:	stosl
	add $4096, %eax
	cmp $PT0 + 4096, %edi
	jb 1b
	movl $PAGE_A | 3, PT1
	movl $PAGE_B | 3, PT1 + 4
	mov $PD, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax		/* PG */
	mov %eax, %cr0
	jmp 1f
1:	say s_paging

	mov $1, %al
	call ata_select
	/* the pages' bytes zeroed first */
	mov $PAGE_B, %edi
	xor %eax, %eax
	mov $3 * 1024, %ecx
	rep stosl

	say s_insw
	read 3, 1, VBUF
	cksum_at VBUF, 512
	call hex8
	mov $VBUF, %esi
	mov $SEC3, %edi
	mov $128, %ecx
	rep movsl
	say s_half1
	cksum_at PAGE_A + 0xf00, 256
	call hex8
	say s_half2
	cksum_at PAGE_B, 256
	call hex8
	mov $PAGE_B + 0x2000, %edi	/* PA 0x62000 */
	mov $1024, %ecx
	xor %eax, %eax
	repe scasl
	je 1f
	die s_touched
1:	say s_untouched

	say s_insl
	movb $1, ata_wide
	read 4, 1, VBUF
	movb $0, ata_wide
	cksum_at VBUF, 512
	call hex8
	call newline
	mov $VBUF, %esi
	mov $SEC4, %edi
	mov $128, %ecx
	rep movsl

	say s_outsw
	mov $SEC3, %esi
	call invert
	mov $CMD_WRITE, %bl
	mov $7, %eax
	mov $1, %ecx
	mov $VBUF, %edi
	call ata_xfer
	call ok
	say s_outsl
	mov $SEC4, %esi
	call invert
	movb $1, ata_wide
	mov $CMD_WRITE, %bl
	mov $8, %eax
	mov $1, %ecx
	mov $VBUF, %edi
	call ata_xfer
	call ok
	movb $0, ata_wide

	say s_readback
	read 7, 2, RBUF
	cksum_at RBUF, 1024
	call hex8
	call newline
	hypercall HC_EXIT

/* invert: VBUF = the 512 bytes at ESI, each XOR 0xFF */
invert:
	mov $VBUF, %edi
	mov $128, %ecx
1:	lodsl
	not %eax
	stosl
	dec %ecx
	jnz 1b
	ret

ok:	jnc 1f
	call ata_fail
1:	say s_ok
	ret

	string s_paging, "protected mode, paging: VA 0x400000 -> PA 0x61000, VA 0x401000 -> PA 0x60000\n"
	string s_insw, "READ SECTORS at 3 (rep insw) to VA 0x400f00: checksum 0x"
	string s_half1, "\n  its first half at PA 0x61f00: checksum 0x"
	string s_half2, "\n  its second half at PA 0x60000: checksum 0x"
	string s_untouched, "\n  PA 0x62000: zeros\n"
	string s_touched, "\n  PA 0x62000: not zeros\n"
	string s_insl, "READ SECTORS at 4 (rep insl) to VA 0x400f00: checksum 0x"
	string s_outsw, "WRITE SECTORS at 7 (rep outsw) from VA 0x400f00, sector 3 inverted"
	string s_outsl, "WRITE SECTORS at 8 (rep outsl) from VA 0x400f00, sector 4 inverted"
	string s_ok, ": ok\n"
	string s_readback, "READ SECTORS at 7, 2 sectors: checksum 0x"

	disk_lib
	disk_end
