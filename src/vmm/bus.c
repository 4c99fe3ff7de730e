/* bus.c - address-range dispatch to devices (see bus.h). */
#include "vmm/bus.h"

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

enum io_result bus_dispatch(const struct bus *bus, uint64_t addr, uint8_t *data,
			    unsigned size, bool is_write)
{
	/*
	 * An access may run past the end of the device it starts in (`in
	 * %eax` at COM1's 0x3FD reads 0x3FD-0x400): each device gets only its
	 * own bytes, and the rest goes on to whatever lies at the next address,
	 * as on the ISA bus, where a wide access is a run of byte accesses.
	 */
	while (size > 0) {
		const struct bus_device *d = NULL;
		uint64_t part = size;
		enum io_result r = IO_OK;

		/* A handful of devices: a linear scan beats anything cleverer. */
		for (size_t i = 0; i < bus->n; i++) {
			const struct bus_device *c = &bus->devs[i];

			if (addr - c->base < c->len) {
				d = c;
				break;
			}
			/* an unclaimed run ends where the next device starts */
			if (c->base > addr && c->base - addr < part)
				part = c->base - addr;
		}
		if (d != NULL) {
			if (d->len - (addr - d->base) < part)
				part = d->len - (addr - d->base);
			r = d->io(d->owner, addr - d->base, data, (unsigned)part, is_write);
		} else if (!is_write) {
			memset(data, 0xff, (size_t)part);	/* nothing drives the bus */
		}
		if (r != IO_OK)
			return r;
		addr += part;
		data += part;
		size -= (unsigned)part;
	}
	return IO_OK;
}

const struct bus_device *bus_find(const struct bus *bus, uint64_t addr,
				  unsigned size)
{
	for (size_t i = 0; i < bus->n; i++) {
		const struct bus_device *d = &bus->devs[i];

		if (addr - d->base < d->len)
			return size <= d->len - (addr - d->base) ? d : NULL;
	}
	return NULL;
}

const char *bus_name_at(const struct bus *bus, uint64_t addr)
{
	for (size_t i = 0; i < bus->n; i++)
		if (addr - bus->devs[i].base < bus->devs[i].len)
			return bus->devs[i].name;
	return NULL;
}

void bus_free(struct bus *bus)
{
	free(bus->devs);
	bus->devs = NULL;
	bus->n = bus->cap = 0;
}
