/*
 * trace.h - one line per VM exit, decoded for a human
 * (`minikvm run --trace[=FILTER|FILE]`):
 *
 *   vcpu0 #12 IO out 0x500 1B al=0x01 PUTCHAR 'H'  cs:ip=0000:0007
 *   vcpu1 #3 MMIO write 0x000ff000 4B data=0xdeadbeef (unbacked)
 *   vcpu0 #40 HLT -> vCPU done
 *
 * Lines go to stderr or a file, never into guest output; each is written
 * with one stdio call, so lines of different vCPUs never tear.
 */
#ifndef MINIKVM_TRACE_H
#define MINIKVM_TRACE_H

#include <stdio.h>

#include "bus.h"

/* Which exits to trace. */
enum {
	TRACE_IO = 1 << 0,
	TRACE_MMIO = 1 << 1,
	TRACE_HLT = 1 << 2,
	TRACE_OTHER = 1 << 3,	/* shutdowns, internal errors, the rest */
	TRACE_ALL = 0xf,
};

struct trace {
	FILE *out;
	unsigned mask;
};

struct guest;

/*
 * trace_parse - reads --trace's value: NULL or "" for every exit to
 * stderr; a comma list of io, mmio, hlt, other, all for a filter; anything
 * else is a file name.  Fills T (T->out is opened by the caller from
 * *FILE, NULL for stderr).  Returns 0, or -1 for an empty filter word.
 */
int trace_parse(const char *arg, struct trace *t, const char **file);

/*
 * trace_exit - writes the line for the exit G has just handled; R is what
 * its handler said.  Reads the registers from kvm_run (the caller asks for
 * KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS while tracing).
 */
void trace_exit(const struct trace *t, struct guest *g, enum io_result r);

#endif
