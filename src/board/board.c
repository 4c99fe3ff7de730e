/* board.c - a guest's board, by its kind (board.h): bare.c or pc.c. */
#include "board/board.h"

#include "board/board_impl.h"
#include "vmm/guest.h"

int board_create(struct guest *g, struct err *e)
{
	return g->board == BOARD_PC ? board_pc_create(g, e) : board_bare_create(g, e);
}

void board_destroy(struct guest *g)
{
	board_pc_destroy(g);
}
