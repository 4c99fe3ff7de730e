/*
 * i8042.h - the PC's keyboard controller, an Intel 8042 (a UPI-42
 * microcontroller) running the IBM PC AT / PS/2 keyboard firmware, with a
 * PS/2 keyboard on its keyboard port and nothing on its auxiliary (mouse)
 * port.  Sources: Intel "UPI-41AH/42AH Universal Peripheral Interface"
 * data sheet (status register: OBF, IBF, F0, F1); IBM "Personal Computer
 * AT Technical Reference" (1984), section 1, "Keyboard Controller" (status
 * register, command byte, commands, input and output ports) and section 4,
 * "Keyboard" (commands to the keyboard); IBM "PS/2 Hardware Interface
 * Technical Reference" (1988), "Keyboard and Auxiliary Device Controller"
 * (the auxiliary port's commands A7-A9, D2-D4 and status bit 5).  Linux's
 * drivers/input/serio/i8042.c and keyboard/atkbd.c are the yardstick of
 * what an operating system does with it.
 *
 * Port 0x60, read: takes the byte in the output buffer (status OBF goes to
 * 0); with none waiting it reads the last byte again, as the 8042's data
 * bus buffer does.  Write: the data byte of a controller command that
 * takes one (60-7F, D1-D4, A5), or else a byte sent to the keyboard.
 * Port 0x64, read: the status register.  Write: a controller command.
 *
 * Status register (0x64):
 *   bit 0 OBF   a byte waits in the output buffer
 *   bit 1 IBF   always 0: a written byte is taken at once
 *   bit 2 SYS   system flag: set by self-test (AA), else command byte bit 2
 *   bit 3 C/D   1: the last write was to 0x64 (UPI flag F1 latches A2)
 *   bit 4 KEYL  always 1: keyboard not inhibited (no key lock)
 *   bit 5 AUX   the waiting byte came from the auxiliary port
 *   bit 6 TO    the waiting byte reports a transmit timeout (D4, below)
 *   bit 7 PAR   always 0: no parity error
 *
 * The output buffer is one byte.  Behind it wait, in this order of
 * priority, bytes the controller itself produces (command results, D2/D3
 * data, D4 timeouts) and bytes the keyboard sends (command responses, key
 * input); keyboard bytes wait while the command byte disables the keyboard
 * interface (bit 4), as a keyboard holds its data while its clock line is
 * held low.  All waiting bytes together, the output buffer's included, are
 * at most I8042_QUEUE (Linux's I8042_BUFFER_SIZE: its flush gives up, and
 * its probe reports no controller, past that many); a byte that finds the
 * queue full is dropped.  So a guest draining 0x60 while OBF is set sees
 * OBF clear after at most I8042_QUEUE reads.
 *
 * Controller commands (port 0x64), AT and PS/2 firmware:
 *   20-3F  result: controller RAM byte (cmd & 0x1F); byte 0 = command byte
 *   60-7F  data byte -> RAM byte (cmd & 0x1F); writing byte 0 also sets SYS
 *   A4     result F1 (no password installed)
 *   A5     data bytes up to and including a 0 are taken and dropped
 *   A6     nothing (no password to enable)
 *   A7/A8  command byte bit 5 (auxiliary interface disabled) set/cleared
 *   A9     result 00: auxiliary interface lines good
 *   AA     result 55: self-test passed; sets SYS
 *   AB     result 00: keyboard interface lines good
 *   AD/AE  command byte bit 4 (keyboard interface disabled) set/cleared
 *   C0     result: input port, 0xB3 (bit 7 keyboard not inhibited, bit 6
 *          0 = colour display, bit 5 no manufacturing jumper, bit 4 second
 *          256K of planar RAM, bits 1-0 keyboard and aux data lines high)
 *   D0     result: output port; bits 4 and 5 say whether the output buffer
 *          holds a keyboard / an auxiliary byte (the IRQ 1 / 12 outputs)
 *   D1     data byte -> output port; bit 0 = 0 pulses the system reset
 *          line (and reads back 1); bit 1 (A20 gate) is kept and read back,
 *          but not modelled: addresses above 1 MiB never wrap
 *   D2/D3  data byte -> output buffer as if from the keyboard / aux port
 *   D4     data byte -> auxiliary device; there is none, so the
 *          controller answers FE with status AUX and TO (transmit
 *          timeout), at once: Linux's psmouse probe fails without waiting
 *   E0     result 03: test inputs T0, T1 (clock lines) high
 *   F0-FF  pulse output port bits 3-0 for each command bit that is 0;
 *          bit 0 is the reset line, so F0, F2 ... FE reset and odd ones
 *          do nothing
 *   others ignored (no result): MUX prefixes 90-93 (this controller does
 *          not multiplex, and Linux's loop test sees that), C1/C2, AC,
 *          vendor commands.
 * A command written while one waits for its data byte abandons the first.
 * The auxiliary port is a PS/2 one with nothing plugged in: its internal
 * loop (D3) works and raises IRQ 12, so Linux's i8042_check_aux passes at
 * once, and a byte sent to the device (D4) times out at once.
 *
 * The keyboard (bytes written to 0x60 that are not a command's data byte;
 * writing one clears command byte bit 4, enabling the interface, as PS/2
 * controller firmware does):
 *   ED, F3  FA, then the parameter byte (LEDs, typematic rate) -> FA
 *   F0      FA, then the parameter: 0 -> FA and the current set (2); 1-3
 *           -> FA (the set is remembered); others -> FE
 *   EE      EE (echo)
 *   F2      FA AB 83 (AB 41 with translation on: command byte bit 6)
 *   F4      FA, scanning enabled
 *   F5, F6  FA, defaults, scanning disabled (F5) / enabled (F6)
 *   F7-FD   FA (scan code set 3 key types; accepted, no effect)
 *   FE      the keyboard's last byte again (resend)
 *   FF      FA AA: reset and self-test passed (at once, not after 0.5 s)
 *   others  FE (resend: not a command)
 * A byte 0xED or above where a parameter is expected is taken as a new
 * command instead, as keyboards do.  F5, F6 and FF discard keyboard bytes
 * not yet in the output buffer.  A set number sent back to a translating
 * controller is translated (1, 2, 3 -> 43, 41, 3F) as the 8042 does.
 *
 * IRQ 1 and IRQ 12 follow the 8042's output-buffer-full pins, as levels:
 * IRQ 1 is high while the output buffer holds a keyboard byte and command
 * byte bit 0 is set; IRQ 12 while it holds an auxiliary byte and bit 1 is
 * set.  Taking a byte lowers the line before the next byte (if any) enters
 * the buffer and raises it again, so an edge-triggered PIC sees one rising
 * edge per byte.  Each change is reported through the irq callback.
 *
 * Reset: a reset pulse (D1 with bit 0 clear, or F0-FE even) calls the
 * reset callback (after the device's lock is released) and the handler
 * returns IO_EXIT; the controller's own state is kept, as the 8042 is not
 * reset by the line it drives.
 *
 * Initial state: as a PC BIOS leaves the controller, since the guest runs
 * without one: command byte 0x65 (keyboard interrupt, SYS, auxiliary
 * interface disabled, translation), SYS set, output port 0xCF (reset line
 * high, A20 on, clock and data lines high), output buffer empty, the
 * keyboard scanning in set 2.
 *
 * The device knows nothing of the VMM: it raises IRQs and requests resets
 * through callbacks.  One mutex guards its state; any vCPU thread may call
 * the handlers, and the console's thread i8042_kbd_input.
 */
