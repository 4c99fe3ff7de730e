/*
 * yamlcheck.c - checks a YAML event stream against a libcyaml schema, with
 * positions (see yamlcheck.h).  The walk keeps one frame per open mapping or
 * sequence and the field path of the node being read; it never builds a
 * document tree, so its memory is bounded by the nesting depth.
 */
#define _GNU_SOURCE
#include "manifest/yamlcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 32		/* deeper nesting than any manifest needs */
#define PATH_LEN 512		/* bytes; longer paths are cut short */
#define SHOW_LEN 40		/* bytes of a bad value quoted in an error */

struct frame {
	const cyaml_schema_value_t *schema;	/* NULL: contents not checked */
	bool is_seq;
	bool is_key;		/* a mapping or sequence used as a key */
	bool want_key;		/* mapping: the next scalar is a key */
	const cyaml_schema_field_t *field;	/* mapping: current field */
	uint64_t seen;		/* mapping: fields given (bit per field) */
	size_t plen, splen;	/* path lengths at this node */
	unsigned count;		/* sequence: entries so far */
	unsigned line, col;	/* where this node starts */
};

struct walker {
	struct diags *d;
	struct ypos *pos;
	const struct scalar_check *checks;
	const cyaml_schema_value_t *top;
	struct frame stack[MAX_DEPTH];
	int depth;
	char path[PATH_LEN];	/* "vcpus[1].memory" */
	char spath[PATH_LEN];	/* "vcpus[].memory": the schema path */
	size_t plen, splen;
	size_t errors;
};

#define ERR(w, line, col, ...) \
	do { \
		(w)->errors++; \
		diags_add((w)->d, (line), (col), (w)->path, __VA_ARGS__); \
	} while (0)

