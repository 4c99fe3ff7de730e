/*
 * gdb-mock.c - minikvm's gdb protocol layer (src/debug/gdb_proto.c, rsp.c,
 * gdb_regs.c, gdb_bp.c) over a made-up target, on a TCP port, so that
 * Debian's gdb can be run against it on a host without KVM
 * (tests/t/16-gdb-proto.t).  The target: two guests of one processor each,
 * 1 MiB of memory each, both in real mode at 0000:7C00 over a run of
 * one-byte instructions (nop); the CPU state's PC, registers and memory
 * are what gdb reads and writes.  Executing is made up too: a step moves
 * IP by one byte; continue goes to the next breakpoint above the PC in
 * the guest, or ends the run (W00) if there is none.
 *
 * usage: gdb-mock PORTFILE [amd64] - listens on 127.0.0.1, a free port,
 * writes the port number to PORTFILE (a FIFO the test reads), serves one
 * debugger and exits 0, or 3 after gdb's kill.  amd64: the processors are
 * in 64-bit code.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "debug/gdb_proto.h"

#define MEM (1u << 20)
#define NCPU 2

static struct gdb_cpu cpus[NCPU];
static uint8_t *mem[NCPU];

static unsigned m_threads(void *t) { (void)t; return NCPU; }
static bool m_alive(void *t, unsigned tid) { (void)t; return tid >= 1 && tid <= NCPU; }
static void m_describe(void *t, unsigned tid, char *buf, size_t len)
{
	(void)t;
	snprintf(buf, len, "vcpu%u, real mode", tid - 1);
}
static unsigned m_space(void *t, unsigned tid) { (void)t; return tid - 1; }
static unsigned m_spaces(void *t) { (void)t; return NCPU; }
static int m_get(void *t, unsigned tid, struct gdb_cpu *c) { (void)t; *c = cpus[tid - 1]; return 0; }
static int m_set(void *t, unsigned tid, const struct gdb_cpu *c) { (void)t; cpus[tid - 1] = *c; return 0; }
static size_t m_mem(void *t, unsigned tid, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
	size_t n = addr >= MEM ? 0 : MEM - addr < len ? MEM - addr : len;

	(void)t;
	if (write)
		memcpy(mem[tid - 1] + addr, buf, n);
	else
		memcpy(buf, mem[tid - 1] + addr, n);
	return n;
}

static const struct gdb_target_ops ops = {
	.threads = m_threads, .alive = m_alive, .describe = m_describe,
	.space = m_space, .spaces = m_spaces, .get = m_get, .set = m_set, .mem = m_mem,
};

static void send_out(int fd, const struct rsp_out *o)
{
	if (write(fd, o->buf, o->len) != (ssize_t)o->len)
		exit(1);
}

/* Runs the made-up target as s->run says; false if the run ended. */
static bool execute(struct gdb_session *s)
{
	s->stop_why[0] = '\0';
	for (unsigned tid = 1; tid <= NCPU; tid++) {
		struct gdb_cpu *c = &cpus[tid - 1];
		uint64_t pc = gdb_regs_pc(c), best = UINT64_MAX;

		if (s->run[tid] == GDB_RUN_STEP) {
			c->regs.rip++;
			s->stop_tid = tid;
			return true;
		}
		if (s->run[tid] != GDB_RUN_CONT)
			continue;
		for (size_t i = 0; i < s->bps.n; i++)
			if (s->bps.bp[i].addr > pc && s->bps.bp[i].addr < best)
				best = s->bps.bp[i].addr;
		if (best != UINT64_MAX) {
			c->regs.rip += best - pc;
			s->stop_tid = tid;
			snprintf(s->stop_why, sizeof s->stop_why, "swbreak:;");
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	static struct gdb_session s;
	static struct rsp_reader rd;
	static struct rsp_out o;
	struct gdb_host_debug host = { .single_step = true, .sw_bp = true };
	FILE *pf;
	int lfd, fd;

	bool amd64 = argc == 3 && strcmp(argv[2], "amd64") == 0;

	if (argc != 2 && !amd64)
		return 2;
	for (unsigned i = 0; i < NCPU; i++) {
		mem[i] = calloc(1, MEM);
		if (mem[i] == NULL)
			return 1;
		memset(mem[i] + 0x7c00, 0x90, 0x100);	/* nop */
		/* mov %cs,%ax; mov %ax,%ds; mov $0x1234,%ax: in 16-bit code */
		memcpy(mem[i] + 0x7c40, "\x8c\xc8\x8e\xd8\xb8\x34\x12\xa3\x80\x00", 10);
		memcpy(mem[i] + 0x7d00, "hello, gdb", 11);
		cpus[i].sregs.cs.selector = 0;
		cpus[i].regs.rip = 0x7c00;
		cpus[i].regs.rax = 0x1234 + i;
		cpus[i].regs.rflags = 0x2;
		if (amd64) {	/* long mode: 64-bit code */
			cpus[i].sregs.efer = 0x500;
			cpus[i].sregs.cr0 = 0x80000011;
			cpus[i].sregs.cs.l = 1;
			cpus[i].regs.r15 = 0xf15;
		}
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		return 1;
	pf = fopen(argv[1], "w");
	if (pf == NULL || fprintf(pf, "%u\n", ntohs(sa.sin_port)) < 0 || fclose(pf) != 0)
		return 1;
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return 1;
	gdb_session_init(&s, &ops, NULL, &host, amd64 ? GDB_ARCH_AMD64 : GDB_ARCH_I8086, 1);
	rsp_reader_init(&rd);
	for (;;) {
		uint8_t b;
		enum gdb_action a;

		if (read(fd, &b, 1) != 1)
			return 0;
		switch (rsp_feed(&rd, b)) {
		case RSP_PACKET:
			break;
		case RSP_BAD:
			if (write(fd, "-", 1) != 1)
				return 1;
			continue;
		default:
			continue;
		}
		if (!s.no_ack && write(fd, "+", 1) != 1)
			return 1;
		a = gdb_handle(&s, (const char *)rd.buf, rd.len, &o);
		if (a == GDB_ACT_KILL) {
			if (o.len > 4)	/* vKill's "OK"; `k` has none */
				send_out(fd, &o);
			return 3;
		}
		if (a == GDB_ACT_RESUME) {
			if (!execute(&s)) {
				rsp_out_begin(&o);
				rsp_out_str(&o, "W00");
				rsp_out_end(&o);
				send_out(fd, &o);
				return 0;
			}
			gdb_stop_reply(&s, &o);
		}
		send_out(fd, &o);
		if (strcmp((const char *)rd.buf, "QStartNoAckMode") == 0)
			s.no_ack = true;
		if (a == GDB_ACT_DETACH)
			return 0;
	}
}
