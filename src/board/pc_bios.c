/*
 * pc_bios.c - booting a PC from its first disk without a BIOS (board.h,
 * board_boot_disk): minikvm does what a PC BIOS's bootstrap (INT 19h)
 * leaves done - the boot sector at 0x7C00, DL = 0x80, the 8259As set up
 * with their BIOS vectors, the BIOS data area's disk count - and nothing
 * of what a BIOS serves afterwards.  So that a boot sector that calls a
 * BIOS service (or takes an exception or an interrupt it installed no
 * handler for) ends with a diagnosis rather than a wild jump through an
 * empty interrupt vector table, each of the 256 vectors points to a stub
 * of its own in the ROM area, and each stub writes a port that ends the
 * guest naming the vector.  minikvm.yaml(5), BOOTING FROM A DISK,
 * documents the state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "board/board.h"
#include "board/board_impl.h"
#include "vmm/guest.h"

/* The IVT (Intel SDM Vol. 3A §20.1.4: 256 far pointers, offset first). */
#define IVT_GPA		0x0
/* The stubs: vector N's at F000:(BIOS_STUB_OFF + 4N), in the ROM area
 * (board.h: 0xF0000-0xFFFFF is reserved on a PC; ACPI and the MP table
 * lie below it).  Each is `out %al, $BIOS_TRAP_PORT; hlt; nop`. */
#define BIOS_STUB_SEG	0xf000u
#define BIOS_STUB_OFF	0xf000u
#define BIOS_STUB_GPA	((BIOS_STUB_SEG << 4) + BIOS_STUB_OFF)
#define BIOS_STUB_LEN	4u
/* A port no PC device uses (0xE0-0xEF are unassigned on the PC/AT); a
 * write from anywhere but a stub is ignored like any unclaimed port. */
#define BIOS_TRAP_PORT	0xe0
/* The boot sector (the BIOS Boot Specification 1.01, §6.5.1: loaded at
 * 0000:7C00, started with DL = the drive number, 0x80 for the first disk). */
#define BOOT_SECTOR_GPA	0x7c00u
#define BOOT_DRIVE	0x80
/* The BIOS data area's count of hard disks (IBM PC/AT Technical
 * Reference, BIOS listing: HF_NUM at 40:75). */
#define BDA_DISK_COUNT	0x475
#define EFLAGS_IF	0x200

/* What a vector is for, with the BIOS's PIC vectors (vm_pic_bios_init). */
static const char *bios_vector_name(unsigned v, char *buf, size_t len)
{
	static const char *const names[] = {
		[0x00] = "exception #DE (divide error)",
		[0x01] = "exception #DB (debug)",
		[0x02] = "NMI",
		[0x03] = "exception #BP (int3)",
		[0x04] = "exception #OF (into)",
		[0x05] = "exception #BR (bound) or BIOS print screen",
		[0x06] = "exception #UD (invalid opcode)",
		[0x07] = "exception #NM (no FPU)",
		[0x10] = "BIOS video services",
		[0x11] = "BIOS equipment list",
		[0x12] = "BIOS memory size",
		[0x13] = "BIOS disk services",
		[0x14] = "BIOS serial port services",
		[0x15] = "BIOS system services",
		[0x16] = "BIOS keyboard services",
		[0x17] = "BIOS printer services",
		[0x18] = "BIOS boot failure (ROM BASIC)",
		[0x19] = "BIOS bootstrap loader",
		[0x1a] = "BIOS time of day",
	};

	if (v >= 0x08 && v <= 0x0f)
		snprintf(buf, len, "IRQ %u (or exception %u)", v - 0x08, v);
	else if (v >= 0x70 && v <= 0x77)
		snprintf(buf, len, "IRQ %u", v - 0x70 + 8);
	else if (v < sizeof names / sizeof names[0] && names[v] != NULL)
		snprintf(buf, len, "%s", names[v]);
	else
		snprintf(buf, len, "a vector with no handler");
	return buf;
}

/*
 * The trap port: a write from vector N's stub ends the guest with one line
 * naming N, what a BIOS does there, AH (the service's function) and where
 * the guest was (the return address on its stack: the INT instruction's
 * successor).  Any other access is an unclaimed port's.
 */
