/*
 * manifest_build.c - from the raw manifest to struct manifest: the
 * top-level fields' defaults and the rules between them (manifest_vcpu.c
 * builds each vCPU entry), and where a broken rule's error is located: at
 * the file's value, or at the --set argument that made the manifest wrong.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest_raw.h"
#include "manifest/units.h"
#include "manifest/yamlcheck.h"

/* The --set argument that gave PATH last, or NULL. */
const char *manifest_set_for(const struct builder *b, const char *path)
{
	for (size_t i = b->nsets; i-- > 0;)
		if (b->set_paths[i] != NULL && strcmp(b->set_paths[i], path) == 0)
			return b->sets[i];
	return NULL;
}

/*
 * The --set argument the value at PATH came from: the one that set PATH
 * itself, or, if the file has no value there, the first one that set a
 * field inside it (and so made the mapping PATH).  NULL: the file's value
 * or a default.
 */
static const char *from_set(const struct builder *b, const char *path)
{
	const char *set = manifest_set_for(b, path);
	size_t n = strlen(path);

	if (set != NULL || ypos_has(b->pos, path))
		return set;
	for (size_t i = 0; i < b->nsets; i++) {
		const char *sp = b->set_paths[i];

		if (sp != NULL && strncmp(sp, path, n) == 0 &&
		    (sp[n] == '.' || sp[n] == '['))
			return b->sets[i];
	}
	return NULL;
}

/* One error about PATH, located at a --set or at the file's value. */
void manifest_fail_rule(struct builder *b, unsigned vcpu, const char *path,
			const char *others, const char *fmt, ...)
{
	const char *origin = from_set(b, path);
	unsigned line, col;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	while (origin == NULL && others != NULL && *others != '\0') {
		size_t k = strcspn(others, " ");
		char other[128];

		if (others[0] == '.')
			snprintf(other, sizeof other, "vcpus[%u]%.*s", vcpu, (int)k, others);
		else
			snprintf(other, sizeof other, "%.*s", (int)k, others);
		origin = from_set(b, other);
		others += k + (others[k] == ' ');
	}
	if (origin != NULL) {
		char arg[300];

		snprintf(arg, sizeof arg, "--set %s", manifest_shown_path(origin));
		diags_add_origin(b->d, arg, path, "%s", msg ? msg : "(out of memory)");
	} else {
		ypos_find(b->pos, path, &line, &col);
		diags_add(b->d, line, col, path, "%s", msg ? msg : "(out of memory)");
	}
	free(msg);
	b->errors++;
}

