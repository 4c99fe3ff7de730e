/* bus.c - address-range dispatch to devices (see bus.h). */
#include "bus.h"

#include <stdlib.h>
#include <string.h>

int bus_register(struct bus *bus, uint64_t base, uint64_t len, void *owner,
		 bus_io_fn io, const char *name)
{
	if (len == 0 || base + len < base)
		return -1;
	for (size_t i = 0; i < bus->n; i++) {
		const struct bus_device *d = &bus->devs[i];

		if (base < d->base + d->len && d->base < base + len)
			return -1;
	}
	if (bus->n == bus->cap) {
		size_t cap = bus->cap ? bus->cap * 2 : 4;
		struct bus_device *v = realloc(bus->devs, cap * sizeof *v);

		if (v == NULL)
			return -1;
		bus->devs = v;
		bus->cap = cap;
	}
	bus->devs[bus->n++] = (struct bus_device){ base, len, owner, io, name };
	return 0;
}

enum io_result bus_dispatch(struct bus *bus, uint64_t addr, uint8_t *data,
			    unsigned size, bool is_write)
{
	/* A handful of devices: a linear scan beats anything cleverer. */
	for (size_t i = 0; i < bus->n; i++) {
		const struct bus_device *d = &bus->devs[i];

		if (addr - d->base < d->len)
			return d->io(d->owner, addr - d->base, data, size, is_write);
	}
	if (is_write) {
		bus->unclaimed_writes++;
	} else {
		bus->unclaimed_reads++;
		memset(data, 0xff, size);
	}
	return IO_OK;
}

void bus_free(struct bus *bus)
{
	free(bus->devs);
	bus->devs = NULL;
	bus->n = bus->cap = 0;
}
