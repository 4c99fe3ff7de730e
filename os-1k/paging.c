/*
 * paging.c - physical pages and address spaces (Intel SDM Vol. 3A, 4.3:
 * 32-bit paging).
 *
 * Free physical pages are kept in a list threaded through the pages
 * themselves.  The kernel reaches every physical page at P2V(its address):
 * all of RAM is mapped at KERNBASE, in every address space, by the kernel
 * page directory's 4 MiB pages (boot.S).  A process's address space is a
 * page directory with those kernel entries, plus page tables of 4 KiB
 * pages for its user memory, the only pages marked user.
 */
#include "kernel.h"

#define PTE_P		0x001	/* present */
#define PTE_W		0x002	/* writable */
#define PTE_U		0x004	/* user: ring 3 may use it */
#define KERNEL_PDE	(int)(KERNBASE >> 22)	/* the first kernel entry: 512 */

extern char _end[];		/* kernel.ld: the end of the kernel image */

struct free_page { struct free_page *next; };
static struct free_page *free_pages;

void page_free(void *page)
{
	struct free_page *f = page;
	f->next = free_pages;
	free_pages = f;
}

/* A zeroed page (its kernel address), or NULL when memory is exhausted. */
void *page_alloc(void)
{
	struct free_page *f = free_pages;
	if (f) {
		free_pages = f->next;
		memset(f, 0, PAGE_SIZE);
	}
	return f;
}

/* Drops the identity mapping that boot.S needed, then gives every page
 * between the kernel's end and RAM_TOP to the allocator. */
void paging_init(void)
{
	kernel_pd[0] = 0;
	pd_load(kernel_pd);
	uint32_t first = (V2P(_end) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (uint32_t pa = RAM_TOP - PAGE_SIZE; pa >= first; pa -= PAGE_SIZE)
		page_free(P2V(pa));
}

/* A new address space: the kernel's mappings only; NULL if out of memory. */
uint32_t *pd_create(void)
{
	uint32_t *pd = page_alloc();
	if (pd)
		memcpy(&pd[KERNEL_PDE], &kernel_pd[KERNEL_PDE],
		       (1024 - KERNEL_PDE) * sizeof(uint32_t));
	return pd;
}

/* Maps the user page at VA (below KERNBASE) to PAGE, a page from
 * page_alloc(), adding a page table where the 4 MiB around VA has none.
 * Returns 0, or -1 if no page was left for that page table. */
int pd_map(uint32_t *pd, uint32_t va, void *page)
{
	uint32_t *pde = &pd[va >> 22];
	if (!(*pde & PTE_P)) {
		uint32_t *pt = page_alloc();
		if (!pt)
			return -1;
		*pde = V2P(pt) | PTE_P | PTE_W | PTE_U;
	}
	uint32_t *pt = P2V(*pde & ~0xFFFu);
	pt[(va >> 12) & 0x3FF] = V2P(page) | PTE_P | PTE_W | PTE_U;
	return 0;
}

/* Frees an address space: its user pages, its page tables, itself. */
void pd_free(uint32_t *pd)
{
	for (int i = 0; i < KERNEL_PDE; i++) {
		if (!(pd[i] & PTE_P))
			continue;
		uint32_t *pt = P2V(pd[i] & ~0xFFFu);
		for (int j = 0; j < 1024; j++)
			if (pt[j] & PTE_P)
				page_free(P2V(pt[j] & ~0xFFFu));
		page_free(pt);
	}
	page_free(pd);
}

/* Switches to an address space (which also flushes the TLB). */
void pd_load(uint32_t *pd)
{
	asm volatile("mov %0, %%cr3" : : "r"(V2P(pd)) : "memory");
}
