/*
 * cli.h - what main.c and the subcommands (cmd_*.c) share; for them only.
 *
 * main() parses the top-level options and hands the rest of the command
 * line to one cmd_NAME(), which parses its own options with getopt_long
 * and returns the exit status (machine.h lists them): nothing below main
 * calls exit().  The helpers here (cmd_common.c) word usage errors alike,
 * gather --set arguments, load a manifest reporting its errors, and open
 * and close the files named on the command line, so that a write error on
 * any of them becomes one diagnosis and the status.
 */
#ifndef MINIKVM_CLI_H
#define MINIKVM_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest/manifest.h"

/*
 * The synopsis lines.  They are the same in `minikvm --help`, in each
 * `minikvm COMMAND --help` and in minikvm(1)'s SYNOPSIS (tests/t/15-cli.t
 * compares their options).
 */
#define SYN_RUN \
	"minikvm run [--set PATH=VALUE]... [--color=WHEN] [--no-color]\n" \
	"                   [--trace[=LIST]] [--stats[=json:FILE]] [--gdb[=ADDRESS]]\n" \
	"                   [--no-sandbox] MANIFEST\n"
#define SYN_CHECK "minikvm check [-v] [--set PATH=VALUE]... MANIFEST...\n"
#define SYN_DOCTOR "minikvm doctor [--json | --mode MODE]\n"
#define SYN_BENCH \
	"minikvm bench [--set PATH=VALUE]... [--repeat N] [--json FILE] MANIFEST\n"

/*
 * The subcommands: ARGV[0] is the command's name, getopt_long's optind is
 * 0 (it starts afresh).  Each returns the exit status.  T_START is when
 * minikvm started (stats_now()), from which set-up time is measured.
 */
int cmd_run(int argc, char **argv, uint64_t t_start);
int cmd_check(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/*
 * cli_usage_error - prints "minikvm: CMD: MESSAGE (try 'minikvm CMD --help')"
 * on one line; CMD is NULL at the top level.  FMT and the rest are the
 * message, as for printf.  Returns STATUS_USAGE.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * cli_bad_option - the diagnosis of what getopt_long refused.  It is called
 * with opterr = 0 and an optstring starting with ':' (after any '+'), so
 * C is '?' (unknown or ambiguous option, or a value given to an option that
 * takes none) or ':' (a value missing).  ARGV, SHORTS (the optstring's
 * option letters) and OPTS are what getopt_long was given; it reads optopt
 * and optind as getopt_long left them.  Returns STATUS_USAGE.
 */
int cli_bad_option(const char *cmd, int c, char **argv, const char *shorts,
		   const struct option *opts);

/* --set PATH=VALUE arguments, in order: later ones win. */
struct sets {
	const char **v;
	size_t n;
};

/* cli_sets_add - appends ARG to S (room for ARGC made at the first); 0,
 * or STATUS_GUEST_FAILED after saying minikvm is out of memory. */
int cli_sets_add(struct sets *s, const char *arg, int argc);

/* cli_load_or_report - loads FILE with the overrides SETS (or NULL),
 * printing its errors; NULL if any. */
struct manifest *cli_load_or_report(const char *file, const struct sets *sets);

/*
 * cli_load_one - for a command of one manifest (run, bench): ARGV[optind]
 * must be the only argument left after the options; loads it with SETS
 * into *M.  Returns 0, or STATUS_USAGE (*M NULL) after saying why: no
 * manifest, more than one, or the manifest's errors.
 */
int cli_load_one(const char *cmd, int argc, char **argv, const struct sets *sets,
		 struct manifest **m);

/*
 * An output named on the command line: the trace, the stats, bench's
 * JSON.  Opened only once the command line and the manifest are good (a
 * bad command never creates or truncates a file), closed by cli_out_close.
 */
struct out_file {
	const char *opt;	/* "--trace": names it in diagnoses; or NULL */
	const char *path;	/* the file, or NULL for the stream below */
	FILE *std;		/* stdout or stderr when PATH is NULL */
	FILE *f;		/* what is written to; NULL: not in use */
};

/* cli_out_open - opens O (or takes its standard stream); 0, or STATUS_USAGE
 * after saying why. */
int cli_out_open(struct out_file *o);

/*
 * cli_out_close - flushes O's file and closes it (a standard stream is only
 * flushed).  RECORDED is the errno of a write error seen earlier (the
 * trace records its own), or 0.  A write error is one line on stderr; it
 * turns STATUS 0 into 1, and leaves a higher status (a guest's failure,
 * the timeout, a signal) as it is.  EPIPE is no error: a reader that
 * goes away (minikvm run ... | head) is allowed to.  Returns the status.
 */
int cli_out_close(struct out_file *o, int recorded, int status);

/*
 * SIGINT and SIGTERM stay blocked from just before a run (once its files
 * are open) until minikvm exits: machine_run reads them from a signalfd
 * while guests run, and one that comes after it (or between bench's
 * runs) must not kill minikvm before its files are complete and closed.
 * cli_block_stop_signals returns 0, or STATUS_GUEST_FAILED after saying
 * why.
 * cli_pending_stop_status turns such a late signal, still pending, into
 * the status it stands for (130, 143) if that is higher than STATUS, and
 * returns the status.
 */
int cli_block_stop_signals(void);
int cli_pending_stop_status(int status);

#endif
