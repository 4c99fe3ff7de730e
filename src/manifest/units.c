/* units.c - strict parsing of numbers, sizes and durations (see units.h). */
#include "manifest/units.h"

#include <stdio.h>
#include <string.h>

#define LEADING_ZERO "has a leading 0, which YAML reads as octal"
/* What does not fit in 64 bits is refused, never wrapped. */
#define TOO_LARGE "is too large: more than 2^64-1"
#define TOO_LARGE_SIZE "is too large: more than 2^64-1 bytes"
#define TOO_LARGE_DURATION "is too large: more than 2^64-1 ns, about 584 years"

/* Parses the digits of s[0..len) in base 10 or 16; no sign, no spaces. */
static int parse_digits(const char *s, size_t len, uint64_t *out,
			const char **why)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	} else if (len >= 2 && s[0] == '0') {
		*why = LEADING_ZERO;
		return -1;
	}
	if (len == 0) {
		*why = "is not a number";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else {
			*why = "is not a number";
			return -1;
		}
		if (v > (UINT64_MAX - d) / base) {
			*why = TOO_LARGE;
			return -1;
		}
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int units_parse_u64(const char *s, uint64_t *out, const char **why)
{
	return parse_digits(s, strlen(s), out, why);
}

int units_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	size_t len = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (len > 0 && !(len >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x')) {
		switch (s[len - 1]) {
		case 'K': shift = 10; len--; break;
		case 'M': shift = 20; len--; break;
		case 'G': shift = 30; len--; break;
		default: break;
		}
	}
	if (parse_digits(s, len, &v, why) < 0) {
		if (strcmp(*why, "is not a number") == 0)
			*why = "is not a size";
		else if (shift != 0 && strcmp(*why, LEADING_ZERO) == 0)
			*why = "has a leading 0";	/* "010K" is a string to YAML */
		else if (strcmp(*why, TOO_LARGE) == 0)
			*why = TOO_LARGE_SIZE;
		return -1;
	}
	if (v > (UINT64_MAX >> shift)) {
		*why = TOO_LARGE_SIZE;
		return -1;
	}
	*bytes = v << shift;
	return 0;
}

static const struct {
	const char *suffix;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", 60000000000ull },
};

int units_parse_duration(const char *s, uint64_t *ns, const char **why)
{
	size_t len = strlen(s), digits = 0;
	uint64_t v;

	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits == 0) {
		*why = "is not a duration";
		return -1;
	}
	for (size_t i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
		if (strcmp(s + digits, duration_units[i].suffix) != 0)
			continue;
		if (parse_digits(s, digits, &v, why) < 0) {
			if (strcmp(*why, LEADING_ZERO) == 0)
				*why = "has a leading 0";	/* a string to YAML */
			else if (strcmp(*why, TOO_LARGE) == 0)
				*why = TOO_LARGE_DURATION;
			return -1;
		}
		if (v > UINT64_MAX / duration_units[i].ns) {
			*why = TOO_LARGE_DURATION;
			return -1;
		}
		*ns = v * duration_units[i].ns;
		return 0;
	}
	*why = digits == len ? "needs a unit" : "is not a duration";
	return -1;
}

char *units_format_size(uint64_t bytes, char *buf, unsigned long len)
{
	static const char suffix[] = { 'G', 'M', 'K' };

	for (unsigned i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * i;

		if (bytes != 0 && bytes % (1ull << shift) == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(bytes >> shift), suffix[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
	return buf;
}

char *units_format_duration(uint64_t ns, char *buf, unsigned long len)
{
	size_t n = sizeof duration_units / sizeof duration_units[0];

	if (ns == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	for (size_t i = n; i-- > 0;) {
		if (ns % duration_units[i].ns == 0) {
			snprintf(buf, len, "%llu%s",
				 (unsigned long long)(ns / duration_units[i].ns),
				 duration_units[i].suffix);
			return buf;
		}
	}
	return buf; /* not reached: 1ns divides everything */
}
