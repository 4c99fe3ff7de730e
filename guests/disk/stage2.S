/*
 * stage2.S - the second stage of configs/disk.yaml's small system, loaded
 * at 0x7E00 by the boot sector (boot.S), whose disk driver (ata.inc) it
 * uses.  Disk 1, the primary slave (guests/disk/files.img), holds a
 * trivial file system (mkfiles makes it):
 *
 *   sector 0     the directory: 16 entries of 32 bytes, each
 *                  bytes  0-23  the file's name, padded with zeros
 *                                (an entry whose name starts with 0 is free)
 *                  bytes 24-27  its first sector (little-endian)
 *                  bytes 28-31  its length in bytes
 *   sectors 1-   the files' data, each in consecutive sectors
 *
 * Stage 2 reads the directory, finds hello.txt, reads and prints it; then
 * writes reply.txt: a line, then hello.txt in capitals.  Its data go in
 * the sectors reply.txt already had if they are enough (a second run
 * rewrites the same file), else after the last sector in use; then the
 * directory entry, the directory sector written back, and FLUSH CACHE.
 * It prints what it did and ends with EXIT; a disk error or a missing
 * file prints why, status 1.
 */
#include "console.inc"

#define DISK		1		/* the files disk: the primary slave */
#define DIR		0x1000		/* the directory, sector 0 */
#define FILE		0x1200		/* hello.txt (at most MAX_FILE bytes) */
#define REPLY		0x3200		/* reply.txt */
#define MAX_FILE	0x1f00
#define ENTRIES		16
#define ENTRY		32		/* bytes an entry */
#define NAME		0		/* an entry's fields */
#define NAME_LEN	24
#define START		24
#define LENGTH		28

	.code16
	.globl stage2, stage2_end
stage2:
	say s_dir
	mov $0, %eax			/* sector 0: the directory */
	mov $1, %cx
	mov $DISK, %bl
	mov $DIR, %di
	call ata_read
	jc disk_error

	/* hello.txt: where, how long, then its data */
	mov $name_hello, %si
	call find
	jnc 1f
	die s_nohello
1:	mov %di, %bp			/* BP: hello.txt's entry */
	say name_hello
	say s_colon
	num LENGTH(%bp)
	say s_bytes_at
	num START(%bp)
	putc '\n'
	cmpl $MAX_FILE, LENGTH(%bp)
	jbe 1f
	die s_toolong
1:	mov LENGTH(%bp), %eax
	call sectors
	mov START(%bp), %eax
	mov $DISK, %bl
	mov $FILE, %di
	call ata_read
	jc disk_error
	say s_rule
	mov $FILE, %ebx			/* PUTS: the file's bytes */
	mov LENGTH(%bp), %ecx
	hypercall HC_PUTS
	say s_rule

	/* the reply: a line, then hello.txt in capitals; zeros to the end
	 * of its last sector */
	mov $REPLY, %di
	mov $MAX_FILE + 512, %cx
	xor %al, %al
	rep stosb
	mov $s_head, %si
	mov $REPLY, %di
	mov $s_head_len, %cx
	rep movsb
	mov $FILE, %si
	mov LENGTH(%bp), %cx
1:	lodsb
	cmp $'a', %al
	jb 2f
	cmp $'z', %al
	ja 2f
	sub $'a' - 'A', %al
2:	stosb
	loop 1b
	sub $REPLY, %di
	movzwl %di, %eax
	mov %eax, reply_length

	/* where it goes: reply.txt's own sectors if they are enough, else
	 * after the last sector in use, in reply.txt's entry or a free one */
	mov $name_reply, %si
	call find
	jc 1f
	mov %di, %bp			/* BP: reply.txt's entry */
	mov LENGTH(%bp), %eax
	call sectors
	mov %cx, %dx
	mov reply_length, %eax
	call sectors
	cmp %dx, %cx
	ja 3f				/* too few: elsewhere */
	mov START(%bp), %eax
	jmp 4f
1:	mov $name_free, %si		/* no reply.txt yet: a free entry */
	call find
	jnc 2f
	die s_dirfull
