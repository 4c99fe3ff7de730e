/*
 * aplines32.S - every processor of a guest writes lines at once (cpus: 8,
 * platform: pc, protected mode): no line may be torn by another
 * processor's, even when each line takes several hypercalls.
 *
 * The BSP starts the APs (smp.inc: INIT, wait, STARTUP, wait, STARTUP to
 * all excluding self) at a trampoline that enters protected mode with a
 * GDT of its own.  Every processor, the BSP included, reads its APIC ID and
 * writes 20 lines, each in five hypercalls (PUTS "processor ", PUTNUM the
 * ID, PUTS " line ", PUTNUM the line's number, PUTS " of 20\n"), then
 * counts itself done (`lock incl`); an AP then halts.  The BSP waits
 * (bounded by the time-stamp counter) until all 8 are done, then writes
 * "8 processors wrote 20 lines each\n" and ends the guest with EXIT.
 * The order of the lines is the scheduler's: the test sorts them.
 */
#include "smp.inc"

#define CPUS		8		/* cpus: 8 in aplines32.yaml */
#define LINES		20

	.code32
	.globl _start
_start:
	cld
	call lapic_on
	smp_start pm_tramp, pm_tramp_end, ipi_all_but_self
	call lines			/* the BSP's own 20 */
	mov $done, %ebx			/* up to 2^35 ticks for the others */
	mov $CPUS, %ecx
	call smp_wait
	num done
	say s_done
	cmpl $CPUS, done
	jne 3f
	hypercall HC_EXIT
3:	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* lines: this processor's LINES lines, then counts it done; uses no
 * stack but the call's */
lines:
	mov LAPIC + LAPIC_ID, %edi
	shr $24, %edi
	mov $1, %esi
1:	say s_processor
	num %edi
	say s_line
	num %esi
	say s_of
	inc %esi
	cmp $LINES, %esi
	jbe 1b
	lock incl done
	ret

/* an AP, in protected mode (pm_trampoline) */
ap_main:
	mov $0x100, %esp		/* a stack of its own, 256 bytes: */
	lock xaddl %esp, stack_top	/* ESP = the old top, top += 256 */
	call lines
1:	cli
	hlt
	jmp 1b

	pm_trampoline ap_main

	string s_processor, "processor "
	string s_line, " line "
	string s_of, " of 20\n"
	string s_done, " processors wrote 20 lines each\n"
	.balign 4
done:	.long 0
stack_top: .long 0x7000			/* APs' stacks, below 0x7000 + 256 N */
