/*
 * crtc.S - the PC platform's 6845 CRT controller at ports 0x3D4 (index)
 * and 0x3D5 (data), as a text-mode console driver moves its cursor (real
 * mode, loaded at 0x7C00):
 *
 *   - cursor location 0x07D0 (row 25 of 80 columns): register 0x0E (high)
 *     with two byte writes, index then data; register 0x0F (low) with one
 *     16-bit write to 0x3D4 (AL = index, AH = data, as many drivers do:
 *     the high byte goes to 0x3D5);
 *   - cursor start and end scan lines 0x0A = 0x06, 0x0B = 0x07 (a CGA's
 *     cursor; minikvm starts with a VGA's, 0x0D/0x0E);
 *   - each register read back through 0x3D4/0x3D5; the index register
 *     read back (0x0F, the last selected); register 0x20, past the 18
 *     the controller has, reads 0xFF.
 *
 * Expected: "cursor 07d0, shape 06 07, index 0f, register 20: ff\n", EXIT.
 */
#include "lib16.inc"

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5

	boot16

	mov $CRTC_INDEX, %dx		/* 0x0E = 0x07: index, then data */
	mov $0x0e, %al
	out %al, (%dx)
	inc %dx
	mov $0x07, %al
	out %al, (%dx)
	dec %dx				/* 0x0F = 0xD0: one 16-bit write */
	mov $0xd00f, %ax
	out %ax, (%dx)
	mov $0x060a, %ax		/* cursor start 0x06, end 0x07 */
	out %ax, (%dx)
	mov $0x070b, %ax
	out %ax, (%dx)

	say s_cursor
	mov $0x0e, %al
	call crtc_read
	call hex2
	mov $0x0f, %al
	call crtc_read
	call hex2
	say s_shape
	mov $0x0a, %al
	call crtc_read
	call hex2
	putc ' '
	mov $0x0b, %al
	call crtc_read
	call hex2
	say s_index
	mov $0x0f, %al			/* select 0x0F, read the index back */
	call crtc_read
	mov $CRTC_INDEX, %dx
	in (%dx), %al
	call hex2
	say s_reg20
	mov $0x20, %al
	call crtc_read
	call hex2
	putc '\n'
	hypercall HC_EXIT

/* crtc_read: AL = register -> AL = its value */
crtc_read:
	push %dx
	mov $CRTC_INDEX, %dx
	out %al, (%dx)
	inc %dx
	in (%dx), %al
	pop %dx
	ret

	string s_cursor, "cursor "
	string s_shape, ", shape "
	string s_index, ", index "
	string s_reg20, ", register 20: "
