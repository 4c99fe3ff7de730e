/*
 * manifest.c - the manifest's libcyaml schema, and loading a manifest.
 *
 * Loading goes in three steps:
 *   1. yamlcheck_run() walks the YAML against the schema below and reports
 *      every structural error and every badly written value, located;
 *   2. cyaml_load_data() loads the same text into the raw structs
 *      (manifest_raw.h), in which every number is still a string (libcyaml
 *      1.3.1 parses numbers loosely, see ../shared/notes/libcyaml.md);
 *      manifest_set_apply() (manifest_set.c) puts each --set PATH=VALUE
 *      over them, checked as the file's values are, and
 *      manifest_set_check_created() asks the mappings --set made for their
 *      required fields;
 *   3. manifest_build() (manifest_build.c, manifest_vcpu.c) turns the raw
 *      structs into struct manifest, applying defaults and the rules
 *      between fields (sizes against the mode, images against their
 *      memory, one vCPU for stdin, ...).  An error is located at its value
 *      in the file, or at the --set argument that gave it or another field
 *      of its rule (manifest_fail_rule()).
 * To add a field: add it to the raw struct (manifest_raw.h) and its schema
 * here, give it a scalar check if it is a number, convert it in
 * manifest_build(), and print it in manifest_print() (manifest_print.c).
 */
#define _GNU_SOURCE
#include "manifest/manifest.h"

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "manifest/manifest_raw.h"
#include "manifest/units.h"
#include "manifest/yamlcheck.h"

/* ---- the schema --------------------------------------------------------- */

/* Saving writes the first name of a value, so "false"/"true" come first. */
static const cyaml_strval_t onoff_strings[] = {
	{ "false", ONOFF_FALSE }, { "true", ONOFF_TRUE },
	{ "no", ONOFF_FALSE },    { "yes", ONOFF_TRUE },
	{ "off", ONOFF_FALSE },   { "on", ONOFF_TRUE },
};

static const cyaml_strval_t mode_strings[] = {
	{ "real", CPU_MODE_REAL },
	{ "protected", CPU_MODE_PROTECTED },
	{ "long", CPU_MODE_LONG },
};

static const cyaml_strval_t paging_strings[] = {
	{ "off", PAGING_OFF }, { "identity", PAGING_IDENTITY },
};

static const cyaml_strval_t platform_strings[] = {
	{ "bare", PLATFORM_BARE }, { "pc", PLATFORM_PC },
};

static const cyaml_strval_t boot_strings[] = {
	{ "image", BOOT_IMAGE }, { "disk", BOOT_DISK },
};

static const cyaml_strval_t access_strings[] = {
	{ "read-write", DISK_MODE_READ_WRITE },
	{ "read-only", DISK_MODE_READ_ONLY },
	{ "snapshot", DISK_MODE_SNAPSHOT },
};

static const cyaml_strval_t when_strings[] = {
	{ "auto", WHEN_AUTO }, { "always", WHEN_ALWAYS }, { "never", WHEN_NEVER },
};

static const cyaml_strval_t color_strings[] = {
	{ "black", COLOR_BLACK }, { "red", COLOR_RED },
	{ "green", COLOR_GREEN }, { "yellow", COLOR_YELLOW },
	{ "blue", COLOR_BLUE }, { "magenta", COLOR_MAGENTA },
	{ "cyan", COLOR_CYAN }, { "white", COLOR_WHITE },
	{ "bright-black", COLOR_BRIGHT_BLACK }, { "bright-red", COLOR_BRIGHT_RED },
	{ "bright-green", COLOR_BRIGHT_GREEN },
	{ "bright-yellow", COLOR_BRIGHT_YELLOW },
	{ "bright-blue", COLOR_BRIGHT_BLUE },
	{ "bright-magenta", COLOR_BRIGHT_MAGENTA },
	{ "bright-cyan", COLOR_BRIGHT_CYAN },
	{ "bright-white", COLOR_BRIGHT_WHITE },
};

#define OPT CYAML_FLAG_OPTIONAL
#define STRICT_ENUM (CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)
/* Strings that hold numbers are short; 64 bytes is plenty (manifest.h). */
#define NUM_MAX MANIFEST_NUM_MAX

