/*
 * cmd_check.c - `minikvm check`: its options, and each manifest checked
 * (its errors on stderr) and with -v printed as the effective manifest.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "vmm/machine.h"
#include "manifest/manifest.h"

static const char check_usage[] =
	"usage: " SYN_CHECK
	"\n"
	"Check each MANIFEST and print its errors on standard error, one a line as\n"
	"FILE:LINE:COL: error: field.path: message; nothing for a good one.  Options\n"
	"may also follow the manifests; '--' ends them.\n"
	"\n"
	"  -v, --verbose        print the effective manifest (defaults applied, image\n"
	"                       paths absolute) on standard output\n"
	"  --set PATH=VALUE     override a manifest field (may be repeated)\n"
	"  -h, --help           print this help and exit\n"
	"\n"
	"Exit status:\n"
	"    0  every MANIFEST is good\n"
	"    1  standard output could not be written\n"
	"    2  usage error, or a MANIFEST has errors\n";


/* `minikvm check [OPTION]... MANIFEST...`; the exit status. */
int cmd_check(int argc, char **argv)
{
	enum { OPT_SET = 256 };
	static const char shorts[] = "vh";
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sets sets = { 0 };
	bool verbose = false;
	int status = STATUS_OK, c;

	while ((c = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case OPT_SET:
			if ((status = cli_sets_add(&sets, optarg, argc)) != 0)
				goto out;
			break;
		case 'h':
			fputs(check_usage, stdout);
			goto out;
		default:
			status = cli_bad_option("check", c, argv, shorts, opts);
			goto out;
		}
	}
	if (optind == argc) {
		status = cli_usage_error("check", "no manifest given");
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		struct manifest *m = cli_load_or_report(argv[i], &sets);

		if (m == NULL) {
			status = STATUS_USAGE;
			continue;
		}
		if (verbose) {
			if (argc - optind > 1)
				printf("# %s\n", argv[i]);
			if (manifest_print(m, stdout) < 0) {
				/*
				 * It said why; what stdio still holds would fail
				 * again at the end: one diagnosis is enough.  The
				 * other manifests are still checked.
				 */
				__fpurge(stdout);
				clearerr(stdout);
				verbose = false;
				if (status == STATUS_OK)
					status = STATUS_GUEST_FAILED;
			}
		}
		manifest_free(m);
	}
out:
	free(sets.v);
	return status;
}
