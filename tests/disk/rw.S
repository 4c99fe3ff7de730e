/*
 * rw.S - writes with every write command of ATA/ATAPI-6's PIO set, and
 * reads back (tests/disk/rw.yaml; tests/t/39-disk.t then reads the image
 * files at the same offsets).  Every sector written is fill's pattern
 * (disk.inc): its LBA in the first four bytes, a tag naming the command in
 * the fifth, then (j + LBA) & 0xFF.
 *
 * The primary slave (drive 1; 8 MiB in the test), LBA28:
 *   WRITE SECTORS at 100, 3 sectors (tag 'S'); SET MULTIPLE 4 (IDENTIFY
 *   word 59 then shows it); WRITE MULTIPLE at 200, 10 sectors: blocks of
 *   4, 4, 2 (tag 'M'); WRITE SECTORS at its last sector (tag 'L'); FLUSH
 *   CACHE; each read back (READ SECTORS, READ MULTIPLE) and compared with
 *   what was written, its checksum printed (disk.inc's cksum); neighbours
 *   (99, 103, 199, 210, the second last) still zeros; READ SECTORS with a
 *   count of 0, which means 256.
 * The secondary master (drive 2; a sparse 300 GiB image in the test),
 *   LBA48, if it has more than 2^28 sectors:
 *   WRITE SECTORS EXT at 305419896 (0x12345678, above 2^28), 2 sectors
 *   (tag 'E'), and at its last sector (tag 'Z'); FLUSH CACHE EXT; both read
 *   back with READ SECTORS EXT; READ SECTORS (LBA28) at 0x2345678, the
 *   same LBA cut to 28 bits, zeros; READ SECTORS EXT of 257 sectors (the
 *   count's high byte).
 * Each step prints a line; the first that fails prints why, status 1.
 */
#include "disk.inc"

#define WBUF_S	0x1000		/* what each write sends (3 sectors) */
#define WBUF_M	0x1600		/* 10 */
#define WBUF_L	0x2a00		/* 1 */
#define WBUF_E	0x2c00		/* 2 */
#define WBUF_Z	0x3000		/* 1 */
#define RBUF	0x4000		/* reads (up to 10 sectors) */
#define BIG_LBA	0x12345678

/* name CMD, LBA, COUNT: prints "CMD at LBA, COUNT sector(s)"; LBA and COUNT
 * are sources for mov (an immediate or memory) */
.macro name cmd, lba, count
	say \cmd
	say s_at
	num \lba
	say s_comma
	num \count
	say s_sectors
	mov \count, %ecx
	cmp $1, %ecx
	je .Lone\@
	putc 's'
.Lone\@:
.endm

/* write CMD, LBA, COUNT, TAG, BUF: the sectors' patterns at BUF, written */
.macro write cmd, lba, count, tag, buf
	fill_sectors \buf, \lba, \count, \tag
	name s_\cmd, \lba, \count
	mov $\cmd, %bl
	mov \lba, %eax
	mov \count, %ecx
	mov $\buf, %edi
	call ata_xfer
	call ok
.endm

/* readback CMD, LBA, COUNT, BUF: read to RBUF, compared with BUF */
.macro readback cmd, lba, count, buf
	name s_\cmd, \lba, \count
	mov $\cmd, %bl
	mov \lba, %eax
	mov \count, %ecx
	mov $RBUF, %edi
	call ata_xfer_ok
	mov \count, %ecx
	shl $9, %ecx
	mov $\buf, %esi
	call same
.endm

/* zeros CMD, LBA: one sector read to RBUF, all zeros */
.macro zeros cmd, lba
	name s_\cmd, \lba, $1
	mov $\cmd, %bl
	mov \lba, %eax
	mov $1, %ecx
	mov $RBUF, %edi
	call ata_xfer_ok
	call all_zeros
.endm

/* read_far TEXT, CMD, LBA, COUNT: prints TEXT, then CMD reads COUNT
 * sectors to 1000:0000 (more than 64 KiB: DI wraps round, the data is
 * not kept) */
.macro read_far text, cmd, lba, count
	say \text
	mov $0x1000, %ax
	mov %ax, %es
	mov $\cmd, %bl
	mov \lba, %eax
	mov \count, %ecx
	xor %edi, %edi
	call ata_xfer
	mov $0, %dx
	mov %dx, %es
	call ok
