/*
 * putswrap.S - PUTS of 0x20 bytes at GPA 0xFFFFFFF0: the range wraps
 * around 4 GiB, and a 32-bit sum would make it look small and inside.
 * Expected: status 1, one diagnosis, nothing printed.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $0xfffffff0, %ebx
	mov $0x20, %ecx
	hypercall HC_PUTS
	hypercall HC_EXIT
