/*
 * manifest_raw.h - the manifest layer's own header: for src/manifest*.c
 * only; nothing else includes it (the rest of minikvm sees manifest.h).
 *
 * The raw manifest is the file as libcyaml loads it against the schema in
 * manifest.c: every number still a string, every field that may be absent
 * a NULL pointer or an enum's *_UNSET.  Loading (manifest.c) goes
 *   yamlcheck_run -> cyaml_load_data -> manifest_set_apply (manifest_set.c)
 *   -> manifest_build (manifest_build.c, manifest_vcpu.c)
 * and check -v's manifest_print (manifest_print.c) fills the same structs
 * to save them against the same schema.
 */
#ifndef MINIKVM_MANIFEST_RAW_H
#define MINIKVM_MANIFEST_RAW_H

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest/diag.h"
#include "manifest/manifest.h"
#include "manifest/yamlcheck.h"

/* The number of entries of the array A. */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the raw manifest, as libcyaml loads it ---------------------------- */

struct raw_timer {
	char *period;
};

struct raw_console {
	enum when color;
	enum when prefix;
};

struct raw_limits {
	char *timeout;
};

struct raw_bench {
	char *repeat;
	char *warmup;
};

struct raw_linux {
	char *kernel;
	char *initrd;
	char *cmdline;
};

struct raw_disk {
	char *image;
	enum disk_mode access;
};

struct raw_vcpu {
	char *image;
	struct raw_linux *linux_;
	char *memory;
	enum console_color color;
	char *load;
	char *entry;
	char *stack;
	enum onoff stdin_;
	char *cpus;
	enum platform *platform;	/* NULL: not given */
	enum boot_from *boot;		/* NULL: not given */
	struct raw_disk *disks;
	unsigned disks_count;
};

struct raw_manifest {
	char *version;
	char *name;
	enum cpu_mode mode;
	enum paging_mode paging;
	enum onoff irqchip;
	struct raw_timer *timer;
	struct raw_console *console;
	struct raw_limits *limits;
	struct raw_bench *bench;
	struct raw_vcpu *vcpus;
	unsigned vcpus_count;
};

/* ---- manifest.c: the schema and libcyaml ------------------------------- */

/* The schema of a whole manifest (a struct raw_manifest). */
extern const cyaml_schema_value_t manifest_schema;
/* The scalar checks of its number fields, for yamlcheck. */
extern const struct scalar_check manifest_checks[];

/* libcyaml's own error text, kept for the rare error yamlcheck missed. */
struct cyaml_log {
	char text[256];
};

/* manifest_cyaml_config - libcyaml's settings, its errors kept in LOG. */
cyaml_config_t manifest_cyaml_config(struct cyaml_log *log);

/*
 * manifest_parse_entry - an entry point: an address ("0x7c00"), or real
 * mode's SEG:OFF ("0x07c0:0x0000"), each part at most 0xFFFF.  Sets *SEG
 * (0 for an address), *OFF and *SEGOFF; returns 0, or -1 with *WHY.
 */
int manifest_parse_entry(const char *v, uint64_t *seg, uint64_t *off,
			 bool *segoff, const char **why);

/* ---- manifest_set.c: --set PATH=VALUE over the raw manifest ------------ */

/* A mapping that a --set brought into being: the file has none there. */
struct created_map {
	const uint8_t *base;			/* its raw struct */
	const cyaml_schema_field_t *fields;	/* its schema's fields */
	char *path;				/* its field path */
	const char *set;			/* the first --set inside it */
};

/* What applying the --set arguments leaves to check afterwards. */
struct set_state {
	struct created_map *v;
	size_t n;
};

/*
 * manifest_set_apply - applies one --set PATH=VALUE to the raw manifest,
 * walking the libcyaml schema as the loader does: the same field names,
 * enums and scalar checks; absent mappings are created (and noted in ST,
 * whose required fields manifest_set_check_created() then asks for).  An
 * index is "[N]" with N in decimal digits, without sign, space or leading
 * 0 (as numbers are read), naming an existing entry.  Returns 0 and the
 * field's canonical path in *CANON (a new string), or -1 (reported,
 * naming the argument).
 */
