/*
 * errors.S - what a drive answers to commands it must refuse
 * (tests/disk/errors.yaml: the primary slave is a read-only disk of 128
 * sectors, tests/disk/data.img).  Each command's line shows the status and
 * error registers after it (ATA/ATAPI-6: ERR = status bit 0; in the error
 * register ABRT = 0x04, the command was refused, IDNF = 0x10, the address
 * lies outside the disk):
 *
 *   WRITE SECTORS and WRITE SECTORS EXT on the read-only disk: ABRT; the
 *   sector reads back as before (its checksum);
 *   READ SECTORS at the disk's end (LBA 128), READ SECTORS at 0x0FFFFFFF
 *   and READ SECTORS EXT at 0xFFFFFFFF: IDNF;
 *   READ SECTORS of 2 sectors from the last one, across the end: IDNF;
 *   READ DMA (0xC8), which a PIO drive does not do: ABRT;
 *   READ MULTIPLE before SET MULTIPLE has turned multiple mode on, SET
 *   MULTIPLE 3 (not a power of 2) and SET MULTIPLE 32 (more than the
 *   drive's IDENTIFY word 47 says, 16): ABRT;
 *   then READ SECTORS of the last sector: ok, and its checksum.
 *
 * and ends with EXIT: the expected output says which answers are right.
 */
#include "disk.inc"

#define WBUF	0x1000
#define RBUF	0x2000

/* try TEXT, CMD, LBA, COUNT: prints TEXT, runs CMD (ata_xfer; ata_nodata
 * for a command without data) with its data at WBUF/RBUF, then the result */
.macro try text, cmd, lba, count, xfer=ata_xfer, buf=RBUF
	say \text
	mov $\cmd, %bl
	mov $\lba, %eax
	mov $\count, %ecx
	mov $\buf, %edi
	call \xfer
	call result
.endm

	boot_sector

	identify RBUF, drive=1
	say s_slave
	num RBUF+60*2
	say s_sectors

	fill_sectors WBUF, $5, $1, 'W'
	try s_write, CMD_WRITE, 5, 1, buf=WBUF
	try s_write_ext, CMD_WRITE_EXT, 5, 1, buf=WBUF
	try s_read5, CMD_READ, 5, 1
	cksum_line s_cksum, $RBUF, $512
	try s_end, CMD_READ, 128, 1
	try s_across, CMD_READ, 127, 2
	try s_end28, CMD_READ, 0x0fffffff, 1
	try s_end48, CMD_READ_EXT, 0xffffffff, 1
	try s_dma, 0xc8, 0, 1, xfer=ata_nodata
	try s_nomult, CMD_READ_MULT, 0, 1
	try s_mult3, CMD_SET_MULT, 0, 3, xfer=ata_nodata
	try s_mult32, CMD_SET_MULT, 0, 32, xfer=ata_nodata
	try s_last, CMD_READ, 127, 1
	cksum_line s_cksum, $RBUF, $512
	hypercall HC_EXIT

/* result: ": ok" (CF clear), or ": status XX, error YY" and the error
 * bits by name; then a newline except after ok */
result:
	jc 1f
	say s_ok
	ret
1:	push %eax
	say s_colon
	pop %eax
	call ata_status_text
	test $ST_ERR, %al
	jz 2f
	mov %ah, %al
	mov $0, %esi
3:	bt %esi, %eax
	jnc 4f
	push %eax
	putc ' '
	lea bit_name(,%esi,4), %ebx
	mov $4, %ecx
5:	cmpb $' ', -1(%ebx,%ecx)	/* without trailing spaces */
	jne 6f
	dec %ecx
	jmp 5b
6:	hypercall HC_PUTS
	pop %eax
4:	inc %esi
	cmp $8, %esi
	jb 3b
2:	call newline
	ret

	.balign 4
bit_name: .ascii "AMNF", "NM  ", "ABRT", "MCR ", "IDNF", "MC  ", "UNC ", "ICRC"
	string s_slave, "primary slave: LBA28 "
	string s_sectors, " sectors\n"
	string s_write, "WRITE SECTORS at 5 (a read-only disk)"
	string s_write_ext, "WRITE SECTORS EXT at 5 (a read-only disk)"
	string s_read5, "READ SECTORS at 5"
	string s_cksum, "  checksum 0x"
	string s_end, "READ SECTORS at 128 (the end)"
	string s_end28, "READ SECTORS at 268435455 (0x0fffffff)"
	string s_end48, "READ SECTORS EXT at 4294967295 (0xffffffff)"
	string s_across, "READ SECTORS at 127, 2 sectors (across the end)"
	string s_dma, "READ DMA (0xc8)"
	string s_nomult, "READ MULTIPLE before any SET MULTIPLE"
	string s_mult3, "SET MULTIPLE 3 (not a power of 2)"
	string s_mult32, "SET MULTIPLE 32 (more than IDENTIFY word 47 allows)"
	string s_last, "READ SECTORS at 127 (the last)"
	string s_ok, ": ok\n"
	string s_colon, ": "

	disk_lib
	disk_end
