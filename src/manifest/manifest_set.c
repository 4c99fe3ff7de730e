/*
 * manifest_set.c - --set PATH=VALUE: each argument applied over the raw
 * manifest (manifest_raw.h) by walking the libcyaml schema of manifest.c,
 * as the loader does, before the raw manifest is built; and the check that
 * a mapping a --set created got its required fields.
 */
#define _GNU_SOURCE
#include <cyaml/cyaml.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest_raw.h"
#include "manifest/yamlcheck.h"

/* Notes in ST that SET made the mapping at BASE (FIELDS; at PATH). */
static int created_add(struct set_state *st, const void *base,
		       const cyaml_schema_field_t *fields, const char *path,
		       const char *set)
{
	struct created_map *v = realloc(st->v, (st->n + 1) * sizeof *v);

	if (v == NULL)
		return -1;
	st->v = v;
	v[st->n] = (struct created_map){ base, fields, strdup(path), set };
	if (v[st->n].path == NULL)
		return -1;
	st->n++;
	return 0;
}

/* One --set PATH=VALUE, walked down the schema and stored in RAW. */
int manifest_set_apply(struct raw_manifest *raw, const char *set,
		       struct set_state *st, char **canon, struct diags *d)
{
	char arg[300];
	const cyaml_schema_value_t *schema = &manifest_schema;
	const char *eq = strchr(set, '='), *p = set;
	char path[256], spath[256], msg[600];
	size_t plen = 0, splen = 0;
	uint8_t *base = (uint8_t *)raw;
	const char *value;

