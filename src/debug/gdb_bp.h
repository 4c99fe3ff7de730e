/*
 * gdb_bp.h - the breakpoints and watchpoints gdb asked for (the Z0-Z4
 * packets, gdb's manual Appendix E.2 "Packets"), and how each is served
 * on this host:
 *   - an int3 (0xCC) written over the instruction's first byte, where
 *     this host's KVM exits on it (KVM_GUESTDBG_USE_SW_BP, KVM api.rst
 *     4.51 KVM_SET_GUEST_DEBUG);
 *   - a debug register DR0-DR3 with DR7 (Intel SDM Vol. 3B §17.2,
 *     "Debug Registers"), where it exits on those (KVM_GUESTDBG_USE_HW_BP)
 *     and one of the four is free;
 *   - else single-stepping: the processors run one instruction at a time
 *     and stop when the PC reaches an instruction breakpoint, or when the
 *     bytes a write watchpoint (Z2) watches have changed (as gdb's own
 *     software watchpoints do: a write of the same value goes unseen).
 * Read and access watchpoints (Z3, Z4) need a debug register that fires;
 * where none does they are declined (the empty reply): gdb then says it
 * cannot insert them.
 *
 * Addresses are linear (gdb_regs.h).  A guest is an address space of its
 * own: a breakpoint applies to every guest; its int3 is written into each
 * guest's memory where the address maps, the byte it replaced kept per
 * guest, and hidden from gdb's memory reads (gdb_bp_hide).  No KVM here:
 * memory goes through the callbacks of struct gdb_bp_mem, so the
 * bookkeeping is unit-tested (tests/unit/test_gdb.c).
 */
#ifndef MINIKVM_GDB_BP_H
#define MINIKVM_GDB_BP_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What this host's KVM does with KVM_SET_GUEST_DEBUG (probe_debug.h). */
struct gdb_host_debug {
	bool single_step;	/* KVM_GUESTDBG_SINGLESTEP exits */
	bool hw_insn;		/* DR0-DR3 instruction breakpoints exit */
	bool hw_data;		/* DR0-DR3 data breakpoints exit */
	bool sw_bp;		/* int3 exits under KVM_GUESTDBG_USE_SW_BP */
};

/* gdb's Z packet types. */
enum gdb_bp_type {
	GDB_BP_SW = 0,		/* Z0: software breakpoint */
	GDB_BP_HW = 1,		/* Z1: hardware breakpoint */
	GDB_WP_WRITE = 2,	/* Z2 */
	GDB_WP_READ = 3,	/* Z3: served as read/write (x86 has no
				 * read-only data breakpoint) */
	GDB_WP_ACCESS = 4,	/* Z4 */
};

enum gdb_bp_how {
	GDB_BY_INT3,
	GDB_BY_DR,
	GDB_BY_STEP,
};

/* The guests' memory, by address space (guest) index, linear addresses. */
struct gdb_bp_mem {
	void *ctx;
	unsigned spaces;	/* guests */
	/* one byte at linear ADDR of guest SPACE; returns 0 or -1 (unmapped) */
	int (*read)(void *ctx, unsigned space, uint64_t addr, uint8_t *byte);
	int (*write)(void *ctx, unsigned space, uint64_t addr, uint8_t byte);
};

#define GDB_BP_MAX 64		/* breakpoints and watchpoints at once */
#define GDB_BP_SPACES 64	/* guests whose int3 bytes are kept */

struct gdb_bp {
	enum gdb_bp_type type;
	enum gdb_bp_how how;
	uint64_t addr;		/* linear */
	unsigned len;		/* bytes watched (1, 2, 4 or 8); 1 for breakpoints */
	int dr;			/* GDB_BY_DR: 0-3 */
	uint64_t int3_in;	/* GDB_BY_INT3: bit N, guest N holds the int3 */
	uint8_t saved[GDB_BP_SPACES];	/* the bytes the int3 replaced */
	uint64_t value[GDB_BP_SPACES];	/* GDB_BY_STEP, Z2: the watched bytes */
	uint64_t value_ok;		/* bit N: value[N] could be read */
};

