/*
 * hostmem.h - how much memory this host can give the guests of a run.
 *
 * Guest RAM is mapped MAP_NORESERVE, so the kernel accepts any size and
 * only finds out, when a guest touches its pages, that it cannot back them:
 * the OOM killer then ends minikvm (status 137, no message).  So a run is
 * refused up front when its guests' memory, all of it, exceeds what the
 * host can give: MemAvailable + SwapFree of /proc/meminfo, or less where
 * the process's memory cgroup allows less (cgroup v2: memory.max -
 * memory.current; v1: memory.limit_in_bytes - memory.usage_in_bytes; at
 * every level from the process's cgroup up to the hierarchy's root).
 */
#ifndef MINIKVM_HOSTMEM_H
#define MINIKVM_HOSTMEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* What the host can give, and which limit says so. */
struct hostmem {
	uint64_t bytes;		/* UINT64_MAX: unknown (no /proc/meminfo) */
	const char *source;	/* e.g. "MemAvailable + SwapFree" */
	char where[256];	/* the cgroup file that set it, or "" */
};

/*
 * hostmem_available - fills H from /proc/meminfo and the memory cgroup.
 * Files that do not exist or cannot be opened are limits not known (a
 * host without /proc: H->bytes is UINT64_MAX); a file that is there but
 * not as documented is an error.  Returns 0, or -1 with E naming the file.
 */
int hostmem_available(struct hostmem *h, struct err *e);

/*
 * hostmem_check - 0 if guests needing TOTAL bytes of RAM in all fit in what
 * hostmem_available reports; else -1 with E: one line naming both numbers
 * and the limit (or the file that could not be parsed).
 */
int hostmem_check(uint64_t total, struct err *e);

/*
 * hostmem_format - BYTES for people: "4096 GiB", "21.3 GiB", "512 MiB",
 * "64 KiB" (powers of 1024; one decimal only where not whole).  Returns BUF.
 */
const char *hostmem_format(uint64_t bytes, char *buf, size_t len);

#endif
