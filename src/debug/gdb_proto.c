/* gdb_proto.c - the stub's commands (see gdb_proto.h). */
#include "debug/gdb_proto.h"

#include <stdio.h>
#include <string.h>

/* errno-style codes of "E.." replies (gdb shows none of them) */
#define E_INVAL "E16"
#define E_FAULT "E0e"
#define E_SRCH "E03"

static int bp_read(void *ctx, unsigned space, uint64_t addr, uint8_t *byte);
static int bp_write(void *ctx, unsigned space, uint64_t addr, uint8_t byte);

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *t, const struct gdb_host_debug *host,
		      enum gdb_arch arch, unsigned stop_tid)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->t = t;
	s->arch = arch;
	s->stop_tid = stop_tid;
	s->stop_sig = 5;
	gdb_bp_init(&s->bps, host);
	s->bp_mem = (struct gdb_bp_mem){
		.ctx = s, .spaces = ops->spaces(t), .read = bp_read, .write = bp_write,
	};
}

/* A live thread of guest SPACE, or 0. */
static unsigned space_tid(const struct gdb_session *s, unsigned space)
{
	unsigned n = s->ops->threads(s->t);

	for (unsigned tid = 1; tid <= n; tid++)
		if (s->ops->space(s->t, tid) == space && s->ops->alive(s->t, tid))
			return tid;
	return 0;
}

static int bp_read(void *ctx, unsigned space, uint64_t addr, uint8_t *byte)
{
	struct gdb_session *s = ctx;
	unsigned tid = space_tid(s, space);

	return tid && s->ops->mem(s->t, tid, addr, byte, 1, false) == 1 ? 0 : -1;
}

static int bp_write(void *ctx, unsigned space, uint64_t addr, uint8_t byte)
{
	struct gdb_session *s = ctx;
	unsigned tid = space_tid(s, space);

	return tid && s->ops->mem(s->t, tid, addr, &byte, 1, true) == 1 ? 0 : -1;
}

static bool valid_tid(const struct gdb_session *s, unsigned tid)
{
	return tid >= 1 && tid <= s->ops->threads(s->t) && tid <= GDB_MAX_THREADS &&
	       s->ops->alive(s->t, tid);
}

/* The thread of registers and memory: Hg's, else the stop's. */
static unsigned g_thread(const struct gdb_session *s)
{
	return valid_tid(s, s->g_tid) ? s->g_tid : s->stop_tid;
}

