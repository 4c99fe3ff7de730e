/*
 * bios13.S - a boot sector that asks the BIOS to read a sector, as boot
 * sectors written for a PC BIOS do: INT 0x13, AH = 0x02 (read sectors,
 * CHS).  minikvm has no BIOS: the interrupt ends the run with a diagnosis
 * naming the service (tests/disk/expected/bios13.stderr), status 1.  One
 * sector, nothing else to load.
 */
#include "disk.inc"

	boot_start
	say s_calling
	mov $0x0201, %ax		/* AH 0x02: read, AL 1 sector */
	mov $0x0002, %cx		/* cylinder 0, sector 2 */
	mov $0x80, %dx			/* head 0, the first hard disk */
	mov $0x7e00, %bx		/* to ES:BX */
	int $0x13
	say s_returned
	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_calling, "calling INT 0x13, AH=0x02\n"
	string s_returned, "INT 0x13 returned\n"
	boot_signature
	disk_end
