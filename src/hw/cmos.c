/* cmos.c - the MC146818A real-time clock and CMOS RAM (see cmos.h). */
#include "hw/cmos.h"

#include <string.h>

/* Byte addresses, data sheet "Address Map"; 0x32 is the IBM AT's. */
enum {
	REG_SEC = 0x00, REG_MIN = 0x02, REG_HOUR = 0x04, REG_WDAY = 0x06,
	REG_MDAY = 0x07, REG_MON = 0x08, REG_YEAR = 0x09,
	REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c, REG_D = 0x0d,
	REG_CENTURY = 0x32,
};

#define A_UIP 0x80
#define B_SET 0x80
#define B_UIE 0x10
#define B_DM_BINARY 0x04
#define B_24H 0x02
#define D_VRT 0x80
#define HOUR_PM 0x80
#define REG_A_RESET 0x26	/* 32.768 kHz time base, 1024 Hz rate */
#define REG_B_RESET B_24H	/* BCD, 24-hour */

/* UIP rises this long before each update (Table 6, tBUC), in ns. */
#define UIP_NS 244000L
#define NS_PER_S 1000000000L

#define KIB 1024ULL
#define MIB (1024 * KIB)

void cmos_host_clock(void *ctx, struct timespec *now)
{
	(void)ctx;
	clock_gettime(CLOCK_REALTIME, now);
}

static void put16(uint8_t *ram, unsigned lo, uint64_t v)
{
	ram[lo] = (uint8_t)v;
	ram[lo + 1] = (uint8_t)(v >> 8);
}

void cmos_init(struct cmos *c, uint64_t mem_bytes)
{
	uint64_t base_kb, ext_kb = 0, high_64k = 0;
	unsigned sum = 0, i;

	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->clock = cmos_host_clock;
	c->ram[REG_A] = REG_A_RESET;
	c->ram[REG_B] = REG_B_RESET;

	base_kb = (mem_bytes < 640 * KIB ? mem_bytes : 640 * KIB) / KIB;
	if (mem_bytes > MIB)
		ext_kb = (mem_bytes - MIB) / KIB;
	if (ext_kb > 0xffff)
		ext_kb = 0xffff;
	if (mem_bytes > 16 * MIB)
		high_64k = (mem_bytes - 16 * MIB) / (64 * KIB);
	if (high_64k > 0xffff)
		high_64k = 0xffff;
	c->ram[0x14] = 0x02;		/* math coprocessor; EGA/VGA display */
	put16(c->ram, 0x15, base_kb);
	put16(c->ram, 0x17, ext_kb);
	put16(c->ram, 0x30, ext_kb);	/* the same, as found by POST */
	put16(c->ram, 0x34, high_64k);
	for (i = 0x10; i <= 0x2d; i++)
		sum += c->ram[i];
	c->ram[0x2e] = (uint8_t)(sum >> 8);	/* big-endian, unlike the rest */
	c->ram[0x2f] = (uint8_t)sum;
}

void cmos_destroy(struct cmos *c)
{
	pthread_mutex_destroy(&c->lock);
}

void cmos_set_clock(struct cmos *c, cmos_clock_fn fn, void *ctx)
{
	pthread_mutex_lock(&c->lock);
	c->clock = fn;
	c->clock_ctx = ctx;
	pthread_mutex_unlock(&c->lock);
}

bool cmos_nmi_disabled(struct cmos *c)
{
	bool v;

	pthread_mutex_lock(&c->lock);
	v = c->nmi_disabled;
	pthread_mutex_unlock(&c->lock);
	return v;
}

/* Days from 1970-01-01 to Y-M-D of the proleptic Gregorian calendar
 * (March-based years, so that February's length comes last). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The host's clock now: seconds since the epoch, and the nanoseconds. */
static int64_t host_now(struct cmos *c, long *nsec)
{
	struct timespec ts = { 0, 0 };

	c->clock(c->clock_ctx, &ts);
	if (nsec)
		*nsec = ts.tv_nsec;
	return (int64_t)ts.tv_sec;
}

/* The date and time the clock bytes show when the host's clock reads
 * HOST seconds. */
static void current_time(struct cmos *c, int64_t host, struct cmos_time *t)
{
	time_t now = (time_t)(host + c->offset);
	struct tm tm;

	if (c->frozen) {
		*t = c->set_time;
		return;
	}
	memset(&tm, 0, sizeof tm);
	gmtime_r(&now, &tm);
	*t = (struct cmos_time){
		.sec = tm.tm_sec, .min = tm.tm_min, .hour = tm.tm_hour,
		.wday = tm.tm_wday + 1, .mday = tm.tm_mday,
		.mon = tm.tm_mon + 1, .year = tm.tm_year + 1900,
	};
}

/* Makes T the guest's time at HOST seconds of the host's clock: the
 * offset changes, the host's clock keeps the time from then on. */
static void commit_time(struct cmos *c, int64_t host, const struct cmos_time *t)
{
	int64_t secs;

	secs = days_from_civil(clamp(t->year, 0, 9999), clamp(t->mon, 1, 12),
			       clamp(t->mday, 1, 31)) * 86400 +
	       clamp(t->hour, 0, 23) * 3600 + clamp(t->min, 0, 59) * 60 +
	       clamp(t->sec, 0, 59);
	c->offset = secs - host;
}