#ifndef MINIKVM_HW_I8042_H
#define MINIKVM_HW_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/bus.h"

#define I8042_DATA_PORT 0x60	/* data: i8042_io_data, one port */
#define I8042_CMD_PORT 0x64	/* status/command: i8042_io_cmd, one port */
#define I8042_KBD_IRQ 1
#define I8042_AUX_IRQ 12
#define I8042_QUEUE 16		/* bytes that may wait, output buffer included */

/*
 * Sets IRQ line IRQ (I8042_KBD_IRQ or I8042_AUX_IRQ) to LEVEL.  Called with
 * the device's lock held (so changes arrive in order): it must not call
 * back into the device.
 */
typedef void (*i8042_irq_fn)(void *ctx, unsigned irq, bool level);

/* A reset pulse on the system reset line; called without the lock held. */
typedef void (*i8042_reset_fn)(void *ctx);

/* One waiting byte and the status bits (AUX, TO) that go with it. */
struct i8042_byte {
	uint8_t val, status;
};

/* A FIFO of waiting bytes. */
struct i8042_fifo {
	struct i8042_byte b[I8042_QUEUE];
	unsigned head, n;
};

struct i8042 {
	pthread_mutex_t lock;
	i8042_irq_fn irq;		/* NULL: no interrupts */
	i8042_reset_fn reset;		/* NULL: a reset only returns IO_EXIT */
	void *ctx;			/* for both callbacks */

