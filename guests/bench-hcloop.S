/*
 * bench-hcloop.S - exit latency: a million PUTCHAR hypercalls in a tight
 * loop (output discarded by `minikvm bench`), then EXIT.  Each is one
 * port-I/O VM exit that reads BL from the registers: the path that
 * kvm-floor's `sync` mode measures at its least.
 */
#include "minikvm.h"

	.code16
	.globl _start
_start:
	mov $1000000, %ecx
	mov $'x', %bl
	mov $HC_PORT, %dx
	mov $HC_PUTCHAR, %al
1:	out %al, (%dx)
	dec %ecx
	jnz 1b
	hypercall HC_EXIT