/* A clock byte in the format register B selects (data sheet "Time,
 * Calendar and Alarm Locations"): BCD or binary. */
static uint8_t encode(const struct cmos *c, int v)
{
	if (c->ram[REG_B] & B_DM_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static int decode(const struct cmos *c, uint8_t v)
{
	if (c->ram[REG_B] & B_DM_BINARY)
		return v;
	return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t encode_hour(const struct cmos *c, int h)
{
	int h12;

	if (c->ram[REG_B] & B_24H)
		return encode(c, h);
	h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(encode(c, h12) | (h >= 12 ? HOUR_PM : 0));
}

static int decode_hour(const struct cmos *c, uint8_t v)
{
	if (c->ram[REG_B] & B_24H)
		return decode(c, v);
	return decode(c, v & 0x7f) % 12 + (v & HOUR_PM ? 12 : 0);
}

static bool is_clock_byte(unsigned reg)
{
	switch (reg) {
	case REG_SEC: case REG_MIN: case REG_HOUR: case REG_WDAY:
	case REG_MDAY: case REG_MON: case REG_YEAR: case REG_CENTURY:
		return true;
	default:
		return false;
	}
}

static uint8_t read_clock_byte(struct cmos *c, unsigned reg)
{
	struct cmos_time t;

	current_time(c, host_now(c, NULL), &t);
	switch (reg) {
	case REG_SEC: return encode(c, t.sec);
	case REG_MIN: return encode(c, t.min);
	case REG_HOUR: return encode_hour(c, t.hour);
	case REG_WDAY: return encode(c, t.wday);
	case REG_MDAY: return encode(c, t.mday);
	case REG_MON: return encode(c, t.mon);
	case REG_YEAR: return encode(c, t.year % 100);
	default: return encode(c, t.year / 100);	/* century */
	}
}

/* Changes one field: of the frozen time while SET is 1, else of the clock. */
static void write_clock_byte(struct cmos *c, unsigned reg, uint8_t v)
{
	int64_t host = host_now(c, NULL);
	struct cmos_time t;

	current_time(c, host, &t);
	switch (reg) {
	case REG_SEC: t.sec = decode(c, v); break;
	case REG_MIN: t.min = decode(c, v); break;
	case REG_HOUR: t.hour = decode_hour(c, v); break;
	case REG_WDAY: t.wday = decode(c, v); break;
	case REG_MDAY: t.mday = decode(c, v); break;
	case REG_MON: t.mon = decode(c, v); break;
	case REG_YEAR: t.year = t.year / 100 * 100 + clamp(decode(c, v), 0, 99); break;
	default: t.year = clamp(decode(c, v), 0, 99) * 100 + t.year % 100; break;
	}
	if (c->frozen)
		c->set_time = t;
	else
		commit_time(c, host, &t);
}

/*
 * Register B: SET going to 1 freezes the time as it reads now (and clears
 * UIE, as the data sheet's register B section says); going to 0 makes the
 * frozen time the clock.  The frozen time is kept as numbers, so the same
 * write may also change DM or 24/12.
 */
static void write_reg_b(struct cmos *c, uint8_t v)
{
	if (v & B_SET) {
		v &= (uint8_t)~B_UIE;
		if (!c->frozen) {
			current_time(c, host_now(c, NULL), &c->set_time);
			c->frozen = true;
		}
	} else if (c->frozen) {
		c->frozen = false;
		commit_time(c, host_now(c, NULL), &c->set_time);
	}
	c->ram[REG_B] = v;
}

static uint8_t read_reg(struct cmos *c, unsigned reg)
{
	long nsec = 0;

	if (is_clock_byte(reg))
		return read_clock_byte(c, reg);
	switch (reg) {
	case REG_A:
		if (c->frozen)
			return c->ram[REG_A];
		host_now(c, &nsec);
		/* the offset is whole seconds: the host's boundaries are ours */
		return (uint8_t)(c->ram[REG_A] |
				 (nsec >= NS_PER_S - UIP_NS ? A_UIP : 0));
	case REG_C:
		return 0;	/* no flags; reading would clear them */
	case REG_D:
		return D_VRT;
	default:
		return c->ram[reg];
	}
}

static void write_reg(struct cmos *c, unsigned reg, uint8_t v)
{
	if (is_clock_byte(reg)) {
		write_clock_byte(c, reg, v);
		return;
	}
	switch (reg) {
	case REG_A:
		c->ram[REG_A] = v & (uint8_t)~A_UIP;	/* UIP is read-only */
		break;
	case REG_B:
		write_reg_b(c, v);
		break;
	case REG_C:
	case REG_D:
		break;		/* read-only */
	default:
		c->ram[reg] = v;
	}
}

enum io_result cmos_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write)
{
	struct cmos *c = owner;
	unsigned i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < size; i++) {
		uint64_t port = offset + i;

		if (port == 0 && is_write) {
			c->index = data[i] & 0x7f;
			c->nmi_disabled = data[i] & 0x80;
		} else if (port == 1 && is_write) {
			write_reg(c, c->index, data[i]);
		} else if (port == 1) {
			data[i] = read_reg(c, c->index);
		} else if (!is_write) {
			data[i] = 0xff;	/* the index port, or past the end */
		}
	}
	pthread_mutex_unlock(&c->lock);
	return IO_OK;
}
