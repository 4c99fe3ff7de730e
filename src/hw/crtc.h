/*
 * crtc.h - the colour text adapter's CRT controller register file at
 * ports 0x3D4 (index) and 0x3D5 (data): the 18 registers of the Motorola
 * MC6845 CRTC (data sheet, "Register File", Table 2: R0-R17), numbered as
 * the IBM Color/Graphics Adapter and, for 0x00-0x0F, the VGA's CRT
 * controller (IBM VGA Technical Reference, "CRT Controller Registers")
 * number them:
 *   0x00-0x09  horizontal and vertical timing, max scan line
 *   0x0A/0x0B  cursor start / end scan line
 *   0x0C/0x0D  display start address, high / low
 *   0x0E/0x0F  cursor location (character cell), high / low
 *   0x10/0x11  the 6845's light pen (read-only there), the VGA's vertical
 *              retrace start / end
 *
 * Only a register file: nothing is drawn, no timing is generated, and
 * writes change nothing but the register (no VGA write protection by
 * register 0x11 bit 7, no 6845 read-only registers: all 18 read back what
 * was written, as a VGA lets an OS read them; the point is that an OS
 * writing its cursor to 0x0E/0x0F reads the same value back).
 *
 * Reset values: what a VGA BIOS leaves for mode 3 (80x25 colour text,
 * 9x16 character cell), registers 0x00-0x11:
 *   5F 4F 50 82 55 81 BF 1F 00 4F 0D 0E 00 00 00 00 9C 8E
 * so the cursor is scan lines 13-14 (0x0A = 0x0D, 0x0B = 0x0E), at cell 0.
 * (A CGA BIOS's mode 3, 8-line cell, would be 71 50 5A 0A 1F 06 19 1C 02
 * 07 06 07 ...; the cursor and start-address registers mean the same on
 * both.)
 *
 * The index port holds the whole byte written and reads it back.  An index
 * past 0x11 selects nothing: data writes are ignored and data reads 0xFF.
 *
 * The device knows nothing of the VMM; one mutex guards its state, so any
 * vCPU thread may call crtc_io.
 */
#ifndef MINIKVM_HW_CRTC_H
#define MINIKVM_HW_CRTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"

#define CRTC_BASE 0x3d4		/* port of the index register */
#define CRTC_PORTS 2		/* 0x3D4 index, 0x3D5 data */
#define CRTC_REGS 18		/* R0-R17 */

struct crtc {
	pthread_mutex_t lock;
	uint8_t index;		/* as written to 0x3D4 */
	uint8_t regs[CRTC_REGS];
};

/* crtc_init - mode 3 as a VGA BIOS leaves it (above), index 0.  Errors:
 * none. */
void crtc_init(struct crtc *c);

/* crtc_destroy - releases the lock. */
void crtc_destroy(struct crtc *c);

/*
 * crtc_io - the bus handler for ports 0x3D4-0x3D5 (see bus.h; register it
 * at CRTC_BASE with length CRTC_PORTS, OWNER the struct crtc).  Each byte
 * of a wider access goes to the port at OFFSET + its position, in order
 * (`out 0x3D4, ax` with AL = index, AH = value, as Linux's vgacon does,
 * selects and writes); bytes past the last port read 0xFF and are
 * otherwise ignored.  Always returns IO_OK.
 */
enum io_result crtc_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write);

/* crtc_cursor - the cursor location, a character cell offset from the
 * start of video memory: register 0x0E << 8 | register 0x0F. */
uint16_t crtc_cursor(struct crtc *c);

#endif
