/* elf_image.c - checking and loading ELF guest images (see elf_image.h). */
#include "boot/elf_image.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int bad(struct elf_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct elf_image *img, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(img->why, sizeof img->why, fmt, ap);
	va_end(ap);
	return -1;
}

bool elf_is_elf(const uint8_t *data, size_t len)
{
	return len >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/* The header fields both classes share, widened to 64 bits. */
struct ehdr {
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

static int read_ehdr(const uint8_t *data, size_t len, bool is64,
		     struct ehdr *h, struct elf_image *img)
{
	/* the two classes differ in layout and in what they must say */
	size_t need = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	unsigned machine = is64 ? EM_X86_64 : EM_386;

	if (len < need)
		return bad(img, "the ELF header is cut short (%zu of %zu bytes)",
			   len, need);
	if (is64) {
		Elf64_Ehdr e;

		memcpy(&e, data, sizeof e);
		*h = (struct ehdr){ e.e_type, e.e_machine, e.e_phentsize,
				    e.e_phnum, e.e_entry, e.e_phoff };
	} else {
		Elf32_Ehdr e;

		memcpy(&e, data, sizeof e);
		*h = (struct ehdr){ e.e_type, e.e_machine, e.e_phentsize,
				    e.e_phnum, e.e_entry, e.e_phoff };
	}
	if (h->machine != machine)
		return bad(img, "an ELF%d image for machine %u, not %s (%u)",
			   is64 ? 64 : 32, h->machine, is64 ? "x86-64" : "i386",
			   machine);
	if (h->phentsize != phentsize)
		return bad(img, "program header size %u (expected %zu)",
			   h->phentsize, phentsize);
	if (h->type != ET_EXEC)
		return bad(img, "ELF type %u is not an executable (ET_EXEC)", h->type);
	return 0;
}

static void read_phdr(const uint8_t *p, bool is64, Elf64_Phdr *out)
{
	if (is64) {
		memcpy(out, p, sizeof *out);
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, p, sizeof ph);
		*out = (Elf64_Phdr){
			.p_type = ph.p_type, .p_offset = ph.p_offset,
			.p_paddr = ph.p_paddr, .p_filesz = ph.p_filesz,
			.p_memsz = ph.p_memsz,
		};
	}
}

int elf_parse(const uint8_t *data, size_t len, enum cpu_mode mode,
	      uint64_t limit, struct elf_image *img)
{
	struct ehdr h = { 0 };
	bool entry_ok = false;

	memset(img, 0, sizeof *img);
	if (!elf_is_elf(data, len))
		return bad(img, "not an ELF file");
	if (len < EI_NIDENT)
		return bad(img, "the ELF header is cut short");
	if (data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64)
		return bad(img, "unknown ELF class %u", data[EI_CLASS]);
	img->is64 = data[EI_CLASS] == ELFCLASS64;
	if (data[EI_DATA] != ELFDATA2LSB)
		return bad(img, "not a little-endian ELF file");
	if (img->is64 && mode != CPU_MODE_LONG)
		return bad(img, "an ELF64 image needs mode: long");
	if (!img->is64 && mode != CPU_MODE_PROTECTED)
		return bad(img, "an ELF32 image needs mode: protected");
	if (read_ehdr(data, len, img->is64, &h, img) < 0)
		return -1;
	if (h.phnum == 0 || h.phnum > ELF_MAX_SEGMENTS)
		return bad(img, "%u program headers (expected 1 to %d)", h.phnum,
			   ELF_MAX_SEGMENTS);
	if (h.phoff > len || (uint64_t)h.phnum * h.phentsize > len - h.phoff)
		return bad(img, "the program headers end past the end of the file");

	for (unsigned i = 0; i < h.phnum; i++) {
		Elf64_Phdr ph;
		struct elf_segment *s;

		read_phdr(data + h.phoff + (uint64_t)i * h.phentsize, img->is64, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return bad(img, "program header %u: file size 0x%llx exceeds memory size 0x%llx",
				   i, (unsigned long long)ph.p_filesz,
				   (unsigned long long)ph.p_memsz);
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return bad(img, "program header %u: its data ends past the end of the file",
				   i);
		if (ph.p_paddr > limit || ph.p_memsz > limit - ph.p_paddr)
			return bad(img, "program header %u: GPAs 0x%llx-0x%llx lie outside the guest's memory (0x%llx bytes usable)",
				   i, (unsigned long long)ph.p_paddr,
				   (unsigned long long)(ph.p_paddr + ph.p_memsz),
				   (unsigned long long)limit);
		for (size_t j = 0; j < img->nseg; j++) {
			const struct elf_segment *o = &img->seg[j];

			if (ph.p_paddr < o->paddr + o->memsz &&
			    o->paddr < ph.p_paddr + ph.p_memsz)
				return bad(img, "program header %u overlaps an earlier segment at 0x%llx",
					   i, (unsigned long long)o->paddr);
		}
		s = &img->seg[img->nseg++];
		*s = (struct elf_segment){ ph.p_paddr, ph.p_offset, ph.p_filesz,
					   ph.p_memsz };
		if (h.entry >= s->paddr && h.entry - s->paddr < s->memsz)
			entry_ok = true;
	}
	if (img->nseg == 0)
		return bad(img, "no loadable (PT_LOAD) segment");
	if (!entry_ok)
		return bad(img, "the entry point 0x%llx is not inside a loaded segment (it must be a physical address)",
			   (unsigned long long)h.entry);
	img->entry = h.entry;
	return 0;
}

void elf_load(const uint8_t *data, const struct elf_image *img, uint8_t *mem)
{
	for (size_t i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		memcpy(mem + s->paddr, data + s->offset, s->filesz);
		memset(mem + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
}
