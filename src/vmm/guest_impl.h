/*
 * guest_impl.h - the guest layer's own functions, shared by its files and
 * by no other layer: guest.c (create, the exit loop, stop, destroy),
 * guest_boot.c (images and the initial CPU state) and guest_diag.c
 * (diagnoses).
 */
#ifndef MINIKVM_GUEST_IMPL_H
#define MINIKVM_GUEST_IMPL_H

#include "vmm/guest.h"

/*
 * guest_load_image - copies CFG's image into G's memory: a flat binary at
 * cfg->load, or an ELF image's segments where its program headers say
 * (elf_image.h), below the boot area.  Returns 0, or -1 with E naming the
 * image and the problem (the file may have changed since it was checked).
 */
int guest_load_image(struct guest *g, const struct manifest *m,
		     const struct vcpu_config *cfg, struct err *e);

/*
 * guest_load_linux - a Linux guest (linux.h): the bzImage at 1 MiB, the
 * initrd, the zero page, and processor 0 at the 32-bit entry point with
 * ESI = the zero page (boot.rst, "32-bit boot protocol").  Returns 0, or -1
 * with E.
 */
int guest_load_linux(struct guest *g, const struct vcpu_config *cfg,
		     struct err *e);

/*
 * guest_fault - an exit the VMM cannot handle (a triple fault, an internal
 * error, a failed entry, an unknown reason) on processor C: one diagnosis
 * with the registers and, where this host's KVM is the cause, a line
 * saying so.  Returns GUEST_FAILED, or GUEST_DONE for a Linux guest's
 * reset.
 */
enum guest_status guest_fault(struct vcpu *c);

/* guest_where_stopped - fills c->stopped_at for the timeout message. */
void guest_where_stopped(struct vcpu *c);

/* guest_notes_summary - at the guest's end, one line per kind of note
 * that went over its limit (guest_note). */
void guest_notes_summary(const struct guest *g);

#endif
