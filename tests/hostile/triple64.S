/*
 * triple64.S - a triple fault in long mode: minikvm starts a 64-bit vCPU
 * with an IDT limit of 0, so `ud2` (#UD) finds no gate, nor does the #GP
 * that follows, nor the double fault: the CPU shuts down.
 * Expected: status 1, "guest fault: triple fault ..." with CS:IP.
 */
	.code64
	.globl _start
_start:
	ud2
	hlt
