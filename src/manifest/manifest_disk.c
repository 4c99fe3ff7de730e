/*
 * manifest_disk.c - a guest's disks (vcpus[].disks) and booting from the
 * first of them (vcpus[].boot: disk): each image checked as the ATA drive
 * that will use it needs it (hw/ata.h, block/disk.h), and the boot sector
 * as a PC BIOS checks it before it jumps to 0000:7C00.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/manifest_raw.h"

#define SECTOR 512u
/* Where a BIOS puts the boot sector, and where it starts it (real mode). */
#define BOOT_SECTOR_GPA 0x7c00u

/* The access names, for messages. */
static const char *access_name(enum disk_mode a)
{
	return a == DISK_MODE_READ_ONLY ? "read-only" :
	       a == DISK_MODE_SNAPSHOT ? "snapshot" : "read-write";
}

/*
 * Opens the image D->image the way the drive will (read-only here: the
 * check writes nothing) and checks it is a regular file of a non-zero
 * multiple of 512 bytes; with BOOT, that its sector 0 ends in 0x55 0xAA.
 * Returns NULL, or why not (a static string, or one in WHY of WHYLEN).
 */
static const char *disk_check_file(struct disk_config *d, bool boot,
				   char *why, size_t whylen)
{
	uint8_t sector[SECTOR];
	struct stat st;
	ssize_t n;
	int fd = open(d->image, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return strerror(errno);
	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return why;
	}
	d->dev = (uint64_t)st.st_dev;
	d->ino = (uint64_t)st.st_ino;
	d->size = (uint64_t)st.st_size;
	if (S_ISDIR(st.st_mode))
		snprintf(why, whylen, "is a directory (expected a raw disk image file)");
	else if (!S_ISREG(st.st_mode))
		snprintf(why, whylen, "is not a regular file (expected a raw disk image file)");
	else if (st.st_size == 0)
		snprintf(why, whylen, "is empty (expected a raw disk image: whole 512-byte sectors)");
	else if (st.st_size % SECTOR != 0)
		snprintf(why, whylen, "is %llu bytes, not a multiple of 512 (a disk holds whole sectors)",
			 (unsigned long long)st.st_size);
	else if ((n = pread(fd, sector, SECTOR, 0)) != (ssize_t)SECTOR)
		snprintf(why, whylen, "cannot be read: %s",
			 n < 0 ? strerror(errno) : "the file shrank while it was read");
	else if (boot && (sector[510] != 0x55 || sector[511] != 0xaa))
		snprintf(why, whylen, "has no boot signature: its sector 0 ends in 0x%02x 0x%02x (expected 0x55 0xaa at byte 510)",
			 sector[510], sector[511]);
	else
		why = NULL;
	close(fd);
	return why;
}

