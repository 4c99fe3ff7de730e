/* linux.c - the zero page and e820 map of the 32-bit boot protocol (see
 * linux.h; section names are those of Documentation/arch/x86/boot.rst). */
#include "boot/linux.h"

#include "x86/layout.h"
#include "x86/acpi.h"
#include "x86/mptable.h"

#include <stddef.h>
#include <string.h>

/* boot.rst "The real-mode kernel header": at 0x1F1 of the image and of
 * the zero page alike. */
struct setup_header {
	uint8_t setup_sects;		/* 0x1f1 */
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;		/* 0x1fe: 0xAA55 */
	uint16_t jump;			/* 0x200 */
	uint32_t header;		/* 0x202: "HdrS" */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;		/* 0x238 */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;
	uint32_t kernel_info_offset;	/* 0x268 */
} __attribute__((packed));

/* zero-page.rst: one e820 entry (20 bytes) */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;			/* 1: RAM, 2: reserved */
} __attribute__((packed));

/* zero-page.rst, the fields minikvm sets; the rest stays 0. */
struct boot_params {
	uint8_t _pad0[0x0c0];
	uint32_t ext_ramdisk_image;	/* 0x0c0 */
	uint32_t ext_ramdisk_size;	/* 0x0c4 */
	uint32_t ext_cmd_line_ptr;	/* 0x0c8 */
	uint8_t _pad1[0x1e8 - 0x0cc];
	uint8_t e820_entries;		/* 0x1e8 */
	uint8_t _pad2[0x1f1 - 0x1e9];	/* sentinel at 0x1ef stays 0 */
	struct setup_header hdr;	/* 0x1f1 */
	uint8_t _pad3[0x2d0 - 0x26c];
	struct e820_entry e820_table[128];	/* 0x2d0 */
	uint8_t _pad4[0x1000 - 0xcd0];
} __attribute__((packed));

