/* cpu.c - initial vCPU state per CPU mode (see cpu.h). */
#include "boot/cpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "x86/layout.h"

#define PAGE 4096ull

#define CR0_PE 0x00000001ull
#define CR0_ET 0x00000010ull
#define CR0_NE 0x00000020ull
#define CR0_PG 0x80000000ull
#define CR4_PSE 0x00000010ull
#define CR4_PAE 0x00000020ull
#define EFER_LME 0x00000100ull
#define EFER_LMA 0x00000400ull

#define PDE_P 0x001ull		/* present */
#define PDE_RW 0x002ull		/* writable */
#define PDE_PS 0x080ull		/* a large page: 4 MiB (32-bit) or 2 MiB */

#define GDT_ENTRIES 5
#define TSS_OFFSET 0x80		/* TSS within the boot area, after the GDT */
#define TSS_LIMIT 0x67		/* a 32-bit TSS is 104 bytes */

/* Segment descriptors, Intel SDM Vol. 3A §3.4.5: flat, ring 0, G=1. */
#define DESC_CODE32 0x00cf9a000000ffffull	/* D=1, execute/read */
#define DESC_DATA 0x00cf92000000ffffull		/* B=1, read/write */
#define DESC_CODE64 0x00af9a000000ffffull	/* L=1, execute/read */

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Pages of paging structures: none, a page directory, or PML4+PDPT+PDs
 * (one per GiB of the address space up to the end of RAM, hole included). */
static uint64_t paging_pages(enum cpu_mode mode, bool paging, uint64_t mem_size)
{
	if (mode == CPU_MODE_LONG)
		return 2 + div_round_up(layout_ram_end(mem_size), 1ull << 30);
	return mode == CPU_MODE_PROTECTED && paging ? 1 : 0;
}

uint64_t cpu_boot_area_size(enum cpu_mode mode, bool paging, uint64_t mem_size)
{
	if (mode == CPU_MODE_REAL)
		return 0;
	return PAGE * (1 + paging_pages(mode, paging, mem_size));
}

uint64_t cpu_boot_area(enum cpu_mode mode, bool paging, uint64_t mem_size)
{
	uint64_t size = cpu_boot_area_size(mode, paging, mem_size);
	uint64_t low = layout_low_size(mem_size);

	if (size == 0)
		return 0;
	/* leave at least one page below it for a guest */
	if (mem_size % PAGE != 0 || low < size + PAGE)
		return UINT64_MAX;
	/* the top of the RAM below the hole: 32-bit GDT bases reach it */
	return low - size;
}

int cpu_setup_real_mode(int vcpu_fd, const struct cpu_boot *b, struct err *e)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_segment *data[] = {
		&sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss,
	};

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_GET_SREGS: %s", strerror(errno));
	/* The reset state has CS.base 0xFFFF0000; make every segment plain. */
	sregs.cs.selector = b->entry_cs;
	sregs.cs.base = (uint64_t)b->entry_cs << 4;
	sregs.cs.limit = 0xffff;
	for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
		data[i]->selector = 0;
		data[i]->base = 0;
		data[i]->limit = 0xffff;
	}
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof regs);
	regs.rflags = 0x2;	/* bit 1 is reserved and always set */
	regs.rip = b->entry;
	regs.rsp = b->stack;	/* as given: 0 is a valid SP (first push at 0xFFFE) */
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof v);
}

/* The GDT and TSS in the boot area's first page; TR and GDTR in SREGS. */
static void write_gdt(const struct cpu_boot *b, uint64_t area,
		      struct kvm_sregs *sregs)
{
	uint8_t *gdt = b->mem + area;
	uint64_t tss = area + TSS_OFFSET;
	uint64_t desc_tss = TSS_LIMIT | ((tss & 0xffffff) << 16) |
			    (0x8bull << 40) |	/* P=1, busy 32-bit TSS */
			    ((tss >> 24) & 0xff) << 56;

	memset(gdt, 0, PAGE);
	put64(gdt + CPU_SEL_CODE32, DESC_CODE32);
	put64(gdt + CPU_SEL_DATA, DESC_DATA);
	put64(gdt + CPU_SEL_TSS, desc_tss);
	put64(gdt + CPU_SEL_CODE64, DESC_CODE64);
	sregs->gdt.base = area;
	sregs->gdt.limit = GDT_ENTRIES * 8 - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->tr = (struct kvm_segment){
		.base = tss, .limit = TSS_LIMIT, .selector = CPU_SEL_TSS,
		.type = 11, .present = 1,
	};
	sregs->ldt = (struct kvm_segment){ .type = 2, .present = 1, .unusable = 1 };
}

