/*
 * trap.c - segments, interrupts and what happens on each.
 *
 * The GDT holds flat 4 GiB code and data segments for ring 0 (the kernel)
 * and ring 3 (processes), and the TSS, from which the CPU takes the kernel
 * stack when an interrupt arrives in ring 3.  The IDT sends vectors 0..31
 * (CPU exceptions), 32..47 (IRQs 0..15, remapped there by the PICs) and
 * 0x80 (system calls) through boot.S's stubs to trap().
 * Formats: Intel SDM Vol. 3A, 3.4.5 (descriptors), 6.11 (IDT), 7.2 (TSS).
 */
#include "kernel.h"

#define T_SYSCALL	0x80
#define IRQ_BASE	32	/* IRQ n arrives as vector IRQ_BASE + n */
#define PIC1		0x20	/* master 8259: command port, data port + 1 */
#define PIC2		0xA0	/* slave 8259, cascaded on the master's IRQ 2 */
#define PIC_EOI		0x20

extern char isr_stubs[], isr_syscall[];	/* boot.S */

static uint64_t gdt[6];
static uint64_t idt[256];
static struct {				/* a 32-bit TSS; only esp0/ss0 are used */
	uint32_t link, esp0, ss0, unused[22];
	uint16_t trap, iomap_base;
} __attribute__((packed)) tss;

static const char *const exception_names[32] = {
	"Divide error", "Debug", "NMI", "Breakpoint", "Overflow",
	"BOUND range exceeded", "Invalid opcode", "Device not available",
	"Double fault", "Coprocessor segment overrun", "Invalid TSS",
	"Segment not present", "Stack-segment fault", "General protection fault",
	"Page fault", "Reserved exception", "x87 floating-point error",
	"Alignment check", "Machine check", "SIMD floating-point exception",
	"Virtualization exception", "Control protection exception",
	[22 ... 27] = "Reserved exception", "Hypervisor injection exception",
	"VMM communication exception", "Security exception", "Reserved exception",
};

/* A segment descriptor: FLAGS are G (4 KiB units, 8) and D (32-bit, 4). */
static uint64_t segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 |
	       (uint64_t)access << 40 | (uint64_t)(limit >> 16 & 0xF) << 48 |
	       (uint64_t)flags << 52 | (uint64_t)(base >> 24) << 56;
}

/* An interrupt gate (it clears IF: the kernel runs with interrupts off)
 * that code of privilege DPL or better may reach with `int`. */
static uint64_t gate(void *handler, int dpl)
{
	uint32_t h = (uint32_t)handler;
	return (h & 0xFFFF) | (uint64_t)SEL_KCODE << 16 |
	       (uint64_t)(0x8E | dpl << 5) << 40 | (uint64_t)(h >> 16) << 48;
}

static void load_table(int gdt_not_idt, void *base, uint16_t size)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) r =
		{ size - 1, (uint32_t)base };
	if (gdt_not_idt)
		asm volatile("lgdt %0" : : "m"(r));
	else
		asm volatile("lidt %0" : : "m"(r));
}

/* Programs both 8259s (ICW1..ICW4): IRQs 0..15 become vectors 32..47,
 * away from the CPU's exceptions; then unmasks the timer and keyboard. */
static void pic_init(void)
{
	outb(PIC1, 0x11);		/* ICW1: edge-triggered, cascade, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, IRQ_BASE);	/* ICW2: first vector */
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC1 + 1, 1 << 2);		/* ICW3: the slave is on IRQ 2 */
	outb(PIC2 + 1, 2);		/* ICW3: the slave's cascade identity */
	outb(PIC1 + 1, 0x01);		/* ICW4: 8086 mode, normal EOI */
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xFF & ~0x03);	/* mask: all but IRQ 0 and IRQ 1 */
	outb(PIC2 + 1, 0xFF);
}

void trap_init(void)
{
	gdt[1] = segment(0, 0xFFFFF, 0x9A, 0xC);	/* SEL_KCODE: ring 0 code */
	gdt[2] = segment(0, 0xFFFFF, 0x92, 0xC);	/* SEL_KDATA: ring 0 data */
	gdt[3] = segment(0, 0xFFFFF, 0xFA, 0xC);	/* SEL_UCODE: ring 3 code */
	gdt[4] = segment(0, 0xFFFFF, 0xF2, 0xC);	/* SEL_UDATA: ring 3 data */
	gdt[5] = segment((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0);	/* SEL_TSS */
	tss.ss0 = SEL_KDATA;
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap: ring 3 may not use ports */
	load_table(1, gdt, sizeof(gdt));
	/* Reload every segment register from the new GDT. */
	asm volatile("ljmp %0, $1f\n1:\n\t"
		     "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%fs\n\t"
		     "mov %1, %%gs\n\tmov %1, %%ss\n\tltr %w2"
		     : : "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS));

	for (int v = 0; v < 48; v++)
		idt[v] = gate(isr_stubs + 16 * v, 0);
	idt[T_SYSCALL] = gate(isr_syscall, 3);	/* reachable from ring 3 */
	load_table(0, idt, sizeof(idt));
	pic_init();
}

/* The stack the CPU switches to when an interrupt arrives in ring 3:
 * the top of the running process's kernel stack (proc.c). */
void set_kernel_stack(uint32_t esp0)
{
	tss.esp0 = esp0;
}

/* A CPU exception: a process that caused it is killed; in the kernel it
 * is a bug, and the whole system stops with the report. */
static void exception(struct trapframe *tf, int from_user)
{
	uint32_t cr2;
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	if (from_user)
		kprintf("\n*** %s (vector %u) in process %d:",
			exception_names[tf->vector], tf->vector, current_pid());
	else
		kprintf("\n*** %s (vector %u) in the kernel:",
			exception_names[tf->vector], tf->vector);
	kprintf(" eip=0x%x error=0x%x", tf->eip, tf->error);
	if (tf->vector == 14)
		kprintf(" cr2=0x%x", cr2);
	if (from_user) {
		kprintf("\n*** process %d killed\n", current_pid());
		proc_exit(-1);
	}
	kprintf("\n*** kernel halted\n");
	power_off(1);
}

/* Called by boot.S for every interrupt, exception and system call, with
 * interrupts off (interrupt gates); returns to where it came from, unless
 * the current process ends or another one is scheduled. */
void trap(struct trapframe *tf)
{
	int from_user = (tf->cs & 3) == 3;

	if (tf->vector == T_SYSCALL) {
		syscall(tf);
	} else if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
		int irq = tf->vector - IRQ_BASE;
		if (irq >= 8)
			outb(PIC2, PIC_EOI);	/* end of interrupt: the PICs */
		outb(PIC1, PIC_EOI);		/* may now raise the next one */
		if (irq == 0)
			timer_tick();
		else if (irq == 1)
			keyboard_interrupt();
		/* Preemption: at each tick, a process interrupted in user
		 * mode gives the CPU to the next runnable one (round robin).
		 * The kernel itself is never preempted: it runs with
		 * interrupts off. */
		if (irq == 0 && from_user)
			schedule();
	} else if (tf->vector < 32) {
		exception(tf, from_user);
	}
}