static void path_push(char *buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void path_push(char *buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= PATH_LEN - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, PATH_LEN - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < PATH_LEN - *len ? (size_t)n : PATH_LEN - 1 - *len;
}

static void path_cut(struct walker *w, size_t plen, size_t splen)
{
	w->plen = plen;
	w->path[plen] = '\0';
	w->splen = splen;
	w->spath[splen] = '\0';
}

/* Quotes VALUE for an error message: printable ASCII only, cut short. */
static const char *show(const char *value, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; value[i] != '\0' && o + 6 < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (i == SHOW_LEN) {
			o += (size_t)snprintf(buf + o, len - o, "...");
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

bool yamlcheck_is_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != '\0') {
		unsigned c = *s++, n, cp;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (unsigned i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* Optimal string alignment distance, bounded: returns 99 for long words. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned d[33][33];

	if (n > 32 || m > 32)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

const char *yamlcheck_nearest(const char *word, const char *const *words,
			      size_t n)
{
	const char *best = NULL;
	unsigned best_d = 99;

	for (size_t i = 0; i < n; i++) {
		unsigned dist = edit_distance(word, words[i]);
		unsigned limit = strlen(words[i]) <= 4 ? 1 : 2;

		if (dist <= limit && dist < best_d) {
			best = words[i];
			best_d = dist;
		}
	}
	return best;
}

static void pos_add(struct walker *w, unsigned line, unsigned col, bool is_key)
{
	struct ypos *p = w->pos;

	if (p == NULL)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct ypos_entry *v = realloc(p->v, cap * sizeof *v);

		if (v == NULL)
			return;	/* positions are a nicety; errors still work */
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].path = strdup(w->path);
	if (p->v[p->n].path == NULL)
		return;
	p->v[p->n].line = line;
	p->v[p->n].col = col;
	p->v[p->n].is_key = is_key;
	p->n++;
}

bool ypos_find(const struct ypos *pos, const char *path, unsigned *line,
	       unsigned *col)
{
	char buf[PATH_LEN];
	size_t len;

	snprintf(buf, sizeof buf, "%s", path);
	for (;;) {
		for (size_t i = 0; i < pos->n; i++) {
			if (!pos->v[i].is_key && strcmp(pos->v[i].path, buf) == 0) {
				*line = pos->v[i].line;
				*col = pos->v[i].col;
				return true;
			}
		}
		len = strlen(buf);
		if (len == 0)
			break;
		/* drop the last ".key" or "[i]" */
		while (len > 0 && buf[len - 1] != '.' && buf[len - 1] != '[')
			len--;
		if (len > 0)
			len--;
		buf[len] = '\0';
	}
	*line = *col = 0;
	return false;
}

bool ypos_has(const struct ypos *pos, const char *path)
{
	for (size_t i = 0; i < pos->n; i++)
		if (!pos->v[i].is_key && strcmp(pos->v[i].path, path) == 0)
			return true;
	return false;
}

void ypos_free(struct ypos *pos)
{
	for (size_t i = 0; i < pos->n; i++)
		free(pos->v[i].path);
	free(pos->v);
	pos->v = NULL;
	pos->n = pos->cap = 0;
}

static const char *kind_name(const cyaml_schema_value_t *s)
{
	switch (s->type) {
	case CYAML_MAPPING: return "a mapping";
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED: return "a sequence";
	case CYAML_STRING: return "a string";
	case CYAML_ENUM: return "one of the listed words";
	default: return "a scalar";
	}
}

/* What the value should be: the scalar check's words, else its kind. */
static const char *expected_name(const struct walker *w,
				 const cyaml_schema_value_t *s)
{
	for (const struct scalar_check *c = w->checks; c && c->schema_path; c++)
		if (c->check != NULL && strcmp(c->schema_path, w->spath) == 0)
			return c->expected;
	return kind_name(s);
}

static bool is_scalar_type(const cyaml_schema_value_t *s)
{
	return s->type != CYAML_MAPPING && s->type != CYAML_SEQUENCE &&
	       s->type != CYAML_SEQUENCE_FIXED;
}

/*
 * The schema for the value that starts now, and its path components pushed.
 * At the top level it is TOP; in a sequence the entry schema; in a mapping
 * the current field's (NULL for an unknown key).
 */
static const cyaml_schema_value_t *value_begin(struct walker *w,
					       unsigned line, unsigned col)
{
	struct frame *f;

	if (w->depth == 0)
		return w->top;
	f = &w->stack[w->depth - 1];
	if (f->is_key)
		return NULL;
	if (!f->is_seq)
		return f->field != NULL ? &f->field->value : NULL;
	path_push(w->path, &w->plen, "[%u]", f->count);
	path_push(w->spath, &w->splen, "[]");
	f->count++;
	if (f->schema == NULL)
		return NULL;
	if (f->count == f->schema->sequence.max + 1) {
		ERR(w, line, col, "too many entries (at most %u)",
		    f->schema->sequence.max);
	}
	return f->count > f->schema->sequence.max ? NULL : f->schema->sequence.entry;
}

/* The value that began last is complete: back to the enclosing node. */
static void value_end(struct walker *w)
{
	struct frame *f;

	if (w->depth == 0)
		return;
	f = &w->stack[w->depth - 1];
	path_cut(w, f->plen, f->splen);
	if (!f->is_seq) {
		f->want_key = true;
		f->field = NULL;
	}
}

static void key_read(struct walker *w, struct frame *f, const char *key,
		     unsigned line, unsigned col)
{
	const cyaml_schema_field_t *fields;
	const char *names[64];
	char shown[SHOW_LEN * 4 + 8];
	size_t n = 0;

	f->want_key = false;
	f->field = NULL;
	path_push(w->path, &w->plen, "%s%s", w->plen ? "." : "",
		  show(key, shown, sizeof shown));
	path_push(w->spath, &w->splen, "%s%s", w->splen ? "." : "", key);
	if (f->schema == NULL)
		return;
	fields = f->schema->mapping.fields;
	for (; fields[n].key != NULL && n < 64; n++) {
		names[n] = fields[n].key;
		if (strcmp(fields[n].key, key) != 0)
			continue;
		if (f->seen & (1ull << n)) {
			unsigned l0 = 0;

			for (size_t i = 0; w->pos != NULL && i < w->pos->n; i++)
				if (w->pos->v[i].is_key &&
				    strcmp(w->pos->v[i].path, w->path) == 0)
					l0 = w->pos->v[i].line;
			ERR(w, line, col, "duplicate key (first given on line %u)", l0);
			return;	/* check the value, but against nothing */
		}
		f->seen |= 1ull << n;
		pos_add(w, line, col, true);
		f->field = &fields[n];
		return;
	}
	while (fields[n].key != NULL && n < 64) {
		names[n] = fields[n].key;
		n++;
	}
	const char *near = yamlcheck_nearest(key, names, n);

	if (near != NULL) {
		ERR(w, line, col, "unknown key (did you mean '%s'?)", near);
	} else {
		char list[512];
		size_t o = 0;

		list[0] = '\0';
		for (size_t i = 0; i < n && o < sizeof list; i++)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
					      i ? ", " : "", names[i]);
		ERR(w, line, col, "unknown key (expected one of: %s)", list);
	}
}

int yamlcheck_value(const cyaml_schema_value_t *s, const char *spath,
		    const char *v, const struct scalar_check *checks, char *msg,
		    size_t msglen)
{
	char shown[SHOW_LEN * 4 + 8];
	size_t len = strlen(v);

	if (!is_scalar_type(s)) {
		snprintf(msg, msglen, "expected %s, got a scalar", kind_name(s));
		return -1;
	}
	if (!yamlcheck_is_utf8(v)) {
		snprintf(msg, msglen, "\"%s\" is not valid UTF-8 (a manifest is UTF-8 text)",
			 show(v, shown, sizeof shown));
		return -1;
	}
	if (s->type == CYAML_ENUM) {
		const char *names[64] = { NULL };
		char list[512];
		size_t n = s->enumeration.count < 64 ? s->enumeration.count : 64, o = 0;

		for (size_t i = 0; i < n; i++) {
			names[i] = s->enumeration.strings[i].str;
			if (strcmp(v, names[i]) == 0)
				return 0;
		}
		const char *near = yamlcheck_nearest(v, names, n);

		if (near != NULL) {
			snprintf(msg, msglen, "\"%s\" is not a valid value (did you mean '%s'?)",
				 show(v, shown, sizeof shown), near);
			return -1;
		}
		list[0] = '\0';
		for (size_t i = 0; i < n && o < sizeof list; i++)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
					      i ? ", " : "", names[i]);
		snprintf(msg, msglen, "\"%s\" is not a valid value (expected one of: %s)",
			 show(v, shown, sizeof shown), list);
		return -1;
	}
	if (s->type == CYAML_STRING) {
		if (len < s->string.min) {
			if (len == 0)
				snprintf(msg, msglen, "is empty (expected a value)");
			else
				snprintf(msg, msglen, "is too short (at least %u bytes)",
					 s->string.min);
			return -1;
		}
		if (s->string.max != CYAML_UNLIMITED && len > s->string.max) {
			snprintf(msg, msglen, "is too long (%zu bytes; at most %u)", len,
				 s->string.max);
			return -1;
		}
	}
	for (const struct scalar_check *c = checks; c && c->schema_path; c++) {
		const char *why = NULL;

		if (c->check == NULL || strcmp(c->schema_path, spath) != 0)
			continue;
		if (c->check(v, &why) < 0) {
			snprintf(msg, msglen, "\"%s\" %s (expected %s)",
				 show(v, shown, sizeof shown), why, c->expected);
			return -1;
		}
	}
	return 0;
}

static void scalar_value(struct walker *w, const cyaml_schema_value_t *s,
			 const yaml_event_t *ev, unsigned line, unsigned col)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char msg[600];

	pos_add(w, line, col, false);
	if (s == NULL)
		return;
	if (strlen(v) != len) {
		ERR(w, line, col, "contains a NUL byte");
		return;
	}
	if (!is_scalar_type(s)) {
		bool empty = len == 0 && ev->data.scalar.plain_implicit;

		ERR(w, line, col, "expected %s, got %s", kind_name(s),
		    empty ? "nothing" : "a scalar");
		return;
	}
	if (yamlcheck_value(s, w->spath, v, w->checks, msg, sizeof msg) < 0)
		ERR(w, line, col, "%s", msg);
}