	/* the controller */
	uint8_t ram[32];		/* RAM byte 0 is the command byte */
	uint8_t outport;		/* output port as written (bits 4-5 computed) */
	bool sys;			/* status bit 2 */
	bool cmd_last;			/* status bit 3: last write was to 0x64 */
	uint8_t pending;		/* command waiting for its data byte, or 0 */
	struct i8042_byte ob;		/* output buffer (kept after it is read) */
	bool obf;			/* ... and whether it holds a byte */
	struct i8042_fifo ctrl;		/* controller results waiting */
	struct i8042_fifo kbd;		/* keyboard bytes waiting */
	bool line[2];			/* IRQ 1 and 12 as last reported */

	/* the keyboard */
	uint8_t kbd_pending;		/* ED, F0 or F3 waiting for its parameter, or 0 */
	uint8_t kbd_set;		/* scan code set, 1-3 */
	uint8_t kbd_leds, kbd_rate;	/* as last set (not shown anywhere) */
	uint8_t kbd_last;		/* last byte sent, for FE */
	bool kbd_scan;			/* scanning enabled: key input accepted */
};

/*
 * i8042_init - the initial state above, with callbacks IRQ and RESET (each
 * may be NULL) called with CTX.  Returns 0, or a negative errno if the
 * mutex cannot be set up.
 */
int i8042_init(struct i8042 *k, i8042_irq_fn irq, i8042_reset_fn reset,
	       void *ctx);

/* i8042_destroy - releases the lock. */
void i8042_destroy(struct i8042 *k);

/*
 * i8042_io_data - the bus handler for port 0x60 (OWNER: the struct i8042;
 * see bus.h).  Only the byte at OFFSET 0 is the data port: other bytes of a
 * wider access read 0xFF and are not written, as on the ISA bus where they
 * belong to other ports.  Returns IO_OK, or IO_EXIT after a reset pulse
 * (D1 data byte with bit 0 clear).
 */
enum io_result i8042_io_data(void *owner, uint64_t offset, uint8_t *data,
			     unsigned size, bool is_write);

/*
 * i8042_io_cmd - the bus handler for port 0x64: status (read) and command
 * (write), byte at OFFSET 0 only as above.  Returns IO_OK, or IO_EXIT after
 * a reset pulse (F0-FE even).
 */
enum io_result i8042_io_cmd(void *owner, uint64_t offset, uint8_t *data,
			    unsigned size, bool is_write);

/*
 * i8042_kbd_input - N bytes from the keyboard's keys (a hook for console
 * input): they are queued as the keyboard sends them, and must already be
 * in the code the guest reads at 0x60 (set 1 when the command byte turns
 * translation on, as a BIOS leaves it).  Taken only while scanning is
 * enabled (F4; not after F5) and while the queue has room.  Returns the
 * number of bytes taken (0 to N).
 */
unsigned i8042_kbd_input(struct i8042 *k, const uint8_t *bytes, unsigned n);

#endif
