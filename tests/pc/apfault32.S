/*
 * apfault32.S - hostile: an application processor dies (cpus: 2,
 * platform: pc, protected mode).  The BSP software-enables its local
 * APIC, prints "starting processor 1\n" (before, so that the line is out
 * whenever the AP dies), copies a trampoline to 0x8000 and starts
 * processor 1 (INIT, wait, STARTUP, wait, STARTUP: smp.inc) and then
 * spins forever (PAUSE), interrupts off: it never ends the guest itself.
 * The AP enters protected mode with a GDT of its own, loads an IDT of
 * limit 0 and executes int3: the breakpoint's vector lies past the limit
 * (#GP), so does #GP's and the double fault's: a triple fault (shutdown).
 * minikvm must end the whole guest, the spinning BSP included, with status
 * 1 and a diagnosis naming the guest and processor 1, not time out.
 */
#include "smp.inc"

	.code32
	.globl _start
_start:
	cld
	call lapic_on
	say msg
	smp_start pm_tramp, pm_tramp_end, to_cpu1
1:	pause				/* until minikvm ends the guest */
	jmp 1b

/* to_cpu1: a sender for start_aps: the IPI EAX to APIC ID 1 */
to_cpu1:
	push %edx
	mov $1, %edx
	call lapic_ipi
	pop %edx
	ret

/* the AP, in protected mode (pm_trampoline) */
ap_main:
	mov $0x7000, %esp
	lidt idt_none
	int3				/* #BP -> #GP -> #DF -> shutdown */
1:	hlt				/* not reached */
	jmp 1b

	pm_trampoline ap_main

	string msg, "starting processor 1\n"
idt_none:
	.word 0				/* limit 0: no vector fits */
	.long 0
