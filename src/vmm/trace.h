/*
 * trace.h - one line per VM exit, decoded for a human
 * (`minikvm run --trace[=FILTER|FILE]`):
 *
 *   vcpu0 #12 IO out 0x500 1B al=0x01 PUTCHAR 'H'  cs:ip=0000:0007
 *   vcpu1 #3 MMIO write 0x000ff000 4B data=0xdeadbeef (unbacked)
 *   vcpu0 #40 HLT -> vCPU done
 *
 * Lines go to stderr or a file, never into guest output; each is written
 * with one stdio call, so lines of different vCPUs never tear.  A write
 * error does not stop the guests: it is recorded for the end of the run.
 */
#ifndef MINIKVM_TRACE_H
#define MINIKVM_TRACE_H

#include <stdatomic.h>
#include <stdio.h>

#include "vmm/bus.h"

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
	/*
	 * Where trace_exit records the errno of the first failed write (it
	 * gets the trace const, hence a pointer), for whoever closes OUT to
	 * report; NULL: not recorded.
	 */
	atomic_int *write_errno;
};

struct vcpu;
struct err;

/*
 * trace_parse - reads --trace's value ARG: NULL or "" for every exit; else
 * a comma-separated list of filter words (io, mmio, hlt, other, all) that
 * may end with file:PATH, PATH being the rest of ARG, commas and all
 * ("file:PATH" alone: every exit).  Sets T->mask, and *FILE to PATH within
 * ARG or to NULL for stderr (the caller opens it).  Returns 0, or -1 with
 * E saying which word is wrong and what is expected: an unknown word is
 * never taken for a file name.
 */
int trace_parse(const char *arg, struct trace *t, const char **file, struct err *e);

/*
 * trace_exit - writes the line for the exit processor C has just handled,
 * named as diagnoses name it ("vcpu0", "vcpu0 cpu1"); R is what
 * its handler said.  Reads the registers from kvm_run (the caller asks for
 * KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS while tracing).  A failed write
 * is recorded in *T->write_errno (the first one only).
 */
void trace_exit(const struct trace *t, struct vcpu *c, enum io_result r);

#endif
