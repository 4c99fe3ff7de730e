/*
 * syscall.h - the system call numbers, shared by the kernel (console.c)
 * and the user programs (user/ulib.c).
 *
 * A program puts the number in EAX and the arguments in EBX, ECX, EDX,
 * then executes `int $0x80`; the result comes back in EAX.
 */
#ifndef OS1K_SYSCALL_H
#define OS1K_SYSCALL_H

#define SYS_PUTCHAR	1	/* (c): one byte to the console */
#define SYS_GETCHAR	2	/* (): the next input byte, or -1 at the end of input */
#define SYS_EXIT	3	/* (status): ends the calling process */
#define SYS_YIELD	4	/* (): lets the other processes run */
#define SYS_TICKS	5	/* (): timer ticks (10 ms each) since boot */
#define SYS_SLEEP	6	/* (n): waits n timer ticks */
#define SYS_READFILE	7	/* (name, buf, size): copies a file of the archive; its size, or -1 */
#define SYS_SPAWN	8	/* (eip, eax): a new process starting at eip with EAX = eax; its pid, or -1 */
#define SYS_WAIT	9	/* (pid): waits for that child to end; its exit status (-1: killed) */

#endif
