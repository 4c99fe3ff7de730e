/*
 * kernel.h - what the parts of the 1K OS kernel share: the memory layout,
 * the segment selectors, the trap frame, and each file's functions.
 *
 * Physical memory (16 MiB, from minikvm):
 *   0x00100000  the kernel image (kernel.ld), then free pages up to RAM_TOP;
 *               the top MiB is left alone: minikvm's boot area is there.
 * Virtual memory, in every address space:
 *   0x01000000  USER_BASE: the process's 64 KiB: its program, its stack on top
 *   0x80000000  KERNBASE: all of physical memory, kernel-only (4 MiB pages)
 */
#ifndef OS1K_KERNEL_H
#define OS1K_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "minikvm.h"
#include "syscall.h"

#define KERNBASE	0x80000000u
#define P2V(pa)		((void *)((uint32_t)(pa) + KERNBASE))
#define V2P(va)		((uint32_t)(va) - KERNBASE)
#define PAGE_SIZE	4096
#define RAM_TOP		0x00F00000u	/* the page allocator's upper end */
#define USER_BASE	0x01000000u
#define USER_SIZE	0x00010000u	/* per process: program + stack */

/* Segment selectors: trap.c's GDT.  The low 2 bits are the privilege. */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UCODE	(0x18 | 3)
#define SEL_UDATA	(0x20 | 3)
#define SEL_TSS		0x28

#define NPROC		8	/* process table slots, the idle process included */

/* What the interrupt entry (boot.S) saves on the kernel stack, lowest
 * address first: pusha's registers, the data segments, the vector and the
 * error code, then what the CPU itself pushed. */
struct trapframe {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;	/* pusha */
	uint32_t gs, fs, es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss;	/* only when coming from ring 3 */
};

/* x86 port I/O. */
static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* console.c: the hypercalls, kernel messages, system calls, the keyboard */
void kprintf(const char *fmt, ...);
void power_off(int status) __attribute__((noreturn));
void keyboard_interrupt(void);
void syscall(struct trapframe *tf);

/* trap.c: GDT, TSS, IDT, PICs, and the trap dispatcher */
void trap_init(void);
void set_kernel_stack(uint32_t esp0);
void trap(struct trapframe *tf);

/* paging.c: physical pages and address spaces */
extern uint32_t kernel_pd[1024];
void paging_init(void);
void *page_alloc(void);
void page_free(void *page);
uint32_t *pd_create(void);
int pd_map(uint32_t *pd, uint32_t va, void *page);
void pd_free(uint32_t *pd);
void pd_load(uint32_t *pd);

/* proc.c: processes and the scheduler */
int proc_create(uint32_t eip, uint32_t eax);
int proc_wait(int pid);
void proc_exit(int status) __attribute__((noreturn));
int current_pid(void);
int user_range_ok(uint32_t addr, uint32_t len);
void schedule(void);
void sleep_on(void *chan);
void wakeup(void *chan);
void timer_tick(void);
void sleep_ticks(uint32_t n);
extern uint32_t ticks;

/* tar.c: the file archive */
const char *tar_find(const char *name, uint32_t *size);

/* main.c: the few C library functions the kernel uses */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int strcmp(const char *a, const char *b);

#endif
