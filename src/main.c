/*
 * main.c - the minikvm command: main(), the top-level options (--help,
 * --version) and the dispatch to a subcommand, each in its own file:
 *
 *   minikvm run [--set PATH=VALUE]... [--color=WHEN] [--no-color]
 *               [--trace[=LIST]] [--stats[=json:FILE]] MANIFEST   cmd_run.c
 *   minikvm check [-v] [--set PATH=VALUE]... MANIFEST...          cmd_check.c
 *   minikvm doctor [--json | --mode MODE]                         cmd_doctor.c
 *   minikvm bench [--set PATH=VALUE]... [--repeat N] [--json FILE] MANIFEST
 *                                                                 cmd_bench.c
 *
 * Only main() and the subcommands decide exit statuses (machine.h lists
 * them; a subcommand returns its status to main, nothing calls exit()),
 * and only they open and close the files named on the command line
 * (cli.h), so that a write error on any of them becomes one diagnosis and
 * the status.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vmm/machine.h"
#include "vmm/stats.h"

#ifndef MINIKVM_VERSION
#define MINIKVM_VERSION "0.1"
#endif

static const char usage_text[] =
	"usage: " SYN_RUN
	"       " SYN_CHECK
	"       " SYN_DOCTOR
	"       " SYN_BENCH
	"       minikvm --help | --version\n"
	"\n"
	"  run     check MANIFEST, build the VMs it describes and run them\n"
	"  check   check each MANIFEST and print its errors; nothing on success\n"
	"  doctor  report what this host's KVM can do\n"
	"  bench   run MANIFEST's scenario many times, report min/median/max\n"
	"\n"
	"Options may also follow the manifest; '--' ends them.  Each command's\n"
	"options: 'minikvm COMMAND --help'.\n"
	"\n"
	"Exit status:\n"
	"    0  every vCPU ended normally (or the highest EXIT_STATUS a vCPU gave)\n"
	"    1  a guest failed, no usable KVM, or an output could not be written\n"
	"    2  usage or manifest error\n"
	"  124  limits.timeout passed\n"
	"  130  interrupted by SIGINT\n"
	"  141  run: standard output's reader went away (as if by SIGPIPE)\n"
	"  143  terminated by SIGTERM\n"
	"See minikvm(1).\n";

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

/*
 * The end of every command: what is still in stdout's buffer is written,
 * and a write error on it (a full disk, /dev/full) is one line and status
 * 1, unless STATUS is already higher.  EPIPE is no error (see main).
 */
static int stdout_close(int status)
{
	struct out_file o = { .std = stdout, .f = stdout };

	return cli_out_close(&o, 0, status);
}

/* The top-level options, then the subcommand ARGV names; its status. */
static int dispatch(int argc, char **argv, uint64_t t_start)
{
	static const char shorts[] = "hV";
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* '+': stop at the command's name; the command parses the rest */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return STATUS_OK;
		case 'V':
			printf("minikvm %s\n", MINIKVM_VERSION);
			return STATUS_OK;
		default:
			return cli_bad_option(NULL, c, argv, shorts, opts);
		}
	}
	if (optind == argc)
		return cli_usage_error(NULL, "no command given (expected run, check, doctor or bench)");
	argc -= optind;
	argv += optind;
	/*
	 * 0, not 1: glibc then starts afresh, reading the new optstring's
	 * '+' (none: options may follow the manifest) and POSIXLY_CORRECT.
	 */
	optind = 0;
	if (strcmp(argv[0], "run") == 0)
		return cmd_run(argc, argv, t_start);
	if (strcmp(argv[0], "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(argv[0], "doctor") == 0)
		return cmd_doctor(argc, argv);
	if (strcmp(argv[0], "bench") == 0)
		return cmd_bench(argc, argv);
	return cli_usage_error(NULL, "unknown command '%s' (expected run, check, doctor or bench)",
			       argv[0]);
}

/* minikvm: set-up, the command, and stdout's last write; the status. */
int main(int argc, char **argv)
{
	uint64_t t_start = stats_now();	/* set-up time is measured from here */

	/* A reader that goes away (minikvm run x | head) is not an error. */
	signal(SIGPIPE, SIG_IGN);
	std_fds_open();
	/* the diagnoses are ours: one line each, naming the command */
	opterr = 0;
	return stdout_close(dispatch(argc, argv, t_start));
}
