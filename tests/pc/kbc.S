/*
 * kbc.S - the PC platform's 8042 keyboard controller at ports 0x60 (data)
 * and 0x64 (status / command), driven as a BIOS or an OS does (real mode,
 * loaded at 0x7C00).  Before each command the guest waits (bounded) until
 * the controller takes one (status bit 1, IBF, clear); before each read of
 * port 0x60 until a byte waits (status bit 0, OBF, set).  It prints:
 *
 *   self-test (AA): 55           the controller's self-test passed
 *   interface test (AB): 00      the keyboard clock and data lines are fine
 *   command byte (20): 65        as a BIOS leaves it (minikvm: i8042.h)
 *   command byte after 60 74: 74 written with 0x60, read back with 0x20
 *   status: OBF clear            nothing left to read
 *
 * then EXIT.  A byte that never comes prints "no byte" and status 1.
 */
#include "lib16.inc"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define KBC_CMD 0x64
#define NEW_CMD_BYTE 0x74		/* translate, both ports off, system flag */

	boot16

	say s_selftest
	mov $0xaa, %al
	call command
	call read_data
	call hex2nl

	say s_iftest
	mov $0xab, %al
	call command
	call read_data
	call hex2nl

	say s_cmdbyte
	mov $0x20, %al
	call command
	call read_data
	call hex2nl

	mov $0x60, %al			/* write the command byte */
	call command
	mov $NEW_CMD_BYTE, %al
	call write_data
	say s_newcmd
	mov $0x20, %al
	call command
	call read_data
	call hex2nl

	say s_status
	in $KBC_STATUS, %al
	test $0x01, %al
	jnz 1f
	say s_clear
	hypercall HC_EXIT
1:	say s_full			/* and what waits */
	in $KBC_DATA, %al
	call hex2nl
	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* command: AL to port 0x64 once IBF is clear */
command:
	call wait_ibf
	out %al, $KBC_CMD
	ret
/* write_data: AL to port 0x60 once IBF is clear */
write_data:
	call wait_ibf
	out %al, $KBC_DATA
	ret
wait_ibf:
	push %ax
	push %ecx
	mov $100000, %ecx
1:	in $KBC_STATUS, %al
	test $0x02, %al
	jz 2f
	addr32 loop 1b
	say s_busy
	jmp fail
2:	pop %ecx
	pop %ax
	ret
/* read_data: waits for OBF, then AL = port 0x60 */
read_data:
	push %ecx
	mov $100000, %ecx
1:	in $KBC_STATUS, %al
	test $0x01, %al
	jnz 2f
	addr32 loop 1b
	say s_nobyte
	jmp fail
2:	in $KBC_DATA, %al
	pop %ecx
	ret

/* hex2nl: AL as two lower-case hex digits and a newline; keeps every
 * register */
hex2nl:
	call hex2
	pushal
	putc '\n'
	popal
	ret

fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_selftest, "self-test (AA): "
	string s_iftest, "interface test (AB): "
	string s_cmdbyte, "command byte (20): "
	string s_newcmd, "command byte after 60 74: "
	string s_status, "status: "
	string s_clear, "OBF clear\n"
	string s_full, "OBF set, port 60 holds "
	string s_busy, "\nthe controller never takes a command (IBF stays set)\n"
	string s_nobyte, "no byte (OBF never set)\n"
