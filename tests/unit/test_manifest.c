/*
 * test_manifest.c - unit tests of the manifest loader and the unit parsers,
 * printing TAP.  Usage: test_manifest FIXTURE_DIR (tests/manifests): every
 * FIXTURE_DIR/bad/NAME.yaml must fail to load with exactly the diagnostics
 * in NAME.err; every FIXTURE_DIR/good/NAME.yaml must load.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/linux.h"
#include "manifest/manifest.h"
#include "manifest/units.h"
#include "manifest/yamlcheck.h"

static int n_tests, n_failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	if (!cond)
		n_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static char tmpdir[] = "/tmp/minikvm-test-XXXXXX";

/* Writes TEXT to tmpdir/NAME and returns the path (static buffer). */
static const char *write_tmp(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

/* Loads TEXT as a manifest; returns it, or NULL with errors in *errs. */
static struct manifest *load_text(const char *text, char **errs)
{
	const char *path = write_tmp("m.yaml", text);
	struct diags d = { .file = "m.yaml" };
	struct manifest *m = NULL;
	size_t len = 0;
	FILE *f = open_memstream(errs, &len);

	manifest_load(path, &m, &d);
	diags_print(&d, f);
	fclose(f);
	diags_free(&d);
	return m;
}

static void test_units(void)
{
	static const struct { const char *s; uint64_t v; } sizes[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 4096 }, { "4K", 4096 },
		{ "256K", 262144 }, { "1M", 1048576 }, { "2G", 2147483648ull },
		{ "18446744073709551615", UINT64_MAX },
		/* the largest of each unit: 2^64-1 bytes at most */
		{ "0xffffffffffffffff", UINT64_MAX },
		{ "18014398509481983K", 18014398509481983ull << 10 },
		{ "17592186044415M", 17592186044415ull << 20 },
		{ "17179869183G", 17179869183ull << 30 },
	};
	static const char *bad_sizes[] = {
		"", "K", "64Q", "64K?", "-4K", "1.5M", "64k", "010", "0x", " 4K",
		"4K ", "18446744073709551616", "17179869184G", "0x10K",
		/* the smallest past 2^64-1 of each unit */
		"0x10000000000000000", "18014398509481984K", "17592186044416M",
	};
	static const struct { const char *s; uint64_t ns; } durations[] = {
		{ "0", 0 }, { "5ns", 5 }, { "7us", 7000 }, { "10ms", 10000000 },
		{ "10s", 10000000000ull }, { "2m", 120000000000ull },
		/* the largest of each unit: 2^64-1 ns at most */
		{ "18446744073709551615ns", UINT64_MAX },
		{ "18446744073709551us", 18446744073709551000ull },
		{ "18446744073709ms", 18446744073709000000ull },
		{ "18446744073s", 18446744073000000000ull },
		{ "307445734m", 307445734ull * 60000000000ull },
	};
	static const char *bad_durations[] = {
		"", "10", "ms", "10q", "1.5s", "-1s", "10 s", "10S", "99999999999999999999s",
		"999999999999m",
		/* the smallest past 2^64-1 ns of each unit */
		"18446744073709551616ns", "18446744073709552us", "18446744073710ms",
		"18446744074s", "307445735m",
	};
	const char *why;
	char buf[32];

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint64_t v = 1;

		ok(units_parse_size(sizes[i].s, &v, &why) == 0 && v == sizes[i].v,
		   "size \"%s\" is %llu", sizes[i].s, (unsigned long long)sizes[i].v);
	}
	for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		uint64_t v;

		why = NULL;
		ok(units_parse_size(bad_sizes[i], &v, &why) < 0 && why != NULL,
		   "size \"%s\" is refused (%s)", bad_sizes[i], why ? why : "-");
	}
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		uint64_t v = 1;

		ok(units_parse_duration(durations[i].s, &v, &why) == 0 &&
		   v == durations[i].ns, "duration \"%s\"", durations[i].s);
	}
	for (size_t i = 0; i < sizeof bad_durations / sizeof bad_durations[0]; i++) {
		uint64_t v;

		why = NULL;
		ok(units_parse_duration(bad_durations[i], &v, &why) < 0 && why != NULL,
		   "duration \"%s\" is refused (%s)", bad_durations[i], why ? why : "-");
	}
	{
		const char *w1 = "", *w2 = "", *w3 = "";
		uint64_t v;

		units_parse_duration("18446744074s", &v, &w1);
		units_parse_size("17179869184G", &v, &w2);
		units_parse_u64("18446744073709551616", &v, &w3);
		ok(strncmp(w1, "is too large", 12) == 0 && strncmp(w2, "is too large", 12) == 0 &&
		   strncmp(w3, "is too large", 12) == 0,
		   "past 2^64-1 \"is too large\": %s; %s; %s", w1, w2, w3);
	}
	ok(strcmp(units_format_size(262144, buf, sizeof buf), "256K") == 0 &&
	   strcmp(units_format_size(4097, buf, sizeof buf), "4097") == 0 &&
	   strcmp(units_format_size(1 << 20, buf, sizeof buf), "1M") == 0,
	   "sizes print in their shortest exact form");
	ok(strcmp(units_format_duration(10000000, buf, sizeof buf), "10ms") == 0 &&
	   strcmp(units_format_duration(0, buf, sizeof buf), "0") == 0 &&
	   strcmp(units_format_duration(1500000000, buf, sizeof buf), "1500ms") == 0,
	   "durations print in their largest exact unit");
}

