/* bare.c - the bare board: the hypercall port and a polled COM1 (board.h). */
#include "board/board_impl.h"
#include "vmm/guest.h"
#include "hw/hypercall.h"
#include "minikvm.h"

int board_bare_create(struct guest *g, struct err *e)
{
	if (bus_register(&g->pio, HC_PORT, HC_PORTS, g, hypercall_io, "hypercall") < 0 ||
	    bus_register(&g->pio, UART_COM1_BASE, UART_PORTS, &g->uart, uart_io,
			 "COM1") < 0)
		return err_set(e, "cannot register devices: out of memory");
	return 0;
}
