/*
 * fuzz_manifest.c - libFuzzer target: the manifest loader (libyaml event
 * walk, libcyaml load, every check) on arbitrary bytes.  It must never
 * crash, leak or read out of bounds; it may accept or refuse the input.
 * Seeds: configs/ and tests/manifests/ (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest/diag.h"
#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* relative image paths resolve against the seed corpus's folder */
	struct diags d = { .file = "tests/manifests/good/fuzz.yaml" };
	struct manifest *m = NULL;

	if (manifest_parse(d.file, data, size, &m, &d) == 0) {
		FILE *null = fopen("/dev/null", "w");

		if (null != NULL) {
			manifest_print(m, null);	/* the saving path too */
			fclose(null);
		}
		manifest_free(m);
	}
	diags_free(&d);
	return 0;
}
