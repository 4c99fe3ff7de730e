/* gdb_bp.c - breakpoint bookkeeping (see gdb_bp.h). */
#include "debug/gdb_bp.h"

#include <string.h>

#define INT3 0xcc

void gdb_bp_init(struct gdb_bps *b, const struct gdb_host_debug *host)
{
	memset(b, 0, sizeof *b);
	b->host = *host;
}

bool gdb_bp_supported(const struct gdb_bps *b, enum gdb_bp_type type)
{
	const struct gdb_host_debug *h = &b->host;

	switch (type) {
	case GDB_BP_SW:
		return h->sw_bp || h->hw_insn || h->single_step;
	case GDB_BP_HW:
		return h->hw_insn || h->single_step;
	case GDB_WP_WRITE:
		return h->hw_data || h->single_step;
	default:
		return h->hw_data;
	}
}

static struct gdb_bp *find(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->bp[i].type == type && b->bp[i].addr == addr)
			return &b->bp[i];
	return NULL;
}

static int free_dr(const struct gdb_bps *b)
{
	unsigned used = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->bp[i].how == GDB_BY_DR)
			used |= 1u << b->bp[i].dr;
	for (int dr = 0; dr < 4; dr++)
		if (!(used & (1u << dr)))
			return dr;
	return -1;
}

/* Writes the int3 into every guest where ADDR maps; false if none. */
static bool int3_insert(struct gdb_bp *p, const struct gdb_bp_mem *mem)
{
	for (unsigned s = 0; s < mem->spaces && s < GDB_BP_SPACES; s++) {
		uint8_t byte;

		if (mem->read(mem->ctx, s, p->addr, &byte) < 0)
			continue;
		if (mem->write(mem->ctx, s, p->addr, INT3) < 0)
			continue;
		p->saved[s] = byte;
		p->int3_in |= 1ull << s;
	}
	return p->int3_in != 0;
}

static void int3_remove(struct gdb_bp *p, const struct gdb_bp_mem *mem)
{
	for (unsigned s = 0; s < GDB_BP_SPACES; s++)
		if (p->int3_in & (1ull << s))
			mem->write(mem->ctx, s, p->addr, p->saved[s]);
	p->int3_in = 0;
}

int gdb_bp_insert(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr,
		  unsigned kind, const struct gdb_bp_mem *mem)
{
	struct gdb_bp *p;
	int dr = free_dr(b);

	if (!gdb_bp_supported(b, type))
		return 1;
	if (find(b, type, addr) != NULL)
		return 0;	/* gdb may insert one twice */
	if (type >= GDB_WP_WRITE) {
		if (kind != 1 && kind != 2 && kind != 4 && kind != 8)
			return -1;
		/* a DR watches an aligned range: else by stepping, or not */
		if (!b->host.hw_data || (addr & (kind - 1)) != 0 || dr < 0)
			dr = -1;
		if (dr < 0 && (type != GDB_WP_WRITE || !b->host.single_step))
			return 1;
	}
	if (b->n >= GDB_BP_MAX)
		return -1;
	p = &b->bp[b->n];
	memset(p, 0, sizeof *p);
	p->type = type;
	p->addr = addr;
	p->len = type >= GDB_WP_WRITE ? kind : 1;
	if (type == GDB_BP_SW && b->host.sw_bp) {
		p->how = GDB_BY_INT3;
		if (!int3_insert(p, mem))
			return -1;
	} else if (dr >= 0 && (type >= GDB_WP_WRITE ? b->host.hw_data : b->host.hw_insn)) {
		p->how = GDB_BY_DR;
		p->dr = dr;
	} else if (b->host.single_step) {
		p->how = GDB_BY_STEP;
	} else {
		return type == GDB_BP_HW ? 1 : -1;
	}
	b->n++;
	return 0;
}

static void drop(struct gdb_bps *b, struct gdb_bp *p, const struct gdb_bp_mem *mem)
{
	if (p->how == GDB_BY_INT3)
		int3_remove(p, mem);
	*p = b->bp[--b->n];
}

int gdb_bp_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr,
		  const struct gdb_bp_mem *mem)
{
	struct gdb_bp *p = find(b, type, addr);

	if (p == NULL)
		return -1;
	drop(b, p, mem);
	return 0;
}

void gdb_bp_clear(struct gdb_bps *b, const struct gdb_bp_mem *mem)
{
	while (b->n > 0)
		drop(b, &b->bp[b->n - 1], mem);
}

void gdb_bp_hide(const struct gdb_bps *b, unsigned space, uint64_t addr,
		 uint8_t *buf, size_t len)
{
	if (space >= GDB_BP_SPACES)
		return;
	for (size_t i = 0; i < b->n; i++) {
		const struct gdb_bp *p = &b->bp[i];

		if ((p->int3_in & (1ull << space)) && p->addr - addr < len)
			buf[p->addr - addr] = p->saved[space];
	}
}

