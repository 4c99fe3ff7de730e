/*
 * cmd_doctor.c - `minikvm doctor`: its options, then the report on this
 * host's KVM (doctor.c), or with --mode only the status for one mode.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "tools/doctor.h"
#include "vmm/machine.h"
#include "vmm/probe.h"

static const char doctor_usage[] =
	"usage: " SYN_DOCTOR
	"\n"
	"Report what this host's KVM can do: the device and its module, whether the\n"
	"host is itself a VM, the capabilities minikvm uses, and for each guest mode\n"
	"whether a tiny probe guest runs, and how fast.\n"
	"\n"
	"  --json               print the report as one JSON object\n"
	"  --mode MODE          print nothing; exit 0 if a guest in MODE runs here,\n"
	"                       1 if not.  MODE: real, protected, protected+paging,\n"
	"                       protected+interrupts, long\n"
	"  -h, --help           print this help and exit\n"
	"\n"
	"--json and --mode do not go together.\n"
	"\n"
	"Exit status:\n"
	"    0  KVM is usable (--mode: a guest in MODE runs)\n"
	"    1  KVM is not usable (--mode: a guest in MODE does not run), or\n"
	"       standard output could not be written\n"
	"    2  usage error\n";

/* `minikvm doctor [OPTION]...`; the exit status. */
int cmd_doctor(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_MODE };
	static const char shorts[] = "h";
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int mode = -1, c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_MODE:
			mode = probe_mode_parse(optarg);
			if (mode < 0)
				return cli_usage_error("doctor", "--mode=%s: expected real, protected, protected+paging, protected+interrupts or long",
						       optarg);
			break;
		case 'h':
			fputs(doctor_usage, stdout);
			return STATUS_OK;
		default:
			return cli_bad_option("doctor", c, argv, shorts, opts);
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	/* --mode answers by its status alone: there is no report to put in JSON */
	if (json && mode >= 0)
		return cli_usage_error("doctor", "--json and --mode do not go together");
	if (mode >= 0)
		return probe_mode_runs((enum probe_mode)mode) ? STATUS_OK :
		       STATUS_GUEST_FAILED;
	return doctor_report(stdout, json);
}