2:	mov %di, %bp
	mov $name_reply, %si		/* named reply.txt */
	mov $NAME_LEN, %cx
	rep movsb
3:	call end_of_used
4:	mov %eax, START(%bp)
	mov reply_length, %eax
	mov %eax, LENGTH(%bp)

	/* the data first, then the directory that points at them */
	call sectors
	mov START(%bp), %eax
	mov $DISK, %bl
	mov $REPLY, %si
	call ata_write
	jc disk_error
	mov $0, %eax
	mov $1, %cx
	mov $DISK, %bl
	mov $DIR, %si
	call ata_write
	jc disk_error
	mov $DISK, %bl
	call ata_flush
	jc disk_error

	say s_wrote
	num LENGTH(%bp)
	say s_bytes_at
	num START(%bp)
	say s_entry
	mov %bp, %ax
	sub $DIR, %ax
	shr $5, %ax			/* / ENTRY */
	movzwl %ax, %eax
	num %eax
	putc '\n'
	hypercall HC_EXIT

disk_error:				/* AL: the status, AH: the error register */
	mov %ax, %si
	say s_diskerr
	mov %si, %ax
	call hex2
	say s_errreg
	mov %si, %ax
	mov %ah, %al
	call hex2
	putc '\n'
	mov $1, %bl
	hypercall HC_EXIT_STATUS

/* hex2: AL in two hex digits, "0x" first */
hex2:
	mov %al, %cl
	putc '0'
	putc 'x'
	mov %cl, %al
	shr $4, %al
	call hexdigit
	mov %cl, %al
hexdigit:
	and $0x0f, %al
	add $'0', %al
	cmp $'9', %al
	jbe 1f
	add $'a' - '9' - 1, %al
1:	mov %al, %bl
	hypercall HC_PUTCHAR
	ret

/* find: DI = the directory entry whose name is the NAME_LEN bytes at SI,
 * CF clear; CF set if there is none.  Keeps SI. */
find:
	mov $DIR, %di
1:	push %si
	push %di
	mov $NAME_LEN, %cx
	repe cmpsb
	pop %di
	pop %si
	je 2f				/* (CF clear) */
	add $ENTRY, %di
	cmp $DIR + ENTRIES * ENTRY, %di
	jb 1b
	stc
2:	ret

/* sectors: CX = the sectors EAX bytes take */
sectors:
	add $511, %eax
	shr $9, %eax
	mov %ax, %cx
	ret

/* end_of_used: EAX = the first sector after every file (and after the
 * directory, sector 0) */
end_of_used:
	mov $1, %edx
	mov $DIR, %di
1:	cmpb $0, NAME(%di)
	je 2f
	mov LENGTH(%di), %eax
	call sectors
	movzwl %cx, %eax
	add START(%di), %eax
	cmp %edx, %eax
	jbe 2f
	mov %eax, %edx
2:	add $ENTRY, %di
	cmp $DIR + ENTRIES * ENTRY, %di
	jb 1b
	mov %edx, %eax
	ret

	.balign 4
reply_length:	.long 0
/* names as the directory holds them: NAME_LEN bytes, zero-padded */
name_hello:	.ascii "hello.txt"
	name_hello_len = . - name_hello
	.fill NAME_LEN - name_hello_len, 1, 0
name_reply:	.ascii "reply.txt"
	.fill NAME_LEN - (. - name_reply), 1, 0
name_free:	.fill NAME_LEN, 1, 0
	string s_dir, "stage 2: the directory of disk 1\n"
	string s_colon, ": "
	string s_bytes_at, " bytes at sector "
	string s_rule, "----\n"
	string s_head, "stage 2 read hello.txt, and says it louder:\n"
	string s_wrote, "wrote reply.txt: "
	string s_entry, ", directory entry "
	string s_nohello, "stage 2: no hello.txt on disk 1\n"
	string s_toolong, "stage 2: hello.txt is too long\n"
	string s_dirfull, "stage 2: the directory of disk 1 is full\n"
	string s_diskerr, "stage 2: disk error: status "
	string s_errreg, ", error register "

	.balign 512, 0			/* whole sectors: the boot sector */
stage2_end:				/* reads them all */
