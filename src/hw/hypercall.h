/*
 * hypercall.h - the hypercall device on I/O port 0x500 (guests/minikvm.h
 * holds the numbers; man/minikvm-hypercall.7 the ABI).  The function is in
 * AL, arguments in EBX/ECX, read from the vCPU's registers at the exit.
 */
#ifndef MINIKVM_HYPERCALL_H
#define MINIKVM_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"

/* hypercall_io - the bus handler for HC_PORT; OWNER is the struct guest. */
enum io_result hypercall_io(void *owner, uint64_t offset, uint8_t *data,
			    unsigned size, bool is_write);

/*
 * hypercall_name - "EXIT", "PUTCHAR", ... for a function number; "0xNN" for
 * an unknown one (in a static buffer per thread).
 */
const char *hypercall_name(uint8_t fn);

#endif
