/*
 * manifest.c - the manifest's libcyaml schema, its defaults and its checks.
 *
 * Loading goes in three steps:
 *   1. yamlcheck_run() walks the YAML against the schema below and reports
 *      every structural error and every badly written value, located;
 *   2. cyaml_load_data() loads the same text into the raw structs below,
 *      in which every number is still a string (libcyaml 1.3.1 parses
 *      numbers loosely, see ../shared/notes/libcyaml.md);
 *   3. manifest_build() turns the raw structs into struct manifest, applying
 *      defaults and the rules between fields (sizes against the mode, images
 *      against their memory, one vCPU for stdin, ...).
 * To add a field: add it to the raw struct and its schema, give it a scalar
 * check if it is a number, and convert it in manifest_build().
 */
#define _GNU_SOURCE
#include "manifest.h"

#include <cyaml/cyaml.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "elf_image.h"
#include "fileio.h"
#include "linux.h"
#include "units.h"
#include "yamlcheck.h"

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

struct raw_vcpu {
	char *image;
	struct raw_linux *linux_;
	char *memory;
	enum console_color color;
	char *load;
	char *entry;
	char *stack;
	enum onoff stdin_;
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

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OPT CYAML_FLAG_OPTIONAL
#define STRICT_ENUM (CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)
/* Strings that hold numbers are short; 64 bytes is plenty. */
#define NUM_MAX 64

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

/* image is required unless linux is given (manifest_checks) */
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

static const cyaml_schema_value_t manifest_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_manifest,
			    manifest_fields),
};

/* ---- values written as text -------------------------------------------- */

static int check_size(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_size(v, &x, why);
}

static int check_duration(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_duration(v, &x, why);
}

static int check_number(const char *v, const char **why)
{
	uint64_t x;

	return units_parse_u64(v, &x, why);
}

/*
 * An entry point: an address ("0x7c00"), or real mode's SEG:OFF
 * ("0x07c0:0x0000"), each part at most 0xFFFF.
 */
