/*
 * snap.S - writes to a disk in snapshot mode (tests/disk/snap.yaml: the
 * primary slave is tests/disk/data.img, `access: snapshot`): the guest sees
 * its writes, the image file never does.  It prints
 *
 *   READ SECTORS at 10, 4 sectors: checksum ...   (the image's data)
 *   WRITE SECTORS at 10, 4 sectors: ok            (tag 'P', disk.inc's fill)
 *   WRITE SECTORS EXT at 127, 1 sector: ok        (the last; tag 'Q')
 *   FLUSH CACHE: ok
 *   READ SECTORS at 10, 4 sectors: as written, checksum ...
 *   READ SECTORS EXT at 127, 1 sector: as written, checksum ...
 *   READ SECTORS at 9, 1 sector: checksum ...     (the image's: untouched)
 *   READ SECTORS at 14, 1 sector: checksum ...    (likewise)
 *
 * and ends with EXIT; tests/t/39-disk.t checks that the image file is
 * unchanged, and that a second run prints the same again.
 */
#include "disk.inc"

#define WBUF_P	0x1000		/* 4 sectors */
#define WBUF_Q	0x1800		/* 1 */
#define RBUF	0x2000		/* 4 */

/* op TEXT, CMD, LBA, COUNT, BUF: prints TEXT, then CMD with data at BUF;
 * dies if it fails */
.macro op text, cmd, lba, count, buf
	say \text
	mov $\cmd, %bl
	mov $\lba, %eax
	mov $\count, %ecx
	mov $\buf, %edi
	call ata_xfer_ok
.endm

/* sum COUNT: ": checksum X" of COUNT sectors at RBUF */
.macro sum count
	cksum_line s_cksum, $RBUF, $(\count * 512)
.endm

/* same COUNT, BUF: RBUF is what BUF held, COUNT sectors */
.macro same count, buf
	mov $RBUF, %edi
	mov $\buf, %esi
	mov $\count * 512, %ecx
	repe cmpsb
	je .Lsame\@
	die s_differs
.Lsame\@:
	cksum_line s_as_written, $RBUF, $(\count * 512)
.endm

	boot_sector
	mov $1, %al
	call ata_select

	op s_read10, CMD_READ, 10, 4, RBUF
	sum 4
	fill_sectors WBUF_P, $10, $4, 'P'
	fill_sectors WBUF_Q, $127, $1, 'Q'
	op s_write10, CMD_WRITE, 10, 4, WBUF_P
	say s_ok
	op s_write127, CMD_WRITE_EXT, 127, 1, WBUF_Q
	say s_ok
	say s_flush
	mov $CMD_FLUSH, %bl
	call ata_nodata
	jnc 1f
	call ata_fail
1:	say s_ok
	op s_read10, CMD_READ, 10, 4, RBUF
	same 4, WBUF_P
	op s_read127, CMD_READ_EXT, 127, 1, RBUF
	same 1, WBUF_Q
	op s_read9, CMD_READ, 9, 1, RBUF
	sum 1
	op s_read14, CMD_READ, 14, 1, RBUF
	sum 1
	hypercall HC_EXIT

	string s_read10, "READ SECTORS at 10, 4 sectors"
	string s_read127, "READ SECTORS EXT at 127, 1 sector"
	string s_read9, "READ SECTORS at 9, 1 sector"
	string s_read14, "READ SECTORS at 14, 1 sector"
	string s_write10, "WRITE SECTORS at 10, 4 sectors"
	string s_write127, "WRITE SECTORS EXT at 127, 1 sector"
	string s_flush, "FLUSH CACHE"
	string s_ok, ": ok\n"
	string s_cksum, ": checksum 0x"
	string s_as_written, ": as written, checksum 0x"
	string s_differs, ": differs from what was written\n"

	disk_lib
	disk_end
