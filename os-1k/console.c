/*
 * console.c - the console: minikvm's hypercalls (guests/minikvm.h),
 * kernel messages, the keyboard, and the system calls (int $0x80), which
 * turn into hypercalls for console I/O.
 */
#include "kernel.h"

/* One hypercall: AL = the function, EBX and ECX = its arguments, then
 * `out` to HC_PORT, which exits to minikvm. */
static void hypercall(uint8_t fn, uint32_t ebx, uint32_t ecx)
{
	asm volatile("outb %%al, %%dx"
		     : : "a"(fn), "b"(ebx), "c"(ecx), "d"(HC_PORT) : "memory");
}

/* Ends the VM: with EXIT on success, else with EXIT_STATUS, which makes
 * minikvm's exit status STATUS. */
void power_off(int status)
{
	if (status == 0)
		hypercall(HC_EXIT, 0, 0);
	else
		hypercall(HC_EXIT_STATUS, status, 0);
	for (;;)
		asm volatile("cli; hlt");
}

/* kprintf builds its message here (the kernel is never re-entered: it
 * runs with interrupts off), then writes it with one PUTS hypercall. */
static char msg[256];
static size_t msg_len;

static void add(char c)
{
	if (msg_len < sizeof(msg))
		msg[msg_len++] = c;
}

static void add_number(uint32_t v, uint32_t base, int min_digits)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v || n < min_digits);
	while (n)
		add(digits[--n]);
}

/* printf for the kernel: %d, %u, %x (always 8 digits), %s and %c. */
void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_len = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			add(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0)
				add('-');
			add_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, 1);
			break;
		}
		case 'u': add_number(va_arg(ap, uint32_t), 10, 1); break;
		case 'x': add_number(va_arg(ap, uint32_t), 16, 8); break;
		case 'c': add((char)va_arg(ap, int)); break;
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				add(*s);
			break;
		case '%': add('%'); break;
		default: add('%'); add(*fmt); break;
		}
	}
	va_end(ap);
	hypercall(HC_PUTS, V2P(msg), msg_len);	/* PUTS takes a physical address */
}

/*
 * Input.  minikvm raises IRQ 1 when an input byte is ready, and the next
 * IRQ 1 only after the guest has taken that byte (GETCHAR, then IN on the
 * port); at the end of input one more IRQ 1, after which GETCHAR gives
 * EOT.  So the byte can wait in minikvm: the interrupt only notes that it
 * is there and wakes the process blocked in getchar, which takes it.
 * An IRQ 1 that comes again for the same byte only sets the flag again.
 *
 * The first IRQ 1 may come before pic_init(), whose ICW1 clears the PIC's
 * pending requests (as on real hardware): lost.  So the kernel starts as
 * if it had come: the first GETCHAR waits in minikvm for a byte if none
 * is there yet, and from then on IRQ 1 says when the next one is.
 */
static int input_ready = 1;	/* an IRQ 1 came, its byte not taken yet */
static int input_ended;		/* EOT came: no more input, ever */

void keyboard_interrupt(void)
{
	input_ready = 1;
	wakeup(&input_ready);
}

static int input_getchar(void)
{
	while (!input_ready && !input_ended)
		sleep_on(&input_ready);
	if (input_ended)
		return -1;
	input_ready = 0;
	hypercall(HC_GETCHAR, 0, 0);
	uint8_t c = inb(HC_PORT);
	if (c == HC_EOT) {
		input_ended = 1;
		return -1;
	}
	return c;
}

/* Copies the archive's file NAME (a string in user memory) to BUF, at
 * most SIZE bytes; returns the file's size, or -1. */
static int readfile(uint32_t name, uint32_t buf, uint32_t size)
{
	char path[100];		/* a ustar name has at most 100 bytes */
	for (uint32_t i = 0;; i++) {
		if (i == sizeof(path) || !user_range_ok(name + i, 1))
			return -1;
		path[i] = ((const char *)name)[i];
		if (!path[i])
			break;
	}
	uint32_t file_size;
	const char *data = tar_find(path, &file_size);
	if (!data || !user_range_ok(buf, size))
		return -1;
	memcpy((void *)buf, data, size < file_size ? size : file_size);
	return file_size;
}

/* int $0x80: the number in EAX, arguments in EBX, ECX, EDX (syscall.h);
 * the result goes back in EAX.  Pointers from the process are checked to
 * lie in its user memory before the kernel touches them. */
void syscall(struct trapframe *tf)
{
	uint32_t a = tf->ebx, b = tf->ecx, c = tf->edx;
	int ret = 0;

	switch (tf->eax) {
	case SYS_PUTCHAR:  hypercall(HC_PUTCHAR, a & 0xFF, 0); break;
	case SYS_GETCHAR:  ret = input_getchar(); break;
	case SYS_EXIT:     proc_exit((int)a);
	case SYS_YIELD:    schedule(); break;
	case SYS_TICKS:    ret = ticks; break;
	case SYS_SLEEP:    sleep_ticks(a); break;
	case SYS_READFILE: ret = readfile(a, b, c); break;
	case SYS_SPAWN:    ret = user_range_ok(a, 1) ? proc_create(a, b) : -1; break;
	case SYS_WAIT:     ret = proc_wait((int)a); break;
	default:
		kprintf("*** process %d: unknown system call %u\n",
			current_pid(), tf->eax);
		ret = -1;
	}
	tf->eax = ret;
}
