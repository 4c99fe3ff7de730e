/*
 * pit.S - the PC platform's 8254 timer, as a BIOS-less real-mode program
 * drives it (platform: pc; loaded at 0x7C00):
 *
 *  - the 8259 pair programmed by the guest itself (ICW1-ICW4, IRQs 0-7 on
 *    vectors 0x08-0x0F as a PC BIOS leaves them), only IRQ 0 unmasked, and
 *    its own interrupt vector table entry for vector 8;
 *  - PIT channel 0 in mode 2 (rate generator) at 100 Hz (divisor 11932):
 *    one '.' per tick for 10 ticks, then a newline;
 *  - channel 2 in mode 0 (interrupt on terminal count) with its gate on
 *    (port 0x61 bit 0), as Linux calibrates the TSC: OUT2 (port 0x61 bit
 *    5) reads 0 after the count is loaded and rises when it runs out
 *    (0xFFFF counts, 55 ms): "OUT2: low, then high";
 *  - then the reset line of the keyboard controller (0xFE to port 0x64),
 *    which ends the run with status 0 and a note on stderr.
 *
 * Expected stdout: "..........\nOUT2: low, then high\n".  A reset that
 * does not end the run prints "no reset" and ends with status 2.
 */
#include "lib16.inc"
#include "pc.inc"

#define PORT_B 0x61
#define KBC_STATUS 0x64
#define TICKS 10

	boot16

	/* the IVT entry of vector 8 (IRQ 0), at 0:0x20 */
	movw $timer_isr, %es:8 * 4
	movw $LOAD >> 4, %es:8 * 4 + 2

	/* ICW1-ICW4: edge, cascade, ICW4; vectors 0x08/0x70; slave on IR2;
	 * 8086 mode.  Then OCW1: IRQ 0 only. */
	pic_init 0x08, 0x70, 0xfe, 0xff

	/* channel 0, lobyte/hibyte, mode 2, binary; 1193182 Hz / 11932 */
	pit_rate 11932

	/* sti; hlt in one go (the STI shadow): no tick is missed between
	 * the check and the wait */
wait:	cli
	cmpw $TICKS, ticks
	jae ticked
	sti
	hlt
	jmp wait
ticked:
	putc '\n'

	/* channel 2: gate on, speaker off; mode 0, count 0xFFFF.  OUT2 is
	 * low once the count is loaded; if the count ran out before the
	 * first read (the host stopped this vCPU for 55 ms), try again. */
	movw $3, tries
out2:	in $PORT_B, %al
	and $0xfc, %al
	or $0x01, %al
	out %al, $PORT_B
	mov $0xb0, %al; out %al, $PIT_CTL
	mov $0xff, %al; out %al, $PIT_CH2; out %al, $PIT_CH2
	in $PORT_B, %al
	test $0x20, %al
	jz low
	decw tries
	jnz out2
	say s_nolow
	jmp fail
low:	mov $5000000, %ecx
1:	in $PORT_B, %al
	test $0x20, %al
	jnz high
	addr32 loop 1b
	say s_nohigh
	jmp fail
high:	say s_out2

	/* the keyboard controller's reset line: wait (bounded) until it
	 * takes a command (IBF clear), then pulse it */
	mov $100000, %ecx
1:	in $KBC_STATUS, %al
	test $0x02, %al
	jz 2f
	addr32 loop 1b
2:	mov $0xfe, %al
	out %al, $KBC_STATUS
	say s_noreset
fail:	mov $2, %bl
	hypercall HC_EXIT_STATUS

timer_isr:
	pusha
	incw %cs:ticks
	cmpw $TICKS, %cs:ticks
	ja 1f				/* a late tick: no more dots */
	mov $'.', %bl
	hypercall HC_PUTCHAR
	cmpw $TICKS, %cs:ticks
	jne 1f
	mov $0xff, %al			/* the tenth: no more ticks */
	out %al, $PIC1 + 1
1:	mov $PIC_EOI, %al
	out %al, $PIC1
	popa
	iret

	string s_out2, "OUT2: low, then high\n"
	string s_nolow, "OUT2: high at once, 3 times\n"
	string s_nohigh, "OUT2: never rose\n"
	string s_noreset, "no reset\n"
ticks:	.word 0
tries:	.word 0