static const cyaml_schema_field_t timer_fields[] = {
	CYAML_FIELD_STRING_PTR("period", OPT, struct raw_timer, period, 1, NUM_MAX),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t console_fields[] = {
	CYAML_FIELD_ENUM("color", STRICT_ENUM, struct raw_console, color,
			 when_strings, N(when_strings)),
	CYAML_FIELD_ENUM("prefix", STRICT_ENUM, struct raw_console, prefix,
			 when_strings, N(when_strings)),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t limits_fields[] = {
	CYAML_FIELD_STRING_PTR("timeout", OPT, struct raw_limits, timeout, 1, NUM_MAX),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t bench_fields[] = {
	CYAML_FIELD_STRING_PTR("repeat", OPT, struct raw_bench, repeat, 1, NUM_MAX),
	CYAML_FIELD_STRING_PTR("warmup", OPT, struct raw_bench, warmup, 1, NUM_MAX),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t linux_fields[] = {
	CYAML_FIELD_STRING_PTR("kernel", CYAML_FLAG_DEFAULT, struct raw_linux,
			       kernel, 1, 4096),
	CYAML_FIELD_STRING_PTR("initrd", OPT, struct raw_linux, initrd, 1, 4096),
	/* 65535: LINUX_CMDLINE_MAX - 1, spelt out for tests/schema/ */
	CYAML_FIELD_STRING_PTR("cmdline", OPT, struct raw_linux, cmdline, 0, 65535),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t disk_fields[] = {
	CYAML_FIELD_STRING_PTR("image", CYAML_FLAG_DEFAULT, struct raw_disk,
			       image, 1, 4096),
	CYAML_FIELD_ENUM("access", STRICT_ENUM, struct raw_disk, access,
			 access_strings, N(access_strings)),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t disk_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_disk, disk_fields),
};

/* image is required unless linux or boot is given (manifest_checks) */
static const cyaml_schema_field_t vcpu_fields[] = {
	CYAML_FIELD_STRING_PTR("image", OPT, struct raw_vcpu, image, 1, 4096),
	CYAML_FIELD_MAPPING_PTR("linux", OPT, struct raw_vcpu, linux_,
				linux_fields),
	CYAML_FIELD_STRING_PTR("memory", OPT, struct raw_vcpu, memory, 1, NUM_MAX),
	CYAML_FIELD_ENUM("color", STRICT_ENUM, struct raw_vcpu, color,
			 color_strings, N(color_strings)),
	CYAML_FIELD_STRING_PTR("load", OPT, struct raw_vcpu, load, 1, NUM_MAX),
	CYAML_FIELD_STRING_PTR("entry", OPT, struct raw_vcpu, entry, 1, NUM_MAX),
	CYAML_FIELD_STRING_PTR("stack", OPT, struct raw_vcpu, stack, 1, NUM_MAX),
	CYAML_FIELD_ENUM("stdin", STRICT_ENUM, struct raw_vcpu, stdin_,
			 onoff_strings, N(onoff_strings)),
	CYAML_FIELD_STRING_PTR("cpus", OPT, struct raw_vcpu, cpus, 1, NUM_MAX),
	/* a pointer: check -v prints it only when it is not the default */
	CYAML_FIELD_ENUM_PTR("platform", STRICT_ENUM, struct raw_vcpu, platform,
			     platform_strings, N(platform_strings)),
	CYAML_FIELD_ENUM_PTR("boot", STRICT_ENUM, struct raw_vcpu, boot,
			     boot_strings, N(boot_strings)),
	CYAML_FIELD_SEQUENCE("disks", CYAML_FLAG_POINTER | OPT, struct raw_vcpu,
			     disks, &disk_schema, 1, MANIFEST_MAX_DISKS),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t vcpu_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_vcpu, vcpu_fields),
};

static const cyaml_schema_field_t manifest_fields[] = {
	CYAML_FIELD_STRING_PTR("version", CYAML_FLAG_DEFAULT, struct raw_manifest,
			       version, 1, NUM_MAX),
	CYAML_FIELD_STRING_PTR("name", OPT, struct raw_manifest, name, 1, 64),
	CYAML_FIELD_ENUM("mode", STRICT_ENUM, struct raw_manifest, mode,
			 mode_strings, N(mode_strings)),
	CYAML_FIELD_ENUM("paging", STRICT_ENUM, struct raw_manifest, paging,
			 paging_strings, N(paging_strings)),
	CYAML_FIELD_ENUM("irqchip", STRICT_ENUM, struct raw_manifest, irqchip,
			 onoff_strings, N(onoff_strings)),
	CYAML_FIELD_MAPPING_PTR("timer", OPT, struct raw_manifest, timer,
				timer_fields),
	CYAML_FIELD_MAPPING_PTR("console", OPT, struct raw_manifest, console,
				console_fields),
	CYAML_FIELD_MAPPING_PTR("limits", OPT, struct raw_manifest, limits,
				limits_fields),
	CYAML_FIELD_MAPPING_PTR("bench", OPT, struct raw_manifest, bench,
				bench_fields),
	CYAML_FIELD_SEQUENCE("vcpus", CYAML_FLAG_POINTER, struct raw_manifest,
			     vcpus, &vcpu_schema, 1, MANIFEST_MAX_VCPUS),
	CYAML_FIELD_END
};

const cyaml_schema_value_t manifest_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_manifest,
			    manifest_fields),
};

/* ---- values written as text -------------------------------------------- */

/* Whether V is a size ("256K"). */
static int check_size(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_size(v, &x, why);
}

/* Whether V is a duration ("10ms"). */
static int check_duration(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_duration(v, &x, why);
}

/* Whether V is a plain number ("0x7c00"). */
static int check_number(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_u64(v, &x, why);
}

/* An entry point: an address, or real mode's SEG:OFF. */
int manifest_parse_entry(const char *v, uint64_t *seg, uint64_t *off,
			 bool *segoff, const char **why)
{
	const char *colon = strchr(v, ':');
	char buf[NUM_MAX + 1];
	size_t n;

	*segoff = colon != NULL;
	*seg = 0;
	if (colon == NULL)
		return units_parse_u64(v, off, why);
	n = (size_t)(colon - v);
	if (n >= sizeof buf) {
		*why = "is not an address";
		return -1;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (units_parse_u64(buf, seg, why) < 0 ||
	    units_parse_u64(colon + 1, off, why) < 0)
		return -1;
	if (*seg > 0xffff || *off > 0xffff) {
		*why = "has a part larger than 0xFFFF";
		return -1;
	}
	return 0;
}

/* Whether V is an entry point. */
static int check_entry(const char *v, const char **why)
{
	uint64_t seg, off;
	bool segoff;

	return manifest_parse_entry(v, &seg, &off, &segoff, why);
}

/* Whether V is a valid name: letters, digits, '.', '_' and '-'. */
static int check_name(const char *v, const char **why)
{
	for (const char *p = v; *p; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_' &&
		    *p != '.') {
			*why = "contains characters other than letters, digits, '.', '_' and '-'";
			return -1;
		}
	}
	return 0;
}

const struct scalar_check manifest_checks[] = {
	{ "version", check_number, "1" },
	{ "name", check_name, "a short name such as quad-demo" },
	{ "timer.period", check_duration, "0 or a duration such as 10ms" },
	{ "limits.timeout", check_duration, "0 or a duration such as 10s" },
	{ "bench.repeat", check_number, "a number of runs such as 10" },
	{ "bench.warmup", check_number, "a number of runs such as 1" },
	{ "vcpus[].memory", check_size, "a size such as 256K or 4M" },
	{ "vcpus[].cpus", check_number, "a number of processors such as 2" },
	{ "vcpus[].load", check_number, "an address such as 0x7c00" },
	{ "vcpus[].stack", check_number, "an address such as 0x90000" },
	{ "vcpus[].entry", check_entry, "an address such as 0x7c00, or SEG:OFF such as 0x07c0:0" },
	{ "vcpus[].image|linux|boot", NULL, NULL },
	{ NULL, NULL, NULL },
};

/* ---- libcyaml plumbing -------------------------------------------------- */

/* libcyaml's log function: keeps its first error's first line in CTX. */
static void cyaml_log_collect(cyaml_log_t level, void *ctx, const char *fmt,
			      va_list args)
{
	struct cyaml_log *log = ctx;

	if (level < CYAML_LOG_ERROR || log->text[0] != '\0')
		return;
	vsnprintf(log->text, sizeof log->text, fmt, args);
	log->text[strcspn(log->text, "\n")] = '\0';
}

/* libcyaml's settings: no aliases, block style, errors kept in LOG. */
cyaml_config_t manifest_cyaml_config(struct cyaml_log *log)
{
	return (cyaml_config_t){
		.log_fn = cyaml_log_collect,
		.log_ctx = log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS | CYAML_CFG_STYLE_BLOCK,
	};
}

/* A manifest in memory, without --set. */
int manifest_parse(const char *file, const uint8_t *data, size_t len,
		   struct manifest **out, struct diags *d)
{
	return manifest_parse_with(file, data, len, NULL, 0, out, d);
}

/* A manifest in memory: yamlcheck, libcyaml, --set, then the build. */
int manifest_parse_with(const char *file, const uint8_t *data, size_t len,
			const char *const *sets, size_t nsets,
			struct manifest **out, struct diags *d)
{
	struct cyaml_log log = { "" };
	cyaml_config_t cfg = manifest_cyaml_config(&log);
	struct raw_manifest *raw = NULL;
	struct ypos pos = { 0 };
	char **canon = calloc(nsets ? nsets : 1, sizeof *canon);
	struct builder b = { .d = d, .pos = &pos, .sets = sets, .set_paths = canon,
			     .nsets = nsets };
	struct set_state st = { 0 };
	cyaml_err_t err;

	*out = NULL;
	if (canon == NULL) {
		diags_add(d, 0, 0, NULL, "out of memory");
		return -1;
	}
	if (len > MANIFEST_MAX_BYTES) {
		diags_add(d, 0, 0, NULL, "the manifest is larger than %u bytes",
			  MANIFEST_MAX_BYTES);
		goto out;
	}
	if (yamlcheck_run(data, len, &manifest_schema, manifest_checks, &pos, d) > 0)
		goto out;
	err = cyaml_load_data(data, len, &cfg, &manifest_schema,
			      (cyaml_data_t **)&raw, NULL);
	if (err != CYAML_OK) {
		diags_add(d, 0, 0, NULL, "%s", log.text[0] ? log.text :
			  cyaml_strerror(err));
		goto out;
	}
	for (size_t i = 0; i < nsets; i++)
		if (manifest_set_apply(raw, sets[i], &st, &canon[i], d) < 0)
			b.errors++;
	if (b.errors == 0)
		b.errors += manifest_set_check_created(&st, d);
	if (b.errors == 0)
		*out = manifest_build(&b, file, raw);
	cyaml_free(&cfg, &manifest_schema, raw, 0);
	if (*out != NULL && b.errors > 0) {
		manifest_free(*out);
		*out = NULL;
	}
out:
	for (size_t i = 0; i < nsets; i++)
		free(canon[i]);
	free(canon);
	manifest_set_state_free(&st);
	ypos_free(&pos);
	return *out != NULL ? 0 : -1;
}

/* The manifest FILE, without --set. */
int manifest_load(const char *file, struct manifest **out, struct diags *d)
{
	return manifest_load_with(file, NULL, 0, out, d);
}

/* The manifest FILE (at most MANIFEST_MAX_BYTES), with SETS. */
int manifest_load_with(const char *file, const char *const *sets, size_t nsets,
		       struct manifest **out, struct diags *d)
{
	uint8_t *data = malloc(MANIFEST_MAX_BYTES + 1);
	size_t len = 0;
	const char *why;
	int rc = -1;

	*out = NULL;
	if (data == NULL) {
		diags_add(d, 0, 0, NULL, "out of memory");
		return -1;
	}
	why = file_read(file, data, MANIFEST_MAX_BYTES, &len);
	if (why == NULL)
		rc = manifest_parse_with(file, data, len, sets, nsets, out, d);
	else if (strcmp(why, "is too large") == 0)
		diags_add(d, 0, 0, NULL, "the manifest is larger than %u bytes",
			  MANIFEST_MAX_BYTES);
	else
		diags_add(d, 0, 0, NULL, "cannot read the manifest: %s", why);
	free(data);
	return rc;
}

/* Releases M and every string it owns. */
void manifest_free(struct manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; m->vcpus != NULL && i < m->nr_vcpus; i++) {
		free(m->vcpus[i].image);
		free(m->vcpus[i].initrd);
		free(m->vcpus[i].cmdline);
		for (size_t j = 0; j < m->vcpus[i].ndisks; j++)
			free(m->vcpus[i].disks[j].image);
	}
	free(m->vcpus);
	free(m->name);
	free(m->file);
	free(m);
}

/* The schema's name of the colour C. */
const char *manifest_color_name(enum console_color c)
{
	for (size_t i = 0; i < N(color_strings); i++)
		if (color_strings[i].val == (int64_t)c)
			return color_strings[i].str;
	return "";
}

/* The schema's name of the CPU mode MODE. */
const char *manifest_mode_name(enum cpu_mode mode)
{
	for (size_t i = 0; i < N(mode_strings); i++)
		if (mode_strings[i].val == (int64_t)mode)
			return mode_strings[i].str;
	return "";
}
