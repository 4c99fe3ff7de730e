/*
 * tar.c - the file archive: a ustar file (POSIX.1-2001, `tar
 * --format=ustar`) that os-1k.mk builds from os-1k/files/ and embed.S
 * puts in the kernel image.  Read-only: files are found by name.
 *
 * An archive is a row of 512-byte blocks: for each file a header block
 * (name at offset 0, size at 124 as octal text, type at 156, "ustar" at
 * 257), then its data padded to whole blocks; two zero blocks end it.
 */
#include "kernel.h"

#define BLOCK 512

extern const char files_tar[], files_tar_end[];	/* embed.S */

/* An octal number of at most LEN characters, as tar writes sizes. */
static uint32_t octal(const char *s, int len)
{
	uint32_t v = 0;
	for (; len > 0 && *s >= '0' && *s <= '7'; s++, len--)
		v = v * 8 + (uint32_t)(*s - '0');
	return v;
}

/* Whether the LEN-byte header field F holds the string S (a field that is
 * full has no terminating NUL). */
static int field_is(const char *f, int len, const char *s)
{
	for (int i = 0; i < len; i++) {
		if (f[i] != s[i])
			return 0;
		if (s[i] == '\0')
			return 1;
	}
	return s[len] == '\0';
}

/* The data of the regular file NAME and its size, or NULL. */
const char *tar_find(const char *name, uint32_t *size)
{
	const char *h = files_tar;
	while (h + BLOCK <= files_tar_end && h[0] != '\0') {
		const char *data = h + BLOCK;
		uint32_t n = octal(h + 124, 12);
		if (n > (uint32_t)(files_tar_end - data))
			break;		/* a damaged archive */
		int regular = h[156] == '0' || h[156] == '\0';
		if (regular && field_is(h + 257, 5, "ustar") &&
		    field_is(h, 100, name)) {
			*size = n;
			return data;
		}
		h = data + (n + BLOCK - 1) / BLOCK * BLOCK;
	}
	return NULL;
}