void manifest_build_disks(struct builder *b, const struct manifest *m,
			  const struct raw_vcpu *r, struct vcpu_config *v)
{
	char path[64], why_buf[160];
	const char *why;

#define AT(...) (snprintf(path, sizeof path, __VA_ARGS__), path)
	if ((r->boot != NULL && *r->boot == BOOT_DISK)) {
		v->boot_disk = true;
		if (r->image != NULL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].boot", v->index), ".image",
					   "give either image or boot: disk, not both");
		if (r->linux_ != NULL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].boot", v->index), ".linux",
					   "give either linux or boot: disk, not both");
		if (m->mode != CPU_MODE_REAL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].boot", v->index), "mode",
					   "a boot sector starts in real mode (expected mode: real)");
		if (!v->pc)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].boot", v->index), ".platform",
					   "booting from a disk needs a PC (expected platform: pc)");
		if (r->disks_count == 0)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].boot", v->index), ".disks",
					   "there is no disk to boot from (expected disks: with the boot disk first)");
		if (r->load != NULL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].load", v->index), ".boot",
					   "does not apply to boot: disk (the boot sector goes to 0x7c00)");
		if (r->entry != NULL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].entry", v->index), ".boot",
					   "does not apply to boot: disk (it starts at 0000:7c00)");
		if (r->stack != NULL)
			manifest_fail_rule(b, v->index, AT("vcpus[%u].stack", v->index), ".boot",
					   "does not apply to boot: disk (SS:SP is 0000:7c00)");
		/* the state a BIOS leaves (minikvm.yaml(5), BOOTING FROM A DISK) */
		v->load = BOOT_SECTOR_GPA;
		v->entry_cs = 0;
		v->entry_ip = BOOT_SECTOR_GPA;
		v->stack = BOOT_SECTOR_GPA;
	}
	if (r->disks_count > 0 && !v->pc)
		manifest_fail_rule(b, v->index, AT("vcpus[%u].disks", v->index), ".platform",
				   "ATA disks are a PC's (expected platform: pc)");
	for (unsigned i = 0; i < r->disks_count && i < MANIFEST_MAX_DISKS; i++) {
		const struct raw_disk *rd = &r->disks[i];
		struct disk_config *d = &v->disks[i];
		char field[64];

		snprintf(field, sizeof field, "vcpus[%u].disks[%u].image", v->index, i);
		d->access = rd->access != DISK_MODE_UNSET ? rd->access : DISK_MODE_READ_WRITE;
		if (rd->image == NULL) {	/* required: yamlcheck sees to it */
			fail(b, AT("vcpus[%u].disks[%u]", v->index, i), "missing required key 'image'");
			continue;
		}
		/* a path from --set is relative to the current directory */
		d->image = manifest_resolve_path(manifest_set_for(b, field) ? NULL : m->file,
						 rd->image);
		if (d->image == NULL) {
			fail(b, field, "out of memory");
			continue;
		}
		v->ndisks = i + 1;
		why = disk_check_file(d, v->boot_disk && i == 0, why_buf, sizeof why_buf);
		if (why == why_buf)
			fail(b, field, "'%s' %s", manifest_shown_path(d->image), why);
		else if (why != NULL)
			fail(b, field, "cannot use '%s': %s", manifest_shown_path(d->image), why);
		else if (d->access == DISK_MODE_READ_WRITE && access(d->image, W_OK) < 0)
			manifest_fail_rule(b, v->index, field, AT(".disks[%u].access", i),
					   "cannot be written: %s (expected a file the guest may write, or access: read-only or snapshot)",
					   strerror(errno));
		else
			for (unsigned j = 0; j < i; j++)
				if (v->disks[j].image != NULL && v->disks[j].size != 0 &&
				    v->disks[j].dev == d->dev && v->disks[j].ino == d->ino) {
					fail(b, field, "'%s' is the same file as disks[%u] (expected each disk its own image)",
					     manifest_shown_path(d->image), j);
					break;
				}
	}
#undef AT
}

void manifest_check_shared_disks(struct builder *b, const struct manifest *m)
{
	char path[64];

	for (size_t g = 1; g < m->nr_vcpus; g++) {
		const struct vcpu_config *v = &m->vcpus[g];

		for (size_t i = 0; i < v->ndisks; i++) {
			const struct disk_config *d = &v->disks[i];

			for (size_t h = 0; h < g && d->size != 0; h++) {
				const struct vcpu_config *w = &m->vcpus[h];

				for (size_t j = 0; j < w->ndisks; j++) {
					const struct disk_config *o = &w->disks[j];

					if (o->size == 0 || o->dev != d->dev || o->ino != d->ino ||
					    (d->access != DISK_MODE_READ_WRITE &&
					     o->access != DISK_MODE_READ_WRITE))
						continue;
					snprintf(path, sizeof path, "vcpus[%zu].disks[%zu].image", g, i);
					fail(b, path, "'%s' is also vcpus[%zu].disks[%zu], and a guest may write it (%s, %s): two guests share an image only when neither writes it (expected access: read-only or snapshot for both)",
					     manifest_shown_path(d->image), h, j,
					     access_name(o->access), access_name(d->access));
				}
			}
		}
	}
}
