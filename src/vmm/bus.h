/*
 * bus.h - devices on an address bus (one for port I/O, one for MMIO).
 *
 * A device claims [base, base+len) with a handler; the exit loop hands each
 * access to bus_dispatch(), which finds the device and calls it with the
 * offset into its range.  Adding a device is one bus_register() call, not a
 * new case in the exit loop (the shape of kvmtool's kvm__register_pio()).
 * Accesses no device claims read as all ones and are otherwise ignored, as
 * on a PC's ISA bus with nothing driving it.
 */
#ifndef MINIKVM_BUS_H
#define MINIKVM_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a device handler tells the exit loop. */
enum io_result {
	IO_OK = 0,	/* access done; the vCPU runs on */
	IO_EXIT,	/* the guest asked to end this vCPU normally */
	IO_FAULT,	/* a guest error, already diagnosed; stop this vCPU */
};

/*
 * A device handler.  OWNER is what was registered with it, OFFSET the
 * address minus the device's base, DATA the SIZE bytes (1 to 8; never past
 * the device's end, see bus_dispatch) to write or to fill for a read.
 */
typedef enum io_result (*bus_io_fn)(void *owner, uint64_t offset, uint8_t *data,
				    unsigned size, bool is_write);

struct bus_device {
	uint64_t base, len;	/* addresses claimed: ports or GPAs */
	void *owner;
	bus_io_fn io;
	const char *name;	/* for messages */
};

struct bus {
	struct bus_device *devs;
	size_t n, cap;
};

/*
 * bus_register - claims [BASE, BASE+LEN) for a device.  Ranges must not
 * overlap.  Returns 0, or -1 if LEN is 0, the range overlaps another or
 * memory runs out (set-up time only; dispatch never allocates).
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, void *owner,
		 bus_io_fn io, const char *name);

/*
 * bus_dispatch - one access of SIZE bytes at ADDR (a port or a GPA).  An
 * access that runs past a device's end is split: the device sees only the
 * bytes inside its range (a handler is called with OFFSET + SIZE <= its
 * LEN, SIZE from 1 to 8), the rest goes to the next address's device, and
 * bytes no device claims read 0xFF (writes to them are dropped).  Returns
 * IO_OK, or the first other result a handler gave (the rest is not done).
 */
enum io_result bus_dispatch(const struct bus *bus, uint64_t addr, uint8_t *data,
			    unsigned size, bool is_write);

/*
 * bus_find - the device that claims all of [ADDR, ADDR+SIZE), or NULL
 * (none, or the access spans several: bus_dispatch splits those).  For a
 * `rep ins/outs`, whose COUNT accesses all go to one address: the exit
 * loop looks the device up once, not once per element.
 */
const struct bus_device *bus_find(const struct bus *bus, uint64_t addr,
				  unsigned size);

/*
 * bus_name_at - the name of the device claiming ADDR, or NULL if none
 * does (for traces and messages; a linear search).
 */
const char *bus_name_at(const struct bus *bus, uint64_t addr);

/* bus_free - releases the registrations. */
void bus_free(struct bus *bus);

#endif
