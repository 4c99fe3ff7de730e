/*
 * tap.h - what the device unit tests share (tests/unit/test_hw_*.c): TAP
 * output (https://testanything.org: "ok N - what" / "not ok N - what")
 * and a guest's byte-wide IN and OUT on a device's bus handler (bus.h),
 * with the index/data register pairs of the CMOS clock and the CRTC.
 */
#ifndef MINIKVM_TEST_TAP_H
#define MINIKVM_TEST_TAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "vmm/bus.h"

static int n, failed;

/* One test line; a failing one is counted for the exit status. */
static inline void check(bool ok, const char *what)
{
	n++;
	if (!ok)
		failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n, what);
}

/* `out %al` of V at OFFSET into the device IO serves for DEV. */
static inline enum io_result tap_out(bus_io_fn io, void *dev, unsigned offset, uint8_t v)
{
	return io(dev, offset, &v, 1, true);
}

/* `in %al` at OFFSET. */
static inline uint8_t tap_in(bus_io_fn io, void *dev, unsigned offset)
{
	uint8_t v = 0;

	io(dev, offset, &v, 1, false);
	return v;
}

/* Register REG of an index (offset 0) / data (offset 1) pair: read, write. */
static inline uint8_t tap_rd(bus_io_fn io, void *dev, uint8_t reg)
{
	tap_out(io, dev, 0, reg);
	return tap_in(io, dev, 1);
}

static inline void tap_wr(bus_io_fn io, void *dev, uint8_t reg, uint8_t v)
{
	tap_out(io, dev, 0, reg);
	tap_out(io, dev, 1, v);
}

/* A firmware table builder: mptable_build, acpi_build (x86/). */
typedef int (*tap_table_fn)(uint8_t *mem, uint64_t mem_size, unsigned ncpus,
			    struct err *e);

/*
 * tap_refused - BUILD over SIZE bytes of RAM with NCPUS processors, in a
 * buffer of BUF bytes, must fail with a message in E and leave every byte
 * of the buffer as it was.  Returns whether it did (false, with E's
 * message "out of memory", if the buffer cannot be had).
 */
static inline bool tap_refused(tap_table_fn build, size_t buf, uint64_t size,
			       unsigned ncpus, struct err *e)
{
	uint8_t *mem = malloc(buf);
	size_t changed = 0;
	int rc;

	if (mem == NULL)
		return err_set(e, "out of memory"), false;
	memset(mem, 0xa5, buf);
	rc = build(mem, size, ncpus, e);
	for (size_t a = 0; a < buf; a++)
		changed += mem[a] != 0xa5;
	free(mem);
	return rc == -1 && e->msg[0] && changed == 0;
}

/*
 * tap_fits_exactly - BUILD with NCPUS in a buffer of exactly SIZE bytes
 * (the sanitizer sees a write past it) must succeed and leave the LEN
 * bytes SIG at offset AT.  Returns whether it did.
 */
static inline bool tap_fits_exactly(tap_table_fn build, size_t size, unsigned ncpus,
				    size_t at, const char *sig, size_t len)
{
	uint8_t *mem = calloc(1, size);
	struct err e = { "" };
	bool ok;

	if (mem == NULL)
		return false;
	ok = build(mem, size, ncpus, &e) == 0 && memcmp(mem + at, sig, len) == 0;
	free(mem);
	return ok;
}

/*
 * tap_rebuild_same - in BUF bytes, a build with MANY processors then one
 * with FEW must leave what a build with FEW alone leaves: nothing of the
 * larger tables stays behind.  Returns whether it did.
 */
static inline bool tap_rebuild_same(tap_table_fn build, size_t buf, unsigned many,
				    unsigned few)
{
	uint8_t *a = calloc(1, buf), *b = calloc(1, buf);
	struct err e = { "" };
	bool ok = a != NULL && b != NULL &&
		  build(a, buf, many, &e) == 0 && build(a, buf, few, &e) == 0 &&
		  build(b, buf, few, &e) == 0 && memcmp(a, b, buf) == 0;

	free(a);
	free(b);
	return ok;
}

#endif
