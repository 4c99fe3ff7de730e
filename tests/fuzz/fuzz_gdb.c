/*
 * fuzz_gdb.c - libFuzzer target: the gdb stub's packet layer (src/debug/
 * rsp.c, gdb_proto.c, gdb_regs.c, gdb_bp.c) under the bytes a hostile
 * debugger sends, over a made-up target: three threads in two guests
 * (address spaces) of 64 KiB each, the second guest mapping only its
 * first 32 KiB.
 *
 * Input: byte 0 picks the host's debug features (bits 0-3: single-step,
 * DR instruction breakpoints, DR data breakpoints, int3) and the register
 * layout (bits 4-5: i8086, i386, amd64); the rest goes to the RSP reader
 * byte by byte, each complete packet to gdb_handle, as the stub does.  A
 * resume is made up (a step or a continue moves the PC by one byte and
 * stops; a write watchpoint served by stepping is checked).
 * Checks, besides ASan and UBSan: every reply is a whole frame
 * "$...#cs" within the reply buffer, with the right checksum; the target
 * is asked only for threads that exist; at the end, with every
 * breakpoint cleared (as a detach does), the guests' memory is what it
 * was plus what the M and X packets wrote: no int3 left behind, no byte
 * under one lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_proto.h"

#define MEM 0x10000u
#define SPACES 2u
#define THREADS 3u		/* threads 1 and 2 in guest 0, 3 in guest 1 */

static uint8_t mem[SPACES][MEM];
static uint8_t shadow[SPACES][MEM];	/* as gdb wrote it, int3s aside */
static bool in_bp;			/* the breakpoint code is writing */
static struct gdb_bp_mem bp_real;	/* the session's own callbacks */
static struct gdb_cpu cpus[THREADS + 1];

static void die(const char *why)
{
	fprintf(stderr, "fuzz_gdb: %s\n", why);
	abort();
}

static void tid_ok(unsigned tid)
{
	if (tid < 1 || tid > THREADS)
		die("the target was asked for a thread that does not exist");
}

static unsigned t_threads(void *t) { (void)t; return THREADS; }
static bool t_alive(void *t, unsigned tid) { (void)t; return tid >= 1 && tid <= THREADS; }
static void t_describe(void *t, unsigned tid, char *buf, size_t len)
{
	(void)t;
	tid_ok(tid);
	snprintf(buf, len, "guest%u cpu%u", tid == 3, tid == 2);
}
static unsigned t_space(void *t, unsigned tid) { (void)t; tid_ok(tid); return tid == 3; }
static unsigned t_spaces(void *t) { (void)t; return SPACES; }
static int t_get(void *t, unsigned tid, struct gdb_cpu *c)
{
	(void)t;
	tid_ok(tid);
	*c = cpus[tid];
	return 0;
}
static int t_set(void *t, unsigned tid, const struct gdb_cpu *c)
{
	(void)t;
	tid_ok(tid);
	cpus[tid] = *c;
	return 0;
}

static size_t t_mem(void *t, unsigned tid, uint64_t addr, uint8_t *buf, size_t len,
		    bool write)
{
	unsigned space = t_space(t, tid);
	uint64_t end = space ? MEM / 2 : MEM;
	size_t n = addr >= end ? 0 : end - addr < len ? end - addr : len;

	if (n == 0)
		return 0;
	if (write) {
		memcpy(&mem[space][addr], buf, n);
		if (!in_bp)
			memcpy(&shadow[space][addr], buf, n);
	} else
		memcpy(buf, &mem[space][addr], n);
	return n;
}

static const struct gdb_target_ops ops = {
	.threads = t_threads, .alive = t_alive, .describe = t_describe,
	.space = t_space, .spaces = t_spaces, .get = t_get, .set = t_set, .mem = t_mem,
};

