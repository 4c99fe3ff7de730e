/*
 * linux.h - booting a Linux bzImage with the 32-bit boot protocol (Linux
 * Documentation/arch/x86/boot.rst, "32-bit boot protocol"; the zero page
 * is struct boot_params, Documentation/arch/x86/zero-page.rst).
 *
 * Guest-physical layout minikvm uses:
 *   LINUX_ZERO_PAGE  0x10000   struct boot_params (4 KiB)
 *   LINUX_CMDLINE    0x20000   the command line, NUL-terminated
 *   LINUX_KERNEL     0x100000  the protected-mode kernel (entry point)
 *   the initrd: as high as initrd_addr_max and the memory below TOP allow,
 *   above the kernel's footprint (its pref_address + init_size).
 */
#ifndef MINIKVM_LINUX_H
#define MINIKVM_LINUX_H

#include <stddef.h>
#include <stdint.h>

#define LINUX_ZERO_PAGE	0x10000u
#define LINUX_CMDLINE	0x20000u
#define LINUX_CMDLINE_MAX 0x10000u	/* up to the next 64 KiB */
#define LINUX_KERNEL	0x100000u
#define LINUX_MIN_PROTOCOL 0x0206

/* What the setup header of a bzImage says (boot.rst, "The real-mode kernel
 * header"). */
struct linux_image {
	uint16_t version;	/* boot protocol, e.g. 0x020f */
	size_t setup_size;	/* bytes before the protected-mode kernel */
	size_t kernel_size;	/* bytes of the protected-mode kernel */
	uint32_t init_size;	/* bytes it needs from its load address */
	uint64_t pref_address;	/* where it decompresses itself */
	uint32_t initrd_addr_max;	/* highest byte address of an initrd */
	uint32_t cmdline_size;	/* longest command line, without the NUL */
	uint64_t footprint_end;	/* first GPA above everything the kernel uses */
	const char *why;	/* linux_parse failed: the reason */
};

/* linux_parse - checks the LEN bytes of a bzImage at DATA (only the first
 * few KiB are needed, LEN may be the whole file's size given as FILE_SIZE).
 * Returns 0, or -1 with img->why. */
int linux_parse(const uint8_t *data, size_t len, uint64_t file_size,
		struct linux_image *img);

/* linux_initrd_addr - where an initrd of SIZE bytes goes in a guest whose
 * usable memory ends at TOP, or 0 if it does not fit above the kernel. */
uint64_t linux_initrd_addr(const struct linux_image *img, uint64_t size,
			   uint64_t top);

/*
 * linux_setup - writes the guest's memory MEM (MEM_SIZE bytes): the
 * protected-mode kernel from KERNEL (the whole file, KERNEL_LEN bytes) at
 * LINUX_KERNEL, the command line CMDLINE, and the zero page with the
 * setup header, the e820 map and the initrd at INITRD_ADDR (INITRD_SIZE
 * bytes, already copied there by the caller; 0: none).  Returns 0, or -1
 * with *WHY.
 */
int linux_setup(uint8_t *mem, uint64_t mem_size, const uint8_t *kernel,
		size_t kernel_len, const char *cmdline, uint64_t initrd_addr,
		uint64_t initrd_size, const char **why);

#endif
