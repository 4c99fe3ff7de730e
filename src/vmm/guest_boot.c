/*
 * guest_boot.c - a guest's memory and processor at the start: a flat or
 * ELF image and the CPU mode the manifest names, or a Linux bzImage
 * (see guest_impl.h).
 */
#define _GNU_SOURCE
#include "vmm/guest_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "boot/cpu.h"
#include "boot/elf_image.h"
#include "fileio.h"
#include "boot/linux.h"

/* Copies the image into guest memory: a flat binary at cfg->load, or an
 * ELF image's segments where its program headers say (elf_image.h). */
int guest_load_image(struct guest *g, const struct manifest *m,
			    const struct vcpu_config *cfg, struct err *e)
{
	uint64_t limit = m->mode == CPU_MODE_REAL ? g->vm.mem_size :
			 cpu_boot_area(m->mode, m->paging, g->vm.mem_size);
	struct elf_image *img = NULL;
	uint8_t *data = NULL;
	const char *why;
	uint64_t size;
	size_t len;
	int rc = -1;

	if (!cfg->is_elf) {
		why = file_read(cfg->image, g->vm.mem + cfg->load, limit - cfg->load, &len);
		if (why != NULL)
			return err_set(e, "image '%s': %s", cfg->image,
				       strcmp(why, "is too large") == 0 ?
				       "does not fit in the guest's memory" : why);
		return 0;
	}
	/* checked when the manifest was loaded, but the file may have changed */
	why = file_size(cfg->image, &size);
	if (why != NULL)
		return err_set(e, "image '%s': %s", cfg->image, why);
	if (size == 0 || size > ELF_MAX_FILE)
		return err_set(e, "image '%s': %llu bytes is no ELF image for minikvm",
			       cfg->image, (unsigned long long)size);
	img = malloc(sizeof *img);
	data = malloc(size);
	if (img == NULL || data == NULL) {
		err_set(e, "image '%s': out of memory", cfg->image);
		goto out;
	}
	why = file_read(cfg->image, data, size, &len);
	if (why != NULL) {
		err_set(e, "image '%s': %s", cfg->image, why);
		goto out;
	}
	if (elf_parse(data, len, m->mode, limit, img) < 0) {
		err_set(e, "image '%s': %s", cfg->image, img->why);
		goto out;
	}
	elf_load(data, img, g->vm.mem);
	rc = 0;
out:
	free(data);
	free(img);
	return rc;
}

/*
 * A Linux guest (linux.h): the bzImage and initrd into memory, the zero
 * page, and the vCPU at the 32-bit entry point, paging and interrupts
 * off, ESI = the zero page (boot.rst, "32-bit boot protocol").
 */
int guest_load_linux(struct guest *g, const struct vcpu_config *cfg,
			    struct err *e)
{
	uint64_t top = cpu_boot_area(CPU_MODE_PROTECTED, false, g->vm.mem_size);
	uint64_t size, initrd_addr = 0, initrd_size = 0;
	struct linux_image img;
	struct cpu_boot boot;
	struct kvm_regs regs;
	uint8_t *kernel = NULL;
	const char *why;
	size_t len, initrd_len;
	int rc = -1;

	if ((why = file_size(cfg->image, &size)) != NULL)
		return err_set(e, "kernel '%s': %s", cfg->image, why);
	if ((kernel = malloc(size ? size : 1)) == NULL)
		return err_set(e, "kernel '%s': out of memory", cfg->image);
	if ((why = file_read(cfg->image, kernel, size, &len)) != NULL) {
		err_set(e, "kernel '%s': %s", cfg->image, why);
		goto out;
	}
	if (linux_parse(kernel, len, len, &img) < 0) {
		err_set(e, "kernel '%s': %s", cfg->image, img.why);
		goto out;
	}
	if (cfg->initrd != NULL) {
		if ((why = file_size(cfg->initrd, &initrd_size)) != NULL) {
			err_set(e, "initrd '%s': %s", cfg->initrd, why);
			goto out;
		}
		initrd_addr = linux_initrd_addr(&img, initrd_size, top);
		if (initrd_addr == 0) {
			err_set(e, "initrd '%s': does not fit above the kernel", cfg->initrd);
			goto out;
		}
		why = file_read(cfg->initrd, g->vm.mem + initrd_addr, top - initrd_addr,
				&initrd_len);
		if (why != NULL) {
			err_set(e, "initrd '%s': %s", cfg->initrd, why);
			goto out;
		}
		initrd_size = initrd_len;
	}
	if (linux_setup(g->vm.mem, g->vm.mem_size, kernel, len, cfg->cmdline,
			initrd_addr, initrd_size, &why) < 0) {
		err_set(e, "kernel '%s': %s", cfg->image, why);
		goto out;
	}
	boot = (struct cpu_boot){ .mem = g->vm.mem, .mem_size = g->vm.mem_size,
				  .entry = LINUX_KERNEL };
	if (cpu_setup_protected_mode(g->cpus[0].fd, &boot, e) < 0)
		goto out;
	if (ioctl(g->cpus[0].fd, KVM_GET_REGS, &regs) < 0) {
		err_set(e, "KVM_GET_REGS: %s", strerror(errno));
		goto out;
	}
	regs.rsi = LINUX_ZERO_PAGE;
	if (ioctl(g->cpus[0].fd, KVM_SET_REGS, &regs) < 0) {
		err_set(e, "KVM_SET_REGS: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(kernel);
	return rc;
}
