/*
 * biosud.S - a boot sector that runs an invalid opcode (UD2).  In real
 * mode the CPU takes exception 6 through the interrupt vector table,
 * where a BIOS would have a handler; minikvm has none, so the run ends
 * with a diagnosis naming the exception (vector 0x06, not an INT) and
 * where it happened (tests/disk/expected/biosud.stderr), status 1.
 */
#include "disk.inc"

	boot_start
	say s_trying
	ud2
	say s_returned
	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_trying, "running UD2\n"
	string s_returned, "UD2 returned\n"
	boot_signature
	disk_end
