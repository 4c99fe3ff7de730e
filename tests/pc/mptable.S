/*
 * mptable.S - the PC platform's Intel MultiProcessor Specification 1.4
 * tables, found and read as an OS does (real mode, loaded at 0x7C00; the
 * manifest gives the guest 2 processors, and the second, never sent an
 * INIT or a STARTUP IPI, waits until the BSP ends the guest):
 *
 *  - the MP floating pointer structure: "_MP_" on a 16-byte boundary in
 *    the first KiB of the EBDA (segment at BDA 0x40E), else in the last
 *    KiB of base memory (KiB count at BDA 0x413), else in 0xF0000-0xFFFFF
 *    (MP spec §4); its length, revision and checksum (all its bytes sum
 *    to 0) checked; feature byte 1 = 0: a configuration table exists;
 *  - the configuration table at its physical pointer: "PCMP", revision,
 *    the checksum of its base table, and every entry walked by type
 *    (processor 20 bytes, the others 8; an unknown type stops the walk):
 *    the entry count must match the header's, and the entries must end
 *    exactly at the base table's length.
 *
 * It prints what it found, one line per kind of entry, e.g. for 2 CPUs:
 *   MP 1.4 at 0x0009f000 (EBDA 9f00, 636 KiB), table at 0x0009f010
 *   PCMP 1.4: OEM "MINIKVM ", product "PC          ", local APIC 0xfee00000, 22 entries
 *   processors: 2 (APIC IDs 0 1; BSP 0)
 *   buses: 1 (0 ISA)
 *   I/O APICs: 1 (ID 2, version 11, at 0xfec00000)
 *   I/O interrupts: 16 (IRQ>INTIN 0>0 1>1 ... 15>15)
 *   local interrupts: 2 (type 3 LINTIN0, type 1 LINTIN1)
 * Numbers in hex where the spec gives them so (addresses, versions,
 * segments), decimal otherwise.  A broken structure prints what is wrong
 * and ends with status 1.
 */
#include "lib16.inc"

/* heading LABEL, COUNT, MAX, OPEN: "LABEL" COUNT (a byte) "OPEN"; then
 * SI = 0 and `shown` = COUNT, at most MAX: what the list shows */
.macro heading label, count, max, open
	say \label
	movzbl \count, %eax
	num %eax
	say \open
	movzbw \count, %ax
	cmp $\max, %ax
	jbe .Lheading\@
	mov $\max, %ax
.Lheading\@:
	mov %ax, shown
	xor %si, %si
.endm

	boot16

	/* where to look: the EBDA's first KiB, the last KiB of base memory,
	 * the BIOS ROM area */
	xor %ax, %ax
	mov %ax, %es
	mov %es:0x40e, %ax
	mov %ax, ebda_seg
	mov %es:0x413, %ax
	mov %ax, base_kib
	mov ebda_seg, %ax
	test %ax, %ax
	jz 1f
	mov $1024 / 16, %cx
	call scan
	jnc found
1:	mov base_kib, %ax		/* KiB -> segment of the last KiB */
	dec %ax
	shl $6, %ax
	mov $1024 / 16, %cx
	call scan
	jnc found
	mov $0xf000, %ax
	mov $0x10000 / 16, %cx
	call scan
	jnc found
	say s_nompf
	jmp fail

found:	/* ES:DI = the floating pointer */
	mov %es, %ax
	movzwl %ax, %eax
	shl $4, %eax
	movzwl %di, %edx
	add %edx, %eax
	mov %eax, mpf_addr
	mov %es:4(%di), %eax
	mov %eax, table_addr
	mov %es:9(%di), %al
	mov %al, mpf_rev
	cmpb $0, %es:11(%di)
	je 1f
	say s_default			/* a default configuration: no table */
	jmp fail
1:	say s_mp
	mov mpf_rev, %al
	call rev
	say s_at
	mov mpf_addr, %eax
	call hex8
	say s_ebda
	mov ebda_seg, %ax
	call hex4
	say s_comma
	movzwl base_kib, %eax
	num %eax
	say s_kib
	mov table_addr, %eax
	call hex8
	putc '\n'

	/* the configuration table: ES:DI with DI < 16 */
	mov table_addr, %eax
	test $0xfff00000, %eax
	jz 1f
	say s_high
	jmp fail
