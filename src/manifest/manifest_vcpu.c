/*
 * manifest_vcpu.c - one vCPU entry of the raw manifest to its struct
 * vcpu_config: memory for the mode, the image (flat, ELF or a Linux
 * bzImage with its initrd) and where it loads and starts, the stack and
 * the colour, each checked against the memory below minikvm's boot area.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cpu.h"
#include "boot/elf_image.h"
#include "fileio.h"
#include "boot/linux.h"
#include "manifest/manifest_raw.h"
#include "manifest/units.h"

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
/* A PC starts in real mode whatever its memory: the guest reaches the
 * rest after it leaves real mode (as protected mode's range). */
static const struct { uint64_t min, max; const char *range; } pc_real_limits =
	{ 4ull << 10, 3ull << 30, "4K to 3G for a PC, which needs 1M or more" };
#define PAGE_SIZE 4096ull

/*
 * PATH as the file system should see it: a relative PATH from the manifest
 * is relative to the folder of MANIFEST; with MANIFEST NULL (a path given
 * on the command line, by --set) it stays relative to the current
 * directory, as every other path on the command line.  A new string.
 */
char *manifest_resolve_path(const char *manifest, const char *path)
{
	char *copy, *dir, *out = NULL;

	if (path[0] == '/' || manifest == NULL)
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

/*
 * What to add to "cannot use PATH: WHY": for a missing file that `make
 * linux-assets` builds (build/linux/vmlinuz or build/linux/initramfs, as in
 * configs/linux.yaml), how to get it; else "".
 */
static const char *missing_hint(const char *path, const char *why)
{
	static const char *const built[] = {
		"build/linux/vmlinuz", "build/linux/initramfs",
	};
	size_t n = strlen(path);

	if (strcmp(why, strerror(ENOENT)) != 0)
		return "";
	for (size_t i = 0; i < N(built); i++) {
		size_t k = strlen(built[i]);

		if (n >= k && strcmp(path + n - k, built[i]) == 0 &&
		    (n == k || path[n - k - 1] == '/'))
			return " (run 'make linux-assets' to build it)";
	}
	return "";
}

/* Checks an ELF image against the mode and the memory below LIMIT. */
/* The entry point of a parsed ELF image, and where its segments lie in
 * all (SPAN: [lowest GPA, highest end)), for the platform's checks. */
static void elf_span(const struct elf_image *img, struct vcpu_config *v,
		     uint64_t span[2])
{
	v->entry_ip = img->entry;
	for (size_t i = 0; i < img->nseg; i++) {
		uint64_t end = img->seg[i].paddr + img->seg[i].memsz;

		if (span[0] == span[1] || img->seg[i].paddr < span[0])
			span[0] = img->seg[i].paddr;
		if (end > span[1])
			span[1] = end;
	}
}

static void check_elf(struct builder *b, const char *path,
		      const struct manifest *m, struct vcpu_config *v,
		      uint64_t limit, uint64_t span[2])
{
	struct elf_image *img = malloc(sizeof *img);
	uint8_t *data = NULL;
	size_t len = 0;
	const char *why, *rule = "mode .memory paging";	/* what limits an ELF */

	if (img == NULL || v->image_size > ELF_MAX_FILE ||
	    (data = malloc(v->image_size ? v->image_size : 1)) == NULL) {
		fail(b, path, "'%s' is too large for an ELF image (at most %u bytes)",
		     manifest_shown_path(v->image), ELF_MAX_FILE);
		goto out;
	}
	why = file_read(v->image, data, v->image_size, &len);
	if (why != NULL)
		fail(b, path, "cannot use '%s': %s", manifest_shown_path(v->image), why);
	else if (m->mode == CPU_MODE_REAL)
		manifest_fail_rule(b, v->index, path, rule,
				   "'%s' is an ELF image, which needs mode protected or long",
				   manifest_shown_path(v->image));
	else if (elf_parse(data, len, m->mode, limit, img) < 0)
		manifest_fail_rule(b, v->index, path, rule, "'%s': %s",
				   manifest_shown_path(v->image), img->why);
	else
		elf_span(img, v, span);
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
		manifest_fail_rule(b, v->index, AT(".linux"), ".image", "give either image or linux, not both");
	if (m->mode != CPU_MODE_PROTECTED)
		manifest_fail_rule(b, v->index, AT(".linux"), "mode",
				   "a Linux kernel starts in protected mode (expected mode: protected)");
	else if (m->paging)
		manifest_fail_rule(b, v->index, AT(".linux"), "paging",
				   "a Linux kernel starts with paging off (expected paging: off)");
	if (!m->irqchip)
		manifest_fail_rule(b, v->index, AT(".linux"), "irqchip",
				   "a Linux kernel needs the interrupt controllers and timer (expected irqchip: true)");
	if (r->load != NULL)
		manifest_fail_rule(b, v->index, AT(".load"), ".linux",
				   "does not apply to a Linux kernel (it is loaded at 1 MiB)");
	if (r->entry != NULL)
		manifest_fail_rule(b, v->index, AT(".entry"), ".linux",
				   "does not apply to a Linux kernel (the boot protocol gives the entry point)");
	if (r->stack != NULL)
		manifest_fail_rule(b, v->index, AT(".stack"), ".linux",
				   "does not apply to a Linux kernel (it sets up its own stack)");
	if (l->kernel == NULL) {	/* required: yamlcheck and manifest_set_check_created see to it */
		fail(b, AT(".linux"), "missing required key 'kernel'");
		return;
	}
	/* a path from --set is relative to the current directory */
	v->image = manifest_resolve_path(manifest_set_for(b, AT(".linux.kernel")) ? NULL : m->file, l->kernel);
	v->cmdline = strdup(l->cmdline ? l->cmdline : LINUX_DEFAULT_CMDLINE);
	if (l->initrd != NULL)
		v->initrd = manifest_resolve_path(manifest_set_for(b, AT(".linux.initrd")) ? NULL : m->file,
					 l->initrd);
	if (v->image == NULL || v->cmdline == NULL || (l->initrd && !v->initrd)) {
		fail(b, AT(".linux"), "out of memory");
		return;
	}
	if ((why = file_size(v->image, &v->image_size)) != NULL)
		fail(b, AT(".linux.kernel"), "cannot use '%s': %s%s", manifest_shown_path(v->image), why,
		     missing_hint(v->image, why));
	else if ((why = file_read_prefix(v->image, head, sizeof head, &n)) != NULL)
		fail(b, AT(".linux.kernel"), "cannot read '%s': %s", manifest_shown_path(v->image), why);
	else if (linux_parse(head, n, v->image_size, &img) < 0)
		fail(b, AT(".linux.kernel"), "'%s' %s (expected a bzImage, boot protocol 2.06 or later)",
		     manifest_shown_path(v->image), img.why);
	else
		kernel_ok = true;
	if (kernel_ok && strlen(v->cmdline) > img.cmdline_size)
		manifest_fail_rule(b, v->index, AT(".linux.cmdline"), ".linux.kernel",
				   "is %zu bytes; this kernel takes at most %u",
				   strlen(v->cmdline), img.cmdline_size);
	if (v->initrd != NULL && (why = file_size(v->initrd, &v->initrd_size)) != NULL) {
		fail(b, AT(".linux.initrd"), "cannot use '%s': %s%s", manifest_shown_path(v->initrd), why,
		     missing_hint(v->initrd, why));
		return;
	}
	if (!kernel_ok || !memory_ok)
		return;
	if (img.footprint_end > top ||
	    (v->initrd != NULL && linux_initrd_addr(&img, v->initrd_size, top) == 0))
		manifest_fail_rule(b, v->index, AT(".memory"), ".linux .linux.kernel .linux.initrd",
				   "%s is too little for the kernel (it needs memory up to %s for its init_size)%s%s",
				   units_format_size(v->memory, size1, sizeof size1),
				   units_format_size((img.footprint_end + 0xfffff) & ~0xfffffull, size2, sizeof size2),
				   v->initrd ? " and the initrd above it: " : "",
				   v->initrd ? manifest_shown_path(v->initrd) : "");
#undef AT
}

/* [lo, hi) overlaps [a, b) */
static bool overlaps(uint64_t lo, uint64_t hi, uint64_t a, uint64_t b)
{
	return lo < b && a < hi;
}

/*
 * What a PC's firmware areas hold (board/pc.h): the BIOS data area, and
 * the EBDA with the MP table up to the end of the BIOS ROM area.
 */
#define PC_BDA_START	0x400ull
#define PC_BDA_END	0x500ull
#define PC_EBDA_START	0x9f000ull
#define PC_ROM_END	0x100000ull

/*
 * The processors and the platform of one entry: cpus in range and with
 * the irqchip; a PC with the irqchip, without timer.period, with 1M of
 * memory and an image clear of the firmware areas ([LO, HI): where the
 * image lies, HI == LO for none or an ELF image checked apart).
 */
static void build_platform(struct builder *b, const struct manifest *m,
			   const struct raw_vcpu *r, struct vcpu_config *v,
			   uint64_t lo, uint64_t hi)
{
	char path[64], size[24];
	const char *why = NULL;
	uint64_t cpus = 1;

#define AT(field) (snprintf(path, sizeof path, "vcpus[%u]%s", v->index, field), path)
	if (r->cpus != NULL && units_parse_u64(r->cpus, &cpus, &why) == 0 &&
	    (cpus < 1 || cpus > MANIFEST_MAX_CPUS))
		fail(b, AT(".cpus"), "%llu processors (expected 1 to %u)",
		     (unsigned long long)cpus, MANIFEST_MAX_CPUS);
	v->cpus = cpus >= 1 && cpus <= MANIFEST_MAX_CPUS ? (unsigned)cpus : 1;
	if (v->cpus > 1 && !m->irqchip)
		manifest_fail_rule(b, v->index, AT(".cpus"), "irqchip",
				   "more than one processor needs the local APICs that start them (expected irqchip: true)");
	if (v->is_linux && r->platform != NULL && *r->platform == PLATFORM_BARE)
		manifest_fail_rule(b, v->index, AT(".platform"), ".linux",
				   "a Linux kernel needs a PC (expected platform: pc, the default for linux)");
	v->pc = v->is_linux || (r->platform != NULL && *r->platform == PLATFORM_PC);
	if (!v->pc)
		return;
	if (r->platform != NULL && *r->platform == PLATFORM_PC && !m->irqchip)
		manifest_fail_rule(b, v->index, AT(".platform"), "irqchip",
				   "a PC has interrupt controllers and a timer (expected irqchip: true)");
	if (m->timer_period_ns != 0)
		manifest_fail_rule(b, v->index, AT(".platform"), "timer.period",
				   "a PC has its own timer, the 8254 PIT, which the guest programs (remove timer.period)");
	if (v->memory < PC_ROM_END && !v->is_linux)
		manifest_fail_rule(b, v->index, AT(".memory"), ".platform",
				   "%s is too little for a PC (expected at least 1M)",
				   units_format_size(v->memory, size, sizeof size));
	if (overlaps(lo, hi, PC_BDA_START, PC_BDA_END) ||
	    overlaps(lo, hi, PC_EBDA_START, PC_ROM_END))
		manifest_fail_rule(b, v->index, AT(".image"), ".load .platform",
				   "lies at 0x%llx-0x%llx, over a PC's BIOS data area (0x400-0x4ff) or its EBDA, MP table and ROM area (0x9f000-0xfffff) (expected load: 0x7c00, or above 1M)",
				   (unsigned long long)lo, (unsigned long long)hi - 1);
#undef AT
}

/* Memory, image, load, entry, stack and colour of one vCPU entry. */
void manifest_build_vcpu(struct builder *b, const struct manifest *m,
			 const struct raw_vcpu *r, struct vcpu_config *v)
{
	char path[64], size1[24], size2[24];
	const char *why = NULL;
	uint64_t seg = 0, off, top = 0, span[2] = { 0, 0 };
	bool segoff = false, have_image, memory_ok = true, real = m->mode == CPU_MODE_REAL;
	bool real_pc;
	uint8_t magic[4];
	size_t n;

#define AT(field) (snprintf(path, sizeof path, "vcpus[%u]%s", v->index, field), path)
	v->memory = mem_limits[m->mode].dflt;
	if (r->memory != NULL)
		units_parse_size(r->memory, &v->memory, &why);
	real_pc = real && r->platform != NULL && *r->platform == PLATFORM_PC;
	if (real_pc && (v->memory < pc_real_limits.min || v->memory > pc_real_limits.max)) {
		manifest_fail_rule(b, v->index, AT(".memory"), "mode .platform",
				   "%s is out of range for real mode (expected %s)",
				   units_format_size(v->memory, size1, sizeof size1),
				   pc_real_limits.range);
		memory_ok = false;
	} else if (!real_pc && (v->memory < mem_limits[m->mode].min ||
				v->memory > mem_limits[m->mode].max)) {
		manifest_fail_rule(b, v->index, AT(".memory"), "mode", "%s is out of range for %s mode (expected %s)",
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

	v->color = r->color != COLOR_UNSET ? r->color :
		   default_colors[v->index % N(default_colors)];
	if (r->linux_ != NULL) {
		build_linux(b, m, r, v, memory_ok, top);
		build_platform(b, m, r, v, 0, 0);
		manifest_build_disks(b, m, r, v);
		v->stdin = false;
		return;
	}
	if ((r->boot != NULL && *r->boot == BOOT_DISK)) {
		/* the boot sector's place: manifest_disk.c checks the rest */
		build_platform(b, m, r, v, 0x7c00, 0x7e00);
		manifest_build_disks(b, m, r, v);
		return;
	}
	if (r->image == NULL) {	/* yamlcheck reports it; --set cannot remove it */
		fail(b, AT(""), "missing required key 'image'");
		return;
	}
	/* a path from --set is relative to the current directory */
	v->image = manifest_resolve_path(manifest_set_for(b, AT(".image")) ? NULL : m->file, r->image);
	if (v->image == NULL) {
		fail(b, AT(".image"), "out of memory");
		return;
	}
	why = file_size(v->image, &v->image_size);
	have_image = why == NULL;
	if (why != NULL)
		fail(b, AT(".image"), "cannot use '%s': %s", manifest_shown_path(v->image), why);
	else if (v->image_size == 0)
		fail(b, AT(".image"), "'%s' is empty (expected a guest image)", manifest_shown_path(v->image));
	else if ((why = file_read_prefix(v->image, magic, sizeof magic, &n)) != NULL)
		fail(b, AT(".image"), "cannot read '%s': %s", manifest_shown_path(v->image), why);
	else
		v->is_elf = elf_is_elf(magic, n);

	if (v->is_elf) {
		if (r->load != NULL)
			manifest_fail_rule(b, v->index, AT(".load"), ".image",
					   "does not apply to an ELF image (its program headers say where it goes)");
		if (r->entry != NULL)
			manifest_fail_rule(b, v->index, AT(".entry"), ".image",
					   "does not apply to an ELF image (its header gives the entry point)");
		if (memory_ok)
			check_elf(b, AT(".image"), m, v, top, span);
	} else {
		if (r->load != NULL)
			units_parse_u64(r->load, &v->load, &why);
		if (!memory_ok) {
			/* nothing to compare against */
		} else if (v->load >= top) {
			manifest_fail_rule(b, v->index, AT(".load"), ".memory mode paging",
					   "0x%llx is outside the guest's %s of memory%s",
					   (unsigned long long)v->load,
					   units_format_size(v->memory, size1, sizeof size1),
					   top < v->memory ? " below minikvm's boot area" : "");
		} else if (have_image && v->image_size > top - v->load) {
			manifest_fail_rule(b, v->index, AT(".image"), ".load .memory mode paging",
					   "'%s' is %llu bytes; only %llu fit between load 0x%llx and the end of %s (%s)",
					   manifest_shown_path(v->image), (unsigned long long)v->image_size,
					   (unsigned long long)(top - v->load),
					   (unsigned long long)v->load,
					   top < v->memory ? "memory below minikvm's boot area" : "memory",
					   units_format_size(v->memory, size2, sizeof size2));
		}
		/* Real mode: CS:IP; a linear entry above 0xFFFF becomes SEG:OFF. */
		off = v->load;
		if (r->entry != NULL)
			manifest_parse_entry(r->entry, &seg, &off, &segoff, &why);
		if (segoff && !real)
			manifest_fail_rule(b, v->index, AT(".entry"), "mode",
					   "SEG:OFF is for real mode (expected a guest-physical address)");
		if (real && !segoff && off > 0xffff) {
			seg = (off >> 4) & 0xf000;
			off -= seg << 4;
		}
		v->entry_cs = (uint16_t)seg;
		v->entry_ip = off;
		/* the default entry is the load address, already checked */
		if (memory_ok && r->entry != NULL && (seg << 4) + off >= top)
			manifest_fail_rule(b, v->index, AT(".entry"), ".memory mode paging",
					   "entry point 0x%llx is outside the guest's %s of memory",
					   (unsigned long long)((seg << 4) + off),
					   units_format_size(v->memory, size1, sizeof size1));
	}

	/* The stack: real mode SP 0 wraps to the top of the first 64 KiB. */
	v->stack = real ? (v->memory >= 0x10000 ? 0 : v->memory) : top;
	if (r->stack != NULL) {
		uint64_t max = real ? (v->memory < 0x10000 ? v->memory : 0x10000) : top;

		units_parse_u64(r->stack, &v->stack, &why);
		if (memory_ok && (v->stack > max || (!real && v->stack == 0)))
			manifest_fail_rule(b, v->index, AT(".stack"), ".memory mode paging",
					   "0x%llx is outside the guest's memory (expected %s to 0x%llx)",
					   (unsigned long long)v->stack, real ? "0" : "1",
					   (unsigned long long)max);
		if (real && v->stack == 0x10000)
			v->stack = 0;
	}
	if (!v->is_elf && have_image && v->load < UINT64_MAX - v->image_size)
		build_platform(b, m, r, v, v->load, v->load + v->image_size);
	else	/* an ELF image: where its segments lie (check_elf) */
		build_platform(b, m, r, v, span[0], span[1]);
	manifest_build_disks(b, m, r, v);
#undef AT
}
