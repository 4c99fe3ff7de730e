/*
 * sigint.S - writes sector after sector until stopped (tests/disk/
 * sigint.yaml; tests/t/39-disk.t sends SIGINT while it writes): sector N
 * of the primary slave gets N & 0xFFFF in each of its 256 words, one
 * WRITE SECTORS (LBA28) each, and once the command has completed (BSY
 * clear, no error) the guest prints "done N".  After the last sector it
 * starts again at 0 (the same data).  A failing write prints why, status 1.
 */
#include "disk.inc"

#define IDBUF	0x1000
#define WBUF	0x1200

	boot_sector
	identify IDBUF, drive=1
	say s_writing
	num IDBUF+60*2
	say s_sectors
	xor %esi, %esi			/* the sector */
next:
	mov %si, %ax
	mov $WBUF, %edi
	mov $256, %ecx
	rep stosw
	mov $CMD_WRITE, %bl
	mov %esi, %eax
	mov $1, %ecx
	mov $WBUF, %edi
	call ata_xfer_ok
	say s_done
	num %esi
	putc '\n'
	inc %esi
	cmp IDBUF+60*2, %esi
	jb next
	xor %esi, %esi
	jmp next

	string s_writing, "writing sector after sector of "
	string s_sectors, " sectors\n"
	string s_done, "done "

	disk_lib
	disk_end
