/*
 * main.c - the minikvm command: subcommands, options, exit statuses.
 *
 *   minikvm run [--color=WHEN|--no-color] MANIFEST
 *   minikvm check [-v] MANIFEST...
 *
 * Only this file decides exit statuses (machine.h lists them).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "bench.h"
#include "doctor.h"
#include "probe.h"
#include "stats.h"
#include "trace.h"
#include "machine.h"
#include "manifest.h"

#ifndef MINIKVM_VERSION
#define MINIKVM_VERSION "0.1"
#endif

static const char usage_text[] =
	"usage: minikvm run [--set PATH=VALUE]... [--color=auto|always|never] [--no-color]\n"
	"                   [--trace[=io,mmio,hlt,other|=FILE]] [--stats[=json:FILE]] MANIFEST\n"
	"       minikvm check [-v] [--set PATH=VALUE]... MANIFEST...\n"
	"       minikvm doctor [--json | --mode MODE]\n"
	"       minikvm bench [--set PATH=VALUE]... [--repeat N] [--json FILE] MANIFEST\n"
	"       minikvm --help | --version\n"
	"\n"
	"  run     check MANIFEST, build the VMs it describes and run them\n"
	"  check   check each MANIFEST and print its errors; nothing on success\n"
	"          (-v: print the effective manifest, defaults applied)\n"
	"  bench   run MANIFEST's scenario many times, report min/median/max\n"
	"  doctor  report what this host's KVM can do (--mode MODE: exit 0 if a\n"
	"          guest in MODE runs here: real, protected, protected+paging,\n"
	"          protected+interrupts, long)\n"
	"\n"
	"Exit status: 0 ok, 1 guest failure or no KVM, 2 usage or manifest error,\n"
	"124 limits.timeout passed, 130 interrupted.  See minikvm(1).\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "minikvm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'minikvm --help'.\n");
	return STATUS_USAGE;
}

/* --set PATH=VALUE arguments, in order: later ones win. */
struct sets {
	const char **v;
	size_t n;
};

static int sets_add(struct sets *s, const char *arg, int argc)
{
	if (s->v == NULL && (s->v = calloc((size_t)argc, sizeof *s->v)) == NULL)
		return -1;
	s->v[s->n++] = arg;
	return 0;
}

/* Loads FILE with the overrides SETS, printing its errors; NULL if any. */
static struct manifest *load_or_report(const char *file, const struct sets *sets)
{
	struct diags d = { .file = file };
	struct manifest *m = NULL;

	if (manifest_load_with(file, sets ? sets->v : NULL, sets ? sets->n : 0,
			       &m, &d) < 0)
		diags_print(&d, stderr);
	diags_free(&d);
	return m;
}

static int cmd_check(int argc, char **argv)
{
	enum { OPT_SET = 256 };
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sets sets = { 0 };
	bool verbose = false;
	int status = STATUS_OK, c;

	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case OPT_SET:
			if (sets_add(&sets, optarg, argc) < 0)
				return STATUS_GUEST_FAILED;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return STATUS_OK;
		default:
			return usage_error("%s", "check: bad option");
		}
	}
	if (optind == argc)
		return usage_error("%s", "check: no manifest given");
	for (int i = optind; i < argc; i++) {
		struct manifest *m = load_or_report(argv[i], &sets);

		if (m == NULL) {
			status = STATUS_USAGE;
			continue;
		}
		if (verbose) {
			if (argc - optind > 1)
				printf("# %s\n", argv[i]);
			if (manifest_print(m, stdout) < 0)
				status = STATUS_GUEST_FAILED;
		}
		manifest_free(m);
	}
	free(sets.v);
	return status;
}

static int parse_when(const char *s, enum when *w)
{
	if (strcmp(s, "auto") == 0)
		*w = WHEN_AUTO;
	else if (strcmp(s, "always") == 0)
		*w = WHEN_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*w = WHEN_NEVER;
	else
		return -1;
	return 0;
}

/* --stats[=json:FILE] */
static int parse_stats(const char *arg, struct run_options *opt)
{
	opt->stats = true;
	if (arg == NULL)
		return 0;
	if (strncmp(arg, "json:", 5) != 0 || arg[5] == '\0')
		return usage_error("run: --stats=%s: expected --stats or --stats=json:FILE", arg);
	opt->stats_json = fopen(arg + 5, "we");
	if (opt->stats_json == NULL) {
		fprintf(stderr, "minikvm: %s: %s\n", arg + 5, strerror(errno));
		return STATUS_USAGE;
	}
	return 0;
}

/* --trace[=FILTER|FILE] */
static int parse_trace(const char *arg, struct trace *t)
{
	const char *file;

	if (trace_parse(arg, t, &file) < 0)
		return usage_error("run: --trace=%s: expected io,mmio,hlt,other,all or a file name", arg);
	t->out = stderr;
	if (file != NULL && (t->out = fopen(file, "we")) == NULL) {
		fprintf(stderr, "minikvm: %s: %s\n", file, strerror(errno));
		return STATUS_USAGE;
	}
	return 0;
}