/* The frame in O: "$", payload, "#", two hex digits of its sum. */
static void check_frame(const struct rsp_out *o)
{
	unsigned sum = 0, cs;

	if (o->len < 4 || o->len > sizeof o->buf || o->buf[0] != '$' ||
	    o->buf[o->len - 3] != '#')
		die("a reply that is not one whole frame");
	for (size_t i = 1; i < o->len - 3; i++)
		sum += (uint8_t)o->buf[i];
	if (sscanf(&o->buf[o->len - 2], "%2x", &cs) != 1 || cs != (sum & 0xff))
		die("a reply with a wrong checksum");
}

static int bp_read(void *ctx, unsigned space, uint64_t addr, uint8_t *byte)
{
	return bp_real.read(ctx, space, addr, byte);
}

static int bp_write(void *ctx, unsigned space, uint64_t addr, uint8_t byte)
{
	int rc;

	in_bp = true;
	rc = bp_real.write(ctx, space, addr, byte);
	in_bp = false;
	return rc;
}

static int read_g0(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr >= MEM || len > MEM - addr)
		return -1;
	memcpy(buf, &mem[0][addr], len);
	return 0;
}

/* A made-up resume: the first thread to run moves one byte and stops. */
static void resume(struct gdb_session *s)
{
	gdb_bp_watch_refresh(&s->bps, &s->bp_mem);
	for (unsigned tid = 1; tid <= THREADS; tid++) {
		if (s->run[tid] == GDB_RUN_STOPPED)
			continue;
		cpus[tid].regs.rip++;
		s->stop_tid = tid;
		s->stop_sig = 5;
		s->stop_why[0] = '\0';
		if (tid != 3 && gdb_bp_watch_hit(&s->bps, 0, read_g0, NULL) != NULL)
			snprintf(s->stop_why, sizeof s->stop_why, "watch:0;");
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdb_session s;
	static struct rsp_reader r;
	static struct rsp_out o;
	struct gdb_host_debug host;
	static const enum gdb_arch arch[] = { GDB_ARCH_I8086, GDB_ARCH_I386, GDB_ARCH_AMD64,
					      GDB_ARCH_I8086 };

	if (size < 1)
		return 0;
	for (unsigned sp = 0; sp < SPACES; sp++)
		for (unsigned a = 0; a < MEM; a++)
			mem[sp][a] = (uint8_t)(a * 31 + sp);
	memcpy(shadow, mem, sizeof mem);
	memset(cpus, 0, sizeof cpus);
	for (unsigned tid = 1; tid <= THREADS; tid++) {
		cpus[tid].regs.rip = 0x7c00;
		cpus[tid].regs.rflags = 2;
		if (arch[(data[0] >> 4) & 3] == GDB_ARCH_AMD64) {
			cpus[tid].sregs.efer = 0x500;
			cpus[tid].sregs.cr0 = 0x80000011;
			cpus[tid].sregs.cs.l = 1;
		}
	}
	host = (struct gdb_host_debug){
		.single_step = data[0] & 1, .hw_insn = data[0] & 2,
		.hw_data = data[0] & 4, .sw_bp = data[0] & 8,
	};
	gdb_session_init(&s, &ops, NULL, &host, arch[(data[0] >> 4) & 3], 1);
	bp_real = s.bp_mem;	/* int3 writes are told apart from gdb's */
	s.bp_mem.read = bp_read;
	s.bp_mem.write = bp_write;
	rsp_reader_init(&r);
	for (size_t i = 1; i < size; i++) {
		enum gdb_action a;

		if (rsp_feed(&r, data[i]) != RSP_PACKET)
			continue;
		a = gdb_handle(&s, (const char *)r.buf, r.len, &o);
		if (a == GDB_ACT_KILL)
			break;
		if (a == GDB_ACT_RESUME) {
			resume(&s);
			gdb_stop_reply(&s, &o);
		}
		check_frame(&o);
		if (a == GDB_ACT_DETACH)
			break;
	}
	/* a detach or a new debugger: every int3 is taken out again */
	gdb_bp_clear(&s.bps, &s.bp_mem);
	if (memcmp(shadow, mem, sizeof mem) != 0)
		die("the guests' memory is not what gdb wrote: an int3 or its byte lost");
	return 0;
}
