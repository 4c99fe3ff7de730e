/*
 * noemu.S - an MMIO access with an instruction KVM's emulator does not
 * decode: `fnsave` (an x87 state save, 94 bytes) to a guest-physical
 * address beyond the guest's memory.  KVM has to emulate an access to
 * unbacked memory to turn it into KVM_EXIT_MMIO, cannot, and reports
 * KVM_EXIT_INTERNAL_ERROR (emulation failure).  Real mode, 64K of memory;
 * ES=0x2000 points at GPA 0x20000, past its end.
 * Expected: status 1, a "guest fault" diagnosis naming the exit.
 */
	.code16
	.globl _start
_start:
	mov $0x2000, %ax
	mov %ax, %es
	fninit
	fnsave %es:0
	hlt