/* A mapping or sequence starts: push its frame.  Returns -1 if too deep. */
static int container_begin(struct walker *w, bool is_seq, unsigned line,
			   unsigned col)
{
	const cyaml_schema_value_t *s = NULL;
	struct frame *parent = w->depth ? &w->stack[w->depth - 1] : NULL;
	bool as_key = parent != NULL && !parent->is_seq && parent->want_key;
	struct frame *f;

	if (w->depth == MAX_DEPTH) {
		ERR(w, line, col, "nested more than %d levels deep", MAX_DEPTH);
		return -1;
	}
	if (as_key) {
		ERR(w, line, col, "a key must be a plain word, not a %s",
		    is_seq ? "sequence" : "mapping");
	} else {
		s = value_begin(w, line, col);
		pos_add(w, line, col, false);
		if (s != NULL) {
			bool ok = is_seq ? (s->type == CYAML_SEQUENCE ||
					    s->type == CYAML_SEQUENCE_FIXED)
					 : s->type == CYAML_MAPPING;

			if (!ok) {
				ERR(w, line, col, "expected %s, got a %s",
				    expected_name(w, s),
				    is_seq ? "sequence" : "mapping");
				s = NULL;
			}
		}
	}
	f = &w->stack[w->depth++];
	*f = (struct frame){
		.schema = s, .is_seq = is_seq, .is_key = as_key,
		.want_key = true, .plen = w->plen, .splen = w->splen,
		.line = line, .col = col,
	};
	return 0;
}

/*
 * An optional field that is required unless another is there: a check
 * { "vcpus[].image|linux|boot", NULL, ... } says vcpus[].image must be
 * given when neither vcpus[].linux nor vcpus[].boot is.
 */