	*canon = NULL;
	snprintf(arg, sizeof arg, "--set %s", manifest_shown_path(set));
	if (eq == NULL || eq == set || (size_t)(eq - set) >= sizeof path)
		goto usage;
	/* field paths are ASCII words; this keeps them printable in errors */
	for (const char *q = set; q < eq; q++)
		if (*q < ' ' || *q >= 0x7f)
			goto usage;
	value = eq + 1;
	path[0] = spath[0] = '\0';
	while (p < eq) {
		const cyaml_schema_field_t *f = NULL;
		const char *names[64];
		char key[64];
		size_t n = 0, k = strcspn(p, ".[=");
		uint8_t *addr;

		if (k == 0 || k >= sizeof key)
			goto usage;
		memcpy(key, p, k);
		key[k] = '\0';
		p += k;
		/* canonical paths are never longer than the argument's */
		plen += (size_t)snprintf(path + plen, sizeof path - plen, "%s%s", plen ? "." : "", key);
		splen += (size_t)snprintf(spath + splen, sizeof spath - splen, "%s%s", splen ? "." : "", key);
		for (; schema->mapping.fields[n].key != NULL && n < 64; n++) {
			names[n] = schema->mapping.fields[n].key;
			if (strcmp(names[n], key) == 0)
				f = &schema->mapping.fields[n];
		}
		if (f == NULL) {
			const char *near = yamlcheck_nearest(key, names, n);

			if (near)
				diags_add_origin(d, arg, path, "unknown key (did you mean '%s'?)", near);
			else
				diags_add_origin(d, arg, path, "unknown key");
			return -1;
		}
		addr = base + f->data_offset;
		schema = &f->value;
		if (schema->type == CYAML_MAPPING) {
			if (*p != '.') {
				diags_add_origin(d, arg, path, "is a mapping (set one of its fields)");
				return -1;
			}
			if (schema->flags & CYAML_FLAG_POINTER) {
				void **pp = (void **)addr;

				if (*pp == NULL) {
					if ((*pp = calloc(1, schema->data_size)) == NULL ||
					    created_add(st, *pp, schema->mapping.fields, path, set) < 0) {
						diags_add_origin(d, arg, NULL, "out of memory");
						return -1;
					}
				}
				addr = *pp;
			}
			base = addr;
			p++;
			continue;
		}
		if (schema->type == CYAML_SEQUENCE) {
			unsigned count = 0;
			uint64_t idx = 0;
			bool too_big = false;
			const char *digits = p + 1, *q = digits;
			int nd;

			memcpy(&count, base + f->count_offset,
			       f->count_size < sizeof count ? f->count_size : sizeof count);
			if (*p != '[') {
				diags_add_origin(d, arg, path, "is a sequence (set a field of one entry, e.g. %s[0].memory)", path);
				return -1;
			}
			while (q < eq && *q >= '0' && *q <= '9') {
				unsigned dg = (unsigned)(*q++ - '0');

				if (idx > (UINT64_MAX - dg) / 10)
					too_big = true;
				else
					idx = idx * 10 + dg;
			}
			nd = (int)(q - digits);
			if (nd == 0 || q >= eq || *q != ']') {
				const char *close = memchr(digits, ']', (size_t)(eq - digits));
				int shown = (int)((close ? close : eq) - digits);

				diags_add_origin(d, arg, path, "\"[%.*s%s\" is not an index (expected decimal digits, e.g. [0])",
						 shown, digits, close ? "]" : "");
				return -1;
			}
			if (nd > 1 && digits[0] == '0') {
				diags_add_origin(d, arg, path, "index %.*s has a leading 0 (expected [%llu])",
						 nd, digits, (unsigned long long)idx);
				return -1;
			}
			plen += (size_t)snprintf(path + plen, sizeof path - plen, "[%.*s]", nd, digits);
			splen += (size_t)snprintf(spath + splen, sizeof spath - splen, "[]");
			if (too_big || idx >= count) {
				diags_add_origin(d, arg, path, "no such entry (the manifest has %u)", count);
				return -1;
			}
			schema = schema->sequence.entry;
			base = *(uint8_t **)addr + (size_t)idx * schema->data_size;
			p = q + 1;
			if (*p != '.') {
				diags_add_origin(d, arg, path, "is a mapping (set one of its fields)");
				return -1;
			}
			p++;
			continue;
		}
		/* a scalar: the last component */
		if (p != eq) {
			diags_add_origin(d, arg, path, "is a single value, without fields or entries");
			return -1;
		}
		if (yamlcheck_value(schema, spath, value, manifest_checks, msg, sizeof msg) < 0) {
			diags_add_origin(d, arg, path, "%s", msg);
			return -1;
		}
		if (schema->type == CYAML_ENUM) {
			/* an enum kept by pointer (absent: NULL) gets its own int,
			 * freed by libcyaml with the rest */
			if (schema->flags & CYAML_FLAG_POINTER) {
				uint8_t *held;	/* memcpy: the slot's type is the enum's pointer */

				memcpy(&held, addr, sizeof held);
				if (held == NULL && (held = calloc(1, sizeof(int))) == NULL) {
					diags_add_origin(d, arg, NULL, "out of memory");
					return -1;
				}
				memcpy(addr, &held, sizeof held);
				addr = held;
			}
			for (uint32_t i = 0; i < schema->enumeration.count; i++) {
				if (strcmp(schema->enumeration.strings[i].str, value) == 0) {
					int v = (int)schema->enumeration.strings[i].val;

					memcpy(addr, &v, sizeof v);
				}
			}
		} else {
			char **sp = (char **)addr, *copy = strdup(value);

			if (copy == NULL) {
				diags_add_origin(d, arg, NULL, "out of memory");
				return -1;
			}
			free(*sp);
			*sp = copy;
		}
		if ((*canon = strdup(path)) == NULL) {
			diags_add_origin(d, arg, NULL, "out of memory");
			return -1;
		}
		return 0;
	}
usage:
	diags_add_origin(d, arg, NULL, "expected PATH=VALUE, e.g. vcpus[0].memory=1M");
	return -1;
}

/* Whether the raw struct at BASE has a value for the field F. */
static bool field_given(const uint8_t *base, const cyaml_schema_field_t *f)
{
	const uint8_t *at = base + f->data_offset;
	size_t size = f->value.flags & CYAML_FLAG_POINTER ? sizeof(void *) :
		      f->value.data_size;

	if (f->value.type == CYAML_SEQUENCE && f->count_size > 0)
		at = base + f->count_offset, size = f->count_size;
	for (size_t i = 0; i < size; i++)
		if (at[i] != 0)
			return true;
	return false;
}

/* The required fields of each mapping --set created; the errors. */
size_t manifest_set_check_created(const struct set_state *st, struct diags *d)
{
	size_t errors = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct created_map *c = &st->v[i];
		char arg[300];

		snprintf(arg, sizeof arg, "--set %s", manifest_shown_path(c->set));
		for (const cyaml_schema_field_t *f = c->fields; f->key != NULL; f++) {
			if ((f->value.flags & CYAML_FLAG_OPTIONAL) || field_given(c->base, f))
				continue;
			diags_add_origin(d, arg, c->path,
					 "missing required key '%s' (the manifest has no %s, so --set must give %s.%s too)",
					 f->key, c->path, c->path, f->key);
			errors++;
		}
	}
	return errors;
}

/* Releases the paths of the created mappings and the list. */
void manifest_set_state_free(struct set_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->v[i].path);
	free(st->v);
}
