/*
 * cmd_run.c - `minikvm run`: its options (--set, --color, --trace,
 * --stats), the manifest loaded, the trace and stats outputs opened, and
 * machine_run(); then those outputs closed, their errors in the status.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "debug/gdbstub.h"
#include "err.h"
#include "vmm/machine.h"
#include "manifest/manifest.h"
#include "vmm/trace.h"

static const char run_usage[] =
	"usage: " SYN_RUN
	"\n"
	"Check MANIFEST, build the VMs it describes and run them.  Guest output goes\n"
	"to standard output, standard input to the vCPU that takes it.  Options may\n"
	"also follow MANIFEST; '--' ends them.\n"
	"\n"
	"  --set PATH=VALUE     override a manifest field, e.g. limits.timeout=0\n"
	"                       (may be repeated; later ones win)\n"
	"  --color=WHEN         colour guest output: auto (the default), always, never\n"
	"  --no-color           the same as --color=never\n"
	"  --trace[=LIST]       one line per VM exit, on standard error.  LIST is\n"
	"                       comma-separated: io, mmio, hlt, other, all (the\n"
	"                       default), and last, file:PATH to write to PATH instead\n"
	"  --stats[=json:FILE]  at the end, what each vCPU cost: a table on standard\n"
	"                       error, or JSON in FILE (json:- : on standard output,\n"
	"                       after the guest output)\n"
	"  --gdb[=ADDRESS]      serve gdb's remote protocol on ADDRESS, HOST:PORT\n"
	"                       (default 127.0.0.1:1234) or unix:PATH; every vCPU\n"
	"                       waits for the debugger before its first instruction\n"
	"  --no-sandbox         run without the seccomp filters that allow each\n"
	"                       thread only the system calls its work needs\n"
	"  -h, --help           print this help and exit\n"
	"\n"
	"Exit status:\n"
	"    0  every vCPU ended normally (or the highest EXIT_STATUS a vCPU gave)\n"
	"    1  a guest failed, no usable KVM, or the trace or stats could not be\n"
	"       written (a run that ended with a higher status keeps it)\n"
	"    2  usage or manifest error\n"
	"  124  limits.timeout passed\n"
	"  130  interrupted by SIGINT\n"
	"  137  ended by gdb's kill (--gdb)\n"
	"  141  standard output's reader went away (as if by SIGPIPE)\n"
	"  143  terminated by SIGTERM\n"
	"  159  a minikvm thread made a system call its seccomp filter refuses\n";

/* --color=WHEN: S (auto, always or never) into *W; 0, or -1. */
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

/*
 * --stats[=json:FILE]: sets OUT (FILE, "-" for standard output; none:
 * the table on standard error) and *JSON.  Returns 0, or STATUS_USAGE
 * after saying why.
 */
static int parse_stats(const char *arg, struct out_file *out, bool *json)
{
	*out = (struct out_file){ .opt = "--stats", .std = stderr };
	*json = false;
	if (arg == NULL)
		return 0;
	if (strncmp(arg, "json:", 5) != 0 || arg[5] == '\0')
		return cli_usage_error("run", "--stats=%s: expected --stats, --stats=json:FILE or --stats=json:-",
				       arg);
	*json = true;
	if (strcmp(arg + 5, "-") == 0)
		out->std = stdout;
	else
		out->path = arg + 5;
	return 0;
}

/* --trace[=LIST]: fills T's mask and OUT.  0, or STATUS_USAGE. */
static int parse_trace(const char *arg, struct trace *t, struct out_file *out)
{
	struct err e = { "" };
	const char *file;

	*out = (struct out_file){ .opt = "--trace", .std = stderr };
	if (trace_parse(arg, t, &file, &e) < 0)
		return cli_usage_error("run", "--trace=%s: %s", arg, e.msg);
	out->path = file;
	return 0;
}

/* `minikvm run [OPTION]... MANIFEST`; the exit status. */
int cmd_run(int argc, char **argv, uint64_t t_start)
{
	enum { OPT_COLOR = 256, OPT_NO_COLOR, OPT_TRACE, OPT_STATS, OPT_SET, OPT_GDB,
	       OPT_NO_SANDBOX };
	static const char shorts[] = "h";
	static const struct option opts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "trace", optional_argument, NULL, OPT_TRACE },
		{ "stats", optional_argument, NULL, OPT_STATS },
		{ "gdb", optional_argument, NULL, OPT_GDB },
		{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_options opt = { .color = WHEN_UNSET, .t_start = t_start, .sandbox = true };
	struct trace trace = { 0 };
	atomic_int trace_errno = 0;
	struct out_file trace_out = { 0 }, stats_out = { 0 };
	bool stats_json = false;
	struct sets sets = { 0 };
	struct manifest *m = NULL;
	struct err e;
	int status = STATUS_OK, c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_COLOR:
			if (parse_when(optarg, &opt.color) < 0) {
				status = cli_usage_error("run", "--color=%s: expected auto, always or never",
							 optarg);
				goto out;
			}
			break;
		case OPT_NO_COLOR:
			opt.color = WHEN_NEVER;
			break;
		case OPT_SET:
			if ((status = cli_sets_add(&sets, optarg, argc)) != 0)
				goto out;
			break;
		case OPT_TRACE:	/* the last one counts */
			if ((status = parse_trace(optarg, &trace, &trace_out)) != 0)
				goto out;
			opt.trace = &trace;
			break;
		case OPT_STATS:
			if ((status = parse_stats(optarg, &stats_out, &stats_json)) != 0)
				goto out;
			opt.stats = true;
			break;
		case OPT_NO_SANDBOX:
			opt.sandbox = false;
			break;
		case OPT_GDB:	/* the last one counts */
			opt.gdb = optarg != NULL ? optarg : "127.0.0.1:1234";
			if (!gdbstub_address_ok(opt.gdb, &e)) {
				status = cli_usage_error("run", "%s", e.msg);
				goto out;
			}
			break;
		case 'h':
			fputs(run_usage, stdout);
			goto out;
		default:
			status = cli_bad_option("run", c, argv, shorts, opts);
			goto out;
		}
	}
	if ((status = cli_load_one("run", argc, argv, &sets, &m)) != 0)
		goto out;
	if (opt.trace != NULL) {
		if ((status = cli_out_open(&trace_out)) != 0)
			goto out;
		trace.out = trace_out.f;
		trace.write_errno = &trace_errno;
	}
	if (opt.stats) {
		if ((status = cli_out_open(&stats_out)) != 0)
			goto out;
		/*
		 * JSON on stdout: held in stdio's buffer until the end, after
		 * every byte the guests wrote (to fd 1, past stdio).
		 */
		if (stats_out.f == stdout && setvbuf(stdout, NULL, _IOFBF, BUFSIZ) != 0) {
			fprintf(stderr, "minikvm: --stats: standard output: cannot buffer\n");
			status = STATUS_GUEST_FAILED;
			goto out;
		}
		opt.stats_json = stats_json ? stats_out.f : NULL;
	}
	/* after the opens: a FIFO's open may wait, and ^C must still end it */
	if ((status = cli_block_stop_signals()) != 0)
		goto out;
	status = machine_run(m, &opt);
out:
	manifest_free(m);
	free(sets.v);
	status = cli_out_close(&trace_out, atomic_load(&trace_errno), status);
	status = cli_out_close(&stats_out, 0, status);
	return cli_pending_stop_status(status);
}
