/*
 * bootstate32.S - reads back the state minikvm documents for a 32-bit
 * protected-mode vCPU (src/boot/cpu.h, minikvm.yaml(5)) and prints it:
 *
 *   cs=0008 ds=0010 es=0010 fs=0010 gs=0010 ss=0010 tr=0018
 *   eflags=00000002 esp=<boot area>
 *   cr0=<PE|ET|NE, +PG> cr3=<page directory or 0> cr4=<PSE or 0>
 *   gdt=<boot area>/0027 idt=00000000/0000
 *
 * The test compares it with the expected output for its memory size.
 * Built as an ELF32 image linked at 1 MiB.
 */
#include "minikvm.h"

	.code32
	.globl _start
_start:
	mov %esp, %ebp			/* before anything moves it */
	pushf
	pop %edi

	mov $s_cs, %esi; mov %cs, %eax; call put_str_hex4
	mov $s_ds, %esi; mov %ds, %eax; call put_str_hex4
	mov $s_es, %esi; mov %es, %eax; call put_str_hex4
	mov $s_fs, %esi; mov %fs, %eax; call put_str_hex4
	mov $s_gs, %esi; mov %gs, %eax; call put_str_hex4
	mov $s_ss, %esi; mov %ss, %eax; call put_str_hex4
	mov $s_tr, %esi; str %ax; call put_str_hex4
	call newline
	mov $s_eflags, %esi; mov %edi, %eax; call put_str_hex8
	mov $s_esp, %esi; mov %ebp, %eax; call put_str_hex8
	call newline
	mov $s_cr0, %esi; mov %cr0, %eax; call put_str_hex8
	mov $s_cr3, %esi; mov %cr3, %eax; call put_str_hex8
	mov $s_cr4, %esi; mov %cr4, %eax; call put_str_hex8
	call newline
	sgdt gdtr
	sidt idtr
	mov $s_gdt, %esi; mov gdtr+2, %eax; call put_str_hex8
	mov $'/', %bl; call putchar
	movzwl gdtr, %eax; call put_hex4
	mov $s_idt, %esi; mov idtr+2, %eax; call put_str_hex8
	mov $'/', %bl; call putchar
	movzwl idtr, %eax; call put_hex4
	call newline
	hypercall HC_EXIT

/* put_str_hex4/8: the string at ESI, then EAX as 4 or 8 hex digits */
put_str_hex4:
	call put_str
put_hex4:
	mov $4, %ecx
	shl $16, %eax
	jmp put_hex
put_str_hex8:
	call put_str
	mov $8, %ecx
put_hex:				/* ECX digits from the top of EAX */
	mov %eax, %edx
1:	rol $4, %edx
	mov %edx, %ebx
	and $0xf, %ebx
	mov hexdigits(%ebx), %bl
	push %edx
	call putchar
	pop %edx
	loop 1b
	ret

put_str:				/* NUL-terminated string at ESI */
	push %eax
1:	mov (%esi), %bl
	test %bl, %bl
	jz 2f
	call putchar
	inc %esi
	jmp 1b
2:	pop %eax
	ret

newline:
	mov $'\n', %bl
putchar:				/* BL; clobbers AL, DX */
	hypercall HC_PUTCHAR
	ret

hexdigits: .ascii "0123456789abcdef"
s_cs:	.asciz "cs="
s_ds:	.asciz " ds="
s_es:	.asciz " es="
s_fs:	.asciz " fs="
s_gs:	.asciz " gs="
s_ss:	.asciz " ss="
s_tr:	.asciz " tr="
s_eflags: .asciz "eflags="
s_esp:	.asciz " esp="
s_cr0:	.asciz "cr0="
s_cr3:	.asciz " cr3="
s_cr4:	.asciz " cr4="
s_gdt:	.asciz "gdt="
s_idt:	.asciz " idt="
gdtr:	.skip 6
idtr:	.skip 6
