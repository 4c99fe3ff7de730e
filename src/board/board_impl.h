/*
 * board_impl.h - the boards' own functions (board.h), for board.c, bare.c
 * and pc.c only (pc.c builds on bare.c).
 */
#ifndef MINIKVM_BOARD_IMPL_H
#define MINIKVM_BOARD_IMPL_H

#include "err.h"

struct guest;

/* board_bare_create - the hypercall port and COM1; 0, or -1 with E. */
int board_bare_create(struct guest *g, struct err *e);

/* board_pc_create - the bare board's devices and a PC's (pc.c); 0 or -1. */
int board_pc_create(struct guest *g, struct err *e);

/* board_pc_destroy - frees G's PC devices, if any. */
void board_pc_destroy(struct guest *g);

#endif
