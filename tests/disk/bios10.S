/*
 * bios10.S - a boot sector that prints with the BIOS, as boot sectors
 * written for a PC BIOS do: INT 0x10, AH = 0x0E (teletype output).
 * minikvm has no BIOS: the interrupt ends the run with a diagnosis naming
 * the service (tests/disk/expected/bios10.stderr), status 1.
 */
#include "disk.inc"

	boot_start
	say s_calling
	mov $0x0e41, %ax		/* AH 0x0E: teletype, AL 'A' */
	xor %bx, %bx			/* page 0 */
	int $0x10
	say s_returned
	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_calling, "calling INT 0x10, AH=0x0e\n"
	string s_returned, "INT 0x10 returned\n"
	boot_signature
	disk_end