static void test_nearest(void)
{
	static const char *const keys[] = { "image", "memory", "color", "load",
					    "entry", "stdin" };

	ok(yamlcheck_nearest("colour", keys, 6) && strcmp(yamlcheck_nearest("colour", keys, 6), "color") == 0,
	   "colour -> color");
	ok(yamlcheck_nearest("imgae", keys, 6) && strcmp(yamlcheck_nearest("imgae", keys, 6), "image") == 0,
	   "imgae -> image (a transposition)");
	ok(yamlcheck_nearest("speed", keys, 6) == NULL, "speed has no near key");
}

static void test_defaults(void)
{
	char text[1024], *errs = NULL;
	struct manifest *m;

	write_tmp("g.bin", "\xf4");
	m = load_text("version: 1\nvcpus:\n  - image: g.bin\n  - image: g.bin\n", &errs);
	ok(m != NULL, "a minimal manifest loads%s%s", errs && *errs ? ": " : "", errs ? errs : "");
	if (m != NULL) {
		ok(strcmp(m->name, "m") == 0, "name defaults to the file name without .yaml");
		ok(m->mode == CPU_MODE_REAL && !m->irqchip && m->timer_period_ns == 0,
		   "mode real, irqchip off, no timer by default");
		ok(m->color == WHEN_AUTO && m->prefix == WHEN_AUTO, "console auto by default");
		ok(m->timeout_ns == 10000000000ull, "timeout defaults to 10s");
		ok(m->nr_vcpus == 2 && m->vcpus[0].memory == 256 << 10 &&
		   m->vcpus[0].load == 0 && m->vcpus[0].entry_cs == 0 &&
		   m->vcpus[0].entry_ip == 0, "vCPU: 256K at 0, entry 0000:0000");
		ok(m->vcpus[0].color == COLOR_MAGENTA && m->vcpus[1].color == COLOR_GREEN,
		   "colours cycle magenta, green, ...");
		ok(m->vcpus[0].stdin && !m->vcpus[1].stdin, "stdin goes to vCPU 0 only");
		ok(strstr(m->vcpus[0].image, tmpdir) == m->vcpus[0].image &&
		   m->vcpus[0].image_size == 1, "image resolved beside the manifest");
	}
	manifest_free(m);
	free(errs);

	snprintf(text, sizeof text,
		 "version: 1\nname: t-1.x\nirqchip: off\ntimer: {period: 0}\n"
		 "console: {color: never, prefix: always}\nlimits: {timeout: 0}\n"
		 "vcpus:\n"
		 "  - {image: %s/g.bin, memory: 1M, load: 0x20000, color: bright-cyan}\n"
		 "  - {image: g.bin, memory: 0x2000, entry: '0x0100:0x0010', stdin: yes}\n"
		 "  - {image: g.bin, memory: 65536, load: 100, stdin: no}\n", tmpdir);
	m = load_text(text, &errs);
	ok(m != NULL, "every field given loads%s%s", errs && *errs ? ": " : "", errs ? errs : "");
	if (m != NULL) {
		ok(strcmp(m->name, "t-1.x") == 0 && m->timeout_ns == 0 &&
		   m->color == WHEN_NEVER && m->prefix == WHEN_ALWAYS, "top-level fields");
		ok(m->vcpus[0].memory == 1 << 20 && m->vcpus[0].load == 0x20000 &&
		   m->vcpus[0].entry_cs == 0x2000 && m->vcpus[0].entry_ip == 0 &&
		   m->vcpus[0].color == COLOR_BRIGHT_CYAN,
		   "entry above 0xFFFF defaults to load as SEG:OFF 2000:0000");
		ok(m->vcpus[1].memory == 0x2000 && m->vcpus[1].entry_cs == 0x100 &&
		   m->vcpus[1].entry_ip == 0x10, "SEG:OFF entry");
		ok(!m->vcpus[0].stdin && m->vcpus[1].stdin && !m->vcpus[2].stdin,
		   "stdin: yes moves standard input to vCPU 1");
		ok(m->vcpus[2].load == 100 && m->vcpus[2].entry_ip == 100,
		   "decimal load; entry defaults to load");
	}
	manifest_free(m);
	free(errs);

	m = load_text("version: 1\nvcpus:\n  - image: g.bin\n    stdin: false\n", &errs);
	ok(m != NULL && !m->vcpus[0].stdin, "stdin: false on vCPU 0 leaves input unused");
	manifest_free(m);
	free(errs);
}

