/*
 * hello64.S - a 64-bit long-mode guest: greets with one PUTS and prints
 * the state minikvm documents for long mode (src/boot/cpu.h):
 *
 *   Hello from long mode!
 *   cs=0020 cr0=80000031 cr4=00000020 efer=00000500
 *   cr3=<PML4, boot area + 4K> rsp=<boot area>
 *
 * Built as an ELF64 image linked at 1 MiB.
 */
#include "minikvm.h"

	.code64
	.globl _start
_start:
	mov %rsp, %rbp
	mov $msg, %ebx			/* identity-mapped: GPA = address */
	mov $msg_len, %ecx
	hypercall HC_PUTS

	lea s_cs(%rip), %rsi; mov %cs, %eax; call put_str_hex4
	lea s_cr0(%rip), %rsi; mov %cr0, %rax; call put_str_hex8
	lea s_cr4(%rip), %rsi; mov %cr4, %rax; call put_str_hex8
	lea s_efer(%rip), %rsi
	mov $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	call put_str_hex8
	call newline
	lea s_cr3(%rip), %rsi; mov %cr3, %rax; call put_str_hex8
	lea s_rsp(%rip), %rsi; mov %rbp, %rax; call put_str_hex8
	call newline
	hypercall HC_EXIT

put_str_hex4:
	call put_str
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
	lea hexdigits(%rip), %rdi
	mov (%rdi,%rbx), %bl
	push %rdx
	call putchar
	pop %rdx
	loop 1b
	ret

put_str:				/* NUL-terminated string at RSI */
	push %rax
1:	mov (%rsi), %bl
	test %bl, %bl
	jz 2f
	call putchar
	inc %rsi
	jmp 1b
2:	pop %rax
	ret

newline:
	mov $'\n', %bl
putchar:				/* BL; clobbers AL, DX */
	hypercall HC_PUTCHAR
	ret

msg:	.ascii "Hello from long mode!\n"
	msg_len = . - msg
hexdigits: .ascii "0123456789abcdef"
s_cs:	.asciz "cs="
s_cr0:	.asciz " cr0="
s_cr4:	.asciz " cr4="
s_efer:	.asciz " efer="
s_cr3:	.asciz "cr3="
s_rsp:	.asciz " rsp="
