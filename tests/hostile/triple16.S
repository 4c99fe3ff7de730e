/*
 * triple16.S - a triple fault in real mode: an IDT (the real-mode IVT
 * register) with limit 0, then `ud2`: vector 6 lies past the limit, #GP's
 * vector 13 too, and so does the double fault's: the CPU shuts down
 * (Intel SDM Vol. 3A §20.1.4: the IDTR limit is checked in real mode).
 *
 * Some software KVMs (kvm_pvm) ignore the limit in real mode and vector
 * through the IVT at 0 anyway; entry 6 here then leads to an `fnsave` to
 * unbacked memory, which no KVM can emulate.  Either way the guest dies
 * and minikvm must say so: status 1 and a "guest fault" diagnosis.
 */
	.code16
	.globl _start
_start:
	jmp start
	. = 6 * 4			/* IVT entry 6 (#UD), for hosts that use it */
	.word fallback, 0
start:
	lidt idt_desc
	ud2
	hlt				/* not reached */
fallback:
	mov $0x2000, %ax		/* GPA 0x20000: past the 64K of memory */
	mov %ax, %es
	fnsave %es:0
	hlt
idt_desc:
	.word 0
	.long 0
