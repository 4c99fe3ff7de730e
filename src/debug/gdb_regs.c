/* gdb_regs.c - registers for gdb: layouts and target descriptions (see gdb_regs.h). */
#include "debug/gdb_regs.h"

#include <string.h>

/* What a gdb register number stands for. */
enum field {
	F_RAX, F_RBX, F_RCX, F_RDX, F_RSI, F_RDI, F_RBP, F_RSP,
	F_R8, F_R9, F_R10, F_R11, F_R12, F_R13, F_R14, F_R15,
	F_PC, F_FLAGS, F_CS, F_SS, F_DS, F_ES, F_FS, F_GS,
	F_X87,		/* unavailable */
	F_CR0, F_CR2, F_CR3, F_CR4, F_EFER,
};

struct reg {
	enum field f;
	unsigned size;	/* bytes */
};

#define X87 { F_X87, 10 }, { F_X87, 10 }, { F_X87, 10 }, { F_X87, 10 }, \
	{ F_X87, 10 }, { F_X87, 10 }, { F_X87, 10 }, { F_X87, 10 },	\
	{ F_X87, 4 }, { F_X87, 4 }, { F_X87, 4 }, { F_X87, 4 },		\
	{ F_X87, 4 }, { F_X87, 4 }, { F_X87, 4 }, { F_X87, 4 }
#define SEGS { F_CS, 4 }, { F_SS, 4 }, { F_DS, 4 }, { F_ES, 4 }, { F_FS, 4 }, { F_GS, 4 }

/* gdb's i386 order: eax ecx edx ebx esp ebp esi edi (i386-tdep.h) */
static const struct reg i386_regs[] = {
	{ F_RAX, 4 }, { F_RCX, 4 }, { F_RDX, 4 }, { F_RBX, 4 },
	{ F_RSP, 4 }, { F_RBP, 4 }, { F_RSI, 4 }, { F_RDI, 4 },
	{ F_PC, 4 }, { F_FLAGS, 4 }, SEGS, X87,
	{ F_CR0, 4 }, { F_CR2, 4 }, { F_CR3, 4 }, { F_CR4, 4 }, { F_EFER, 4 },
};

/* amd64: rax rbx rcx rdx rsi rdi rbp rsp r8-r15 (amd64-tdep.h) */
static const struct reg amd64_regs[] = {
	{ F_RAX, 8 }, { F_RBX, 8 }, { F_RCX, 8 }, { F_RDX, 8 },
	{ F_RSI, 8 }, { F_RDI, 8 }, { F_RBP, 8 }, { F_RSP, 8 },
	{ F_R8, 8 }, { F_R9, 8 }, { F_R10, 8 }, { F_R11, 8 },
	{ F_R12, 8 }, { F_R13, 8 }, { F_R14, 8 }, { F_R15, 8 },
	{ F_PC, 8 }, { F_FLAGS, 4 }, SEGS, X87,
	{ F_CR0, 8 }, { F_CR2, 8 }, { F_CR3, 8 }, { F_CR4, 8 }, { F_EFER, 8 },
};

#define FLAGS_TYPE \
	"<flags id=\"i386_eflags\" size=\"4\">" \
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>" \
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>" \
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>" \
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>" \
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>" \
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>" \
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>" \
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>" \
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>"

#define SEG_REGS \
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"

#define X87_REGS \
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>" \
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>" \
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"

#define SYS_REGS(bits) \
	"<feature name=\"org.minikvm.x86.system\">" \
	"<reg name=\"cr0\" bitsize=\"" bits "\" type=\"int\" group=\"general\"/>" \
	"<reg name=\"cr2\" bitsize=\"" bits "\" type=\"data_ptr\" group=\"general\"/>" \
	"<reg name=\"cr3\" bitsize=\"" bits "\" type=\"int\" group=\"general\"/>" \
	"<reg name=\"cr4\" bitsize=\"" bits "\" type=\"int\" group=\"general\"/>" \
	"<reg name=\"efer\" bitsize=\"" bits "\" type=\"int\" group=\"general\"/>" \
	"</feature>"

#define HEAD "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target version=\"1.0\">"

/* gdb's i386 core registers, for 32-bit and 16-bit code alike */
#define I386_CORE \
	"<feature name=\"org.gnu.gdb.i386.core\">" FLAGS_TYPE \
	"<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>" \
	"<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>" \
	"<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>" \
	"<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>" \
	"<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>" \
	"<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>" \
	SEG_REGS X87_REGS "</feature>" SYS_REGS("32") "</target>"

static const char i386_xml[] = HEAD "<architecture>i386</architecture>" I386_CORE;

/* The same registers for 16-bit code: gdb disassembles by the description's
 * architecture, whatever `set architecture` said before (gdb 13). */
static const char i8086_xml[] = HEAD "<architecture>i8086</architecture>" I386_CORE;

static const char amd64_xml[] =
	HEAD "<architecture>i386:x86-64</architecture>"
	"<feature name=\"org.gnu.gdb.i386.core\">" FLAGS_TYPE
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>"
	SEG_REGS X87_REGS "</feature>" SYS_REGS("64") "</target>";

#define EFER_LMA (1u << 10)	/* Intel SDM Vol. 3A §2.2.1 */

