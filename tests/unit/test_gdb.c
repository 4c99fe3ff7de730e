/*
 * test_gdb.c - the gdb stub's breakpoint bookkeeping (src/debug/gdb_bp.c)
 * without KVM, since no host here traps int3: two guests of 64 KiB each
 * (the second maps nothing at 0x8000 and above), and each host the probe
 * can report (int3, debug registers, single-step only, nothing).
 * Checks: int3 bytes written into each guest that maps the address and
 * hidden from reads, restored on removal and after a remove/insert cycle
 * (gdb takes its breakpoints out before a step and back in after), a
 * write under an int3, DR7's fields (Intel SDM Vol. 3B §17.2.4), the
 * single-step fallbacks, and what is refused.  A TAP program.
 */
#include "debug/gdb_bp.h"
#include "tap.h"

#define SPACES 2
#define MEM 0x10000

static uint8_t guest[SPACES][MEM];

static int mem_read(void *ctx, unsigned space, uint64_t addr, uint8_t *byte)
{
	(void)ctx;
	if (space >= SPACES || addr >= MEM || (space == 1 && addr >= 0x8000))
		return -1;
	*byte = guest[space][addr];
	return 0;
}

static int mem_write(void *ctx, unsigned space, uint64_t addr, uint8_t byte)
{
	(void)ctx;
	if (space >= SPACES || addr >= MEM || (space == 1 && addr >= 0x8000))
		return -1;
	guest[space][addr] = byte;
	return 0;
}

static const struct gdb_bp_mem mem = { NULL, SPACES, mem_read, mem_write };

/* linear reads as a processor of guest 0 sees them, for gdb_bp_watch_hit */
static int read0(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr >= MEM || len > MEM - addr)
		return -1;
	memcpy(buf, &guest[0][addr], len);
	return 0;
}

static void reset(void)
{
	for (unsigned s = 0; s < SPACES; s++)
		for (unsigned a = 0; a < MEM; a++)
			guest[s][a] = (uint8_t)(a * 7 + s);
}

static void test_int3(void)
{
	struct gdb_host_debug host = { .single_step = true, .sw_bp = true };
	struct gdb_bps b;
	uint8_t buf[4];
	struct kvm_guest_debug dbg;

	reset();
	gdb_bp_init(&b, &host);
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x7c00, 1, &mem) == 0 && b.n == 1 &&
	      b.bp[0].how == GDB_BY_INT3, "Z0 on an int3 host: served by int3");
	check(guest[0][0x7c00] == 0xcc && guest[1][0x7c00] == 0xcc && b.bp[0].int3_in == 3,
	      "the int3 is written into both guests");
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x7c00, 1, &mem) == 0 && b.n == 1 &&
	      b.bp[0].saved[0] == (uint8_t)(0x7c00 * 7),
	      "a second Z0 at the same address: one breakpoint, the original byte kept");
	memcpy(buf, &guest[0][0x7bff], 4);
	gdb_bp_hide(&b, 0, 0x7bff, buf, 4);
	check(buf[1] == (uint8_t)(0x7c00 * 7) && buf[0] == (uint8_t)(0x7bff * 7) &&
	      buf[2] == (uint8_t)(0x7c01 * 7), "a read across it shows the original byte");
	memcpy(buf, &guest[1][0x7c00], 1);
	gdb_bp_hide(&b, 1, 0x7c00, buf, 1);
	check(buf[0] == (uint8_t)(0x7c00 * 7 + 1), "and each guest's own byte");
	gdb_bp_guest_debug(&b, false, &dbg);
	check(dbg.control == (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP),
	      "continue: USE_SW_BP, no single-step");
	gdb_bp_guest_debug(&b, true, &dbg);
	check(dbg.control & KVM_GUESTDBG_SINGLESTEP, "a step: SINGLESTEP");

	buf[0] = 0x90;
	gdb_bp_written(&b, 0, 0x7c00, buf, 1, &mem);
	check(guest[0][0x7c00] == 0xcc && b.bp[0].saved[0] == 0x90,
	      "gdb writes under the int3: the int3 stays, the new byte is hidden");

	check(gdb_bp_remove(&b, GDB_BP_SW, 0x7c00, &mem) == 0 && b.n == 0 &&
	      guest[0][0x7c00] == 0x90 && guest[1][0x7c00] == (uint8_t)(0x7c00 * 7 + 1),
	      "z0: each guest gets its byte back");
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x7c00, 1, &mem) == 0 && guest[0][0x7c00] == 0xcc &&
	      gdb_bp_remove(&b, GDB_BP_SW, 0x7c00, &mem) == 0 && guest[0][0x7c00] == 0x90,
	      "removed for a step and inserted again: the same byte comes back");
	check(gdb_bp_remove(&b, GDB_BP_SW, 0x7c00, &mem) == -1, "z0 of no breakpoint: an error");

	check(gdb_bp_insert(&b, GDB_BP_SW, 0x9000, 1, &mem) == 0 && b.bp[0].int3_in == 1 &&
	      guest[0][0x9000] == 0xcc, "an address only guest 0 maps: the int3 in guest 0 only");
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x20000, 1, &mem) == -1 && b.n == 1,
	      "an address no guest maps: an error, nothing kept");
	gdb_bp_clear(&b, &mem);
	check(b.n == 0 && guest[0][0x9000] == (uint8_t)(0x9000 * 7), "clear restores every byte");
}