1:	mov %ax, %di
	and $0x0f, %di
	shr $4, %eax
	mov %ax, %es
	cmpl $0x504d4350, %es:(%di)	/* "PCMP" */
	je 1f
	say s_nopcmp
	jmp fail
1:	mov %es:4(%di), %cx		/* base table length */
	mov %cx, base_len
	call sum			/* ES:DI, CX bytes */
	jz 1f
	say s_badsum2
	jmp fail
1:	say s_pcmp
	mov %es:6(%di), %al
	call rev
	say s_oem
	lea 8(%di), %si
	mov $8, %cx
	call putes
	say s_product
	lea 16(%di), %si
	mov $12, %cx
	call putes
	say s_lapic
	mov %es:36(%di), %eax
	call hex8
	say s_comma
	movzwl %es:34(%di), %eax
	mov %ax, entries
	num %eax
	say s_entries

	/* the entries, in the order the spec asks (ascending type) */
	lea 44(%di), %si		/* ES:SI walks them */
	mov %di, %bx
	add base_len, %bx
	mov %bx, table_end
	xor %cx, %cx			/* entries seen */
walk:	cmp table_end, %si
	jae walked
	inc %cx
	movzbw %es:(%si), %bx
	cmp $4, %bx
	ja badtype
	cmp last_type, %bl
	jae 1f
	movb $1, unsorted
1:	mov %bl, last_type
	shl $1, %bx
	jmp *types(%bx)
types:	.word processor, bus, ioapic, intsrc, lintsrc

processor:
	movzbw ncpus, %bx
	cmp $64, %bx
	jae 1f
	mov %es:1(%si), %al
	mov %al, cpu_ids(%bx)
1:	incb ncpus
	testb $0x02, %es:3(%si)		/* BP */
	jz 2f
	incb nbsp
	mov %es:1(%si), %al
	mov %al, bsp_id
2:	add $20, %si
	jmp walk
bus:	mov $nbuses, %bx
	mov $bus_entries, %dx
	mov $4, %al
	jmp keep
ioapic:	incb nioapics
	mov %es:1(%si), %al
	mov %al, ioapic_id
	mov %es:2(%si), %al
	mov %al, ioapic_ver
	mov %es:3(%si), %al
	mov %al, ioapic_flags
	mov %es:4(%si), %eax
	mov %eax, ioapic_addr
	add $8, %si
	jmp walk
intsrc:	mov $nints, %bx
	mov $int_entries, %dx
	mov $32, %al
	jmp keep
lintsrc:
	mov $nlints, %bx
	mov $lint_entries, %dx
	mov $4, %al
	jmp keep
/* keep: the 8-byte entry at ES:SI kept in the table at DX (AL entries at
 * most; past that, counted only), its count the byte at BX; SI past it */
keep:	push %di
	cmp %al, (%bx)
	jae 1f
	movzbw (%bx), %di
	shl $3, %di
	add %dx, %di
	push %si
	push %cx
	mov $8, %cx
2:	mov %es:(%si), %al
	mov %al, (%di)
	inc %si
	inc %di
	loop 2b
	pop %cx
	pop %si
1:	incb (%bx)
	pop %di
	add $8, %si
	jmp walk
badtype:
	say s_badtype
	jmp fail

walked:	/* the walk ends exactly at the table's end, after the header's
	 * entry count */
	cmp table_end, %si
	je 1f
	say s_overrun
	jmp fail
1:	cmp entries, %cx
	je 1f
	say s_count
	jmp fail
1:	cmpb $0, unsorted
	je 1f
	say s_unsorted
	jmp fail

1:	/* processors: N (APIC IDs a b ...; BSP b) */
	heading s_cpus, ncpus, 64, s_ids
2:	cmp shown, %si
	jae 4f
	test %si, %si
	jz 5f
	putc ' '
5:	movzbl cpu_ids(%si), %eax
	num %eax
	inc %si
	jmp 2b
4:	cmpb $1, nbsp
	je 6f
	say s_nbsp
	movzbl nbsp, %eax
	num %eax
	say s_bsps
	jmp 7f