static bool required_unless_other(const struct walker *w, const struct frame *f,
				  const cyaml_schema_field_t *fields, size_t i)
{
	size_t klen = strlen(fields[i].key);

	for (const struct scalar_check *c = w->checks; c && c->schema_path; c++) {
		const char *p = c->schema_path, *bar = strchr(p, '|');

		if (c->check != NULL || bar == NULL ||
		    (size_t)(bar - p) != f->splen + 1 + klen ||
		    strncmp(p, w->spath, f->splen) != 0 || p[f->splen] != '.' ||
		    strncmp(p + f->splen + 1, fields[i].key, klen) != 0)
			continue;
		for (size_t j = 0; fields[j].key != NULL && j < 64; j++) {
			size_t n = strlen(fields[j].key);

			/* fields[j] is one of the alternatives after the first '|' */
			for (const char *a = bar + 1; a != NULL; a = strchr(a, '|') ? strchr(a, '|') + 1 : NULL)
				if (strncmp(a, fields[j].key, n) == 0 &&
				    (a[n] == '\0' || a[n] == '|') && (f->seen & (1ull << j)))
					return false;
		}
		return true;
	}
	return false;
}

static void container_end(struct walker *w)
{
	struct frame *f = &w->stack[w->depth - 1];
	const cyaml_schema_value_t *s = f->schema;

	if (s != NULL && f->is_seq && f->count < s->sequence.min) {
		ERR(w, f->line, f->col, "has %u entries (expected at least %u)",
		    f->count, s->sequence.min);
	}
	if (s != NULL && !f->is_seq) {
		const cyaml_schema_field_t *fields = s->mapping.fields;

		for (size_t i = 0; fields[i].key != NULL && i < 64; i++) {
			if (f->seen & (1ull << i))
				continue;
			if ((fields[i].value.flags & CYAML_FLAG_OPTIONAL) &&
			    !required_unless_other(w, f, fields, i))
				continue;
			ERR(w, f->line, f->col, "missing required key '%s'",
			    fields[i].key);
		}
	}
	w->depth--;
	if (f->is_key) {
		/* the complex key's value is read against nothing */
		struct frame *parent = &w->stack[w->depth - 1];

		parent->want_key = false;
		parent->field = NULL;
		path_push(w->path, &w->plen, ".?");
		return;
	}
	value_end(w);
}

size_t yamlcheck_run(const uint8_t *data, size_t len,
		     const cyaml_schema_value_t *top,
		     const struct scalar_check *checks, struct ypos *pos,
		     struct diags *d)
{
	struct walker w = { .d = d, .pos = pos, .checks = checks, .top = top };
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned documents = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser)) {
		diags_add(d, 0, 0, NULL, "out of memory");
		return 1;
	}
	yaml_parser_set_input_string(&parser, data, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			const char *what = parser.problem ? parser.problem : "syntax error";
			unsigned eline = (unsigned)parser.problem_mark.line + 1;
			unsigned ecol = (unsigned)parser.problem_mark.column + 1;

			if (parser.error == YAML_READER_ERROR) {
				/* bad encoding: libyaml gives only a byte offset */
				eline = ecol = 1;
				for (size_t i = 0; i < parser.problem_offset && i < len; i++) {
					if (data[i] == '\n') {
						eline++;
						ecol = 1;
					} else if ((data[i] & 0xc0) != 0x80) {
						ecol++;	/* count characters, not bytes */
					}
				}
			}
			w.errors++;
			diags_add(d, eline, ecol, NULL,
				  "invalid YAML: %s%s%s", what,
				  parser.context ? " " : "",
				  parser.context ? parser.context : "");
			break;
		}
		unsigned line = (unsigned)ev.start_mark.line + 1;
		unsigned col = (unsigned)ev.start_mark.column + 1;

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				ERR(&w, line, col, "more than one YAML document");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			if (w.depth > 0 && !w.stack[w.depth - 1].is_seq &&
			    w.stack[w.depth - 1].want_key) {
				ERR(&w, line, col, "YAML aliases are not allowed");
				w.stack[w.depth - 1].want_key = false;
				path_push(w.path, &w.plen, ".*");
				break;
			}
			value_begin(&w, line, col);
			ERR(&w, line, col, "YAML aliases are not allowed");
			value_end(&w);
			break;
		case YAML_SCALAR_EVENT: {
			struct frame *f = w.depth ? &w.stack[w.depth - 1] : NULL;

			if (f != NULL && f->is_key)
				break;
			if (f != NULL && !f->is_seq && f->want_key) {
				key_read(&w, f, (const char *)ev.data.scalar.value,
					 line, col);
				break;
			}
			scalar_value(&w, value_begin(&w, line, col), &ev, line, col);
			value_end(&w);
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (container_begin(&w, ev.type == YAML_SEQUENCE_START_EVENT,
					    line, col) < 0)
				done = true;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			container_end(&w);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (documents == 0 && w.errors == 0) {
		w.errors++;
		diags_add(d, 0, 0, NULL, "the file is empty (expected a manifest)");
	}
	yaml_parser_delete(&parser);
	return w.errors;
}
