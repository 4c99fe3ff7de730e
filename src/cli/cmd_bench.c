/*
 * cmd_bench.c - `minikvm bench`: its options (--set, --repeat, --json),
 * the manifest loaded, the JSON output opened, and bench_run().
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tools/bench.h"
#include "cli/cli.h"
#include "vmm/machine.h"
#include "manifest/manifest.h"

static const char bench_usage[] =
	"usage: " SYN_BENCH
	"\n"
	"Run MANIFEST's scenario bench.warmup times unmeasured, then bench.repeat\n"
	"times, each with fresh VMs, and print the min/median/max of set-up time,\n"
	"run time, VM exits and ns per exit, with the host's facts.  Guests get no\n"
	"input (standard input is not read: a guest reading input gets end of input)\n"
	"and their output is discarded.  On a terminal, standard error shows which\n"
	"run is going.  Options may also follow MANIFEST; '--' ends them.\n"
	"\n"
	"  --set PATH=VALUE     override a manifest field (may be repeated)\n"
	"  --repeat N           measure N runs (1 to 10000) instead of bench.repeat\n"
	"  --json FILE          also write the results as JSON to FILE\n"
	"  -h, --help           print this help and exit\n"
	"\n"
	"Exit status:\n"
	"    0  every run ended with status 0\n"
	"    1  a guest failed, no usable KVM, or the results could not be written\n"
	"    2  usage or manifest error\n"
	"  124  a run's limits.timeout passed\n"
	"  130  interrupted by SIGINT\n"
	"  143  terminated by SIGTERM\n"
	"A run that does not end with status 0 stops the bench, which exits with\n"
	"that status (a guest's EXIT_STATUS too).\n";

/* `minikvm bench [OPTION]... MANIFEST`; the exit status. */
int cmd_bench(int argc, char **argv)
{
	enum { OPT_REPEAT = 256, OPT_JSON, OPT_SET };
	static const char shorts[] = "h";
	static const struct option opts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_options o = { 0 };
	struct out_file json = { .opt = "--json" };
	struct sets sets = { 0 };
	struct manifest *m = NULL;
	char *end;
	int status = STATUS_OK, c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SET:
			if ((status = cli_sets_add(&sets, optarg, argc)) != 0)
				goto out;
			break;
		case OPT_REPEAT:
			/* digits only: strtoull would take " 5", "+5" and "-1" */
			errno = 0;
			o.repeat = isdigit((unsigned char)optarg[0]) ?
				   strtoull(optarg, &end, 10) : 0;
			if (!isdigit((unsigned char)optarg[0]) || *end != '\0' || errno != 0 ||
			    o.repeat < 1 || o.repeat > BENCH_MAX_RUNS) {
				status = cli_usage_error("bench", "--repeat=%s: expected 1 to %d",
							 optarg, BENCH_MAX_RUNS);
				goto out;
			}
			break;
		case OPT_JSON:	/* the last one counts */
			json.path = optarg;
			break;
		case 'h':
			fputs(bench_usage, stdout);
			goto out;
		default:
			status = cli_bad_option("bench", c, argv, shorts, opts);
			goto out;
		}
	}
	if ((status = cli_load_one("bench", argc, argv, &sets, &m)) != 0)
		goto out;
	if (json.path != NULL && (status = cli_out_open(&json)) != 0)
		goto out;
	if ((status = cli_block_stop_signals()) != 0)
		goto out;
	o.json = json.f;
	o.progress = isatty(STDERR_FILENO) == 1;
	status = bench_run(m, &o);
out:
	manifest_free(m);
	free(sets.v);
	status = cli_out_close(&json, 0, status);
	return cli_pending_stop_status(status);
}
