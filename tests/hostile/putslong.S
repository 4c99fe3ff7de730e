/*
 * putslong.S - PUTS of 64 KiB + 1 bytes: longer than a PUTS may be.
 * Expected: status 1, one diagnosis ("PUTS of 65537 bytes (at most
 * 65536)"), nothing printed.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	xor %ebx, %ebx
	mov $0x10001, %ecx
	hypercall HC_PUTS
	hypercall HC_EXIT
