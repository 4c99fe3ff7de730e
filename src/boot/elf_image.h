/*
 * elf_image.h - ELF guest images: ELF32 (EM_386) for protected mode, ELF64
 * (EM_X86_64) for long mode.  Every PT_LOAD segment is copied to its
 * physical address (p_paddr) with its bss zeroed, and the vCPU starts at
 * e_entry.  Every header field is checked against the file and the guest's
 * memory before it is used.  Formats: the System V ABI, "ELF Object File
 * Format" (gABI) chapters "ELF Header" and "Program Header"; <elf.h>.
 */
#ifndef MINIKVM_ELF_IMAGE_H
#define MINIKVM_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"

#define ELF_MAX_SEGMENTS 64	/* program headers accepted; real kernels have < 10 */
#define ELF_MAX_FILE (256u << 20)	/* bytes: larger ELF files are refused */

struct elf_segment {
	uint64_t paddr;		/* GPA it is loaded at */
	uint64_t offset;	/* bytes into the file */
	uint64_t filesz, memsz;	/* bytes from the file; bytes in memory */
};

struct elf_image {
	bool is64;
	uint64_t entry;		/* GPA where execution starts */
	size_t nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	char why[192];		/* what is wrong, when elf_parse fails */
};

/* elf_is_elf - true if the LEN bytes at DATA start with the ELF magic. */
bool elf_is_elf(const uint8_t *data, size_t len);

/*
 * elf_parse - checks the ELF file DATA (LEN bytes) for a guest in MODE whose
 * loadable memory is [0, LIMIT) (GPAs) and fills IMG.  Returns 0, or -1
 * with IMG->why saying what is wrong ("program header 2 ends past the end
 * of the file", "an ELF64 image needs mode: long", ...).
 */
int elf_parse(const uint8_t *data, size_t len, enum cpu_mode mode,
	      uint64_t limit, struct elf_image *img);

/*
 * elf_load - copies IMG's segments from DATA into guest memory MEM (HVA of
 * GPA 0) and zeroes their bss.  IMG must come from elf_parse of DATA.
 */
void elf_load(const uint8_t *data, const struct elf_image *img, uint8_t *mem);

#endif