struct gdb_bps {
	struct gdb_host_debug host;
	size_t n;
	struct gdb_bp bp[GDB_BP_MAX];
};

/* gdb_bp_init - no breakpoint, for a host that does HOST. */
void gdb_bp_init(struct gdb_bps *b, const struct gdb_host_debug *host);

/*
 * gdb_bp_supported - this host can serve breakpoints of TYPE at all (the
 * stub answers Z and z of an unsupported type alike, with the empty reply:
 * gdb takes a type it once saw supported and then not as an error).
 */
bool gdb_bp_supported(const struct gdb_bps *b, enum gdb_bp_type type);

/*
 * gdb_bp_insert - Z<TYPE>,ADDR,KIND.  Returns 0 when inserted (or already
 * there), 1 when this host cannot serve it (gdb is sent the empty reply
 * and does without), -1 on an error (no room, a watched length other
 * than 1, 2, 4 or 8, an int3 that no guest could take): an "E" reply.
 */
int gdb_bp_insert(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr,
		  unsigned kind, const struct gdb_bp_mem *mem);

/*
 * gdb_bp_remove - z<TYPE>,ADDR,KIND: the int3 bytes restored.  Returns 0,
 * or -1 if there was no such breakpoint.
 */
int gdb_bp_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr,
		  const struct gdb_bp_mem *mem);

/* gdb_bp_clear - removes them all (detach, a new debugger). */
void gdb_bp_clear(struct gdb_bps *b, const struct gdb_bp_mem *mem);

/*
 * gdb_bp_hide - LEN bytes read at linear ADDR of guest SPACE into BUF:
 * each int3 minikvm put there is replaced by the byte it hides.
 */
void gdb_bp_hide(const struct gdb_bps *b, unsigned space, uint64_t addr,
		 uint8_t *buf, size_t len);

/*
 * gdb_bp_written - gdb wrote LEN bytes BUF at ADDR of SPACE: a byte
 * under one of minikvm's int3 becomes the new hidden byte, and the int3
 * is written back.
 */
void gdb_bp_written(struct gdb_bps *b, unsigned space, uint64_t addr,
		    const uint8_t *buf, size_t len, const struct gdb_bp_mem *mem);

/*
 * gdb_bp_guest_debug - the KVM_SET_GUEST_DEBUG argument for a processor
 * that will STEP (one instruction) or continue: DR0-DR3 and DR7 for the
 * breakpoints served by debug registers, USE_SW_BP for int3, and
 * SINGLESTEP when stepping or when a breakpoint is served by stepping.
 */
void gdb_bp_guest_debug(const struct gdb_bps *b, bool step,
			struct kvm_guest_debug *dbg);

/*
 * gdb_bp_watch_refresh - before the processors run: the bytes each write
 * watchpoint served by stepping watches, as every guest has them now.
 */
void gdb_bp_watch_refresh(struct gdb_bps *b, const struct gdb_bp_mem *mem);

/*
 * gdb_bp_watch_hit - after a single step of a processor of guest SPACE:
 * the first write watchpoint served by stepping whose bytes changed, read
 * with READ (LEN bytes at linear ADDR into BUF, as that processor sees
 * them; returns 0 or -1), its new value kept; or NULL.
 */
const struct gdb_bp *gdb_bp_watch_hit(struct gdb_bps *b, unsigned space,
				      int (*read)(void *ctx, uint64_t addr, void *buf,
						  size_t len),
				      void *ctx);

/* gdb_bp_by_step - some breakpoint is served by single-stepping. */
bool gdb_bp_by_step(const struct gdb_bps *b);

/*
 * gdb_bp_at - the breakpoint (Z0 or Z1) at linear PC, or NULL: after a
 * single step, whether a breakpoint served by stepping was reached.
 */
const struct gdb_bp *gdb_bp_at(const struct gdb_bps *b, uint64_t pc);

/*
 * gdb_bp_hit_dr - the breakpoint behind the debug register whose bit is
 * set in DR6 (Intel SDM Vol. 3B §17.2.3), or NULL.
 */
const struct gdb_bp *gdb_bp_hit_dr(const struct gdb_bps *b, uint64_t dr6);

#endif
