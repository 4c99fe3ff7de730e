/*
 * bench-smp32.S - compute-bound on every processor of one guest (cpus: N,
 * platform: pc, protected mode, no paging): the loop of bench-spin.S,
 * 200,000 iterations of `dec %ecx; jnz` with no VM exit, run by the
 * bootstrap processor (BSP) and by each application processor (AP) at
 * once.  Run with cpus: 1 and cpus: 2 (configs/bench/smp-1.yaml, smp-2.yaml)
 * to measure what a guest's second processor costs and gives, beside
 * scaling-N (one VM a vCPU).
 *
 * The BSP finds the processors in the MP table (mp.inc).  With one, it
 * runs the loop and ends the guest with EXIT.  With more, it starts the
 * others as guests/smp32.S does (smp.inc: INIT, wait, STARTUP, wait,
 * STARTUP to each AP of the table; a protected-mode trampoline), runs the
 * loop, then waits until done = processors - 1 (bounded by the time-stamp
 * counter: after 2^35 ticks it prints why and ends with EXIT_STATUS 1),
 * and ends the guest with EXIT.  Each AP runs the loop, counts itself done
 * (`lock incl`) and sleeps in `cli; hlt`.
 */
#include "mp.inc"

#define SPINS		200000		/* as guests/bench-spin.S */

/* spin: SPINS iterations of a two-instruction loop, no VM exit; clobbers
 * ECX */
.macro spin
	mov $SPINS, %ecx
.Lspin\@:
	dec %ecx
	jnz .Lspin\@
.endm

	.code32
	.globl _start
_start:
	call mp_processors		/* the MP table's processors */
	cmpl $1, mp_ncpus
	ja 1f
	spin				/* one processor: the loop, EXIT */
	hypercall HC_EXIT

1:	call lapic_on
	smp_start pm_tramp, pm_tramp_end, mp_ipi_aps
	spin				/* the BSP's own loop */
	mov mp_ncpus, %ecx		/* then the APs' */
	dec %ecx
	mov $done, %ebx
	call smp_wait
	jc 2f
	hypercall HC_EXIT
2:	die s_gaveup

/* an AP, in protected mode (pm_trampoline); no stack */
ap_main:
	spin
	lock incl done
1:	cli
	hlt
	jmp 1b

	pm_trampoline ap_main

	string s_gaveup, "bench-smp32: the APs never all finished their loops\n"
	.balign 4
done:	.long 0				/* APs that finished their loop */
