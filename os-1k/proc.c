/*
 * proc.c - processes and the scheduler.
 *
 * A process is a slot in procs[]: its address space (the user program,
 * copied to USER_BASE, with its stack at the top of USER_SIZE), its own
 * kernel stack, and its state.  Slot 0 is the idle process (pid 0): kmain
 * on the boot stack, always runnable, run only when no one else is.
 *
 * Scheduling is round robin: schedule() switches to the next runnable
 * process after the current one in the table.  It is called when a
 * process blocks (sleep_on), ends (proc_exit), and on every interrupt that
 * arrives while a process runs in user mode (trap.c): the timer's, every
 * 10 ms, is what preempts a process that never makes a system call.
 */
#include "kernel.h"

enum state { UNUSED, RUNNABLE, BLOCKED, ZOMBIE };

struct proc {
	int pid;
	enum state state;
	uint32_t *pd;		/* its page directory */
	char *kstack;		/* its kernel stack page (idle: NULL, the boot stack) */
	uint32_t esp;		/* its kernel ESP while another process runs */
	void *chan;		/* BLOCKED: the event it waits for (sleep_on) */
	struct proc *parent;
	int status;		/* ZOMBIE: its exit status, for proc_wait() */
};

static struct proc procs[NPROC] = {
	[0] = { .pid = 0, .state = RUNNABLE, .pd = kernel_pd },
};
static struct proc *current = &procs[0];
static int next_pid = 1;
uint32_t ticks;			/* timer interrupts since boot */

extern char user_image[], user_image_end[];	/* embed.S */
void trap_return(void);				/* boot.S */
void switch_context(uint32_t *save_esp, uint32_t esp);

int current_pid(void)
{
	return current->pid;
}

/* Whether [ADDR, ADDR + LEN) lies in the current process's user memory. */
int user_range_ok(uint32_t addr, uint32_t len)
{
	uint32_t end = USER_BASE + USER_SIZE;
	return addr >= USER_BASE && addr <= end && len <= end - addr;
}

/* A new address space holding a copy of the user program; NULL if out
 * of memory.  Every process gets its own copy, so none can touch
 * another's data. */
static uint32_t *user_space_create(void)
{
	uint32_t *pd = pd_create();
	uint32_t size = user_image_end - user_image;
	for (uint32_t off = 0; pd && off < USER_SIZE; off += PAGE_SIZE) {
		char *page = page_alloc();
		if (!page || pd_map(pd, USER_BASE + off, page) < 0) {
			if (page)
				page_free(page);
			pd_free(pd);
			return NULL;
		}
		if (off < size)
			memcpy(page, user_image + off,
			       size - off < PAGE_SIZE ? size - off : PAGE_SIZE);
	}
	return pd;
}

/* Creates a process that will start in user mode at EIP (in the user
 * program) with EAX = EAX and ESP at the top of its memory.  Returns its
 * pid, or -1 when the table or the memory is full. */
int proc_create(uint32_t eip, uint32_t eax)
{
	struct proc *p = NULL;
	for (int i = 1; i < NPROC && !p; i++)
		if (procs[i].state == UNUSED)
			p = &procs[i];
	if (!p)
		return -1;
	p->pd = user_space_create();
	p->kstack = page_alloc();
	if (!p->pd || !p->kstack) {
		if (p->pd)
			pd_free(p->pd);
		if (p->kstack)
			page_free(p->kstack);
		return -1;
	}
	/* Its kernel stack, top down: a trap frame that trap_return will
	 * "return" to user mode with, then what switch_context() pops the
	 * first time the process is scheduled: four registers (zero) and
	 * trap_return as the return address. */
	struct trapframe *tf = (struct trapframe *)(p->kstack + PAGE_SIZE) - 1;
	tf->cs = SEL_UCODE;
	tf->ds = tf->es = tf->fs = tf->gs = tf->user_ss = SEL_UDATA;
	tf->eip = eip;
	tf->eax = eax;
	tf->eflags = 0x202;		/* IF: interrupts on in user mode */
	tf->user_esp = USER_BASE + USER_SIZE;
	uint32_t *sp = (uint32_t *)tf;
	*--sp = (uint32_t)trap_return;
	sp -= 4;
	p->esp = (uint32_t)sp;
	p->pid = next_pid++;
	p->parent = current;
	p->state = RUNNABLE;
	return p->pid;
}

/* Switches to the next runnable process, if there is another one. */
void schedule(void)
{
	struct proc *next = &procs[0];
	for (int i = 1; i <= NPROC; i++) {
		struct proc *p = &procs[(current - procs + i) % NPROC];
		if (p != &procs[0] && p->state == RUNNABLE) {
			next = p;
			break;
		}
	}
	if (next == current)
		return;
	struct proc *prev = current;
	current = next;
	if (next->kstack)
		set_kernel_stack((uint32_t)next->kstack + PAGE_SIZE);
	pd_load(next->pd);
	switch_context(&prev->esp, next->esp);	/* returns when prev runs again */
}

/* Blocks the current process until wakeup(CHAN).  Callers check their
 * condition again afterwards, in a loop. */
void sleep_on(void *chan)
{
	current->chan = chan;
	current->state = BLOCKED;
	schedule();
}

void wakeup(void *chan)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == BLOCKED && procs[i].chan == chan)
			procs[i].state = RUNNABLE;
}

/* IRQ 0, every 10 ms. */
void timer_tick(void)
{
	ticks++;
	wakeup(&ticks);
}

void sleep_ticks(uint32_t n)
{
	uint32_t start = ticks;
	while (ticks - start < n)
		sleep_on(&ticks);
}

/* Ends the current process (exit, or killed by a fault: STATUS -1).  Its
 * memory is freed when its parent collects the status (proc_wait).  The
 * shell's end is the system's. */
void proc_exit(int status)
{
	if (current->pid == 1)
		power_off(status == 0 ? 0 : 1);
	current->state = ZOMBIE;
	current->status = status;
	wakeup(current->parent);
	schedule();
	for (;;)		/* not reached: a zombie is never scheduled */
		;
}

/* Waits until the child PID ends; returns its exit status, or -1 if it
 * was killed or is not a child of the caller. */
int proc_wait(int pid)
{
	for (;;) {
		struct proc *child = NULL;
		for (int i = 1; i < NPROC; i++)
			if (procs[i].state != UNUSED && procs[i].pid == pid &&
			    procs[i].parent == current)
				child = &procs[i];
		if (!child)
			return -1;
		if (child->state == ZOMBIE) {
			pd_free(child->pd);
			page_free(child->kstack);
			child->state = UNUSED;
			return child->status;
		}
		sleep_on(current);
	}
}