static enum io_result pc_bios_trap(void *owner, uint64_t offset, uint8_t *data,
				   unsigned size, bool is_write)
{
	struct guest *g = owner;
	struct vcpu *c = vcpu_current();
	struct kvm_sregs s;
	const struct kvm_regs *r;
	uint64_t lin, sp;
	const uint8_t *frame;
	unsigned vec;
	char name[64], from[32] = "";
	const char *how;

	(void)offset;
	if (!is_write) {
		memset(data, 0xff, size);
		return IO_OK;
	}
	if (c == NULL || (r = guest_regs(c)) == NULL || ioctl(c->fd, KVM_GET_SREGS, &s) < 0)
		return IO_OK;
	/* the IP is the OUT's or its successor's: both lie in one stub */
	lin = s.cs.base + (r->rip & 0xffff);
	if ((s.cr0 & 1) || lin < BIOS_STUB_GPA || lin >= BIOS_STUB_GPA + 256 * BIOS_STUB_LEN)
		return IO_OK;
	vec = (unsigned)((lin - BIOS_STUB_GPA) / BIOS_STUB_LEN);
	sp = s.ss.base + (r->rsp & 0xffff);
	frame = vm_gpa_to_hva(&g->vm, sp, 6);	/* IP, CS, FLAGS */
	/* exceptions and IRQs come through a vector; the rest, an INT */
	how = vec < 0x10 || (vec >= 0x70 && vec <= 0x77) ? "vector " : "int $";
	if (frame != NULL)
		snprintf(from, sizeof from, " called at %04x:%04x",
			 (unsigned)(frame[2] | frame[3] << 8),
			 (unsigned)(frame[0] | frame[1] << 8));
	guest_diagnose(c, false, "no BIOS: %s0x%02x (%s, AH=0x%02x)%s; a guest booted from a disk has no BIOS services (minikvm.yaml(5), BOOTING FROM A DISK); stopped",
		       how, vec, bios_vector_name(vec, name, sizeof name),
		       (unsigned)(r->rax >> 8 & 0xff), from);
	return IO_FAULT;
}

/* The trap port, for a guest booted from a disk; 0, or -1 with E. */
static int pc_bios_trap_register(struct guest *g, struct err *e)
{
	if (bus_register(&g->pio, BIOS_TRAP_PORT, 1, g, pc_bios_trap, "no-BIOS trap") < 0)
		return err_set(e, "cannot register devices: out of memory");
	return 0;
}

int board_boot_disk(struct guest *g, struct err *e)
{
	struct pc_board *pc = g->pc;
	uint8_t *mem = g->vm.mem;
	struct kvm_regs regs;
	const char *why;

	if (pc == NULL || pc->ndisks == 0)
		return err_set(e, "no disk to boot from");
	if (g->vm.mem_size < BIOS_STUB_GPA + 256 * BIOS_STUB_LEN)
		return err_set(e, "a PC needs at least 1M of memory");
	/* the interrupt vector table and its stubs */
	for (unsigned v = 0; v < 256; v++) {
		uint16_t off = (uint16_t)(BIOS_STUB_OFF + v * BIOS_STUB_LEN);
		uint8_t *stub = mem + BIOS_STUB_GPA + v * BIOS_STUB_LEN;

		mem[IVT_GPA + 4 * v] = (uint8_t)off;
		mem[IVT_GPA + 4 * v + 1] = (uint8_t)(off >> 8);
		mem[IVT_GPA + 4 * v + 2] = (uint8_t)BIOS_STUB_SEG;
		mem[IVT_GPA + 4 * v + 3] = (uint8_t)(BIOS_STUB_SEG >> 8);
		stub[0] = 0xe6;			/* out %al, $imm8 */
		stub[1] = BIOS_TRAP_PORT;
		stub[2] = 0xf4;			/* hlt */
		stub[3] = 0x90;			/* nop */
	}
	mem[BDA_DISK_COUNT] = (uint8_t)pc->ndisks;
	/* the boot sector, through the disk as the guest will see it */
	if (disk_read(&pc->disks[0], 0, 1, mem + BOOT_SECTOR_GPA, &why) < 0)
		return err_set(e, "disks[0] '%s': cannot read the boot sector: %s",
			       pc->disks[0].path, why);
	if (mem[BOOT_SECTOR_GPA + 510] != 0x55 || mem[BOOT_SECTOR_GPA + 511] != 0xaa)
		return err_set(e, "disks[0] '%s': no boot signature (0x55 0xaa at byte 510) any more",
			       pc->disks[0].path);
	if (vm_pic_bios_init(&g->vm) < 0)
		return err_set(e, "KVM_SET_IRQCHIP (PIC): %s", strerror(errno));
	if (pc_bios_trap_register(g, e) < 0)
		return -1;
	/* processor 0 is at 0000:7C00 already (manifest_disk.c): DL, IF */
	if (ioctl(g->cpus[0].fd, KVM_GET_REGS, &regs) < 0)
		return err_set(e, "KVM_GET_REGS: %s", strerror(errno));
	regs.rdx = BOOT_DRIVE;
	regs.rflags |= EFLAGS_IF;
	if (ioctl(g->cpus[0].fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}
