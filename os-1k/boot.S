/*
 * boot.S - the kernel's assembly: the entry point, the interrupt entry
 * and exit, and the context switch.  Everything else is C.
 */
#define KERNBASE	0x80000000
#define CR0_PG		0x80000000	/* paging on */
#define CR4_PSE		0x00000010	/* 4 MiB pages allowed */

/*
 * The entry point.  minikvm starts us in 32-bit protected mode with paging
 * off, so this code runs at its physical address: it is linked there
 * (section .boot, see kernel.ld), unlike the rest of the kernel.  It turns
 * paging on with boot_pd, which maps the kernel both where it runs now (the
 * first 4 MiB) and where it is linked (KERNBASE and up), then jumps up.
 */
	.section .boot, "ax"
	.globl _start
_start:
	mov $(kernel_pd - KERNBASE), %eax	/* CR3 takes a physical address */
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PSE, %eax
	mov %eax, %cr4
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0				/* paging is on */
	mov $boot_stack_top, %esp		/* a higher-half address */
	mov $kmain, %eax
	jmp *%eax				/* to KERNBASE + ...: never returns */

/*
 * The kernel's page directory: 4 MiB pages (PS bit, 0x80), present (0x01)
 * and writable (0x02), not user.  Entry 0 (the identity mapping the code
 * above needs) is removed by paging_init(); every process's page directory
 * copies entries 512 and up (KERNBASE and up) from it.
 */
	.data
	.balign 4096
	.globl kernel_pd
kernel_pd:
	.long 0x00000083			/* 0x00000000 -> 0 MiB */
	.fill 511, 4, 0
	.long 0x00000083, 0x00400083		/* 0x80000000 -> 0 MiB, 4 MiB */
	.long 0x00800083, 0x00C00083		/* 0x80800000 -> 8 MiB, 12 MiB */
	.fill 508, 4, 0

	.bss
	.balign 16
boot_stack:
	.space 8192				/* kmain, then the idle process */
boot_stack_top:

/*
 * Interrupt entry.  One stub per vector 0..47, each 16 bytes long (the IDT
 * gets isr_stubs + 16 * n for vector n).  The CPU pushes an error code for
 * some exceptions only; the others' stubs push a 0 in its place, so that
 * every trap frame looks the same (struct trapframe in kernel.h).
 */
	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set n, 0
	.rept 48
	.balign 16
	.if !(n == 8 || (n >= 10 && n <= 14) || n == 17 || n == 21 || n == 29 || n == 30)
	push $0					/* no error code from the CPU */
	.endif
	push $n					/* the vector */
	jmp trap_common
	.set n, n + 1
	.endr

	.globl isr_syscall			/* int $0x80 */
isr_syscall:
	push $0
	push $0x80
trap_common:
	push %ds
	push %es
	push %fs
	push %gs
	pusha
	mov $0x10, %ax				/* SEL_KDATA */
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	push %esp				/* trap(struct trapframe *) */
	call trap
	add $4, %esp

/* Back to where the trap frame on the stack says: also how a new process
 * first gets to user mode (proc_create() makes it a trap frame). */
	.globl trap_return
trap_return:
	popa
	pop %gs
	pop %fs
	pop %es
	pop %ds
	add $8, %esp				/* the vector and the error code */
	iret

/*
 * switch_context(uint32_t *save_esp, uint32_t esp): pushes the registers a
 * C function must preserve, saves ESP in *save_esp, then takes ESP as the
 * stack, pops what an earlier switch_context pushed there and returns on
 * it: into the other process's kernel code.
 */
	.globl switch_context
switch_context:
	mov 4(%esp), %eax
	mov 8(%esp), %edx
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %esp, (%eax)
	mov %edx, %esp
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret
