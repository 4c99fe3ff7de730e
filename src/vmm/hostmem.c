/* hostmem.c - the memory this host can give guests (see hostmem.h). */
#define _GNU_SOURCE
#include "vmm/hostmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEMINFO "/proc/meminfo"
#define MEMINFO_SOURCE "MemAvailable + SwapFree in " MEMINFO

/*
 * Parses the decimal digits at *S (at least one) into *V, advancing *S.
 * Returns 0, or -1 if there are none or the value overflows 64 bits.
 */
static int parse_digits(const char **s, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	*s = p;
	return 0;
}

/*
 * fopen for a /proc file: one buffer big enough for a usual file, so it
 * takes one read(2) (the kernel's st_blksize for them is 1 KiB).  NULL if
 * it cannot be opened.
 */
static FILE *open_proc(const char *path)
{
	FILE *f = fopen(path, "re");

	if (f != NULL)
		setvbuf(f, NULL, _IOFBF, 16384);
	return f;
}

/* A meminfo value: spaces, digits, " kB", a newline.  Bytes in *BYTES. */
static int parse_kb(const char *s, uint64_t *bytes)
{
	uint64_t kb;

	while (*s == ' ')
		s++;
	if (parse_digits(&s, &kb) < 0 || strcmp(s, " kB\n") != 0 ||
	    kb > UINT64_MAX / 1024)
		return -1;
	*bytes = kb * 1024;
	return 0;
}

/*
 * MemAvailable + SwapFree.  Returns 1 with *BYTES, 0 if /proc/meminfo
 * cannot be opened (no /proc: not known), -1 with E if it is not as the
 * kernel documents it (proc(5)).
 */
static int meminfo_available(uint64_t *bytes, struct err *e)
{
	FILE *f = open_proc(MEMINFO);
	char *line = NULL;
	size_t cap = 0;
	uint64_t avail = 0, swap = 0;
	bool have_avail = false, have_swap = false;
	unsigned lineno = 0;
	int rc = 1;

	if (f == NULL)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		uint64_t *v = NULL;
		bool *have = NULL;

		lineno++;
		if (strncmp(line, "MemAvailable:", 13) == 0)
			v = &avail, have = &have_avail;
		else if (strncmp(line, "SwapFree:", 9) == 0)
			v = &swap, have = &have_swap;
		if (v == NULL)
			continue;
		if (*have || parse_kb(strchr(line, ':') + 1, v) < 0) {
			rc = err_set(e, "%s:%u: expected one 'NAME: NUMBER kB' line for %.*s",
				     MEMINFO, lineno, (int)(strchr(line, ':') - line), line);
			break;
		}
		*have = true;
	}
	if (rc > 0 && ferror(f))
		rc = err_set(e, "%s: %s", MEMINFO, strerror(errno));
	else if (rc > 0 && (!have_avail || !have_swap))
		rc = err_set(e, "%s: no %s line", MEMINFO,
			     have_avail ? "SwapFree" : "MemAvailable");
	free(line);
	fclose(f);
	if (rc > 0)
		*bytes = avail > UINT64_MAX - swap ? UINT64_MAX : avail + swap;
	return rc;
}

/*
 * Reads the one-line number file PATH ("NUMBER\n", or "max\n" where
 * MAX_OK: no limit, *V = UINT64_MAX).  Returns 1 with *V, 0 if the file
 * cannot be opened, -1 with E if its content is anything else.
 */
static int read_number(const char *path, bool max_ok, uint64_t *v,
		       struct err *e)
{
	/* plain read(2): the whole file in one, without stdio's extra calls */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[64];
	const char *p = buf;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return 0;	/* unreadable: not known */
	buf[n] = '\0';
	if (max_ok && strcmp(buf, "max\n") == 0) {
		*v = UINT64_MAX;
		return 1;
	}
	if (parse_digits(&p, v) < 0 || strcmp(p, "\n") != 0)
		return err_set(e, "%s: expected a number%s", path,
			       max_ok ? " or 'max'" : "");
	return 1;
}

/* Undoes mountinfo's octal escapes (\040 for a space...) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* True if the comma-separated LIST names WORD. */
static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* A cgroup hierarchy that can hold memory limits: v2, or v1's "memory". */
struct hierarchy {
	bool v2;
	char *path;		/* the process's cgroup in it (/proc/self/cgroup) */
	char *mount, *root;	/* where it is mounted, and the mount's root */
};

/*
 * Finds the process's cgroup in each hierarchy (H[0]: v2, "0::PATH"; H[1]:
 * v1 with the memory controller, "ID:...,memory,...:PATH"; cgroups(7)).
 * Missing ones are left NULL.
 */
static void find_paths(struct hierarchy h[2])
{
	FILE *f = open_proc("/proc/self/cgroup");
	char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		struct hierarchy *x;

		if (c2 == NULL)
			continue;
		*c2 = '\0';
		x = strcmp(line, "0:") == 0 ? &h[0] :
		    list_has(c1 + 1, "memory") ? &h[1] : NULL;
		if (x == NULL || x->path != NULL || c2[1] != '/')
			continue;
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		x->path = strdup(c2 + 1);
	}
	free(line);
	fclose(f);
}

/*
 * Finds where each hierarchy with a path is mounted, from
 * /proc/self/mountinfo (proc(5): ID PARENT MAJ:MIN ROOT MOUNT OPTIONS...
 * - TYPE SOURCE SUPEROPTIONS): type cgroup2, or cgroup with the memory
 * controller among its super options.
 */
static void find_mounts(struct hierarchy h[2])
{
	FILE *f = open_proc("/proc/self/mountinfo");
	char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *fields[5], *type, *super, *save;
		struct hierarchy *x;
		int i;

		if (sep == NULL)
			continue;
		*sep = '\0';
		fields[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && fields[i - 1] != NULL; i++)
			fields[i] = strtok_r(NULL, " ", &save);
		type = strtok_r(sep + 3, " ", &save);
		(void)strtok_r(NULL, " ", &save);	/* the source */
		super = strtok_r(NULL, " \n", &save);
		if (i < 5 || fields[4] == NULL || type == NULL)
			continue;
		x = strcmp(type, "cgroup2") == 0 ? &h[0] :
		    strcmp(type, "cgroup") == 0 && super != NULL &&
		    list_has(super, "memory") ? &h[1] : NULL;
		if (x == NULL || x->path == NULL || x->mount != NULL)
			continue;
		unescape(fields[3]);
		unescape(fields[4]);
		x->root = strdup(fields[3]);
		x->mount = strdup(fields[4]);
	}
	free(line);
	fclose(f);
}

/*
 * The tightest limit - usage of the cgroup directories from DIR up to
 * MOUNT (a prefix of DIR), into H where it is below H->bytes.
 * Returns 0, or -1 with E.
 */
static int walk_limits(char *dir, size_t mount_len, bool v2, struct hostmem *h,
		       struct err *e)
{
	const char *limit_file = v2 ? "memory.max" : "memory.limit_in_bytes";
	const char *usage_file = v2 ? "memory.current" : "memory.usage_in_bytes";
	char path[4096];

	for (;;) {
		uint64_t limit, usage = 0;
		int rc;

		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, limit_file) >= sizeof path)
			return 0;	/* too deep to be a real one: not known */
		rc = read_number(path, v2, &limit, e);
		if (rc < 0)
			return -1;
		/* limit - usage <= limit: the usage matters only below H */
		if (rc > 0 && limit < h->bytes) {
			snprintf(path, sizeof path, "%s/%s", dir, usage_file);
			if (read_number(path, false, &usage, e) < 0)
				return -1;
			limit = usage >= limit ? 0 : limit - usage;
			if (limit < h->bytes) {
				h->bytes = limit;
				h->source = v2 ? "memory.max - memory.current" :
					    "memory.limit_in_bytes - memory.usage_in_bytes";
				snprintf(h->where, sizeof h->where, "%s", dir);
			}
		}
		if (strlen(dir) <= mount_len)
			return 0;
		*strrchr(dir, '/') = '\0';	/* the parent */
		if (strlen(dir) < mount_len)
			return 0;
	}
}

/* Applies the limits of hierarchy X, if found, to H.  0, or -1 with E. */
static int hierarchy_limits(const struct hierarchy *x, struct hostmem *h,
			    struct err *e)
{
	const char *path = x->path;
	char *dir;
	int rc;

	if (path == NULL || x->mount == NULL || x->root == NULL)
		return 0;
	/* the cgroup's path is relative to the hierarchy's root ROOT */
	if (strcmp(x->root, "/") != 0) {
		size_t n = strlen(x->root);

		if (strncmp(path, x->root, n) != 0 || (path[n] != '/' && path[n] != '\0'))
			return 0;	/* not under this mount: not visible */
		path += n;
	}
	if (asprintf(&dir, "%s%s", x->mount, strcmp(path, "/") == 0 ? "" : path) < 0)
		return 0;	/* out of memory: not known */
	rc = walk_limits(dir, strlen(x->mount), x->v2, h, e);
	free(dir);
	return rc;
}

/* Applies the memory cgroup's limits (v2 and v1) to H.  0, or -1 with E. */
static int cgroup_limits(struct hostmem *h, struct err *e)
{
	struct hierarchy x[2] = { { .v2 = true }, { .v2 = false } };
	int rc = 0;

	find_paths(x);
	if (x[0].path != NULL || x[1].path != NULL)
		find_mounts(x);
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = hierarchy_limits(&x[i], h, e);
	for (int i = 0; i < 2; i++) {
		free(x[i].path);
		free(x[i].mount);
		free(x[i].root);
	}
	return rc;
}

int hostmem_available(struct hostmem *h, struct err *e)
{
	int rc;

	*h = (struct hostmem){ .bytes = UINT64_MAX, .source = "not known" };
	rc = meminfo_available(&h->bytes, e);
	if (rc < 0)
		return -1;
	if (rc > 0)
		h->source = MEMINFO_SOURCE;
	if (cgroup_limits(h, e) < 0)
		return -1;
	return 0;
}

const char *hostmem_format(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB" };
	unsigned u = 0;
	uint64_t div = 1;

	while (u + 1 < sizeof units / sizeof units[0] && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(bytes / div), units[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)div, units[u]);
	return buf;
}

int hostmem_check(uint64_t total, struct err *e)
{
	struct hostmem h;
	char need[32], have[32];

	if (hostmem_available(&h, e) < 0)
		return -1;
	if (total <= h.bytes)
		return 0;
	if (h.where[0] != '\0')
		return err_set(e, "the guests need %s of memory in all; this host can give %s (%s of the memory cgroup %s); give the vCPUs less memory",
			       hostmem_format(total, need, sizeof need),
			       hostmem_format(h.bytes, have, sizeof have),
			       h.source, h.where);
	return err_set(e, "the guests need %s of memory in all; this host can give %s (%s); give the vCPUs less memory",
		       hostmem_format(total, need, sizeof need),
		       hostmem_format(h.bytes, have, sizeof have), h.source);
}