/* Reads a whole small file into a new string ("" if missing). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t len = 0, cap = 0;
	int c;

	if (f == NULL)
		return strdup("");
	while ((c = fgetc(f)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			s = realloc(s, cap);
			if (s == NULL)
				abort();
		}
		s[len++] = (char)c;
	}
	fclose(f);
	if (s == NULL)
		return strdup("");
	s[len] = '\0';
	return s;
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void test_fixtures(const char *dir, bool good)
{
	struct dirent **names;
	char sub[512];
	int n;

	snprintf(sub, sizeof sub, "%s/%s", dir, good ? "good" : "bad");
	n = scandir(sub, &names, NULL, cmp_names);
	if (n < 0) {
		ok(0, "read fixtures in %s", sub);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[1024], exp_path[1024], *got = NULL, *want;
		struct diags d = { .file = path };
		struct manifest *m = NULL;
		size_t got_len = 0;
		FILE *f;
		int rc;

		const char *dot = strrchr(name, '.');

		if (dot == NULL || (strcmp(dot, ".yaml") != 0 && strcmp(dot, ".yml") != 0)) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", sub, name);
		snprintf(exp_path, sizeof exp_path, "%s/%.*s.err", sub,
			 (int)(dot - name), name);
		rc = manifest_load(path, &m, &d);
		f = open_memstream(&got, &got_len);
		diags_print(&d, f);
		fclose(f);
		if (good) {
			ok(rc == 0 && m != NULL && got_len == 0, "loads: %s%s", path, got);
		} else {
			want = slurp(exp_path);
			ok(rc < 0 && m == NULL && strcmp(want, got) == 0,
			   "refused with the expected errors: %s", path);
			if (strcmp(want, got) != 0)
				printf("# expected:\n# %s# got:\n# %s", want, got);
			free(want);
		}
		manifest_free(m);
		diags_free(&d);
		free(got);
		free(names[i]);
	}
	free(names);
}

/* Prints M as check -v does into a new string (NULL if that fails). */
static char *print_text(const struct manifest *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = manifest_print(m, f);

	fclose(f);
	if (rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Loads TEXT from tmpdir/NAME with the --set arguments SETS (N of them);
 * errors in *ERRS (a new string). */
static struct manifest *load_named(const char *name, const char *text,
				   const char *const *sets, size_t n, char **errs)
{
	const char *path = write_tmp(name, text);
	struct diags d = { .file = name };
	struct manifest *m = NULL;
	size_t len = 0;
	FILE *f = open_memstream(errs, &len);

	manifest_load_with(path, sets, n, &m, &d);
	diags_print(&d, f);
	fclose(f);
	diags_free(&d);
	return m;
}

/* check -v's promise: what it prints loads again and prints the same. */
static bool reloads_same(const struct manifest *m)
{
	char *first = print_text(m), *second = NULL, *errs = NULL;
	struct manifest *m2 = first ? load_named("eff.yaml", first, NULL, 0, &errs) : NULL;
	bool same;

	second = m2 ? print_text(m2) : NULL;
	same = second != NULL && strcmp(first, second) == 0;
	if (!same)
		printf("# printed:\n%s# reloaded: %s\n", first ? first : "(nothing)",
		       errs ? errs : "");
	manifest_free(m2);
	free(first);
	free(second);
	free(errs);
	return same;
}

static void test_effective(void)
{
	static const struct { const char *file, *name; } names[] = {
		{ "a b.yaml", "a_b" },
		{ "\xc3\xbcn\xc3\xaf.yaml", "_n_" },	/* ünï */
		{ "\xff\xfe.yml", "__" },		/* not UTF-8 */
		{ "tab\there.yaml", "tab_here" },
		{ ".yaml", ".yaml" },			/* no name before .yaml */
		{ "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.yaml",
		  "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" },
	};
	char *errs = NULL;
	struct manifest *m;

	write_tmp("g.bin", "\xf4");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		m = load_named(names[i].file, "version: 1\nvcpus:\n  - image: g.bin\n",
			       NULL, 0, &errs);
		ok(m != NULL && strcmp(m->name, names[i].name) == 0 && reloads_same(m),
		   "the default name of '%s' is %s, and check -v's output loads again (%s)",
		   names[i].name, names[i].name, m ? m->name : errs);
		manifest_free(m);
		free(errs);
	}

	/* real mode's stack: the effective SP, exactly */
	m = load_named("s.yaml", "version: 1\nvcpus:\n  - {image: g.bin, memory: 16K}\n"
		       "  - {image: g.bin, memory: 16K, stack: 0}\n"
		       "  - {image: g.bin, memory: 64K}\n"
		       "  - {image: g.bin, memory: 1M, stack: 0x10000}\n"
		       "  - {image: g.bin, memory: 1M, stack: 0x8000}\n", NULL, 0, &errs);
	ok(m != NULL && m->vcpus[0].stack == 0x4000 && m->vcpus[1].stack == 0 &&
	   m->vcpus[2].stack == 0 && m->vcpus[3].stack == 0 &&
	   m->vcpus[4].stack == 0x8000 && reloads_same(m),
	   "real-mode stack: default = the memory size below 64K, else 0; an explicit 0 stays 0%s",
	   m ? "" : errs);
	manifest_free(m);
	free(errs);

	/* libyaml writes a tab as "\t": nine command lines of 60000 tabs
	 * print as more than a manifest may be, so printing refuses */
	m = load_named("t.yaml", "version: 1\nvcpus: [{image: g.bin}, {image: g.bin}, "
		       "{image: g.bin}, {image: g.bin}, {image: g.bin}, {image: g.bin}, "
		       "{image: g.bin}, {image: g.bin}, {image: g.bin}]\n", NULL, 0, &errs);
	if (m != NULL) {
		FILE *null = fopen("/dev/null", "w");
		int rc;

		for (size_t i = 0; i < m->nr_vcpus; i++) {
			m->vcpus[i].is_linux = true;
			m->vcpus[i].cmdline = malloc(60001);
			memset(m->vcpus[i].cmdline, '\t', 60000);
			m->vcpus[i].cmdline[60000] = '\0';
		}
		fflush(stderr);
		rc = manifest_print(m, null);
		fclose(null);
		ok(rc < 0, "an effective manifest larger than 1 MiB is not printed");
	} else {
		ok(0, "nine vCPUs load: %s", errs);
	}
	manifest_free(m);
	free(errs);
}

static void test_sets(void)
{
	static const char *const linux_only[] = { "vcpus[0].linux.cmdline=x" };
	static const char *const not_utf8[] = { "vcpus[0].image=\xff.bin" };
	static const char *const index_forms[] = {
		"vcpus[4294967296].memory=8K", "vcpus[+0].memory=8K",
		"vcpus[ 0].memory=8K", "vcpus[00].memory=8K", "vcpus[0 ].memory=8K",
	};
	const char *text = "version: 1\nvcpus:\n  - image: g.bin\n";
	const char *cwd_set[] = { NULL };
	char *errs = NULL, cwd_path[600];
	struct manifest *m;

	write_tmp("g.bin", "\xf4");
	m = load_named("m.yaml", text, linux_only, 1, &errs);
	ok(m == NULL && strcmp(errs, "--set vcpus[0].linux.cmdline=x: error: vcpus[0].linux: "
			       "missing required key 'kernel' (the manifest has no vcpus[0].linux, "
			       "so --set must give vcpus[0].linux.kernel too)\n") == 0,
	   "a mapping made by --set needs its required keys: %.*s",
	   (int)strcspn(errs, "\n"), errs);
	manifest_free(m);
	free(errs);

	m = load_named("m.yaml", text, not_utf8, 1, &errs);
	ok(m == NULL && strstr(errs, "is not valid UTF-8") != NULL &&
	   strncmp(errs, "--set vcpus[0].image=\\xff.bin: error: ", 38) == 0,
	   "a --set value that is not UTF-8 is refused, the argument shown escaped: %.*s",
	   (int)strcspn(errs, "\n"), errs);
	manifest_free(m);
	free(errs);

	for (size_t i = 0; i < sizeof index_forms / sizeof index_forms[0]; i++) {
		m = load_named("m.yaml", text, &index_forms[i], 1, &errs);
		ok(m == NULL && strncmp(errs, "--set ", 6) == 0 && strchr(errs, '\n') ==
		   errs + strlen(errs) - 1,
		   "%s is refused, at the argument: %.*s", index_forms[i],
		   (int)strcspn(errs, "\n"), errs);
		manifest_free(m);
		free(errs);
	}

	/* a path given with --set is relative to the current directory */
	snprintf(cwd_path, sizeof cwd_path, "vcpus[0].image=%s/g.bin", tmpdir + 1);
	cwd_set[0] = cwd_path;
	int here = open(".", O_RDONLY | O_DIRECTORY);

	if (here >= 0 && chdir("/") == 0) {
		m = load_named("m.yaml", text, cwd_set, 1, &errs);
		ok(m != NULL && strcmp(m->vcpus[0].image, strchr(cwd_path, '=') + 1) == 0,
		   "--set vcpus[0].image=%s/g.bin from / is %s%s", tmpdir + 1,
		   m ? m->vcpus[0].image : "", m ? "" : errs);
		manifest_free(m);
		free(errs);
		if (fchdir(here) != 0) {
			printf("Bail out! cannot return to the test's folder\n");
			exit(1);
		}
	} else {
		ok(0, "chdir /");
	}
	if (here >= 0)
		close(here);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* linux.c against a synthetic bzImage: offsets from boot.rst and
 * zero-page.rst, written here by hand rather than with linux.c's structs. */
static void test_linux(void)
{
	enum { SETUP = 4 * 512, KSIZE = 0x1000, MEM = 64 << 20 };
	static uint8_t bz[SETUP + KSIZE];
	struct linux_image img;
	uint8_t *mem = calloc(1, MEM), *zp;
	const char *why = NULL;
	uint64_t initrd;
	int rc;

	memset(bz, 0, sizeof bz);
	bz[0x1f1] = 3;				/* setup_sects: 3 + the boot sector */
	put16(bz + 0x1fe, 0xaa55);		/* boot_flag */
	bz[0x200] = 0xeb;			/* jump ... */
	bz[0x201] = 0x6a;			/* ... to 0x26c: the header's end */
	memcpy(bz + 0x202, "HdrS", 4);
	put16(bz + 0x206, 0x020f);		/* version */
	bz[0x211] = 0x01;			/* loadflags: LOADED_HIGH */
	put32(bz + 0x22c, 0x37ffffff);		/* initrd_addr_max */
	put32(bz + 0x230, 0x200000);		/* kernel_alignment */
	put32(bz + 0x238, 2047);		/* cmdline_size */
	put32(bz + 0x258, 0x1000000);		/* pref_address (low half) */
	put32(bz + 0x260, 0x2000000);		/* init_size */
	for (unsigned i = 0; i < KSIZE; i++)
		bz[SETUP + i] = (uint8_t)(i * 7 + 1);

	rc = linux_parse(bz, sizeof bz, sizeof bz, &img);
	ok(rc == 0 &&
	   img.setup_size == SETUP && img.kernel_size == KSIZE &&
	   img.version == 0x20f && img.footprint_end == 0x3000000,
	   "linux: a bzImage header parses (setup %zu, footprint to 0x%llx)",
	   img.setup_size, (unsigned long long)img.footprint_end);
	initrd = linux_initrd_addr(&img, 0x100000 + 5, MEM - 4096);
	ok(initrd == 0x3efe000, "linux: the initrd goes high, page-aligned, below the top (0x%llx)",
	   (unsigned long long)initrd);
	ok(linux_initrd_addr(&img, 0x1000, 0x40000000) == 0x37fff000,
	   "linux: the initrd stays within initrd_addr_max");
	ok(linux_initrd_addr(&img, 0x2000000, MEM - 4096) == 0,
	   "linux: an initrd that would overlap init_size does not fit");

	rc = mem == NULL ? -1 : linux_setup(mem, MEM, bz, sizeof bz, "console=ttyS0",
					    initrd, 0x100005, &why);
	ok(rc == 0, "linux: the zero page is built (%s)", why ? why : "ok");
	if (mem == NULL)
		return;
	zp = mem + LINUX_ZERO_PAGE;
	ok(memcmp(zp + 0x202, "HdrS", 4) == 0 && zp[0x1f1] == 3 &&
	   get32(zp + 0x260) == 0x2000000, "linux: the setup header is copied to 0x1f1");
	ok(zp[0x210] == 0xff, "linux: type_of_loader 0xff");
	ok(get32(zp + 0x228) == LINUX_CMDLINE &&
	   strcmp((char *)mem + LINUX_CMDLINE, "console=ttyS0") == 0,
	   "linux: cmd_line_ptr and the command line");
	ok(get32(zp + 0x218) == initrd && get32(zp + 0x21c) == 0x100005,
	   "linux: ramdisk_image and ramdisk_size");
	ok(zp[0x1e8] == 4 && get64(zp + 0x2d0 + 3 * 20) == 0x100000 &&
	   get64(zp + 0x2d0 + 3 * 20 + 8) == MEM - 0x100000 &&
	   get32(zp + 0x2d0 + 3 * 20 + 16) == 1 && get32(zp + 0x2d0 + 16) == 1,
	   "linux: the e820 map: low RAM, the hole, RAM from 1 MiB to the end");
	ok(memcmp(mem + LINUX_KERNEL, bz + SETUP, KSIZE) == 0,
	   "linux: the protected-mode kernel is at 1 MiB");
	ok(zp[0x1ef] == 0, "linux: the sentinel byte stays 0");

	/* found by fuzz_tables: pref_address + init_size wrapped around, and
	 * the kernel looked as if it fitted in a few MiB */
	put32(bz + 0x258, 0xfffff000);		/* pref_address 2^64 - 4 KiB */
	put32(bz + 0x25c, 0xffffffff);
	rc = linux_parse(bz, sizeof bz, sizeof bz, &img);
	ok(rc < 0 && strstr(img.why, "init_size") != NULL,
	   "linux: a pref_address + init_size past 2^64 is refused: %s",
	   rc < 0 ? img.why : "taken");
	put32(bz + 0x258, 0x1000000);
	put32(bz + 0x25c, 0);
	/* found by fuzz_tables: with more than 3 GiB, a kernel whose
	 * init_size ran into the hole below 4 GiB was taken.  8 GiB are
	 * claimed of MEM's 64 MiB: it is refused before writing anything,
	 * and what it would write lies in the first 2 MiB. */
	put32(bz + 0x260, 0xf0000000);		/* init_size: to 0xF1000000 */
	rc = linux_setup(mem, 8ull << 30, bz, sizeof bz, "", 0, 0, &why);
	ok(rc < 0, "linux: a kernel reaching the hole below 4 GiB is refused: %s",
	   rc < 0 ? why : "taken");
	put32(bz + 0x260, 0x2000000);

	bz[0x206] = 0x05;			/* version 2.05 */
	rc = linux_parse(bz, sizeof bz, sizeof bz, &img);
	ok(rc < 0 && strstr(img.why, "2.06") != NULL,
	   "linux: protocol 2.05 is refused: %s", img.why ? img.why : "");
	memcpy(bz + 0x202, "HdrX", 4);
	rc = linux_parse(bz, sizeof bz, sizeof bz, &img);
	ok(rc < 0 && strstr(img.why, "HdrS") != NULL,
	   "linux: no HdrS is refused: %s", img.why ? img.why : "");
	ok(linux_parse(bz, 0x100, sizeof bz, &img) < 0, "linux: a short file is refused");
	free(mem);
}

int main(int argc, char **argv)
{
	char cmd[600];

	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_units();
	test_nearest();
	test_defaults();
	test_effective();
	test_sets();
	test_linux();
	if (argc > 1) {
		test_fixtures(argv[1], false);
		test_fixtures(argv[1], true);
	}
	printf("1..%d\n", n_tests);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return n_failed ? 1 : 0;
}