#define OFF(f) offsetof(struct boot_params, f)
_Static_assert(OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(OFF(hdr) == 0x1f1, "hdr");
_Static_assert(OFF(hdr.boot_flag) == 0x1fe, "boot_flag");
_Static_assert(OFF(hdr.header) == 0x202, "header");
_Static_assert(OFF(hdr.version) == 0x206, "version");
_Static_assert(OFF(hdr.type_of_loader) == 0x210, "type_of_loader");
_Static_assert(OFF(hdr.loadflags) == 0x211, "loadflags");
_Static_assert(OFF(hdr.code32_start) == 0x214, "code32_start");
_Static_assert(OFF(hdr.ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(OFF(hdr.ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(OFF(hdr.heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(OFF(hdr.cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(OFF(hdr.initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(OFF(hdr.kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(OFF(hdr.cmdline_size) == 0x238, "cmdline_size");
_Static_assert(OFF(hdr.pref_address) == 0x258, "pref_address");
_Static_assert(OFF(hdr.init_size) == 0x260, "init_size");
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header");
_Static_assert(OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(sizeof(struct boot_params) == 0x1000, "boot_params");

#define HDRS 0x53726448u		/* "HdrS" */
#define LOADED_HIGH 0x01		/* loadflags bit 0 */
#define E820_RAM 1
#define E820_RESERVED 2

int linux_parse(const uint8_t *data, size_t len, uint64_t file_size,
		struct linux_image *img)
{
	struct setup_header h;
	uint64_t start, align;

	memset(img, 0, sizeof *img);
	if (len < 0x1f1 + sizeof h) {
		img->why = "is too small for a bzImage";
		return -1;
	}
	memcpy(&h, data + 0x1f1, sizeof h);
	if (h.boot_flag != 0xaa55 || h.header != HDRS) {
		img->why = "is not a bzImage (no HdrS setup header)";
		return -1;
	}
	img->version = h.version;
	if (h.version < LINUX_MIN_PROTOCOL) {
		img->why = "uses a boot protocol older than 2.06";
		return -1;
	}
	if (!(h.loadflags & LOADED_HIGH)) {
		img->why = "is a zImage, not a bzImage (not loaded high)";
		return -1;
	}
	/* "The kernel ... setup_sects == 0 means 4" */
	img->setup_size = ((size_t)(h.setup_sects ? h.setup_sects : 4) + 1) * 512;
	if (file_size <= img->setup_size) {
		img->why = "ends inside its setup code";
		return -1;
	}
	img->kernel_size = file_size - img->setup_size;
	img->init_size = h.init_size;
	img->initrd_addr_max = h.initrd_addr_max;
	img->cmdline_size = h.cmdline_size;
	img->pref_address = h.version >= 0x020a ? h.pref_address : LINUX_KERNEL;
	/* A relocatable kernel decompresses at its load address aligned up,
	 * or at pref_address if that is higher (arch/x86/boot/compressed/
	 * head_64.S); either way it needs init_size bytes from there. */
	align = h.kernel_alignment ? h.kernel_alignment : 1;
	start = (LINUX_KERNEL + align - 1) / align * align;
	if (start < img->pref_address)
		start = img->pref_address;
	/* a crafted pref_address near 2^64 must not wrap round to a small,
	 * fitting footprint */
	if (start > UINT64_MAX - h.init_size) {
		img->why = "needs init_size bytes from a pref_address past the end of memory";
		return -1;
	}
	img->footprint_end = start + h.init_size;
	if (img->footprint_end < LINUX_KERNEL + img->kernel_size)
		img->footprint_end = LINUX_KERNEL + img->kernel_size;
	return 0;
}

uint64_t linux_initrd_addr(const struct linux_image *img, uint64_t size,
			   uint64_t top)
{
	uint64_t end = top, addr;

	/* "initrd_addr_max: the maximum address that may be occupied by the
	 * initial ramdisk contents" (the last byte) */
	if (end > (uint64_t)img->initrd_addr_max + 1)
		end = (uint64_t)img->initrd_addr_max + 1;
	if (size > end)
		return 0;
	addr = (end - size) & ~0xfffull;	/* page-aligned */
	return addr >= img->footprint_end ? addr : 0;
}

int linux_setup(uint8_t *mem, uint64_t mem_size, const uint8_t *kernel,
		size_t kernel_len, const char *cmdline, uint64_t initrd_addr,
		uint64_t initrd_size, const char **why)
{
	struct linux_image img;
	struct boot_params *bp = (struct boot_params *)(mem + LINUX_ZERO_PAGE);
	size_t hdr_end, n = strlen(cmdline);
	unsigned e = 0;

	if (linux_parse(kernel, kernel_len, kernel_len, &img) < 0) {
		*why = img.why;
		return -1;
	}
	/* below the hole under 4 GiB, where the e820 map has it in RAM */
	if (img.footprint_end > layout_low_size(mem_size)) {
		*why = "does not fit in the guest's memory (its init_size)";
		return -1;
	}
	if (n > img.cmdline_size || n >= LINUX_CMDLINE_MAX) {
		*why = "has a command line longer than it takes";
		return -1;
	}
	memcpy(mem + LINUX_KERNEL, kernel + img.setup_size, img.kernel_size);
	memcpy(mem + LINUX_CMDLINE, cmdline, n + 1);

	/* "32-bit boot protocol": the zero page is zeroed, then the setup
	 * header copied from the image, from 0x1F1 to its end (0x202 plus the
	 * jump's offset byte at 0x201). */
	memset(bp, 0, sizeof *bp);
	hdr_end = 0x202 + kernel[0x201];
	if (hdr_end > 0x1f1 + sizeof bp->hdr)
		hdr_end = 0x1f1 + sizeof bp->hdr;
	memcpy(&bp->hdr, kernel + 0x1f1, hdr_end - 0x1f1);
	/* "Details of header fields" */
	bp->hdr.type_of_loader = 0xff;		/* undefined boot loader */
	bp->hdr.loadflags &= ~0x20;		/* QUIET_FLAG off: early messages */
	bp->hdr.loadflags |= 0x80;		/* CAN_USE_HEAP */
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.code32_start = LINUX_KERNEL;
	bp->hdr.cmd_line_ptr = LINUX_CMDLINE;
	bp->hdr.ramdisk_image = (uint32_t)initrd_addr;
	bp->hdr.ramdisk_size = (uint32_t)initrd_size;
	bp->hdr.vid_mode = 0xffff;		/* "normal" */

	/* zero-page.rst e820_table: low RAM below the EBDA, then RAM from
	 * 1 MiB; the 640K..1M hole is the legacy VGA/BIOS area.  Reserved:
	 * the EBDA (its MP table) and the BIOS area from 0xE0000, which
	 * holds the ACPI tables (x86/acpi.h), so that Linux keeps them. */
	bp->e820_table[e++] = (struct e820_entry){ 0, MPTABLE_GPA, E820_RAM };
	bp->e820_table[e++] = (struct e820_entry){ MPTABLE_GPA, 0xa0000 - MPTABLE_GPA,
						   E820_RESERVED };
	bp->e820_table[e++] = (struct e820_entry){ ACPI_GPA, 0x100000 - ACPI_GPA,
						   E820_RESERVED };
	/* RAM up to the hole below 4 GiB, the rest from 4 GiB (layout.h;
	 * a Linux guest has at most 3 GiB, so today only the first) */
	bp->e820_table[e++] = (struct e820_entry){ LINUX_KERNEL,
						   layout_low_size(mem_size) - LINUX_KERNEL,
						   E820_RAM };
	if (mem_size > LAYOUT_LOW_RAM_MAX)
		bp->e820_table[e++] = (struct e820_entry){ LAYOUT_HIGH_RAM,
							   mem_size - LAYOUT_LOW_RAM_MAX,
							   E820_RAM };
	bp->e820_entries = (uint8_t)e;
	return 0;
}
