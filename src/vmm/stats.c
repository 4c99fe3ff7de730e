/* stats.c - per-vCPU counters and their reports (see stats.h). */
#include "vmm/stats.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/hypercall.h"
#include "vmm/kvm.h"

uint64_t stats_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int stats_enable(struct vcpu_stats *s)
{
	s->by_port = calloc(STATS_PORTS, sizeof *s->by_port);
	s->timing = true;
	return s->by_port != NULL ? 0 : -1;
}

void stats_free(struct vcpu_stats *s)
{
	free(s->by_port);
	s->by_port = NULL;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* A row of counts, one column per vCPU and a total; skipped if all 0. */
static void count_row(FILE *out, const char *name, const struct stats_row *rows,
		      size_t n, uint64_t (*get)(const struct vcpu_stats *, unsigned),
		      unsigned key)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += get(rows[i].s, key);
	if (total == 0)
		return;
	fprintf(out, "  %-20s", name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12llu", (unsigned long long)get(rows[i].s, key));
	fprintf(out, " %12llu\n", (unsigned long long)total);
}

static uint64_t get_exits(const struct vcpu_stats *s, unsigned k)
{
	(void)k;
	return s->exits;
}

static uint64_t get_reason(const struct vcpu_stats *s, unsigned k)
{
	return s->by_reason[k];
}

static uint64_t get_port(const struct vcpu_stats *s, unsigned k)
{
	return s->by_port ? s->by_port[k] : 0;
}

static uint64_t get_hypercall(const struct vcpu_stats *s, unsigned k)
{
	return s->hypercalls[k];
}

void stats_print_table(FILE *out, const struct stats_row *rows, size_t n,
		       uint64_t t_start, uint64_t t_end)
{
	uint64_t run = 0, exits = 0;
	char name[32];

	fprintf(out, "minikvm: stats %8s", "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12s", rows[i].name);
	fprintf(out, " %12s\n  %-20s", "total", "status");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12s", rows[i].status);
	fprintf(out, "\n  %-20s", "wall (ms)");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12.3f", ms(rows[i].s->t_end - t_start));
	fprintf(out, " %12.3f\n  %-20s", ms(t_end - t_start), "set-up (ms)");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12.3f", rows[i].s->t_first_run ?
			ms(rows[i].s->t_first_run - t_start) : 0.0);
	fprintf(out, "\n  %-20s", "in KVM_RUN (ms)");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, " %12.3f", ms(rows[i].s->ns_run));
		run += rows[i].s->ns_run;
		exits += rows[i].s->ns_exits;
	}
	fprintf(out, " %12.3f\n  %-20s", ms(run), "handling exits (ms)");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %12.3f", ms(rows[i].s->ns_exits));
	fprintf(out, " %12.3f\n", ms(exits));
	count_row(out, "VM exits", rows, n, get_exits, 0);
	for (unsigned r = 0; r < STATS_REASONS; r++)
		count_row(out, kvm_exit_reason_name(r) + 9, rows, n, get_reason, r);
	fprintf(out, "  I/O exits by port\n");
	for (unsigned p = 0; p < STATS_PORTS; p++) {
		snprintf(name, sizeof name, "  0x%04x", p);
		count_row(out, name, rows, n, get_port, p);
	}
	fprintf(out, "  hypercalls\n");
	for (unsigned f = 0; f < 256; f++) {
		snprintf(name, sizeof name, "  %s", hypercall_name((uint8_t)f));
		count_row(out, name, rows, n, get_hypercall, f);
	}
}

/* Nonzero counters as {"name": count, ...}. */
static json_object *json_counts(const uint64_t *v, unsigned n,
				const char *(*name)(unsigned, char *, size_t))
{
	json_object *o = json_object_new_object();
	char buf[32];

	for (unsigned i = 0; v != NULL && i < n; i++)
		if (v[i] != 0)
			json_object_object_add(o, name(i, buf, sizeof buf),
					       json_object_new_int64((int64_t)v[i]));
	return o;
}

static const char *reason_key(unsigned r, char *buf, size_t len)
{
	snprintf(buf, len, "%s", kvm_exit_reason_name(r) + 9);
	return buf;
}

static const char *port_key(unsigned p, char *buf, size_t len)
{
	snprintf(buf, len, "0x%04x", p);
	return buf;
}

static const char *hypercall_key(unsigned f, char *buf, size_t len)
{
	snprintf(buf, len, "%s", hypercall_name((uint8_t)f));
	return buf;
}

int stats_write_json(FILE *out, const struct stats_row *rows, size_t n,
		     uint64_t t_start, uint64_t t_end)
{
	json_object *root = json_object_new_object();
	json_object *vcpus = json_object_new_array();
	const char *text;
	int rc;

	json_object_object_add(root, "wall_ns", json_object_new_int64((int64_t)(t_end - t_start)));
	for (size_t i = 0; i < n; i++) {
		const struct vcpu_stats *s = rows[i].s;
		json_object *v = json_object_new_object();

		json_object_object_add(v, "vcpu", json_object_new_int((int)rows[i].index));
		if (rows[i].cpu >= 0)
			json_object_object_add(v, "cpu", json_object_new_int(rows[i].cpu));
		json_object_object_add(v, "status", json_object_new_string(rows[i].status));
		json_object_object_add(v, "wall_ns", json_object_new_int64((int64_t)(s->t_end - t_start)));
		json_object_object_add(v, "setup_ns", json_object_new_int64(s->t_first_run ?
					(int64_t)(s->t_first_run - t_start) : 0));
		json_object_object_add(v, "run_ns", json_object_new_int64((int64_t)s->ns_run));
		json_object_object_add(v, "exit_handling_ns", json_object_new_int64((int64_t)s->ns_exits));
		json_object_object_add(v, "exits", json_object_new_int64((int64_t)s->exits));
		json_object_object_add(v, "exits_by_reason", json_counts(s->by_reason, STATS_REASONS, reason_key));
		json_object_object_add(v, "io_exits_by_port", json_counts(s->by_port, STATS_PORTS, port_key));
		json_object_object_add(v, "hypercalls", json_counts(s->hypercalls, 256, hypercall_key));
		json_object_array_add(vcpus, v);
	}
	json_object_object_add(root, "vcpus", vcpus);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = text != NULL ? 0 : -1;
	/* a failed write stays in ferror(out) for the one who closes it */
	if (text != NULL)
		fprintf(out, "%s\n", text);
	json_object_put(root);
	return rc;
}