int manifest_set_apply(struct raw_manifest *raw, const char *set,
		       struct set_state *st, char **canon, struct diags *d);

/*
 * manifest_set_check_created - a mapping that --set created must be
 * complete: each of its required fields (without CYAML_FLAG_OPTIONAL)
 * given by some --set too.  Returns the number of errors reported, each
 * naming the --set that created it.
 */
size_t manifest_set_check_created(const struct set_state *st, struct diags *d);

/* manifest_set_state_free - releases what ST holds; ST can be reused. */
void manifest_set_state_free(struct set_state *st);

/* ---- manifest_build.c, manifest_vcpu.c: raw -> struct manifest --------- */

/* The state of one build: where errors go and where values came from. */
struct builder {
	struct diags *d;
	const struct ypos *pos;
	const char *const *sets;	/* --set PATH=VALUE arguments */
	char *const *set_paths;		/* each one's canonical field path */
	size_t nsets;
	size_t errors;
};

/*
 * manifest_build - turns the raw manifest R, loaded from FILE, into a new
 * struct manifest, applying defaults and the rules between fields.  Each
 * error goes to B->d and counts in B->errors; the manifest is returned
 * even then (the caller frees it), NULL only when out of memory.
 */
struct manifest *manifest_build(struct builder *b, const char *file,
				const struct raw_manifest *r);

/* manifest_build_vcpu - the vCPU entry R of M into V (V->index set). */
void manifest_build_vcpu(struct builder *b, const struct manifest *m,
			 const struct raw_vcpu *r, struct vcpu_config *v);

/*
 * manifest_build_disks - V's disks (R's disks:) and its boot: each image a
 * readable regular file, a non-zero multiple of 512 bytes, not named
 * twice; disks only on a PC; boot: disk in real mode, with a disks[0]
 * whose sector 0 ends in 0x55 0xAA (manifest_disk.c).  Errors go to B.
 */
void manifest_build_disks(struct builder *b, const struct manifest *m,
			  const struct raw_vcpu *r, struct vcpu_config *v);

/*
 * manifest_check_shared_disks - across M's guests: an image that one guest
 * may write (access: read-write) is named by no other guest.  Errors go to
 * B.
 */
void manifest_check_shared_disks(struct builder *b, const struct manifest *m);

/* manifest_resolve_path - PATH relative to the folder of MANIFEST (the
 * manifest's own file), or as given when MANIFEST is NULL (a --set path)
 * or PATH is absolute.  A new string, or NULL when out of memory. */
char *manifest_resolve_path(const char *manifest, const char *path);

/* manifest_set_for - the --set argument that gave the field PATH last (the
 * one that won), or NULL. */
const char *manifest_set_for(const struct builder *b, const char *path);

/*
 * manifest_fail_rule - reports an error about the field PATH, from a rule
 * that also involves the fields OTHERS (space-separated paths; one that
 * starts with '.' is in vcpus[VCPU]).  It is located at the --set argument
 * that gave PATH, or else one of OTHERS, if any did: that argument is what
 * made the manifest wrong; otherwise at PATH's value in the file (or its
 * nearest enclosing value there).
 */
void manifest_fail_rule(struct builder *b, unsigned vcpu, const char *path,
			const char *others, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* An error about the field PATH alone. */
#define fail(b, path, ...) manifest_fail_rule((b), 0, (path), NULL, __VA_ARGS__)

/*
 * manifest_shown_path - a path (or --set argument) as it may appear in a
 * one-line diagnostic: control bytes (a newline in a file name, say)
 * become \xNN, and so does every byte above 0x7F if P is not UTF-8.  In a
 * static buffer per thread.
 */
const char *manifest_shown_path(const char *p);

#endif
