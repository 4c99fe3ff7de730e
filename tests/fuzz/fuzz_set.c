/*
 * fuzz_set.c - libFuzzer target: --set PATH=VALUE overrides together with
 * the manifest they apply to.  The input is text: its first lines that
 * start with "--set " are the overrides (at most MAX_SETS; the rest of
 * each line is the argument), everything after them is the manifest.
 * Loading must never crash, leak or read out of bounds; it may accept or
 * refuse.  What it accepts must print (manifest_print), and the printed
 * manifest must load again, without overrides, and print the same bytes:
 * the promise of `minikvm check -v`.  A broken promise aborts, with both
 * texts on stderr.  Seeds: tests/fuzz/run-fuzz builds them from the
 * manifests in configs/ and tests/manifests/ and the cases of
 * tests/manifests/set/cases.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/diag.h"
#include "manifest/manifest.h"

#define MAX_SETS 8
#define PREFIX "--set "

/* M printed into a new string (NULL if printing failed); *LEN its bytes. */
static char *print(const struct manifest *m, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	int rc;

	if (f == NULL)
		return NULL;
	rc = manifest_print(m, f);
	if (fclose(f) != 0 || rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void broken(const char *what, const char *first, struct diags *d)
{
	fprintf(stderr, "fuzz_set: %s\n--- printed:\n%s\n", what, first);
	if (d != NULL)
		diags_print(d, stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* relative image paths resolve against the seed corpus's folder,
	 * those in --set against the current directory (the project's root) */
	struct diags d = { .file = "tests/manifests/good/fuzz.yaml" };
	struct diags d2 = { .file = d.file };
	char *copy = malloc(size + 1), *p, *sets[MAX_SETS];
	size_t nsets = 0, len1 = 0, len2 = 0;
	struct manifest *m = NULL, *m2 = NULL;
	char *first = NULL, *second = NULL;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	while (nsets < MAX_SETS && strncmp(p, PREFIX, strlen(PREFIX)) == 0) {
		char *nl = strchr(p, '\n');

		if (nl == NULL)
			break;
		*nl = '\0';
		sets[nsets++] = p + strlen(PREFIX);
		p = nl + 1;
	}
	if (manifest_parse_with(d.file, (const uint8_t *)p, size - (size_t)(p - copy),
				(const char *const *)sets, nsets, &m, &d) == 0) {
		first = print(m, &len1);
		if (first == NULL)
			broken("an accepted manifest does not print", "", NULL);
		if (manifest_parse(d2.file, (const uint8_t *)first, len1, &m2, &d2) < 0)
			broken("the printed manifest does not load again", first, &d2);
		second = print(m2, &len2);
		if (second == NULL || len1 != len2 || memcmp(first, second, len1) != 0)
			broken("the printed manifest prints differently when loaded again",
			       first, NULL);
	}
	manifest_free(m);
	manifest_free(m2);
	free(first);
	free(second);
	diags_free(&d);
	diags_free(&d2);
	free(copy);
	return 0;
}