static void test_debug_registers(void)
{
	struct gdb_host_debug host = { .single_step = true, .hw_insn = true, .hw_data = true };
	struct gdb_bps b;
	struct kvm_guest_debug dbg;
	const struct gdb_bp *p;

	reset();
	gdb_bp_init(&b, &host);
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x7c00, 1, &mem) == 0 && b.bp[0].how == GDB_BY_DR &&
	      b.bp[0].dr == 0 && guest[0][0x7c00] == (uint8_t)(0x7c00 * 7),
	      "Z0 without int3: DR0, memory untouched");
	check(gdb_bp_insert(&b, GDB_WP_WRITE, 0x7c80, 2, &mem) == 0 && b.bp[1].dr == 1,
	      "Z2 of 2 bytes: DR1");
	check(gdb_bp_insert(&b, GDB_WP_ACCESS, 0x7c90, 4, &mem) == 0 && b.bp[2].dr == 2,
	      "Z4 of 4 bytes: DR2");
	gdb_bp_guest_debug(&b, false, &dbg);
	check(dbg.control == (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP) &&
	      dbg.arch.debugreg[0] == 0x7c00 && dbg.arch.debugreg[1] == 0x7c80 &&
	      dbg.arch.debugreg[2] == 0x7c90,
	      "USE_HW_BP with DR0-DR2 holding the addresses");
	/* L0, L1 (R/W1 = 01 write, LEN1 = 01), L2 (R/W2 = 11, LEN2 = 11) */
	check(dbg.arch.debugreg[7] == (0x15ull | (0x1ull << 20) | (0x1ull << 22) |
				       (0x3ull << 24) | (0x3ull << 26)),
	      "DR7: L0-L2, R/W and LEN per SDM §17.2.4");
	p = gdb_bp_hit_dr(&b, 1u << 1);
	check(p != NULL && p->addr == 0x7c80, "DR6.B1 names the Z2 watchpoint");
	check(gdb_bp_hit_dr(&b, 1u << 3) == NULL, "DR6.B3: no breakpoint");
	check(gdb_bp_insert(&b, GDB_WP_WRITE, 0x7c81, 2, &mem) == 0 && b.bp[3].how == GDB_BY_STEP,
	      "an unaligned Z2: by single-stepping");
	check(gdb_bp_insert(&b, GDB_BP_HW, 0x7d00, 1, &mem) == 0 && b.bp[4].dr == 3,
	      "Z1: DR3, the last");
	check(gdb_bp_insert(&b, GDB_BP_HW, 0x7d10, 1, &mem) == 0 && b.bp[5].how == GDB_BY_STEP,
	      "a fifth: by single-stepping");
	check(gdb_bp_insert(&b, GDB_WP_READ, 0x7e00, 4, &mem) == 1,
	      "Z3 with no debug register left: declined (gdb does without)");
	check(gdb_bp_insert(&b, GDB_WP_WRITE, 0x7e00, 3, &mem) == -1, "a 3-byte watch: an error");
	check(gdb_bp_remove(&b, GDB_BP_SW, 0x7c00, &mem) == 0 &&
	      gdb_bp_insert(&b, GDB_WP_READ, 0x7e00, 4, &mem) == 0 && b.bp[b.n - 1].dr == 0,
	      "a freed DR0 serves the next");
}

