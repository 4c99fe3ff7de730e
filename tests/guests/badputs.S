/*
 * badputs.S - PUTS of a buffer outside guest memory.
 *
 * EBX = 0xFFFFFF00, ECX = 0x200: far beyond the 4K of memory of its
 * manifest, and address + length even wraps around 32 bits.  The host
 * should diagnose it and stop the vCPU as a guest error, with nothing on
 * stdout.  Uses no stack (with 4K of memory, SP=0 would push outside).
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $0xFFFFFF00, %ebx
	mov $0x200, %ecx
	hypercall HC_PUTS

	/* Only reached if the host wrongly let the guest go on: make that
	 * visible on stdout, where the test expects nothing. */
	mov $'!', %bl
	hypercall HC_PUTCHAR
	mov $'\n', %bl
	hypercall HC_PUTCHAR
	hypercall HC_EXIT
	hlt