static int parse_entry(const char *v, uint64_t *seg, uint64_t *off,
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

static int check_entry(const char *v, const char **why)
{
	uint64_t seg, off;
	bool segoff;

	return parse_entry(v, &seg, &off, &segoff, why);
}

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

static const struct scalar_check manifest_checks[] = {
	{ "version", check_number, "1" },
	{ "name", check_name, "a short name such as quad-demo" },
	{ "timer.period", check_duration, "0 or a duration such as 10ms" },
	{ "limits.timeout", check_duration, "0 or a duration such as 10s" },
	{ "bench.repeat", check_number, "a number of runs such as 10" },
	{ "bench.warmup", check_number, "a number of runs such as 1" },
	{ "vcpus[].memory", check_size, "a size such as 256K or 4M" },
	{ "vcpus[].load", check_number, "an address such as 0x7c00" },
	{ "vcpus[].stack", check_number, "an address such as 0x90000" },
	{ "vcpus[].entry", check_entry, "an address such as 0x7c00, or SEG:OFF such as 0x07c0:0" },
	{ "vcpus[].image|linux", NULL, NULL },
	{ NULL, NULL, NULL },
};

/* ---- from raw to checked ------------------------------------------------ */

struct builder {
	struct diags *d;
	const struct ypos *pos;
	const char *const *sets;	/* --set PATH=VALUE arguments */
	size_t nsets;
	size_t errors;
};

/* The --set argument that gave the field PATH, or NULL. */
static const char *set_for(const struct builder *b, const char *path)
{
	for (size_t i = 0; i < b->nsets; i++) {
		size_t n = strcspn(b->sets[i], "=");

		if (strlen(path) == n && strncmp(b->sets[i], path, n) == 0)
			return b->sets[i];
	}
	return NULL;
}

/* Reports an error about the field PATH, located at its value. */
static void fail(struct builder *b, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct builder *b, const char *path, const char *fmt, ...)
{
	unsigned line, col;
	const char *origin;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if ((origin = set_for(b, path)) != NULL) {
		char arg[300];

		snprintf(arg, sizeof arg, "--set %s", origin);
		diags_add_origin(b->d, arg, path, "%s", msg ? msg : "(out of memory)");
	} else {
		ypos_find(b->pos, path, &line, &col);
		diags_add(b->d, line, col, path, "%s", msg ? msg : "(out of memory)");
	}
	free(msg);
	b->errors++;
}

/* Timer periods: faster floods the host, slower is not a timer. */
#define TIMER_MIN_NS 100000ull
#define TIMER_MAX_NS 60000000000ull

/* Colours given to vCPUs without one, in this order. */
static const enum console_color default_colors[] = {
	COLOR_MAGENTA, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_CYAN,
	COLOR_RED, COLOR_BRIGHT_MAGENTA, COLOR_BRIGHT_GREEN,
	COLOR_BRIGHT_YELLOW, COLOR_BRIGHT_BLUE, COLOR_BRIGHT_CYAN,
	COLOR_BRIGHT_RED,
};

/* Memory each mode can have: real mode reaches 1 MiB (we do not back the
 * HMA); protected mode stops below the TSS KVM keeps under 4 GiB (vm.c);
 * long mode's page tables (cpu.c) are sized for the amount. */
static const struct {
	uint64_t min, max, dflt;
	const char *range;
} mem_limits[] = {
	[CPU_MODE_REAL] = { 4ull << 10, 1ull << 20, 256ull << 10, "4K to 1M" },
	[CPU_MODE_PROTECTED] = { 64ull << 10, 3ull << 30, 16ull << 20, "64K to 3G" },
	[CPU_MODE_LONG] = { 64ull << 10, 64ull << 30, 16ull << 20, "64K to 64G" },
};
#define PAGE_SIZE 4096ull

static char *resolve_path(const char *manifest, const char *path)
{
	char *copy, *dir, *out = NULL;

	if (path[0] == '/')
		return strdup(path);
	copy = strdup(manifest);
	if (copy == NULL)
		return NULL;
	dir = dirname(copy);
	if (asprintf(&out, "%s/%s", dir, path) < 0)
		out = NULL;
	free(copy);
	return out;
}

static char *default_name(const char *file)
{
	char *copy = strdup(file), *base, *dot, *out;

	if (copy == NULL)
		return NULL;
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot != NULL && dot != base &&
	    (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		*dot = '\0';
	out = strdup(base);
	free(copy);
	return out;
}

/*
 * A path as it may appear in a one-line diagnostic: control bytes (a
 * newline in a file name, say) become \xNN.  In a static buffer per thread.
 */
static const char *shown_path(const char *p)
{
	static __thread char buf[4 * 4096 + 1];
	size_t o = 0;

	for (; *p != '\0' && o + 5 < sizeof buf; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

/* Checks an ELF image against the mode and the memory below LIMIT. */
static void check_elf(struct builder *b, const char *path,
		      const struct manifest *m, struct vcpu_config *v,
		      uint64_t limit)
{
	struct elf_image *img = malloc(sizeof *img);
	uint8_t *data = NULL;
	size_t len = 0;
	const char *why;

	if (img == NULL || v->image_size > ELF_MAX_FILE ||
	    (data = malloc(v->image_size ? v->image_size : 1)) == NULL) {
		fail(b, path, "'%s' is too large for an ELF image (at most %u bytes)",
		     shown_path(v->image), ELF_MAX_FILE);
		goto out;
	}
	why = file_read(v->image, data, v->image_size, &len);
	if (why != NULL)
		fail(b, path, "cannot use '%s': %s", shown_path(v->image), why);
	else if (m->mode == CPU_MODE_REAL)
		fail(b, path, "'%s' is an ELF image, which needs mode protected or long",
		     shown_path(v->image));
	else if (elf_parse(data, len, m->mode, limit, img) < 0)
		fail(b, path, "'%s': %s", shown_path(v->image), img->why);
	else
		v->entry_ip = img->entry;
out:
	free(data);
	free(img);
}

/* A vCPU that boots Linux (linux.h): the bzImage, the initrd and the
 * memory they need below TOP; MEMORY_OK: v->memory is in range. */
static void build_linux(struct builder *b, const struct manifest *m,
			const struct raw_vcpu *r, struct vcpu_config *v,
			bool memory_ok, uint64_t top)
{
	const struct raw_linux *l = r->linux_;
	char path[64], size1[24], size2[24];
	struct linux_image img;
	uint8_t head[0x1000];
	const char *why;
	bool kernel_ok = false;
	size_t n;

#define AT(field) (snprintf(path, sizeof path, "vcpus[%u]%s", v->index, field), path)
	v->is_linux = true;
	if (r->image != NULL)
		fail(b, AT(".linux"), "give either image or linux, not both");
	if (m->mode != CPU_MODE_PROTECTED)
		fail(b, AT(".linux"), "a Linux kernel starts in protected mode (expected mode: protected)");
	else if (m->paging)
		fail(b, AT(".linux"), "a Linux kernel starts with paging off (expected paging: off)");
	if (!m->irqchip)
		fail(b, AT(".linux"), "a Linux kernel needs the interrupt controllers and timer (expected irqchip: true)");
	if (r->load != NULL)
		fail(b, AT(".load"), "does not apply to a Linux kernel (it is loaded at 1 MiB)");
	if (r->entry != NULL)
		fail(b, AT(".entry"), "does not apply to a Linux kernel (the boot protocol gives the entry point)");
	if (r->stack != NULL)
		fail(b, AT(".stack"), "does not apply to a Linux kernel (it sets up its own stack)");
	v->image = resolve_path(m->file, l->kernel);
	v->cmdline = strdup(l->cmdline ? l->cmdline : LINUX_DEFAULT_CMDLINE);
	if (l->initrd != NULL)
		v->initrd = resolve_path(m->file, l->initrd);
	if (v->image == NULL || v->cmdline == NULL || (l->initrd && !v->initrd)) {
		fail(b, AT(".linux"), "out of memory");
		return;
	}
	if ((why = file_size(v->image, &v->image_size)) != NULL)
		fail(b, AT(".linux.kernel"), "cannot use '%s': %s", shown_path(v->image), why);
	else if ((why = file_read_prefix(v->image, head, sizeof head, &n)) != NULL)
		fail(b, AT(".linux.kernel"), "cannot read '%s': %s", shown_path(v->image), why);
	else if (linux_parse(head, n, v->image_size, &img) < 0)
		fail(b, AT(".linux.kernel"), "'%s' %s (expected a bzImage, boot protocol 2.06 or later)",
		     shown_path(v->image), img.why);
	else
		kernel_ok = true;
	if (kernel_ok && strlen(v->cmdline) > img.cmdline_size)
		fail(b, AT(".linux.cmdline"), "is %zu bytes; this kernel takes at most %u",
		     strlen(v->cmdline), img.cmdline_size);
	if (v->initrd != NULL && (why = file_size(v->initrd, &v->initrd_size)) != NULL) {
		fail(b, AT(".linux.initrd"), "cannot use '%s': %s", shown_path(v->initrd), why);
		return;
	}
	if (!kernel_ok || !memory_ok)
		return;
	if (img.footprint_end > top ||
	    (v->initrd != NULL && linux_initrd_addr(&img, v->initrd_size, top) == 0))
		fail(b, AT(".memory"), "%s is too little for the kernel (it needs memory up to %s for its init_size)%s%s",
		     units_format_size(v->memory, size1, sizeof size1),
		     units_format_size((img.footprint_end + 0xfffff) & ~0xfffffull, size2, sizeof size2),
		     v->initrd ? " and the initrd above it: " : "",
		     v->initrd ? shown_path(v->initrd) : "");
#undef AT
}

static void build_vcpu(struct builder *b, const struct manifest *m,
		       const struct raw_vcpu *r, struct vcpu_config *v)
{
	char path[64], size1[24], size2[24];
	const char *why = NULL;
	uint64_t seg = 0, off, top = 0;
	bool segoff = false, have_image, memory_ok = true, real = m->mode == CPU_MODE_REAL;
	uint8_t magic[4];
	size_t n;

#define AT(field) (snprintf(path, sizeof path, "vcpus[%u]%s", v->index, field), path)
	v->memory = mem_limits[m->mode].dflt;
	if (r->memory != NULL)
		units_parse_size(r->memory, &v->memory, &why);
	if (v->memory < mem_limits[m->mode].min || v->memory > mem_limits[m->mode].max) {
		fail(b, AT(".memory"), "%s is out of range for %s mode (expected %s)",
		     units_format_size(v->memory, size1, sizeof size1),
		     manifest_mode_name(m->mode), mem_limits[m->mode].range);
		memory_ok = false;
	} else if (v->memory % PAGE_SIZE != 0) {
		fail(b, AT(".memory"), "%s is not a multiple of 4K (the page size)",
		     units_format_size(v->memory, size1, sizeof size1));
		memory_ok = false;
	} else {
		/* the guest's own memory ends where minikvm's boot area starts */
		top = real ? v->memory : cpu_boot_area(m->mode, m->paging, v->memory);
	}

	if (r->linux_ != NULL) {
		build_linux(b, m, r, v, memory_ok, top);
		v->stdin = false;
		v->color = r->color != COLOR_UNSET ? r->color :
			   default_colors[v->index % N(default_colors)];
		return;
	}
	if (r->image == NULL) {	/* yamlcheck reports it; --set cannot remove it */
		fail(b, AT(""), "missing required key 'image'");
		return;
	}
	v->image = resolve_path(m->file, r->image);
	if (v->image == NULL) {
		fail(b, AT(".image"), "out of memory");
		return;
	}
	why = file_size(v->image, &v->image_size);
	have_image = why == NULL;
	if (why != NULL)
		fail(b, AT(".image"), "cannot use '%s': %s", shown_path(v->image), why);
	else if (v->image_size == 0)
		fail(b, AT(".image"), "'%s' is empty (expected a guest image)", shown_path(v->image));
	else if ((why = file_read_prefix(v->image, magic, sizeof magic, &n)) != NULL)
		fail(b, AT(".image"), "cannot read '%s': %s", shown_path(v->image), why);
	else
		v->is_elf = elf_is_elf(magic, n);

	if (v->is_elf) {
		if (r->load != NULL)
			fail(b, AT(".load"), "does not apply to an ELF image (its program headers say where it goes)");
		if (r->entry != NULL)
			fail(b, AT(".entry"), "does not apply to an ELF image (its header gives the entry point)");
		if (memory_ok)
			check_elf(b, AT(".image"), m, v, top);
	} else {
		if (r->load != NULL)
			units_parse_u64(r->load, &v->load, &why);
		if (!memory_ok) {
			/* nothing to compare against */
		} else if (v->load >= top) {
			fail(b, AT(".load"), "0x%llx is outside the guest's %s of memory%s",
			     (unsigned long long)v->load,
			     units_format_size(v->memory, size1, sizeof size1),
			     top < v->memory ? " below minikvm's boot area" : "");
		} else if (have_image && v->image_size > top - v->load) {
			fail(b, AT(".image"), "'%s' is %llu bytes; only %llu fit between load 0x%llx and the end of %s (%s)",
			     shown_path(v->image), (unsigned long long)v->image_size,
			     (unsigned long long)(top - v->load),
			     (unsigned long long)v->load,
			     top < v->memory ? "memory below minikvm's boot area" : "memory",
			     units_format_size(v->memory, size2, sizeof size2));
		}
		/* Real mode: CS:IP; a linear entry above 0xFFFF becomes SEG:OFF. */
		off = v->load;
		if (r->entry != NULL)
			parse_entry(r->entry, &seg, &off, &segoff, &why);
		if (segoff && !real)
			fail(b, AT(".entry"), "SEG:OFF is for real mode (expected a guest-physical address)");
		if (real && !segoff && off > 0xffff) {
			seg = (off >> 4) & 0xf000;
			off -= seg << 4;
		}
		v->entry_cs = (uint16_t)seg;
		v->entry_ip = off;
		/* the default entry is the load address, already checked */
		if (memory_ok && r->entry != NULL && (seg << 4) + off >= top)
			fail(b, AT(".entry"), "entry point 0x%llx is outside the guest's %s of memory",
			     (unsigned long long)((seg << 4) + off),
			     units_format_size(v->memory, size1, sizeof size1));
	}

	/* The stack: real mode SP 0 wraps to the top of the first 64 KiB. */
	v->stack = real ? (v->memory >= 0x10000 ? 0 : v->memory) : top;
	if (r->stack != NULL) {
		uint64_t max = real ? (v->memory < 0x10000 ? v->memory : 0x10000) : top;

		units_parse_u64(r->stack, &v->stack, &why);
		if (memory_ok && (v->stack > max || (!real && v->stack == 0)))
			fail(b, AT(".stack"), "0x%llx is outside the guest's memory (expected %s to 0x%llx)",
			     (unsigned long long)v->stack, real ? "0" : "1",
			     (unsigned long long)max);
		if (real && v->stack == 0x10000)
			v->stack = 0;
	}
	v->color = r->color != COLOR_UNSET ? r->color :
		   default_colors[v->index % N(default_colors)];
#undef AT
}

static struct manifest *manifest_build(struct builder *b, const char *file,
				       const struct raw_manifest *r)
{
	struct manifest *m = calloc(1, sizeof *m);
	uint64_t version = 0;
	const char *why;
	int stdin_owner = -1;

	if (m == NULL || (m->file = strdup(file)) == NULL) {
		free(m);
		diags_add(b->d, 0, 0, NULL, "out of memory");
		return NULL;
	}
	units_parse_u64(r->version, &version, &why);
	if (version != MANIFEST_VERSION)
		fail(b, "version", "unsupported manifest version %llu (expected %d)",
		     (unsigned long long)version, MANIFEST_VERSION);

	m->name = r->name ? strdup(r->name) : default_name(file);
	m->mode = r->mode ? r->mode : CPU_MODE_REAL;
	m->paging = m->mode == CPU_MODE_LONG || r->paging == PAGING_IDENTITY;
	if (m->mode == CPU_MODE_REAL && r->paging == PAGING_IDENTITY)
		fail(b, "paging", "identity paging needs mode: protected (expected off)");
	if (m->mode == CPU_MODE_LONG && r->paging == PAGING_OFF)
		fail(b, "paging", "long mode always pages (expected identity, or leave it out)");
	m->irqchip = r->irqchip == ONOFF_TRUE;
	if (r->timer && r->timer->period)
		units_parse_duration(r->timer->period, &m->timer_period_ns, &why);
	if (m->timer_period_ns != 0 && !m->irqchip)
		fail(b, "timer.period", "a timer raises IRQ 0, which needs irqchip: true");
	else if (m->timer_period_ns != 0 && (m->timer_period_ns < TIMER_MIN_NS ||
					     m->timer_period_ns > TIMER_MAX_NS))
		fail(b, "timer.period", "is out of range (expected 0, or 100us to 60s)");
	m->color = r->console && r->console->color ? r->console->color : WHEN_AUTO;
	m->prefix = r->console && r->console->prefix ? r->console->prefix : WHEN_AUTO;
	m->timeout_ns = 10000000000ull;	/* 10s */
	if (r->limits && r->limits->timeout)
		units_parse_duration(r->limits->timeout, &m->timeout_ns, &why);

	m->bench_repeat = 10;
	m->bench_warmup = 1;
	if (r->bench && r->bench->repeat)
		units_parse_u64(r->bench->repeat, &m->bench_repeat, &why);
	if (r->bench && r->bench->warmup)
		units_parse_u64(r->bench->warmup, &m->bench_warmup, &why);
	if (m->bench_repeat < 1 || m->bench_repeat > BENCH_MAX_RUNS)
		fail(b, "bench.repeat", "%llu is out of range (expected 1 to %u)",
		     (unsigned long long)m->bench_repeat, BENCH_MAX_RUNS);
	if (m->bench_warmup > BENCH_MAX_RUNS)
		fail(b, "bench.warmup", "%llu is out of range (expected 0 to %u)",
		     (unsigned long long)m->bench_warmup, BENCH_MAX_RUNS);

	m->nr_vcpus = r->vcpus_count;
	m->vcpus = calloc(m->nr_vcpus, sizeof *m->vcpus);
	if (m->name == NULL || m->vcpus == NULL) {
		diags_add(b->d, 0, 0, NULL, "out of memory");
		manifest_free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		m->vcpus[i].index = (unsigned)i;
		build_vcpu(b, m, &r->vcpus[i], &m->vcpus[i]);
	}
	/* stdin: the one vCPU that asks; else vCPU 0 unless it declines. */
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		char path[64];

		if (r->vcpus[i].stdin_ != ONOFF_TRUE)
			continue;
		if (stdin_owner >= 0) {
			snprintf(path, sizeof path, "vcpus[%zu].stdin", i);
			fail(b, path, "vCPU %d already takes standard input (only one vCPU can)",
			     stdin_owner);
			continue;
		}
		stdin_owner = (int)i;
	}
	if (stdin_owner < 0 && r->vcpus[0].stdin_ != ONOFF_FALSE)
		stdin_owner = 0;
	if (stdin_owner >= 0)
		m->vcpus[stdin_owner].stdin = true;
	return m;
}

/* ---- libcyaml plumbing -------------------------------------------------- */

/* libcyaml's own error text, kept for the rare error yamlcheck missed. */
struct cyaml_log {
	char text[256];
};

static void cyaml_log_collect(cyaml_log_t level, void *ctx, const char *fmt,
			      va_list args)
{
	struct cyaml_log *log = ctx;

	if (level < CYAML_LOG_ERROR || log->text[0] != '\0')
		return;
	vsnprintf(log->text, sizeof log->text, fmt, args);
	log->text[strcspn(log->text, "\n")] = '\0';
}

static cyaml_config_t cyaml_config(struct cyaml_log *log)
{
	return (cyaml_config_t){
		.log_fn = cyaml_log_collect,
		.log_ctx = log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS | CYAML_CFG_STYLE_BLOCK,
	};
}

/*
 * Applies one --set PATH=VALUE to the raw manifest, walking the libcyaml
 * schema as the loader does: the same field names, enums and scalar
 * checks; absent mappings are created.  Returns 0, or -1 (reported).
 */
static int apply_set(struct raw_manifest *raw, const char *set, struct diags *d)
{
	char arg[300];
	const cyaml_schema_value_t *schema = &manifest_schema;
	const char *eq = strchr(set, '='), *p = set;
	char path[256], spath[256], msg[600];
	size_t plen = 0, splen = 0;
	uint8_t *base = (uint8_t *)raw;
	const char *value;

	snprintf(arg, sizeof arg, "--set %s", set);
	if (eq == NULL || eq == set || (size_t)(eq - set) >= sizeof path)
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
		plen += (size_t)snprintf(path + plen, sizeof path - plen, "%s%s", plen ? "." : "", key);
		splen += (size_t)snprintf(spath + splen, sizeof spath - splen, "%s%s", splen ? "." : "", key);
		if (schema->type != CYAML_MAPPING) {
			diags_add_origin(d, arg, path, "%s has no fields", key);
			return -1;
		}
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
			if (schema->flags & CYAML_FLAG_POINTER) {
				void **pp = (void **)addr;

				if (*pp == NULL && (*pp = calloc(1, schema->data_size)) == NULL)
					return -1;
				addr = *pp;
			}
			base = addr;
			if (*p != '.') {
				diags_add_origin(d, arg, path, "is a mapping (set one of its fields)");
				return -1;
			}
			p++;
			continue;
		}
		if (schema->type == CYAML_SEQUENCE) {
			unsigned count = 0, idx;
			char *end;

			memcpy(&count, base + f->count_offset,
			       f->count_size < sizeof count ? f->count_size : sizeof count);
			if (*p != '[') {
				diags_add_origin(d, arg, path, "is a sequence (set a field of one entry, e.g. %s[0].memory)", path);
				return -1;
			}
			idx = (unsigned)strtoul(p + 1, &end, 10);
			if (end == p + 1 || *end != ']') {
				diags_add_origin(d, arg, path, "expected an index such as [0]");
				return -1;
			}
			plen += (size_t)snprintf(path + plen, sizeof path - plen, "[%u]", idx);
			splen += (size_t)snprintf(spath + splen, sizeof spath - splen, "[]");
			if (idx >= count) {
				diags_add_origin(d, arg, path, "no such entry (the manifest has %u)", count);
				return -1;
			}
			schema = schema->sequence.entry;
			base = *(uint8_t **)addr + (size_t)idx * schema->data_size;
			p = end + 1;
			if (*p != '.') {
				diags_add_origin(d, arg, path, "is a mapping (set one of its fields)");
				return -1;
			}
			p++;
			continue;
		}
		/* a scalar: the last component */
		if (p != eq)
			goto usage;
		if (yamlcheck_value(schema, spath, value, manifest_checks, msg, sizeof msg) < 0) {
			diags_add_origin(d, arg, path, "%s", msg);
			return -1;
		}
		if (schema->type == CYAML_ENUM) {
			for (uint32_t i = 0; i < schema->enumeration.count; i++) {
				if (strcmp(schema->enumeration.strings[i].str, value) == 0) {
					int v = (int)schema->enumeration.strings[i].val;

					memcpy(addr, &v, sizeof v);
				}
			}
		} else {
			char **sp = (char **)addr, *copy = strdup(value);

			if (copy == NULL)
				return -1;
			free(*sp);
			*sp = copy;
		}
		return 0;
	}
usage:
	diags_add_origin(d, arg, NULL, "expected PATH=VALUE, e.g. vcpus[0].memory=1M");
	return -1;
}

int manifest_parse(const char *file, const uint8_t *data, size_t len,
		   struct manifest **out, struct diags *d)
{
	return manifest_parse_with(file, data, len, NULL, 0, out, d);
}

int manifest_parse_with(const char *file, const uint8_t *data, size_t len,
			const char *const *sets, size_t nsets,
			struct manifest **out, struct diags *d)
{
	struct cyaml_log log = { "" };
	cyaml_config_t cfg = cyaml_config(&log);
	struct raw_manifest *raw = NULL;
	struct ypos pos = { 0 };
	struct builder b = { .d = d, .pos = &pos, .sets = sets, .nsets = nsets };
	cyaml_err_t err;

	*out = NULL;
	if (len > MANIFEST_MAX_BYTES) {
		diags_add(d, 0, 0, NULL, "the manifest is larger than %u bytes",
			  MANIFEST_MAX_BYTES);
		return -1;
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
		if (apply_set(raw, sets[i], d) < 0)
			b.errors++;
	if (b.errors == 0)
		*out = manifest_build(&b, file, raw);
	cyaml_free(&cfg, &manifest_schema, raw, 0);
	if (*out != NULL && b.errors > 0) {
		manifest_free(*out);
		*out = NULL;
	}
out:
	ypos_free(&pos);
	return *out != NULL ? 0 : -1;
}

int manifest_load(const char *file, struct manifest **out, struct diags *d)
{
	return manifest_load_with(file, NULL, 0, out, d);
}

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

/* ---- saving the effective manifest -------------------------------------- */

int manifest_print(const struct manifest *m, FILE *out)
{
	struct cyaml_log log = { "" };
	cyaml_config_t cfg = cyaml_config(&log);
	struct raw_vcpu *vcpus = calloc(m->nr_vcpus, sizeof *vcpus);
	char (*text)[4][NUM_MAX] = calloc(m->nr_vcpus, sizeof *text);
	bool real = m->mode == CPU_MODE_REAL;
	char **images = calloc(m->nr_vcpus, sizeof *images);
	char **initrds = calloc(m->nr_vcpus, sizeof *initrds);
	struct raw_linux *linuxes = calloc(m->nr_vcpus, sizeof *linuxes);
	char period[NUM_MAX], timeout[NUM_MAX];
	struct raw_timer timer = { period };
	struct raw_console console = { m->color, m->prefix };
	struct raw_limits limits = { timeout };
	char repeat[NUM_MAX], warmup[NUM_MAX];
	struct raw_bench bench = { repeat, warmup };
	struct raw_manifest raw = {
		.version = "1", .name = m->name, .mode = m->mode,
		.paging = m->paging ? PAGING_IDENTITY : PAGING_OFF,
		.irqchip = m->irqchip ? ONOFF_TRUE : ONOFF_FALSE,
		.timer = &timer, .console = &console, .limits = &limits,
		.bench = &bench,
		.vcpus = vcpus, .vcpus_count = (unsigned)m->nr_vcpus,
	};
	char *yaml = NULL;
	size_t len = 0;
	cyaml_err_t err = CYAML_ERR_OOM;

	if (vcpus == NULL || text == NULL || images == NULL || initrds == NULL ||
	    linuxes == NULL)
		goto out;
	units_format_duration(m->timer_period_ns, period, sizeof period);
	units_format_duration(m->timeout_ns, timeout, sizeof timeout);
	snprintf(repeat, sizeof repeat, "%llu", (unsigned long long)m->bench_repeat);
	snprintf(warmup, sizeof warmup, "%llu", (unsigned long long)m->bench_warmup);
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		const struct vcpu_config *v = &m->vcpus[i];

		units_format_size(v->memory, text[i][0], NUM_MAX);
		snprintf(text[i][1], NUM_MAX, "0x%llx", (unsigned long long)v->load);
		if (real)
			snprintf(text[i][2], NUM_MAX, "0x%04x:0x%04llx", v->entry_cs,
				 (unsigned long long)v->entry_ip);
		else
			snprintf(text[i][2], NUM_MAX, "0x%llx",
				 (unsigned long long)v->entry_ip);
		snprintf(text[i][3], NUM_MAX, "0x%llx", (unsigned long long)v->stack);
		/* absolute, so the output is valid wherever it is saved */
		images[i] = realpath(v->image, NULL);
		vcpus[i] = (struct raw_vcpu){
			.image = images[i] ? images[i] : v->image, .memory = text[i][0],
			.color = v->color,
			/* an ELF image says where it goes and starts itself */
			.load = v->is_elf ? NULL : text[i][1],
			.entry = v->is_elf ? NULL : text[i][2],
			.stack = text[i][3],
			.stdin_ = v->stdin ? ONOFF_TRUE : ONOFF_FALSE,
		};
		if (v->is_linux) {
			if (v->initrd != NULL)
				initrds[i] = realpath(v->initrd, NULL);
			linuxes[i] = (struct raw_linux){
				.kernel = vcpus[i].image,
				.initrd = initrds[i] ? initrds[i] : v->initrd,
				.cmdline = v->cmdline,
			};
			vcpus[i].image = NULL;
			vcpus[i].linux_ = &linuxes[i];
			vcpus[i].load = vcpus[i].entry = vcpus[i].stack = NULL;
		}
	}
	err = cyaml_save_data(&yaml, &len, &cfg, &manifest_schema, &raw, 0);
	if (err == CYAML_OK && fwrite(yaml, 1, len, out) != len)
		err = CYAML_ERR_FILE_OPEN;
	cyaml_mem(NULL, yaml, 0);
out:
	for (size_t i = 0; images != NULL && i < m->nr_vcpus; i++)
		free(images[i]);
	for (size_t i = 0; initrds != NULL && i < m->nr_vcpus; i++)
		free(initrds[i]);
	free(images);
	free(initrds);
	free(linuxes);
	free(vcpus);
	free(text);
	if (err != CYAML_OK)
		fprintf(stderr, "minikvm: cannot print the manifest: %s\n",
			log.text[0] ? log.text : cyaml_strerror(err));
	return err == CYAML_OK ? 0 : -1;
}

void manifest_free(struct manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; m->vcpus != NULL && i < m->nr_vcpus; i++) {
		free(m->vcpus[i].image);
		free(m->vcpus[i].initrd);
		free(m->vcpus[i].cmdline);
	}
	free(m->vcpus);
	free(m->name);
	free(m->file);
	free(m);
}

const char *manifest_color_name(enum console_color c)
{
	for (size_t i = 0; i < N(color_strings); i++)
		if (color_strings[i].val == (int64_t)c)
			return color_strings[i].str;
	return "";
}

const char *manifest_mode_name(enum cpu_mode mode)
{
	for (size_t i = 0; i < N(mode_strings); i++)
		if (mode_strings[i].val == (int64_t)mode)
			return mode_strings[i].str;
	return "";
}