/* A thread id: "-1" (all), "0" (any) or hex; "p1.N" accepted too. */
static bool parse_tid(const char **p, long *tid)
{
	uint64_t v;

	if (**p == 'p') {	/* multiprocess form: one process, id 1 */
		(*p)++;
		if (!rsp_hex_u64(p, &v) || **p != '.')
			return false;
		(*p)++;
	}
	if ((*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*tid = -1;
		return true;
	}
	if (!rsp_hex_u64(p, &v) || v > GDB_MAX_THREADS)
		return false;
	*tid = (long)v;
	return true;
}

void gdb_stop_reply(const struct gdb_session *s, struct rsp_out *o)
{
	rsp_out_begin(o);
	rsp_out_fmt(o, "T%02xthread:%x;%s", (unsigned)s->stop_sig & 0xff,
		    s->stop_tid, s->stop_why);
	rsp_out_end(o);
}

static void reply(struct rsp_out *o, const char *text)
{
	rsp_out_begin(o);
	rsp_out_str(o, text);
	rsp_out_end(o);
}

/* A register's SIZE bytes in hex, or "xx" each where it is unavailable. */
static void out_reg(struct rsp_out *o, const uint8_t *buf, int size, bool avail)
{
	if (avail) {
		rsp_out_hex(o, buf, (size_t)size);
		return;
	}
	for (int i = 0; i < size; i++)
		rsp_out_str(o, "xx");
}

static void regs_all(struct gdb_session *s, struct rsp_out *o)
{
	struct gdb_cpu cpu;
	unsigned n = gdb_regs_count(s->arch);

	if (s->ops->get(s->t, g_thread(s), &cpu) < 0) {
		reply(o, E_SRCH);
		return;
	}
	rsp_out_begin(o);
	for (unsigned r = 0; r < n; r++) {
		uint8_t buf[GDB_REG_MAX];
		bool avail;
		int size = gdb_regs_get(s->arch, &cpu, r, buf, &avail);

		out_reg(o, buf, size, avail);
	}
	rsp_out_end(o);
}

static void regs_write_all(struct gdb_session *s, const char *hex, size_t len,
			   struct rsp_out *o)
{
	struct gdb_cpu cpu;
	unsigned n = gdb_regs_count(s->arch), tid = g_thread(s);
	size_t at = 0;

	if (s->ops->get(s->t, tid, &cpu) < 0) {
		reply(o, E_SRCH);
		return;
	}
	for (unsigned r = 0; r < n; r++) {
		uint8_t buf[GDB_REG_MAX];
		bool avail;
		int size = gdb_regs_get(s->arch, &cpu, r, buf, &avail);

		if (at + 2 * (size_t)size > len)
			break;	/* gdb may send fewer registers */
		if (hex[at] != 'x') {
			if (!rsp_hex_bytes(hex + at, (size_t)size, buf)) {
				reply(o, E_INVAL);
				return;
			}
			gdb_regs_set(s->arch, &cpu, r, buf);
		}
		at += 2 * (size_t)size;
	}
	reply(o, s->ops->set(s->t, tid, &cpu) < 0 ? E_SRCH : "OK");
}

/* p N / P N=VALUE */
static void reg_one(struct gdb_session *s, const char *p, bool write, struct rsp_out *o)
{
	struct gdb_cpu cpu;
	uint64_t regno;
	uint8_t buf[GDB_REG_MAX];
	bool avail;
	int size;
	unsigned tid = g_thread(s);

	if (!rsp_hex_u64(&p, &regno) || regno >= gdb_regs_count(s->arch) ||
	    (write ? *p != '=' : *p != '\0')) {
		reply(o, E_INVAL);
		return;
	}
	if (s->ops->get(s->t, tid, &cpu) < 0) {
		reply(o, E_SRCH);
		return;
	}
	size = gdb_regs_get(s->arch, &cpu, (unsigned)regno, buf, &avail);
	if (write) {
		if (strlen(p + 1) != 2 * (size_t)size ||
		    !rsp_hex_bytes(p + 1, (size_t)size, buf)) {
			reply(o, E_INVAL);
			return;
		}
		gdb_regs_set(s->arch, &cpu, (unsigned)regno, buf);
		reply(o, s->ops->set(s->t, tid, &cpu) < 0 ? E_SRCH : "OK");
		return;
	}
	rsp_out_begin(o);
	out_reg(o, buf, size, avail);
	rsp_out_end(o);
}

/* "ADDR,LEN" then END (':' or '\0'); LEN at most MAX. */
static bool parse_range(const char **p, uint64_t *addr, uint64_t *len, char end,
			uint64_t max)
{
	if (!rsp_hex_u64(p, addr) || **p != ',')
		return false;
	(*p)++;
	if (!rsp_hex_u64(p, len) || **p != end || *len > max)
		return false;
	if (end != '\0')
		(*p)++;
	return true;
}

static void mem_read(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	uint8_t buf[RSP_REPLY_MAX / 2];
	uint64_t addr, len;
	unsigned tid = g_thread(s);
	size_t done;

	if (!parse_range(&p, &addr, &len, '\0', sizeof buf)) {
		reply(o, E_INVAL);
		return;
	}
	done = s->ops->mem(s->t, tid, addr, buf, (size_t)len, false);
	if (done == 0 && len > 0) {
		reply(o, E_FAULT);
		return;
	}
	gdb_bp_hide(&s->bps, s->ops->space(s->t, tid), addr, buf, done);
	rsp_out_begin(o);
	rsp_out_hex(o, buf, done);
	rsp_out_end(o);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY (PKT, LEN bytes) */
static void mem_write(struct gdb_session *s, const char *pkt, size_t plen,
		      bool binary, struct rsp_out *o)
{
	uint8_t buf[RSP_PACKET_MAX];
	const char *p = pkt + 1;
	uint64_t addr, len;
	unsigned tid = g_thread(s);
	size_t data;

	if (!parse_range(&p, &addr, &len, ':', sizeof buf)) {
		reply(o, E_INVAL);
		return;
	}
	data = plen - (size_t)(p - pkt);
	if (binary ? data != len : data != 2 * len ||
	    !rsp_hex_bytes(p, (size_t)len, buf)) {
		reply(o, E_INVAL);
		return;
	}
	if (binary)
		memcpy(buf, p, (size_t)len);
	if (len > 0 && s->ops->mem(s->t, tid, addr, buf, (size_t)len, true) != len) {
		reply(o, E_FAULT);
		return;
	}
	gdb_bp_written(&s->bps, s->ops->space(s->t, tid), addr, buf, (size_t)len,
		       &s->bp_mem);
	reply(o, "OK");
}

static void set_all(struct gdb_session *s, enum gdb_run how)
{
	unsigned n = s->ops->threads(s->t);

	for (unsigned tid = 1; tid <= n && tid <= GDB_MAX_THREADS; tid++)
		s->run[tid] = s->ops->alive(s->t, tid) ? how : GDB_RUN_STOPPED;
}

/*
 * c / s / C / S [sig;][addr]: `c` resumes every thread (all-stop), `s`
 * steps the Hc thread (else the stopped one) and leaves the rest stopped.
 * A resume address sets the PC first.
 */
static enum gdb_action resume(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	char cmd = *p++;
	bool step = cmd == 's' || cmd == 'S';
	unsigned tid = valid_tid(s, s->c_tid) ? s->c_tid : s->stop_tid;
	uint64_t v;

	if (cmd == 'C' || cmd == 'S') {	/* the signal is not delivered */
		if (!rsp_hex_u64(&p, &v)) {
			reply(o, E_INVAL);
			return GDB_ACT_REPLY;
		}
		if (*p == ';')
			p++;
	}
	if (*p != '\0') {
		struct gdb_cpu cpu;

		if (!rsp_hex_u64(&p, &v) || *p != '\0' ||
		    s->ops->get(s->t, tid, &cpu) < 0) {
			reply(o, E_INVAL);
			return GDB_ACT_REPLY;
		}
		cpu.regs.rip = cpu.sregs.cs.l ? v : v - cpu.sregs.cs.base;
		if (s->ops->set(s->t, tid, &cpu) < 0) {
			reply(o, E_SRCH);
			return GDB_ACT_REPLY;
		}
	}
	if (step) {
		set_all(s, GDB_RUN_STOPPED);
		s->run[tid] = GDB_RUN_STEP;
	} else if (valid_tid(s, s->c_tid)) {
		set_all(s, GDB_RUN_STOPPED);
		s->run[tid] = GDB_RUN_CONT;
	} else {
		set_all(s, GDB_RUN_CONT);
	}
	return GDB_ACT_RESUME;
}

/* vCont;ACTION[:TID];... : the first action naming a thread is its own */
static enum gdb_action vcont(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	unsigned n = s->ops->threads(s->t);
	bool set[GDB_MAX_THREADS + 1] = { false }, any = false;

	set_all(s, GDB_RUN_STOPPED);
	while (*p == ';') {
		enum gdb_run how;
		uint64_t sig;
		long tid = -1;

		p++;
		switch (*p++) {
		case 'c': how = GDB_RUN_CONT; break;
		case 's': how = GDB_RUN_STEP; break;
		case 'C': how = GDB_RUN_CONT; goto sig;
		case 'S': how = GDB_RUN_STEP;
		sig:
			if (!rsp_hex_u64(&p, &sig))
				goto bad;
			break;
		default:
			goto bad;
		}
		if (*p == ':') {
			p++;
			if (!parse_tid(&p, &tid))
				goto bad;
		}
		if (*p != ';' && *p != '\0')
			goto bad;
		for (unsigned t = 1; t <= n && t <= GDB_MAX_THREADS; t++) {
			if (set[t] || !s->ops->alive(s->t, t) ||
			    (tid > 0 && (unsigned long)tid != t))
				continue;
			s->run[t] = how;
			set[t] = true;
			any = true;
		}
	}
	if (*p != '\0' || !any)
		goto bad;
	return GDB_ACT_RESUME;
bad:
	set_all(s, GDB_RUN_STOPPED);
	reply(o, E_INVAL);
	return GDB_ACT_REPLY;
}

/* Z/z TYPE,ADDR,KIND */
static void breakpoint(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	bool insert = *p++ == 'Z';
	uint64_t type, addr, kind;
	int rc;

	if (!rsp_hex_u64(&p, &type) || type > GDB_WP_ACCESS || *p++ != ',' ||
	    !rsp_hex_u64(&p, &addr) || *p++ != ',' || !rsp_hex_u64(&p, &kind) ||
	    (*p != '\0' && *p != ';')) {
		reply(o, E_INVAL);
		return;
	}
	if (!gdb_bp_supported(&s->bps, (enum gdb_bp_type)type))
		rc = 1;
	else if (insert)
		rc = gdb_bp_insert(&s->bps, (enum gdb_bp_type)type, addr,
				   kind > 8 ? 0 : (unsigned)kind, &s->bp_mem);
	else
		rc = gdb_bp_remove(&s->bps, (enum gdb_bp_type)type, addr, &s->bp_mem);
	reply(o, rc == 0 ? "OK" : rc > 0 ? "" : E_INVAL);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void xfer_features(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	size_t total;
	const char *xml = gdb_regs_tdesc(s->arch, &total);
	uint64_t off, len;

	if (strncmp(p, "target.xml:", 11) != 0) {
		reply(o, "E00");
		return;
	}
	p += 11;
	if (!parse_range(&p, &off, &len, '\0', UINT64_MAX)) {
		reply(o, E_INVAL);
		return;
	}
	if (len > RSP_PACKET_MAX / 2)
		len = RSP_PACKET_MAX / 2;	/* escaping may double it */
	rsp_out_begin(o);
	if (off >= total) {
		rsp_out_str(o, "l");
	} else {
		size_t n = total - off < len ? total - off : (size_t)len;

		rsp_out_str(o, off + n >= total ? "l" : "m");
		rsp_out_bin(o, xml + off, n);
	}
	rsp_out_end(o);
}

static void thread_info(struct gdb_session *s, bool first, struct rsp_out *o)
{
	unsigned n = s->ops->threads(s->t);
	bool any = false;

	if (first)
		s->iter = 1;
	rsp_out_begin(o);
	/* a page of ids at a time: 100 fit any packet */
	for (unsigned k = 0; s->iter <= n && s->iter <= GDB_MAX_THREADS && k < 100; s->iter++) {
		if (!s->ops->alive(s->t, s->iter))
			continue;
		rsp_out_fmt(o, "%s%x", any ? "," : "m", s->iter);
		any = true;
		k++;
	}
	if (!any)
		rsp_out_str(o, "l");
	rsp_out_end(o);
}

static void thread_extra(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	char text[160];
	long tid;

	if (!parse_tid(&p, &tid) || *p != '\0' || tid <= 0 || !valid_tid(s, (unsigned)tid)) {
		reply(o, E_SRCH);
		return;
	}
	s->ops->describe(s->t, (unsigned)tid, text, sizeof text);
	rsp_out_begin(o);
	rsp_out_hex(o, text, strlen(text));
	rsp_out_end(o);
}

static enum gdb_action query(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	if (strncmp(p, "qSupported", 10) == 0) {
		rsp_out_begin(o);
		rsp_out_fmt(o, "PacketSize=%x;qXfer:features:read+;vContSupported+;"
			    "swbreak+;hwbreak+;QStartNoAckMode+", RSP_PACKET_MAX);
		rsp_out_end(o);
	} else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
		xfer_features(s, p + 20, o);
	} else if (strcmp(p, "qfThreadInfo") == 0) {
		thread_info(s, true, o);
	} else if (strcmp(p, "qsThreadInfo") == 0) {
		thread_info(s, false, o);
	} else if (strcmp(p, "qC") == 0) {
		rsp_out_begin(o);
		rsp_out_fmt(o, "QC%x", s->stop_tid);
		rsp_out_end(o);
	} else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
		thread_extra(s, p + 17, o);
	} else if (strncmp(p, "qAttached", 9) == 0) {
		reply(o, "1");	/* the guests were there first: detach, not kill */
	} else {
		reply(o, "");
	}
	return GDB_ACT_REPLY;
}

static void set_thread(struct gdb_session *s, const char *p, struct rsp_out *o)
{
	char which = *p++;
	long tid;

	if ((which != 'g' && which != 'c') || !parse_tid(&p, &tid) || *p != '\0' ||
	    (tid > 0 && !valid_tid(s, (unsigned)tid))) {
		reply(o, E_SRCH);
		return;
	}
	if (which == 'g')
		s->g_tid = tid > 0 ? (unsigned)tid : 0;
	else
		s->c_tid = tid > 0 ? (unsigned)tid : 0;
	reply(o, "OK");
}

enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt, size_t len,
			   struct rsp_out *o)
{
	const char *p = pkt;
	long tid;