static void test_single_step(void)
{
	struct gdb_host_debug host = { .single_step = true };
	struct gdb_bps b;
	struct kvm_guest_debug dbg;
	const struct gdb_bp *p;

	reset();
	gdb_bp_init(&b, &host);
	check(!gdb_bp_by_step(&b), "no breakpoint: nothing by stepping");
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x7c0d, 1, &mem) == 0 && b.bp[0].how == GDB_BY_STEP &&
	      guest[0][0x7c0d] == (uint8_t)(0x7c0d * 7),
	      "Z0 on a single-step host: by stepping, memory untouched");
	check(gdb_bp_by_step(&b), "then the processors single-step");
	gdb_bp_guest_debug(&b, false, &dbg);
	check(dbg.control == (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP),
	      "continue is SINGLESTEP, no debug register");
	check(gdb_bp_at(&b, 0x7c0d) != NULL && gdb_bp_at(&b, 0x7c0e) == NULL,
	      "the PC at the breakpoint is a hit, one past is not");

	check(gdb_bp_insert(&b, GDB_WP_WRITE, 0x7c80, 2, &mem) == 0 && b.bp[1].how == GDB_BY_STEP,
	      "Z2: by stepping and comparing");
	check(gdb_bp_at(&b, 0x7c80) == NULL, "a watchpoint is no instruction breakpoint");
	gdb_bp_watch_refresh(&b, &mem);
	check(gdb_bp_watch_hit(&b, 0, read0, NULL) == NULL, "nothing written: no hit");
	guest[0][0x7c81] ^= 0xff;
	p = gdb_bp_watch_hit(&b, 0, read0, NULL);
	check(p != NULL && p->addr == 0x7c80, "a byte of the word changed: a hit");
	check(gdb_bp_watch_hit(&b, 0, read0, NULL) == NULL, "the new value is kept: no second hit");
	check(gdb_bp_insert(&b, GDB_WP_READ, 0x7c80, 2, &mem) == 1 &&
	      gdb_bp_insert(&b, GDB_WP_ACCESS, 0x7c80, 2, &mem) == 1 &&
	      !gdb_bp_supported(&b, GDB_WP_READ),
	      "Z3 and Z4 declined where no data breakpoint fires");
}

static void test_nothing(void)
{
	struct gdb_host_debug host = { 0 };
	struct gdb_bps b;

	gdb_bp_init(&b, &host);
	check(!gdb_bp_supported(&b, GDB_BP_SW) && !gdb_bp_supported(&b, GDB_WP_WRITE) &&
	      gdb_bp_insert(&b, GDB_BP_SW, 0x7c00, 1, &mem) == 1 && b.n == 0,
	      "a host with no debug exits: every Z declined");
}

static void test_full(void)
{
	struct gdb_host_debug host = { .single_step = true };
	struct gdb_bps b;
	int rc = 0;

	gdb_bp_init(&b, &host);
	for (unsigned i = 0; i < GDB_BP_MAX && rc == 0; i++)
		rc = gdb_bp_insert(&b, GDB_BP_SW, 0x1000 + i, 1, &mem);
	check(rc == 0 && b.n == GDB_BP_MAX, "GDB_BP_MAX breakpoints fit");
	check(gdb_bp_insert(&b, GDB_BP_SW, 0x2000, 1, &mem) == -1 && b.n == GDB_BP_MAX,
	      "one more: an error, none lost");
}

int main(void)
{
	test_int3();
	test_debug_registers();
	test_single_step();
	test_nothing();
	test_full();
	printf("1..%d\n", n);	/* the plan at the end, as TAP allows */
	return failed ? 1 : 0;
}
