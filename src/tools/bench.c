/* bench.c - repeated runs of a scenario, summarised (see bench.h). */
#include "tools/bench.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tools/doctor.h"
#include "vmm/machine.h"
#include "vmm/stats.h"

/* One measured run. */
struct sample {
	double setup_ms;	/* process start (here: the run's start) to 1st KVM_RUN */
	double run_ms;		/* the run's start to its last vCPU's end */
	double exits;
	double ns_per_exit;	/* first KVM_RUN to the end, per exit */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* min, median, max of the field at OFFSET of N samples. */
static void summary(const struct sample *s, size_t n, size_t offset, double out[3])
{
	double *v = malloc(n * sizeof *v);

	if (v == NULL) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	for (size_t i = 0; i < n; i++)
		memcpy(&v[i], (const char *)&s[i] + offset, sizeof v[i]);
	qsort(v, n, sizeof *v, cmp_double);
	out[0] = v[0];
	out[1] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	out[2] = v[n - 1];
	free(v);
}

/*
 * The progress line: WHAT ("warm-up", "run") I of N on stderr, padded to
 * the longest line so far (*WIDTH) and ending in '\r', so the next one,
 * or a diagnosis a run prints, starts over it at column 0.  N == 0 clears
 * the line.  A failed write only loses the progress shown.
 */
static void progress(int *width, const char *what, uint64_t i, uint64_t n)
{
	char line[64];
	int len = n ? snprintf(line, sizeof line, "bench: %s %llu/%llu", what,
			       (unsigned long long)i, (unsigned long long)n) : 0;

	if (len > *width)
		*width = len;
	fprintf(stderr, "%-*s\r", *width, n ? line : "");
}

int bench_run(const struct manifest *m, const struct bench_options *o)
{
	static const struct {
		const char *name;
		size_t offset;
		const char *fmt;
	} fields[] = {
		{ "setup_ms", offsetof(struct sample, setup_ms), "%12.3f" },
		{ "run_ms", offsetof(struct sample, run_ms), "%12.3f" },
		{ "exits", offsetof(struct sample, exits), "%12.0f" },
		{ "ns_per_exit", offsetof(struct sample, ns_per_exit), "%12.1f" },
	};
	uint64_t repeat = o->repeat ? o->repeat : m->bench_repeat;
	uint64_t total = repeat + m->bench_warmup;
	struct sample *s = calloc(repeat, sizeof *s);
	/*
	 * The scenario as run: the same guests, none taking standard input,
	 * so that every run sees the same (no) input, and a guest that reads
	 * gets the end of input at once instead of waiting on a terminal.
	 */
	struct vcpu_config *vcpus = calloc(m->nr_vcpus, sizeof *vcpus);
	struct manifest scenario = *m;
	json_object *root, *host, *res;
	const char *module;
	int status = 0, width = 0;

	if (s == NULL || vcpus == NULL) {
		fprintf(stderr, "minikvm: bench: out of memory\n");
		free(s);
		free(vcpus);
		return 1;
	}
	for (size_t v = 0; v < m->nr_vcpus; v++) {
		vcpus[v] = m->vcpus[v];
		vcpus[v].stdin = false;
	}
	scenario.vcpus = vcpus;
	for (uint64_t i = 0; i < total; i++) {
		struct run_report rep;
		struct run_options opt = {
			.color = WHEN_NEVER, .quiet = true, .report = &rep,
			.t_start = stats_now(),
		};
		bool warm = i < m->bench_warmup;

		if (o->progress)
			progress(&width, warm ? "warm-up" : "run",
				 warm ? i + 1 : i + 1 - m->bench_warmup,
				 warm ? m->bench_warmup : repeat);
		status = machine_run(&scenario, &opt);
		if (status != 0) {
			if (o->progress)
				progress(&width, "", 0, 0);
			fprintf(stderr, "minikvm: bench: run %llu of %s ended with status %d\n",
				(unsigned long long)i + 1, m->name, status);
			free(s);
			free(vcpus);
			return status;
		}
		if (i < m->bench_warmup)
			continue;
		s[i - m->bench_warmup] = (struct sample){
			.setup_ms = (double)(rep.t_first_run - opt.t_start) / 1e6,
			.run_ms = (double)(rep.t_end - opt.t_start) / 1e6,
			.exits = (double)rep.exits,
			.ns_per_exit = rep.exits ? (double)(rep.t_end - rep.t_first_run) /
						   (double)rep.exits : 0,
		};
	}

	free(vcpus);
	root = json_object_new_object();
	host = json_object_new_object();
	res = json_object_new_object();
	doctor_host_facts(host);
	if (o->progress)
		progress(&width, "", 0, 0);
	json_object_object_add(root, "scenario", json_object_new_string(m->name));
	json_object_object_add(root, "manifest", json_object_new_string(m->file));
	json_object_object_add(root, "repeat", json_object_new_int64((int64_t)repeat));
	json_object_object_add(root, "warmup", json_object_new_int64((int64_t)m->bench_warmup));
	json_object_object_add(root, "vcpus", json_object_new_int64((int64_t)m->nr_vcpus));
	printf("bench %s: %llu runs after %llu warm-up, %zu vCPU%s\n", m->name,
	       (unsigned long long)repeat, (unsigned long long)m->bench_warmup,
	       m->nr_vcpus, m->nr_vcpus == 1 ? "" : "s");
	printf("  %-12s %12s %12s %12s\n", "", "min", "median", "max");
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
		json_object *jf = json_object_new_object();
		double v[3];

		summary(s, repeat, fields[f].offset, v);
		printf("  %-12s", fields[f].name);
		for (int k = 0; k < 3; k++)
			printf(fields[f].fmt, v[k]);
		printf("\n");
		json_object_object_add(jf, "min", json_object_new_double(v[0]));
		json_object_object_add(jf, "median", json_object_new_double(v[1]));
		json_object_object_add(jf, "max", json_object_new_double(v[2]));
		json_object_object_add(res, fields[f].name, jf);
	}
	module = json_object_get_string(json_object_object_get(host, "module"));
	printf("  host: Linux %s, %s, KVM API %d (%s), %s\n",
	       json_object_get_string(json_object_object_get(host, "kernel")),
	       json_object_get_string(json_object_object_get(host, "cpu")),
	       json_object_get_int(json_object_object_get(host, "api_version")),
	       module != NULL ? module : "no KVM module",
	       json_object_get_boolean(json_object_object_get(host, "host_is_vm")) ?
	       "itself a VM" : "bare metal");
	json_object_object_add(root, "results", res);
	json_object_object_add(root, "host", host);
	if (o->json != NULL) {
		const char *text = json_object_to_json_string_ext(root,
				   JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

		if (text == NULL) {
			fprintf(stderr, "minikvm: bench: out of memory\n");
			status = 1;
		} else {
			/* a write error stays in ferror(o->json), for cmd_bench.c */
			fprintf(o->json, "%s\n", text);
		}
	}
	json_object_put(root);
	free(s);
	return status;
}
