/*
 * gdb_regs.h - a processor's registers as gdb numbers and lays them out:
 * the target descriptions minikvm sends (gdb's manual, Appendix G "Target
 * Descriptions", G.5.1 "i386 Features": org.gnu.gdb.i386.core) and the
 * conversion between KVM's state (struct kvm_regs, struct kvm_sregs) and
 * the bytes of the 'g', 'G', 'p' and 'P' packets (Appendix E).
 *
 * Two layouts: i386 (32-bit registers, for real and protected mode) and
 * amd64 (64-bit, for long mode); the description of real mode has the
 * i386 layout with the architecture "i8086", as gdb disassembles by the
 * description's architecture (a `set architecture i8086` before attaching
 * does not hold against an i386 description; `set architecture i386`
 * after a switch to protected mode does).  Both have, after the core registers,
 * a feature of minikvm's own, org.minikvm.x86.system, with CR0, CR2, CR3,
 * CR4 and EFER in gdb's "general" group, so `info registers` shows them.
 * The x87 registers of the core feature are reported unavailable.
 *
 * The PC gdb sees is linear: CS.base + (E)IP outside 64-bit code, so in
 * real mode it is CS*16 + IP (Intel SDM Vol. 3A §20.1.1, "Address
 * Translation in Real-Address Mode"), and `break *0x7c00` means the byte
 * at linear 0x7C00.  Writing the PC writes (E)IP = PC - CS.base.
 */
#ifndef MINIKVM_GDB_REGS_H
#define MINIKVM_GDB_REGS_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_arch {
	GDB_ARCH_I8086,	/* real mode: the i386 layout, 16-bit code */
	GDB_ARCH_I386,	/* 32-bit protected mode */
	GDB_ARCH_AMD64,	/* long mode */
};

/* A processor's state as the stub reads and writes it. */
struct gdb_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
};

/* The longest register gdb knows here: an x87 register, 10 bytes. */
#define GDB_REG_MAX 10

/*
 * gdb_regs_arch - the description for a processor in the state S: amd64
 * when EFER.LMA (long mode active), i386 when CR0.PE, else i8086.
 */
enum gdb_arch gdb_regs_arch(const struct kvm_sregs *s);

/* gdb_regs_arch_name - "i8086", "i386" or "i386:x86-64" (gdb's names). */
const char *gdb_regs_arch_name(enum gdb_arch a);

/*
 * gdb_regs_tdesc - the target description of layout A as the XML of
 * "target.xml"; *LEN is set to its length in bytes.
 */
const char *gdb_regs_tdesc(enum gdb_arch a, size_t *len);

/* gdb_regs_count - the number of registers of layout A (gdb's regnums
 * 0 .. count-1). */
unsigned gdb_regs_count(enum gdb_arch a);

/*
 * gdb_regs_get - register REGNO of CPU in layout A: its bytes in target
 * (little-endian) order into BUF (GDB_REG_MAX bytes at least).  Returns
 * its size in bytes, with *AVAILABLE false for a register minikvm does not
 * read (the x87 ones: 'g' sends "xx" for each byte); or -1 if REGNO is out
 * of range.
 */
int gdb_regs_get(enum gdb_arch a, const struct gdb_cpu *cpu, unsigned regno,
		 uint8_t *buf, bool *available);

/*
 * gdb_regs_set - writes register REGNO of CPU from BUF (its size in
 * bytes, as gdb_regs_get gives).  A segment selector, a control register
 * or EFER is changed only in CPU (the stub writes the sregs back); an
 * unavailable register is ignored.  Returns 0, or -1 if REGNO is out of
 * range.
 */
int gdb_regs_set(enum gdb_arch a, struct gdb_cpu *cpu, unsigned regno,
		 const uint8_t *buf);

/* gdb_regs_pc - the linear PC of CPU (see above). */
uint64_t gdb_regs_pc(const struct gdb_cpu *cpu);

#endif
