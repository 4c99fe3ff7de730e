/*
 * cmd_common.c - what the subcommands share (cli.h): usage errors worded
 * alike, --set arguments, loading a manifest with its errors reported,
 * the outputs named on the command line, and SIGINT/SIGTERM around a run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "manifest/diag.h"
#include "vmm/machine.h"
#include "manifest/manifest.h"

/* One line on stderr: the usage error and where help is. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "minikvm: %s%s%s (try 'minikvm%s%s --help')\n",
		cmd ? cmd : "", cmd ? ": " : "", msg, cmd ? " " : "", cmd ? cmd : "");
	return STATUS_USAGE;
}

/* The usage error for what getopt_long refused. */
int cli_bad_option(const char *cmd, int c, char **argv, const char *shorts,
		   const struct option *opts)
{
	const char *arg = argv[optind - 1];	/* the element, for long options */
	const char *long_name = NULL;
	int len, matches = 0;

	/* The option's own name when getopt_long recognised it (optopt = val). */
	for (const struct option *o = opts; optopt != 0 && o->name; o++)
		if (o->val == optopt) {
			long_name = o->name;
			break;
		}
	if (c == ':')		/* only long options take values here */
		return cli_usage_error(cmd, "option '--%s' needs a value",
				       long_name ? long_name : "?");
	if (optopt != 0 && (optopt >= 256 || strchr(shorts, optopt) != NULL))
		return cli_usage_error(cmd, "option '--%s' takes no value",
				       long_name ? long_name : "?");
	if (optopt != 0)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	/* optopt == 0: an unknown or ambiguous long option, "--NAME[=VALUE]" */
	len = (int)strcspn(arg, "=");
	for (const struct option *o = opts; o->name; o++)
		if (len > 2 && strncmp(o->name, arg + 2, (size_t)len - 2) == 0)
			matches++;
	if (matches > 1)
		return cli_usage_error(cmd, "ambiguous option '%.*s'", len, arg);
	return cli_usage_error(cmd, "unknown option '%.*s'", len, arg);
}

/* Appends ARG to the --set list S. */
int cli_sets_add(struct sets *s, const char *arg, int argc)
{
	if (s->v == NULL && (s->v = calloc((size_t)argc, sizeof *s->v)) == NULL) {
		fprintf(stderr, "minikvm: out of memory\n");
		return STATUS_GUEST_FAILED;
	}
	s->v[s->n++] = arg;
	return 0;
}

/* FILE loaded with SETS, or NULL after its errors. */
struct manifest *cli_load_or_report(const char *file, const struct sets *sets)
{
	struct diags d = { .file = file };
	struct manifest *m = NULL;

	if (manifest_load_with(file, sets ? sets->v : NULL, sets ? sets->n : 0,
			       &m, &d) < 0)
		diags_print(&d, stderr);
	diags_free(&d);
	return m;
}

/* The one manifest argument of run or bench, loaded into *M. */
int cli_load_one(const char *cmd, int argc, char **argv, const struct sets *sets,
		 struct manifest **m)
{
	*m = NULL;
	if (optind == argc)
		return cli_usage_error(cmd, "no manifest given");
	if (argc - optind > 1)
		return cli_usage_error(cmd, "one manifest at a time (extra: '%s')",
				       argv[optind + 1]);
	*m = cli_load_or_report(argv[optind], sets);
	return *m != NULL ? 0 : STATUS_USAGE;
}

/* Opens O's file, or takes its standard stream. */
int cli_out_open(struct out_file *o)
{
	if (o->path == NULL) {
		o->f = o->std;
		return 0;
	}
	o->f = fopen(o->path, "we");
	if (o->f == NULL) {
		fprintf(stderr, "minikvm: %s: cannot create %s: %s\n", o->opt, o->path,
			strerror(errno));
		return STATUS_USAGE;
	}
	return 0;
}

/* Flushes and closes O; a write error folded into STATUS. */
int cli_out_close(struct out_file *o, int recorded, int status)
{
	int err = recorded == EPIPE ? 0 : recorded;
	const char *name = o->path ? o->path :
			   o->f == stdout ? "standard output" : "standard error";
	bool had_error, is_stderr = o->f == stderr;

	if (o->f == NULL)
		return status;
	had_error = ferror(o->f);
	if (o->path == NULL) {
		if (fflush(o->f) != 0 && err == 0)
			err = errno;
		/* reported once: the next user of the stream starts clean */
		clearerr(o->f);
	} else if (fclose(o->f) != 0 && err == 0) {
		err = errno;
	}
	o->f = NULL;
	/* a write a stop's kick interrupted (EINTR) is no write error */
	if (err == EINTR || (had_error && recorded == 0 && status != STATUS_OK))
		err = 0;
	if (err == 0 && had_error && recorded == 0)
		err = EIO;	/* failed before, for a reason no longer known */
	if (err == 0 || err == EPIPE)
		return status;
	/* a failing stderr is not told about itself (it may block too) */
	if (!is_stderr)
		fprintf(stderr, "minikvm: %s%scannot write %s: %s\n", o->opt ? o->opt : "",
			o->opt ? ": " : "", name, strerror(err));
	clearerr(stderr);	/* its own failure is not a second error */
	return status == STATUS_OK ? STATUS_GUEST_FAILED : status;
}

/* Blocks SIGINT and SIGTERM until minikvm exits. */
int cli_block_stop_signals(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &s, NULL) != 0) {
		fprintf(stderr, "minikvm: signals: %s\n", strerror(errno));
		return STATUS_GUEST_FAILED;
	}
	return 0;
}

/* STATUS, raised to 130 or 143 by a pending stop signal. */
int cli_pending_stop_status(int status)
{
	sigset_t p;
	int sig_status;

	if (sigpending(&p) != 0)
		return status;
	sig_status = sigismember(&p, SIGTERM) ? STATUS_SIGTERM :
		     sigismember(&p, SIGINT) ? STATUS_SIGINT : 0;
	return sig_status > status ? sig_status : status;
}
