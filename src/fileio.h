/*
 * fileio.h - reading the files a manifest names, safely.
 *
 * Manifests and guest images are user input: a path may name a directory, a
 * FIFO (which would block), /dev/zero (which never ends), a symlink loop or a
 * huge file.  These helpers accept only regular files up to a size limit and
 * never block on open.
 */
#ifndef MINIKVM_FILEIO_H
#define MINIKVM_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * file_size - the size in bytes of the regular file PATH, in *size.
 * Returns NULL on success, or a phrase saying why not ("is a directory",
 * "is not a regular file", or strerror(errno) of stat(2)).
 */
const char *file_size(const char *path, uint64_t *size);

/*
 * file_read - reads the regular file PATH, at most MAX bytes, into DST
 * (which has room for MAX bytes); the number read goes to *len.
 * A file larger than MAX is refused ("is larger than ..."), not cut short.
 * Returns NULL on success or a phrase saying why not.
 */
const char *file_read(const char *path, void *dst, size_t max, size_t *len);

/*
 * file_read_prefix - reads at most MAX bytes from the start of the regular
 * file PATH into DST (a shorter file gives fewer, in *len).  Returns NULL on
 * success or a phrase saying why not.
 */
const char *file_read_prefix(const char *path, void *dst, size_t max,
			     size_t *len);

#endif