static int cmd_run(int argc, char **argv, uint64_t t_start)
{
	enum { OPT_COLOR = 256, OPT_NO_COLOR, OPT_TRACE, OPT_STATS, OPT_SET };
	static const struct option opts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "trace", optional_argument, NULL, OPT_TRACE },
		{ "stats", optional_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_options opt = { .color = WHEN_UNSET, .t_start = t_start };
	struct trace trace = { 0 };
	struct sets sets = { 0 };
	struct manifest *m;
	int status, c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_COLOR:
			if (parse_when(optarg, &opt.color) < 0) {
				status = usage_error("run: --color=%s: expected auto, always or never",
						     optarg);
				goto out;
			}
			break;
		case OPT_NO_COLOR:
			opt.color = WHEN_NEVER;
			break;
		case OPT_SET:
			if (sets_add(&sets, optarg, argc) < 0) {
				status = STATUS_GUEST_FAILED;
				goto out;
			}
			break;
		case OPT_TRACE:
			if (trace.out != NULL && trace.out != stderr)
				fclose(trace.out);
			if ((status = parse_trace(optarg, &trace)) != 0)
				goto out;
			opt.trace = &trace;
			break;
		case OPT_STATS:
			if (opt.stats_json != NULL)
				fclose(opt.stats_json);
			opt.stats_json = NULL;
			if ((status = parse_stats(optarg, &opt)) != 0)
				goto out;
			break;
		case 'h':
			fputs(usage_text, stdout);
			status = STATUS_OK;
			goto out;
		default:
			status = usage_error("%s", "run: bad option");
			goto out;
		}
	}
	if (optind == argc) {
		status = usage_error("%s", "run: no manifest given");
		goto out;
	}
	if (argc - optind > 1) {
		status = usage_error("run: one manifest at a time (extra: %s)",
				     argv[optind + 1]);
		goto out;
	}
	m = load_or_report(argv[optind], &sets);
	status = STATUS_USAGE;
	if (m != NULL) {
		status = machine_run(m, &opt);
		manifest_free(m);
	}
out:
	free(sets.v);
	if (trace.out != NULL && trace.out != stderr && fclose(trace.out) != 0)
		fprintf(stderr, "minikvm: the trace file: %s\n", strerror(errno));
	if (opt.stats_json != NULL && fclose(opt.stats_json) != 0)
		fprintf(stderr, "minikvm: the stats file: %s\n", strerror(errno));
	return status;
}

/*
 * Makes sure fds 0-2 are open: if minikvm is started with one closed, the
 * next open() (of /dev/kvm, say) would take its number and be mistaken for
 * standard input or output.
 */
static void std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int nul = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

		if (nul >= 0 && nul != fd)
			close(nul);	/* fd is still closed: not ours to fix */
	}
}

static int cmd_bench(int argc, char **argv)
{
	enum { OPT_REPEAT = 256, OPT_JSON, OPT_SET };
	static const struct option opts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_options o = { 0 };
	struct sets sets = { 0 };
	struct manifest *m;
	char *end;
	int status = STATUS_OK, c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SET:
			if (sets_add(&sets, optarg, argc) < 0) {
				status = STATUS_GUEST_FAILED;
				goto out;
			}
			break;
		case OPT_REPEAT:
			o.repeat = strtoull(optarg, &end, 10);
			if (*end != '\0' || o.repeat < 1 || o.repeat > BENCH_MAX_RUNS) {
				status = usage_error("bench: --repeat=%s: expected 1 to 10000", optarg);
				goto out;
			}
			break;
		case OPT_JSON:
			if (o.json != NULL)
				fclose(o.json);
			o.json = fopen(optarg, "we");
			if (o.json == NULL) {
				fprintf(stderr, "minikvm: %s: %s\n", optarg, strerror(errno));
				status = STATUS_USAGE;
				goto out;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			goto out;
		default:
			status = usage_error("%s", "bench: bad option");
			goto out;
		}
	}
	if (argc - optind != 1) {
		status = usage_error("%s", "bench: one manifest expected");
		goto out;
	}
	m = load_or_report(argv[optind], &sets);
	status = STATUS_USAGE;
	if (m != NULL) {
		status = bench_run(m, &o);
		manifest_free(m);
	}
out:
	free(sets.v);
	if (o.json != NULL && fclose(o.json) != 0) {
		fprintf(stderr, "minikvm: the JSON file: %s\n", strerror(errno));
		status = STATUS_GUEST_FAILED;
	}
	return status;
}

static int cmd_doctor(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_MODE };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int mode = -1, c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_MODE:
			mode = probe_mode_parse(optarg);
			if (mode < 0)
				return usage_error("doctor: --mode=%s: expected real, protected, protected+paging, protected+interrupts or long",
						   optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return STATUS_OK;
		default:
			return usage_error("%s", "doctor: bad option");
		}
	}
	if (optind < argc)
		return usage_error("doctor: unexpected argument '%s'", argv[optind]);
	if (mode >= 0)
		return probe_mode_runs((enum probe_mode)mode) ? STATUS_OK :
		       STATUS_GUEST_FAILED;
	return doctor_report(stdout, json);
}

int main(int argc, char **argv)
{
	uint64_t t_start = stats_now();	/* set-up time is measured from here */
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* A reader that goes away (minikvm run x | head) is not an error. */
	signal(SIGPIPE, SIG_IGN);
	std_fds_open();
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return STATUS_OK;
		case 'V':
			printf("minikvm %s\n", MINIKVM_VERSION);
			return STATUS_OK;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind == argc)
		return usage_error("%s", "no command given (run, check, doctor or bench)");
	argc -= optind;
	argv += optind;
	optind = 0;	/* restart getopt for the subcommand's own options */
	if (strcmp(argv[0], "run") == 0)
		return cmd_run(argc, argv, t_start);
	if (strcmp(argv[0], "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(argv[0], "doctor") == 0)
		return cmd_doctor(argc, argv);
	if (strcmp(argv[0], "bench") == 0)
		return cmd_bench(argc, argv);
	return usage_error("unknown command '%s' (expected run, check, doctor or bench)", argv[0]);
}