	if (len == 0) {
		reply(o, "");
		return GDB_ACT_REPLY;
	}
	switch (pkt[0]) {
	case '?':
		gdb_stop_reply(s, o);
		return GDB_ACT_REPLY;
	case 'g':
		regs_all(s, o);
		return GDB_ACT_REPLY;
	case 'G':
		regs_write_all(s, pkt + 1, len - 1, o);
		return GDB_ACT_REPLY;
	case 'p':
	case 'P':
		reg_one(s, pkt + 1, pkt[0] == 'P', o);
		return GDB_ACT_REPLY;
	case 'm':
		mem_read(s, pkt + 1, o);
		return GDB_ACT_REPLY;
	case 'M':
	case 'X':
		mem_write(s, pkt, len, pkt[0] == 'X', o);
		return GDB_ACT_REPLY;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		return resume(s, pkt, o);
	case 'Z':
	case 'z':
		breakpoint(s, pkt, o);
		return GDB_ACT_REPLY;
	case 'H':
		set_thread(s, pkt + 1, o);
		return GDB_ACT_REPLY;
	case 'T':
		p++;
		reply(o, parse_tid(&p, &tid) && *p == '\0' && tid > 0 &&
		      valid_tid(s, (unsigned)tid) ? "OK" : E_SRCH);
		return GDB_ACT_REPLY;
	case 'q':
		return query(s, pkt, o);
	case 'Q':
		reply(o, strcmp(pkt, "QStartNoAckMode") == 0 ? "OK" : "");
		return GDB_ACT_REPLY;
	case 'D':
		gdb_bp_clear(&s->bps, &s->bp_mem);
		reply(o, "OK");
		return GDB_ACT_DETACH;
	case 'k':
		reply(o, "");
		return GDB_ACT_KILL;
	case 'v':
		if (strcmp(pkt, "vCont?") == 0) {
			reply(o, "vCont;c;C;s;S");
			return GDB_ACT_REPLY;
		}
		if (strncmp(pkt, "vCont;", 5) == 0 && len > 5)
			return vcont(s, pkt + 5, o);
		if (strncmp(pkt, "vKill", 5) == 0) {
			reply(o, "OK");
			return GDB_ACT_KILL;
		}
		reply(o, "");
		return GDB_ACT_REPLY;
	default:
		reply(o, "");
		return GDB_ACT_REPLY;
	}
}