6:	say s_bsp
	movzbl bsp_id, %eax
	num %eax
7:	say s_close

	/* buses: N (id TYPE, ...) */
	heading s_buses, nbuses, 4, s_open
1:	cmp shown, %si
	jae 3f
	call sep
	mov %si, %di
	shl $3, %di
	movzbl bus_entries + 1(%di), %eax
	num %eax
	putc ' '
	add $bus_entries + 2, %di	/* the type, without its padding */
	mov $6, %cx
5:	cmpb $' ', (%di)
	je 6f
	mov (%di), %bl
	hypercall HC_PUTCHAR
	inc %di
	loop 5b
6:	inc %si
	jmp 1b
3:	say s_close

	/* I/O APICs: N (ID i, version v, at a) of the last one */
	say s_ioapics
	movzbl nioapics, %eax
	num %eax
	cmpb $0, nioapics
	je 1f
	say s_idopen
	movzbl ioapic_id, %eax
	num %eax
	say s_version
	mov ioapic_ver, %al
	call hex2
	testb $0x01, ioapic_flags
	jnz 2f
	say s_disabled
2:	say s_ataddr
	mov ioapic_addr, %eax
	call hex8
	putc ')'
1:	putc '\n'

	/* I/O interrupts: N (IRQ>INTIN a>b ...), each checked: type INT,
	 * flags 0 (conforms to the bus), source bus 0, destination the I/O
	 * APIC; an entry that differs is shown whole */
	heading s_ints, nints, 32, s_intopen
1:	cmp shown, %si
	jae 3f
	putc ' '
	mov %si, %di
	shl $3, %di
	cmpb $0, int_entries + 1(%di)	/* INT */
	jne 4f
	cmpw $0, int_entries + 2(%di)	/* conforms to the bus */
	jne 4f
	mov int_entries + 4(%di), %al	/* source bus: the first one's ID */
	cmp bus_entries + 1, %al
	jne 4f
	mov int_entries + 6(%di), %al	/* destination: the I/O APIC */
	cmp ioapic_id, %al
	jne 4f
	movzbl int_entries + 5(%di), %eax
	num %eax
	putc '>'
	movzbl int_entries + 7(%di), %eax
	num %eax
	jmp 5f
4:	call entry_hex			/* odd: the whole entry */
5:	inc %si
	jmp 1b
3:	say s_close

	/* local interrupts: N (type t LINTINp, ...), each to all local
	 * APICs (destination 0xFF) with flags 0; else shown whole */
	heading s_lints, nlints, 4, s_open
1:	cmp shown, %si
	jae 3f
	call sep
	mov %si, %di
	shl $3, %di
	cmpw $0, lint_entries + 2(%di)
	jne 6f
	cmpb $0xff, lint_entries + 6(%di)
	jne 6f
	say s_type
	movzbl lint_entries + 1(%di), %eax
	num %eax
	say s_lintin
	movzbl lint_entries + 7(%di), %eax
	num %eax
	jmp 5f
6:	add $lint_entries - int_entries, %di
	call entry_hex
5:	inc %si
	jmp 1b
3:	say s_close
	hypercall HC_EXIT

/* sep: ", " before every item of a list but the first (SI = 0) */
sep:	test %si, %si
	jz 1f
	say s_comma
1:	ret

/* entry_hex: the 8 bytes at int_entries + DI in hex, no spaces */
entry_hex:
	pushal
	mov $8, %cx
1:	mov int_entries(%di), %al
	call hex2
	inc %di
	loop 1b
	popal
	ret

/* scan: looks for the floating pointer in CX paragraphs from AX:0; CF
 * clear and ES:DI = it when found (signature, length 1, checksum) */
scan:
	mov %ax, %es
	xor %di, %di
1:	cmpl $0x5f504d5f, %es:(%di)	/* "_MP_" */
	jne 2f
	movzbw %es:8(%di), %ax		/* length in paragraphs */
	cmp $1, %ax
	jne 3f
	push %cx
	mov $16, %cx
	call sum
	pop %cx
	jz 9f
	push %cx
	say s_badsum1			/* a signature with a bad checksum */
	pop %cx
	jmp 2f
3:	push %cx
	say s_badlen
	pop %cx