/* Loads the flat data selector into every data segment register. */
static void set_data_segments(struct kvm_sregs *sregs)
{
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = CPU_SEL_DATA,
		.type = 3, .present = 1, .dpl = 0, .db = 1, .s = 1, .g = 1,
	};

	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
}

static int set_regs(int vcpu_fd, const struct cpu_boot *b, uint64_t area,
		    struct kvm_sregs *sregs, struct err *e)
{
	struct kvm_regs regs = {
		.rflags = 0x2,
		.rip = b->entry,
		.rsp = b->stack ? b->stack : area,
	};

	if (ioctl(vcpu_fd, KVM_SET_SREGS, sregs) < 0)
		return err_set(e, "KVM_SET_SREGS: %s", strerror(errno));
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

int cpu_setup_protected_mode(int vcpu_fd, const struct cpu_boot *b,
			     struct err *e)
{
	uint64_t area = cpu_boot_area(CPU_MODE_PROTECTED, b->paging, b->mem_size);
	struct kvm_sregs sregs;

	if (area == UINT64_MAX)
		return err_set(e, "%llu bytes of memory are too few for protected mode's tables",
			       (unsigned long long)b->mem_size);
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_GET_SREGS: %s", strerror(errno));
	write_gdt(b, area, &sregs);
	sregs.cs = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = CPU_SEL_CODE32,
		.type = 11, .present = 1, .dpl = 0, .db = 1, .s = 1, .g = 1,
	};
	set_data_segments(&sregs);
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (b->paging) {
		/* Intel SDM Vol. 3A §4.3: one page directory, 4 MiB pages */
		uint64_t pd = area + PAGE;
		uint64_t n = div_round_up(b->mem_size, 4ull << 20);

		memset(b->mem + pd, 0, PAGE);
		for (uint64_t i = 0; i < n && i < 1024; i++) {
			uint32_t pde = (uint32_t)((i << 22) | PDE_PS | PDE_RW | PDE_P);

			memcpy(b->mem + pd + i * 4, &pde, sizeof pde);
		}
		sregs.cr3 = pd;
		sregs.cr4 = CR4_PSE;
		sregs.cr0 |= CR0_PG;
	}
	return set_regs(vcpu_fd, b, area, &sregs, e);
}

int cpu_setup_long_mode(int vcpu_fd, const struct cpu_boot *b, struct err *e)
{
	uint64_t area = cpu_boot_area(CPU_MODE_LONG, true, b->mem_size);
	uint64_t pml4, pdpt, pd, n_pd, ram_end;
	struct kvm_sregs sregs;

	if (area == UINT64_MAX)
		return err_set(e, "%llu bytes of memory are too few for long mode's tables",
			       (unsigned long long)b->mem_size);
	if (layout_ram_end(b->mem_size) > 512ull << 30)	/* one PDPT */
		return err_set(e, "long mode: at most 511 GiB of memory");
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return err_set(e, "KVM_GET_SREGS: %s", strerror(errno));
	write_gdt(b, area, &sregs);

	/* Intel SDM Vol. 3A §4.5: PML4 -> one PDPT -> PDs of 2 MiB pages */
	pml4 = area + PAGE;
	pdpt = pml4 + PAGE;
	pd = pdpt + PAGE;
	/* every GPA up to the end of RAM, the hole below 4 GiB too (its
	 * APIC pages are MMIO that a guest may want to reach) */
	ram_end = layout_ram_end(b->mem_size);
	n_pd = div_round_up(ram_end, 1ull << 30);
	memset(b->mem + pml4, 0, PAGE * (2 + n_pd));
	put64(b->mem + pml4, pdpt | PDE_RW | PDE_P);
	for (uint64_t i = 0; i < n_pd; i++)
		put64(b->mem + pdpt + i * 8, (pd + i * PAGE) | PDE_RW | PDE_P);
	for (uint64_t a = 0; a < ram_end; a += 2ull << 20)
		put64(b->mem + pd + (a >> 21) * 8, a | PDE_PS | PDE_RW | PDE_P);

	sregs.cs = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = CPU_SEL_CODE64,
		.type = 11, .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	set_data_segments(&sregs);
	sregs.cr3 = pml4;
	sregs.cr4 = CR4_PAE;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	sregs.efer = EFER_LME | EFER_LMA;
	return set_regs(vcpu_fd, b, area, &sregs, e);
}
