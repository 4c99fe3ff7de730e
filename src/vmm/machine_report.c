/* machine_report.c - what a run says at its end (see machine_impl.h). */
#define _GNU_SOURCE
#include "vmm/machine_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/stats.h"

/*
 * Names the processors of the guests that had not ended, for the timeout
 * message: a malloc'd "vcpu0 at CS:IP ..., vcpu5 cpu1 ...", "none", or
 * NULL (no memory).
 */
char *machine_list_running(const struct vcpu_thread *t, size_t n)
{
	size_t len = sizeof "none", o = 0;
	char *buf;

	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; t[i].started && k < t[i].g.ncpus; k++)
			len += 2 + sizeof t[i].g.cpus[k].name + sizeof t[i].g.cpus[k].stopped_at;
	if ((buf = malloc(len)) == NULL)
		return NULL;
	strcpy(buf, "none");
	for (size_t i = 0; i < n; i++) {
		if (!t[i].started || guest_status(&t[i].g) != GUEST_STOPPED)
			continue;
		for (unsigned k = 0; k < t[i].g.ncpus; k++) {
			const struct vcpu *c = &t[i].g.cpus[k];

			o += (size_t)snprintf(buf + o, len - o, "%s%s%s",
					      o ? ", " : "", c->name, c->stopped_at);
		}
	}
	return buf;
}

/*
 * The status of a run whose guests all ended: the highest EXIT_STATUS a
 * guest reported, and at least 1 if one failed.
 */
int machine_run_status(const struct vcpu_thread *t, size_t n)
{
	unsigned status = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned s = !t[i].started ? STATUS_GUEST_FAILED :
			     guest_status(&t[i].g) == GUEST_DONE ? t[i].g.exit_status :
			     STATUS_GUEST_FAILED;

		if (s > status)
			status = s;
	}
	return (int)status;
}

/*
 * The --stats report: the JSON file (whose write errors cmd_run.c reports
 * when it closes it) or the table on stderr.  Returns 0, or -1 if stderr
 * could not take the table.
 */
int machine_report_stats(const struct vcpu_thread *t, size_t n,
			const struct run_options *opt, struct msgs *ms)
{
	static const char *const names[] = {
		[GUEST_RUNNING] = "not run", [GUEST_DONE] = "done",
		[GUEST_FAILED] = "failed", [GUEST_STOPPED] = "stopped",
	};
	struct stats_row *rows;
	uint64_t t_end = stats_now();
	size_t nrows = 0, guests = n;
	int rc = 0;

	for (size_t i = 0; i < guests; i++)
		nrows += t[i].g.ncpus;
	if ((rows = calloc(nrows, sizeof *rows)) == NULL)
		return 0;	/* out of memory: no report, the run's status stands */
	n = 0;	/* from here on: rows */
	for (size_t i = 0; i < guests; i++) {
		const struct guest *g = &t[i].g;

		for (unsigned k = 0; k < g->ncpus; k++)
			rows[n++] = (struct stats_row){
				g->index, g->ncpus > 1 ? (int)k : -1, g->cpus[k].name,
				names[g->ncpus > 1 ? g->cpus[k].status : guest_status(g)],
				&g->cpus[k].stats };
	}
	if (opt->stats_json != NULL) {
		if (stats_write_json(opt->stats_json, rows, n, opt->t_start, t_end) < 0)
			say(ms, "minikvm: stats: cannot write the JSON file\n");
	} else {
		/* into memory first, so a stuck stderr is bounded as all messages */
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		if (mem != NULL) {
			stats_print_table(mem, rows, n, opt->t_start, t_end);
			if (fclose(mem) == 0)
				rc = say_raw(ms, buf, len);
			free(buf);
		} else {
			stats_print_table(stderr, rows, n, opt->t_start, t_end);
			rc = fflush(stderr) == 0 || errno == EPIPE ? 0 : -1;
		}
	}
	free(rows);
	return rc;
}