2:	add $16, %di
	loop 1b
	stc
	ret
9:	clc
	ret

/* sum: ZF set if the CX bytes at ES:DI sum to 0 (mod 256) */
sum:
	push %cx
	push %si
	mov %di, %si
	xor %al, %al
1:	add %es:(%si), %al
	inc %si
	loop 1b
	test %al, %al
	pop %si
	pop %cx
	ret

/* putes: CX bytes at ES:SI, each through PUTCHAR, between quotes */
putes:
	pushal
	putc '"'
1:	mov %es:(%si), %bl
	hypercall HC_PUTCHAR
	inc %si
	loop 1b
	putc '"'
	popal
	ret

/* rev: AL = spec revision (1 = 1.1, 4 = 1.4) as "1.x" */
rev:
	pushal
	movzbl %al, %esi		/* before PUTCHAR takes AL */
	putc '1'
	putc '.'
	mov %esi, %ebx
	hypercall HC_PUTNUM
	popal
	ret

/* hex8/hex4: EAX, AX in lower-case hex ("0x" before hex8); hex2 and
 * hexdigit (which keeps CX and SI): lib16.inc */
hex8:
	pushal
	mov %eax, %esi			/* PUTCHAR takes AL and DX */
	putc '0'
	putc 'x'
	mov $8, %cx
	jmp 1f
hex4:
	pushal
	mov %eax, %esi
	shl $16, %esi			/* AX's digits first */
	mov $4, %cx
1:	rol $4, %esi
	mov %si, %ax
	call hexdigit
	loop 1b
	popal
	ret
fail:	mov $1, %bl
	hypercall HC_EXIT_STATUS

	string s_nompf, "no MP floating pointer (EBDA, base memory, F segment)\n"
	string s_badsum1, "a _MP_ signature with a bad checksum\n"
	string s_badlen, "a _MP_ signature whose length is not 1\n"
	string s_default, "feature byte 1 is not 0: a default configuration, no table\n"
	string s_high, "the configuration table lies above 1 MiB\n"
	string s_nopcmp, "no PCMP signature at the table's address\n"
	string s_badsum2, "the configuration table's checksum is wrong\n"
	string s_badtype, "\nan entry of unknown type\n"
	string s_overrun, "\nthe entries run past the base table's length\n"
	string s_count, "\nthe entry count differs from the entries\n"
	string s_unsorted, "\nthe entries are not in ascending type\n"
	string s_mp, "MP "
	string s_at, " at "
	string s_ebda, " (EBDA "
	string s_comma, ", "
	string s_kib, " KiB), table at "
	string s_pcmp, "PCMP "
	string s_oem, ": OEM "
	string s_product, ", product "
	string s_lapic, ", local APIC "
	string s_entries, " entries\n"
	string s_cpus, "processors: "
	string s_ids, " (APIC IDs "
	string s_bsp, "; BSP "
	string s_nbsp, "; "
	string s_bsps, " BSPs"
	string s_close, ")\n"
	string s_open, " ("
	string s_buses, "buses: "
	string s_ioapics, "I/O APICs: "
	string s_idopen, " (ID "
	string s_version, ", version "
	string s_disabled, ", disabled"
	string s_ataddr, ", at "
	string s_ints, "I/O interrupts: "
	string s_intopen, " (IRQ>INTIN"
	string s_lints, "local interrupts: "
	string s_type, "type "
	string s_lintin, " LINTIN"

ebda_seg:	.word 0
base_kib:	.word 0
mpf_addr:	.long 0
table_addr:	.long 0
mpf_rev:	.byte 0
base_len:	.word 0
table_end:	.word 0
entries:	.word 0
last_type:	.byte 0
unsorted:	.byte 0
ncpus:		.byte 0
nbsp:		.byte 0
bsp_id:		.byte 0
nbuses:		.byte 0
nioapics:	.byte 0
ioapic_id:	.byte 0
ioapic_ver:	.byte 0
ioapic_flags:	.byte 0
ioapic_addr:	.long 0
nints:		.byte 0
nlints:		.byte 0
shown:		.word 0
cpu_ids:	.skip 64
bus_entries:	.skip 4 * 8
int_entries:	.skip 32 * 8
lint_entries:	.skip 4 * 8