void gdb_bp_written(struct gdb_bps *b, unsigned space, uint64_t addr,
		    const uint8_t *buf, size_t len, const struct gdb_bp_mem *mem)
{
	if (space >= GDB_BP_SPACES)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct gdb_bp *p = &b->bp[i];

		if ((p->int3_in & (1ull << space)) && p->addr - addr < len) {
			p->saved[space] = buf[p->addr - addr];
			mem->write(mem->ctx, space, p->addr, INT3);
		}
	}
}

/* DR7's R/W and LEN fields (SDM Vol. 3B §17.2.4): 2 bits each. */
static uint64_t dr7_bits(const struct gdb_bp *p)
{
	uint64_t rw = 0, len = 0;

	if (p->type == GDB_WP_WRITE)
		rw = 1;
	else if (p->type >= GDB_WP_READ)
		rw = 3;
	if (p->type >= GDB_WP_WRITE)
		len = p->len == 1 ? 0 : p->len == 2 ? 1 : p->len == 8 ? 2 : 3;
	return (1ull << (2 * p->dr)) |			/* L0-L3 */
	       (rw << (16 + 4 * p->dr)) | (len << (18 + 4 * p->dr));
}

void gdb_bp_guest_debug(const struct gdb_bps *b, bool step,
			struct kvm_guest_debug *dbg)
{
	memset(dbg, 0, sizeof *dbg);
	dbg->control = KVM_GUESTDBG_ENABLE;
	if (step || gdb_bp_by_step(b))
		dbg->control |= KVM_GUESTDBG_SINGLESTEP;
	for (size_t i = 0; i < b->n; i++) {
		const struct gdb_bp *p = &b->bp[i];

		if (p->how == GDB_BY_INT3) {
			dbg->control |= KVM_GUESTDBG_USE_SW_BP;
		} else if (p->how == GDB_BY_DR) {
			dbg->control |= KVM_GUESTDBG_USE_HW_BP;
			dbg->arch.debugreg[p->dr] = p->addr;
			dbg->arch.debugreg[7] |= dr7_bits(p);
		}
	}
}

/* The LEN (1-8) bytes at ADDR of SPACE as a number, little-endian. */
static int read_value(const struct gdb_bp_mem *mem, unsigned space, uint64_t addr,
		      unsigned len, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < len; i++) {
		uint8_t byte;

		if (mem->read(mem->ctx, space, addr + i, &byte) < 0)
			return -1;
		*v |= (uint64_t)byte << (8 * i);
	}
	return 0;
}

void gdb_bp_watch_refresh(struct gdb_bps *b, const struct gdb_bp_mem *mem)
{
	for (size_t i = 0; i < b->n; i++) {
		struct gdb_bp *p = &b->bp[i];

		if (p->how != GDB_BY_STEP || p->type != GDB_WP_WRITE)
			continue;
		p->value_ok = 0;
		for (unsigned s = 0; s < mem->spaces && s < GDB_BP_SPACES; s++)
			if (read_value(mem, s, p->addr, p->len, &p->value[s]) == 0)
				p->value_ok |= 1ull << s;
	}
}

const struct gdb_bp *gdb_bp_watch_hit(struct gdb_bps *b, unsigned space,
				      int (*read)(void *ctx, uint64_t addr, void *buf,
						  size_t len),
				      void *ctx)
{
	if (space >= GDB_BP_SPACES)
		return NULL;
	for (size_t i = 0; i < b->n; i++) {
		struct gdb_bp *p = &b->bp[i];
		uint8_t buf[8];
		uint64_t v = 0;

		if (p->how != GDB_BY_STEP || p->type != GDB_WP_WRITE ||
		    read(ctx, p->addr, buf, p->len) < 0)
			continue;
		for (unsigned k = 0; k < p->len; k++)
			v |= (uint64_t)buf[k] << (8 * k);
		if ((p->value_ok & (1ull << space)) && p->value[space] == v)
			continue;
		p->value[space] = v;
		p->value_ok |= 1ull << space;
		return p;
	}
	return NULL;
}

bool gdb_bp_by_step(const struct gdb_bps *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->bp[i].how == GDB_BY_STEP)
			return true;
	return false;
}

const struct gdb_bp *gdb_bp_at(const struct gdb_bps *b, uint64_t pc)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->bp[i].type <= GDB_BP_HW && b->bp[i].how != GDB_BY_DR &&
		    b->bp[i].addr == pc)
			return &b->bp[i];
	return NULL;
}

const struct gdb_bp *gdb_bp_hit_dr(const struct gdb_bps *b, uint64_t dr6)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->bp[i].how == GDB_BY_DR && (dr6 & (1ull << b->bp[i].dr)))
			return &b->bp[i];
	return NULL;
}
