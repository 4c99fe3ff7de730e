/*
 * fuzz_image.c - libFuzzer target: the ELF image loader on arbitrary
 * bytes.  The first byte picks the mode (protected or long) and the guest
 * memory size; whatever elf_parse accepts is then loaded into a guest
 * memory of that size, so a wrong bounds check shows up as an ASan report.
 */
#include <stdint.h>
#include <stdlib.h>

#include "boot/elf_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elf_image img;
	enum cpu_mode mode;
	uint64_t limit;
	uint8_t *mem;

	if (size < 1)
		return 0;
	mode = data[0] & 1 ? CPU_MODE_LONG : CPU_MODE_PROTECTED;
	limit = (uint64_t)((data[0] >> 1) + 1) << 16;	/* 64K .. 8M */
	if (elf_parse(data + 1, size - 1, mode, limit, &img) < 0)
		return 0;
	mem = malloc(limit);
	if (mem != NULL)
		elf_load(data + 1, &img, mem);
	free(mem);
	return 0;
}
