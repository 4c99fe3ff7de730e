/*
 * haltirq.S - with the irqchip, HLT with interrupts off waits for good (KVM
 * runs HLT itself).  The run ends at limits.timeout (status 124), and the
 * message says the processor is halted waiting for an interrupt, not
 * running.
 */
	.code16
	.globl _start
_start:
	cli
	hlt
	jmp _start