/* P with control bytes (and all of a non-UTF-8 P) as \xNN. */
const char *manifest_shown_path(const char *p)
{
	static __thread char buf[4 * 4096 + 1];
	size_t o = 0;
	bool utf8 = yamlcheck_is_utf8(p);

	for (; *p != '\0' && o + 5 < sizeof buf; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || (c > 0x7f && !utf8))
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* Timer periods: faster floods the host, slower is not a timer. */
#define TIMER_MIN_NS 100000ull
#define TIMER_MAX_NS 60000000000ull

/* The most bytes of a name (the schema's string limit on name). */
#define NAME_MAX_BYTES 64

/*
 * The default name: FILE's base name without .yaml or .yml, made a name
 * that check_name accepts, so that `check -v` prints a manifest that loads
 * again: every character outside [A-Za-z0-9._-] becomes '_' (a UTF-8
 * sequence is one character: "ünï" -> "_n_"), the result is cut to 64
 * bytes, and an empty one is "manifest".  A new string.
 */
static char *default_name(const char *file)
{
	char *copy = strdup(file), *base, *dot, *out;
	size_t o = 0;

	if (copy == NULL)
		return NULL;
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base &&
	    (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		*dot = '\0';
	out = malloc(NAME_MAX_BYTES + 1);
	for (const unsigned char *p = (const unsigned char *)base;
	     out != NULL && *p != '\0' && o < NAME_MAX_BYTES; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			out[o++] = (char)c;
		else if (!(c >= 0x80 && c < 0xc0 && p != (const unsigned char *)base &&
			   p[-1] >= 0x80))
			out[o++] = '_';	/* not a UTF-8 continuation byte */
	}
	if (out != NULL && o == 0)
		o = (size_t)snprintf(out, NAME_MAX_BYTES + 1, "manifest");
	if (out != NULL)
		out[o] = '\0';
	free(copy);
	return out;
}

/* The top-level fields, each vCPU entry, and who takes stdin. */
struct manifest *manifest_build(struct builder *b, const char *file,
				const struct raw_manifest *r)
{
	struct manifest *m = calloc(1, sizeof *m);
	uint64_t version = 0;
	const char *why;
	int stdin_owner = -1;

	if (m == NULL || (m->file = strdup(file)) == NULL) {
		free(m);
		diags_add(b->d, 0, 0, NULL, "out of memory");
		return NULL;
	}
	units_parse_u64(r->version, &version, &why);
	if (version != MANIFEST_VERSION)
		fail(b, "version", "unsupported manifest version %llu (expected %d)",
		     (unsigned long long)version, MANIFEST_VERSION);

	m->name = r->name ? strdup(r->name) : default_name(file);
	m->mode = r->mode ? r->mode : CPU_MODE_REAL;
	m->paging = m->mode == CPU_MODE_LONG || r->paging == PAGING_IDENTITY;
	if (m->mode == CPU_MODE_REAL && r->paging == PAGING_IDENTITY)
		manifest_fail_rule(b, 0, "paging", "mode",
				   "identity paging needs mode: protected (expected off)");
	if (m->mode == CPU_MODE_LONG && r->paging == PAGING_OFF)
		manifest_fail_rule(b, 0, "paging", "mode",
				   "long mode always pages (expected identity, or leave it out)");
	m->irqchip = r->irqchip == ONOFF_TRUE;
	if (r->timer && r->timer->period)
		units_parse_duration(r->timer->period, &m->timer_period_ns, &why);
	if (m->timer_period_ns != 0 && !m->irqchip)
		manifest_fail_rule(b, 0, "timer.period", "irqchip",
				   "a timer raises IRQ 0, which needs irqchip: true");
	else if (m->timer_period_ns != 0 && (m->timer_period_ns < TIMER_MIN_NS ||
					     m->timer_period_ns > TIMER_MAX_NS))
		fail(b, "timer.period", "is out of range (expected 0, or 100us to 60s)");
	m->color = r->console && r->console->color ? r->console->color : WHEN_AUTO;
	m->prefix = r->console && r->console->prefix ? r->console->prefix : WHEN_AUTO;
	m->timeout_ns = 10000000000ull;	/* 10s */
	if (r->limits && r->limits->timeout)
		units_parse_duration(r->limits->timeout, &m->timeout_ns, &why);

	m->bench_repeat = 10;
	m->bench_warmup = 1;
	if (r->bench && r->bench->repeat)
		units_parse_u64(r->bench->repeat, &m->bench_repeat, &why);
	if (r->bench && r->bench->warmup)
		units_parse_u64(r->bench->warmup, &m->bench_warmup, &why);
	if (m->bench_repeat < 1 || m->bench_repeat > BENCH_MAX_RUNS)
		fail(b, "bench.repeat", "%llu is out of range (expected 1 to %u)",
		     (unsigned long long)m->bench_repeat, BENCH_MAX_RUNS);
	if (m->bench_warmup > BENCH_MAX_RUNS)
		fail(b, "bench.warmup", "%llu is out of range (expected 0 to %u)",
		     (unsigned long long)m->bench_warmup, BENCH_MAX_RUNS);

	m->nr_vcpus = r->vcpus_count;
	m->vcpus = calloc(m->nr_vcpus, sizeof *m->vcpus);
	if (m->name == NULL || m->vcpus == NULL) {
		diags_add(b->d, 0, 0, NULL, "out of memory");
		manifest_free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		m->vcpus[i].index = (unsigned)i;
		manifest_build_vcpu(b, m, &r->vcpus[i], &m->vcpus[i]);
	}
	manifest_check_shared_disks(b, m);
	/* stdin: the one vCPU that asks; else vCPU 0 unless it declines. */
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		char path[64];

		if (r->vcpus[i].stdin_ != ONOFF_TRUE)
			continue;
		if (stdin_owner >= 0) {
			char owner[64];

			snprintf(path, sizeof path, "vcpus[%zu].stdin", i);
			snprintf(owner, sizeof owner, "vcpus[%d].stdin", stdin_owner);
			manifest_fail_rule(b, 0, path, owner,
					   "vCPU %d already takes standard input (only one vCPU can)",
					   stdin_owner);
			continue;
		}
		stdin_owner = (int)i;
	}
	if (stdin_owner < 0 && r->vcpus[0].stdin_ != ONOFF_FALSE)
		stdin_owner = 0;
	if (stdin_owner >= 0)
		m->vcpus[stdin_owner].stdin = true;
	return m;
}