enum gdb_arch gdb_regs_arch(const struct kvm_sregs *s)
{
	if (s->efer & EFER_LMA)
		return GDB_ARCH_AMD64;
	return s->cr0 & 1 ? GDB_ARCH_I386 : GDB_ARCH_I8086;	/* CR0.PE */
}

const char *gdb_regs_arch_name(enum gdb_arch a)
{
	static const char *const names[] = {
		[GDB_ARCH_I8086] = "i8086", [GDB_ARCH_I386] = "i386",
		[GDB_ARCH_AMD64] = "i386:x86-64",
	};

	return names[a];
}

const char *gdb_regs_tdesc(enum gdb_arch a, size_t *len)
{
	switch (a) {
	case GDB_ARCH_I8086:
		*len = sizeof i8086_xml - 1;
		return i8086_xml;
	case GDB_ARCH_I386:
		*len = sizeof i386_xml - 1;
		return i386_xml;
	default:
		*len = sizeof amd64_xml - 1;
		return amd64_xml;
	}
}

static const struct reg *layout(enum gdb_arch a, unsigned *n)
{
	if (a == GDB_ARCH_AMD64) {
		*n = sizeof amd64_regs / sizeof amd64_regs[0];
		return amd64_regs;
	}
	*n = sizeof i386_regs / sizeof i386_regs[0];
	return i386_regs;
}

unsigned gdb_regs_count(enum gdb_arch a)
{
	unsigned n;

	layout(a, &n);
	return n;
}

/* Outside 64-bit code the PC is CS.base + (E)IP, as wide as the code. */
uint64_t gdb_regs_pc(const struct gdb_cpu *cpu)
{
	if (cpu->sregs.cs.l)
		return cpu->regs.rip;
	return (cpu->sregs.cs.base + cpu->regs.rip) & 0xffffffffu;
}

static struct kvm_segment *seg(struct kvm_sregs *s, enum field f)
{
	switch (f) {
	case F_CS: return &s->cs;
	case F_SS: return &s->ss;
	case F_DS: return &s->ds;
	case F_ES: return &s->es;
	case F_FS: return &s->fs;
	default: return &s->gs;
	}
}

/* The 64-bit value behind a field that has one. */
static __u64 *field_u64(struct gdb_cpu *c, enum field f)
{
	__u64 *gp[] = {
		[F_RAX] = &c->regs.rax, [F_RBX] = &c->regs.rbx,
		[F_RCX] = &c->regs.rcx, [F_RDX] = &c->regs.rdx,
		[F_RSI] = &c->regs.rsi, [F_RDI] = &c->regs.rdi,
		[F_RBP] = &c->regs.rbp, [F_RSP] = &c->regs.rsp,
		[F_R8] = &c->regs.r8, [F_R9] = &c->regs.r9,
		[F_R10] = &c->regs.r10, [F_R11] = &c->regs.r11,
		[F_R12] = &c->regs.r12, [F_R13] = &c->regs.r13,
		[F_R14] = &c->regs.r14, [F_R15] = &c->regs.r15,
		[F_FLAGS] = &c->regs.rflags,
	};

	switch (f) {
	case F_CR0: return &c->sregs.cr0;
	case F_CR2: return &c->sregs.cr2;
	case F_CR3: return &c->sregs.cr3;
	case F_CR4: return &c->sregs.cr4;
	case F_EFER: return &c->sregs.efer;
	default: return f <= F_FLAGS ? gp[f] : NULL;
	}
}

int gdb_regs_get(enum gdb_arch a, const struct gdb_cpu *cpu, unsigned regno,
		 uint8_t *buf, bool *available)
{
	unsigned n;
	const struct reg *r = layout(a, &n);
	struct gdb_cpu c = *cpu;
	uint64_t v = 0;

	if (regno >= n)
		return -1;
	r += regno;
	*available = r->f != F_X87;
	if (r->f == F_PC)
		v = gdb_regs_pc(cpu);
	else if (r->f >= F_CS && r->f <= F_GS)
		v = seg(&c.sregs, r->f)->selector;
	else if (r->f != F_X87)
		v = *field_u64(&c, r->f);
	memset(buf, 0, r->size);
	for (unsigned i = 0; i < r->size && i < 8; i++)
		buf[i] = (uint8_t)(v >> (8 * i));
	return (int)r->size;
}

int gdb_regs_set(enum gdb_arch a, struct gdb_cpu *cpu, unsigned regno,
		 const uint8_t *buf)
{
	unsigned n;
	const struct reg *r = layout(a, &n);
	uint64_t v = 0;
	__u64 *p;

	if (regno >= n)
		return -1;
	r += regno;
	for (unsigned i = 0; i < r->size && i < 8; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	if (r->f == F_X87)
		return 0;
	if (r->f == F_PC) {
		cpu->regs.rip = cpu->sregs.cs.l ? v :
				(v - cpu->sregs.cs.base) & (r->size == 4 ? 0xffffffffu : ~0ull);
		return 0;
	}
	if (r->f >= F_CS && r->f <= F_GS) {
		struct kvm_segment *s = seg(&cpu->sregs, r->f);

		s->selector = (uint16_t)v;
		if (!(cpu->sregs.cr0 & 1))	/* real mode: the base follows */
			s->base = (uint64_t)s->selector << 4;
		return 0;
	}
	p = field_u64(cpu, r->f);
	*p = r->size == 4 ? (*p & ~0xffffffffull) | v : v;
	return 0;
}