.endm

	boot_sector

	/* the primary slave */
	identify RBUF, drive=1
	mov RBUF + 60 * 2, %eax
	mov %eax, capacity
	dec %eax
	mov %eax, last_lba
	dec %eax
	mov %eax, last_lba2
	say s_slave
	num capacity
	say s_sectors
	putc 's'
	call newline

	write CMD_WRITE, $100, $3, 'S', WBUF_S
	say s_setmult
	mov $CMD_SET_MULT, %bl
	mov $4, %cl
	xor %ch, %ch
	call ata_nodata
	call ok
	movb $4, ata_mult
	identify RBUF
	say s_word59
	mov RBUF + 59 * 2, %ax
	call hex4
	call newline
	write CMD_WRITE_MULT, $200, $10, 'M', WBUF_M
	write CMD_WRITE, last_lba, $1, 'L', WBUF_L
	say s_CMD_FLUSH
	mov $CMD_FLUSH, %bl
	call ata_nodata
	call ok

	readback CMD_READ, $100, $3, WBUF_S
	readback CMD_READ_MULT, $200, $10, WBUF_M
	readback CMD_READ, last_lba, $1, WBUF_L
	zeros CMD_READ, $99
	zeros CMD_READ, $103
	zeros CMD_READ_MULT, $199
	zeros CMD_READ_MULT, $210
	zeros CMD_READ, last_lba2
	/* count 0: 256 sectors */
	read_far s_count0, CMD_READ, $0, $256

	/* the secondary master */
	identify RBUF, drive=2
	testw $0x0400, RBUF + 83 * 2
	jnz 1f
	say s_nolba48
	hypercall HC_EXIT
1:	mov RBUF + 100 * 2, %eax
	mov %eax, capacity
	dec %eax
	mov %eax, last_lba
	say s_master
	num capacity
	say s_sectors
	putc 's'
	call newline
	cmpl $0, RBUF + 102 * 2
	jne 1f
	cmpl $0x10000000, capacity
	ja 1f
	say s_small
	hypercall HC_EXIT
1:	write CMD_WRITE_EXT, $BIG_LBA, $2, 'E', WBUF_E
	write CMD_WRITE_EXT, last_lba, $1, 'Z', WBUF_Z
	say s_CMD_FLUSH_EXT
	mov $CMD_FLUSH_EXT, %bl
	call ata_nodata
	call ok
	readback CMD_READ_EXT, $BIG_LBA, $2, WBUF_E
	readback CMD_READ_EXT, last_lba, $1, WBUF_Z
	zeros CMD_READ, $BIG_LBA & 0x0fffffff
	read_far s_count257, CMD_READ_EXT, $1000000, $257
	hypercall HC_EXIT

/* ok: ": ok" if the command succeeded (CF clear), else ata_fail */
ok:	jnc 1f
	call ata_fail
1:	say s_ok
	ret

/* same: RBUF against ECX bytes at ESI: "as written, checksum ..." */
same:
	mov $RBUF, %edi
	push %ecx
	push %esi
	repe cmpsb
	pop %esi
	pop %ecx
	je 1f
	die s_differs
1:	push %ecx
	say s_same
	pop %ecx
	mov $RBUF, %esi
	call cksum
	call hex8
	call newline
	ret

/* all_zeros: RBUF's 512 bytes are zeros: ": zeros" */
all_zeros:
	mov $RBUF, %edi
	mov $512, %ecx
	xor %al, %al
	repe scasb
	je 1f
	die s_notzeros
1:	say s_zeros
	ret

	.balign 4
capacity: .long 0
last_lba: .long 0
last_lba2: .long 0
	string s_slave, "primary slave: LBA28 "
	string s_master, "secondary master: LBA48 "
	string s_sectors, " sector"
	string s_at, " at "
	string s_comma, ", "
	string s_ok, ": ok\n"
	string s_same, ": as written, checksum 0x"
	string s_differs, ": differs from what was written\n"
	string s_zeros, ": zeros\n"
	string s_notzeros, ": not zeros\n"
	string s_setmult, "SET MULTIPLE 4"
	string s_word59, "IDENTIFY word 59: 0x"
	string s_count0, "READ SECTORS at 0, count 0 (256 sectors)"
	string s_count257, "READ SECTORS EXT at 1000000, 257 sectors"
	string s_nolba48, "the secondary master has no LBA48\n"
	string s_small, "the secondary master has 2^28 sectors or fewer: no LBA48 writes\n"
	string s_CMD_WRITE, "WRITE SECTORS"
	string s_CMD_WRITE_MULT, "WRITE MULTIPLE"
	string s_CMD_WRITE_EXT, "WRITE SECTORS EXT"
	string s_CMD_READ, "READ SECTORS"
	string s_CMD_READ_MULT, "READ MULTIPLE"
	string s_CMD_READ_EXT, "READ SECTORS EXT"
	string s_CMD_FLUSH, "FLUSH CACHE"
	string s_CMD_FLUSH_EXT, "FLUSH CACHE EXT"

	disk_lib
	disk_end
