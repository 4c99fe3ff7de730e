/*
 * yamlcheck.h - checks a YAML document against a libcyaml schema, reporting
 * every error with its line and column.
 *
 * libcyaml 1.3.1 stops at the first error and locates it only through its log
 * (and then at the previous parser event), so before the real load this walks
 * libyaml's event stream itself, following the very same cyaml_schema_value_t
 * tree that the load uses: the schema is declared once, in manifest.c.  It
 * reports unknown keys (with "did you mean"), duplicate and missing keys,
 * wrong node kinds, enum values, string lengths, sequence lengths, aliases,
 * nesting depth and YAML syntax errors, and runs a per-field scalar check
 * (e.g. "is this a size?") so that such errors come out in the same pass.
 * It also records where each value is, so later semantic checks can be
 * located too.
 */
#ifndef MINIKVM_YAMLCHECK_H
#define MINIKVM_YAMLCHECK_H

#include <cyaml/cyaml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest/diag.h"

/* Where the value at a field path ("vcpus[1].memory") starts, 1-based. */
struct ypos_entry {
	char *path;
	unsigned line, col;
	bool is_key;	/* the position of the key, not of the value */
};

/* The positions of every value of a document, in document order. */
struct ypos {
	struct ypos_entry *v;
	size_t n, cap;
};

/*
 * A check run on every scalar whose schema path matches: schema_path is the
 * field path with sequence indices left out ("vcpus[].memory").  check()
 * returns 0 if VALUE is acceptable, or -1 and a phrase in *why ("is not a
 * size"); the error then reads: PATH: "VALUE" WHY (expected EXPECTED).
 * An entry with check NULL and schema_path "A.KEY|OTHER" (not at the top
 * level) is a rule instead: the optional field A.KEY is required unless
 * its sibling OTHER is given ("missing required key 'KEY'").
 */
struct scalar_check {
	const char *schema_path;
	int (*check)(const char *value, const char **why);
	const char *expected;
};

/*
 * yamlcheck_run - parses DATA (LEN bytes of YAML) and checks its single
 * document against TOP, the schema of the top-level value.  CHECKS is an
 * array ended by an entry with schema_path NULL (or NULL for none).  Every
 * error goes to D; positions of values go to POS (may be NULL).
 * Returns the number of errors found (0: the document fits the schema).
 */
size_t yamlcheck_run(const uint8_t *data, size_t len,
		     const cyaml_schema_value_t *top,
		     const struct scalar_check *checks, struct ypos *pos,
		     struct diags *d);

/*
 * yamlcheck_value - checks one scalar VALUE against the scalar schema S
 * whose schema path is SPATH ("vcpus[].memory"), as the walk does: enum
 * values, string lengths, CHECKS, and that VALUE is UTF-8 (as libyaml makes
 * a file's values).  Returns 0, or -1 with the message in MSG.  For values
 * that come from elsewhere than a file (--set).
 */
int yamlcheck_value(const cyaml_schema_value_t *s, const char *spath,
		    const char *value, const struct scalar_check *checks,
		    char *msg, size_t msglen);

/*
 * ypos_find - the position of the value at PATH, or, if that value is
 * absent from the document, of its nearest enclosing value that is present
 * ("vcpus[1].stdin" -> "vcpus[1]" -> "vcpus").  Returns false (and 0:0) if
 * nothing on the way is present.
 */
bool ypos_find(const struct ypos *pos, const char *path, unsigned *line,
	       unsigned *col);

/*
 * yamlcheck_is_utf8 - whether the string S is well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing past U+10FFFF): what libyaml's reader
 * demands of a file, so that a value from elsewhere (--set) can be saved
 * in a manifest and read back.
 */
bool yamlcheck_is_utf8(const char *s);

/* ypos_has - whether the document itself gives a value at exactly PATH. */
bool ypos_has(const struct ypos *pos, const char *path);

/* ypos_free - releases the positions; POS can be reused. */
void ypos_free(struct ypos *pos);

/*
 * yamlcheck_nearest - the entry of WORDS (N of them) closest to WORD by edit
 * distance, if it is close enough to be a likely misspelling; else NULL.
 */
const char *yamlcheck_nearest(const char *word, const char *const *words,
			      size_t n);

#endif
