/*
 * units.h - numbers with units, as written in a manifest.
 *
 * libcyaml 1.3.1 reads "64K" into an integer field as 64 and "010" as 8
 * (../shared/notes/libcyaml.md), so every number of the manifest is loaded
 * as a string and parsed here, strictly: the whole string must be used.
 */
#ifndef MINIKVM_UNITS_H
#define MINIKVM_UNITS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * units_parse_u64 - a plain unsigned number: decimal ("4096") or hex
 * ("0x1000").  A leading 0 followed by digits ("010") is refused because
 * YAML 1.1 and C read it as octal and people do not mean that.
 * Returns 0 and sets *out, or -1 and sets *why to a static phrase saying what
 * is wrong ("is not a number", "is too large: more than 2^64-1", "has a leading
 * 0, ...").  Nothing wraps: a value past 2^64-1 is refused.
 */
int units_parse_u64(const char *s, uint64_t *out, const char **why);

/*
 * units_parse_size - a size in bytes: a number (as above) optionally followed
 * by K, M or G (binary multiples: 1K = 1024 bytes).  "256K" -> 262144.
 * At most 2^64-1 bytes ("17179869183G"; "17179869184G" is too large).
 * Returns 0 and sets *bytes, or -1 and sets *why.
 */
int units_parse_size(const char *s, uint64_t *bytes, const char **why);

/*
 * units_parse_duration - a duration: "0", or a decimal number followed by one
 * of ns, us, ms, s, m (minutes).  "10ms" -> 10000000.  At most 2^64-1 ns:
 * the largest accepted are 18446744073s and 307445734m (about 584 years).
 * Returns 0 and sets *ns (nanoseconds), or -1 and sets *why.
 */
int units_parse_duration(const char *s, uint64_t *ns, const char **why);

/*
 * units_format_size - writes BYTES as the shortest exact form ("256K", "1M",
 * "4097") into buf (at least 24 bytes).  Returns buf.
 */
char *units_format_size(uint64_t bytes, char *buf, unsigned long len);

/* units_format_duration - NS as the largest exact unit ("10ms", "0"). */
char *units_format_duration(uint64_t ns, char *buf, unsigned long len);

#endif
