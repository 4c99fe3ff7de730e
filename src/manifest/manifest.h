/*
 * manifest.h - the manifest: a YAML file that describes the VM(s) to run.
 *
 * manifest_load() reads a file against the libcyaml schema declared in
 * manifest.c, applies defaults, checks every field and the rules between
 * fields, and returns a plain struct manifest that knows nothing of YAML.
 * The format is documented in man/minikvm.yaml.5 and README.md; this header
 * documents the resulting C values.
 */
#ifndef MINIKVM_MANIFEST_H
#define MINIKVM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest/diag.h"

/* The manifest format version this minikvm reads. */
#define MANIFEST_VERSION 1
/* The most vCPU entries (guests) the schema allows. */
#define MANIFEST_MAX_VCPUS 64
/* The most processors of one guest the schema allows (vcpus[].cpus); a
 * host's KVM may allow fewer (KVM_CAP_MAX_VCPUS, checked at run time). */
#define MANIFEST_MAX_CPUS 64
/* The most disks of one guest: an ATA channel's master and slave on the
 * primary and the secondary channel (vcpus[].disks). */
#define MANIFEST_MAX_DISKS 4
/* The most runs a bench section may ask for. */
#define BENCH_MAX_RUNS 10000
/* Manifests larger than this many bytes are refused before parsing. */
#define MANIFEST_MAX_BYTES (1u << 20)
/* The most bytes of a number field's text ("256K", "0x07c0:0x0000"). */
#define MANIFEST_NUM_MAX 64
/* linux.cmdline when the manifest gives none. */
#define LINUX_DEFAULT_CMDLINE "console=ttyS0 panic=-1 reboot=k"


/* The CPU mode every vCPU of the manifest starts in. */
enum cpu_mode {
	CPU_MODE_UNSET = 0,
	CPU_MODE_REAL,		/* 16-bit real mode */
	CPU_MODE_PROTECTED,	/* 32-bit protected mode */
	CPU_MODE_LONG,		/* 64-bit long mode */
};

/* auto | always | never, for console colour and line prefixes. */
enum when {
	WHEN_UNSET = 0,
	WHEN_AUTO,
	WHEN_ALWAYS,
	WHEN_NEVER,
};

/* paging: off | identity. */
enum paging_mode {
	PAGING_UNSET = 0,
	PAGING_OFF,
	PAGING_IDENTITY,
};

/* vcpus[].platform: bare | pc (board/board.h). */
enum platform {
	PLATFORM_UNSET = 0,
	PLATFORM_BARE,
	PLATFORM_PC,
};

/* vcpus[].boot: image | disk. */
enum boot_from {
	BOOT_UNSET = 0,
	BOOT_IMAGE,
	BOOT_DISK,
};

/* vcpus[].disks[].access: what the guest's writes do to the image file. */
enum disk_mode {
	DISK_MODE_UNSET = 0,
	DISK_MODE_READ_WRITE,	/* written to the file (the default) */
	DISK_MODE_READ_ONLY,	/* refused: the guest sees an ATA error */
	DISK_MODE_SNAPSHOT,	/* kept in memory, dropped at the end */
};

/* One disk of a guest (vcpus[].disks[N]): an ATA drive backed by a raw
 * image file.  Position N: 0 primary master, 1 primary slave, 2 secondary
 * master, 3 secondary slave (board/pc.c). */
struct disk_config {
	char *image;		/* path, resolved as vcpus[].image */
	uint64_t size;		/* bytes, a non-zero multiple of 512, as seen
				 * when the manifest was checked */
	enum disk_mode access;	/* never DISK_MODE_UNSET after loading */
	uint64_t dev, ino;	/* the file's identity (st_dev, st_ino), to
				 * find the same file named twice */
};

/* On/off switches; three-valued so that "absent" is visible. */
enum onoff {
	ONOFF_UNSET = 0,
	ONOFF_FALSE,
	ONOFF_TRUE,
};

/* A console colour: 1..8 are ANSI 30..37, 9..16 the bright 90..97. */
enum console_color {
	COLOR_UNSET = 0,
	COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
	COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE,
	COLOR_BRIGHT_BLACK, COLOR_BRIGHT_RED, COLOR_BRIGHT_GREEN,
	COLOR_BRIGHT_YELLOW, COLOR_BRIGHT_BLUE, COLOR_BRIGHT_MAGENTA,
	COLOR_BRIGHT_CYAN, COLOR_BRIGHT_WHITE,
};

/* One vCPU entry: its own guest with its own guest-physical memory. */
struct vcpu_config {
	unsigned index;		/* position in vcpus:, from 0 */
	char *image;		/* path of the image (or linux.kernel; NULL
				 * for boot: disk),
				 * resolved against the manifest's folder;
				 * one given by --set is relative to the
				 * current directory (kept as given) */
	uint64_t image_size;	/* bytes, as seen when the manifest was checked */
	uint64_t memory;	/* bytes of guest RAM at GPA 0 */
	uint64_t load;		/* GPA where the image is copied */
	bool is_elf;		/* an ELF image: segments and entry from it */
	bool is_linux;		/* linux: image is a bzImage (linux.h) */
	char *initrd;		/* linux: the initrd's path (resolved as
				 * image), or NULL */
	uint64_t initrd_size;	/* bytes, as seen when checked */
	char *cmdline;		/* linux: the kernel command line */
	uint16_t entry_cs;	/* real mode: CS selector at reset; else 0 */
	uint64_t entry_ip;	/* real mode: IP (the entry GPA is entry_cs * 16
				 * + entry_ip); other modes: the entry GPA */
	uint64_t stack;		/* initial SP/ESP/RSP, always the effective
				 * value: real mode's default is 0 (first
				 * push at 0xFFFE), or the memory size below
				 * 64K; an explicit 0 stays 0 (0x10000 is
				 * stored as 0); other modes: 1 .. the boot
				 * area's start, which is the default */
	enum console_color color;
	bool stdin;		/* this vCPU reads standard input */
	unsigned cpus;		/* processors of this guest, 1..MANIFEST_MAX_CPUS */
	bool pc;		/* platform: pc (board/pc.h); else the bare
				 * machine; always for a Linux guest */
	bool boot_disk;		/* boot: disk: image is NULL; processor 0
				 * starts the boot sector of disks[0] at
				 * 0000:7C00 (guest_boot.c); entry_cs:entry_ip,
				 * load and stack say so */
	size_t ndisks;		/* 0 .. MANIFEST_MAX_DISKS (PC guests only) */
	struct disk_config disks[MANIFEST_MAX_DISKS];
};

/* A checked manifest with every default applied. */
struct manifest {
	char *file;		/* the path it was loaded from */
	char *name;		/* a valid name (1..64 of [A-Za-z0-9._-]);
				 * by default the file's, made valid */
	enum cpu_mode mode;
	bool paging;		/* protected mode: identity paging by minikvm;
				 * always true in long mode */
	bool irqchip;
	uint64_t timer_period_ns;	/* 0: no timer */
	enum when color, prefix;	/* never WHEN_UNSET after loading */
	uint64_t timeout_ns;		/* wall-clock limit of a run; 0: none */
	uint64_t bench_repeat;		/* `minikvm bench`: measured runs */
	uint64_t bench_warmup;		/* and unmeasured ones before them */
	size_t nr_vcpus;		/* 1 .. MANIFEST_MAX_VCPUS */
	struct vcpu_config *vcpus;
};

/*
 * manifest_load - reads and checks the manifest FILE.
 * On success returns 0 and a new manifest in *out (free it with
 * manifest_free).  On failure returns -1, *out is NULL, and D holds every
 * error found, located (line and column, 1-based) where the file allows;
 * D->file must be set by the caller (usually to FILE).
 */
int manifest_load(const char *file, struct manifest **out, struct diags *d);

/*
 * manifest_load_with - the same, then applies SETS (NSETS strings
 * "PATH=VALUE", e.g. "vcpus[0].memory=1M", as given to --set) over the
 * file's values before checking: built-in defaults < file < --set.  An
 * index is "[N]", N in decimal digits without sign, space or leading 0.
 * A mapping a --set creates must get its required fields from --set too.
 * Values must be UTF-8; paths given by --set are relative to the current
 * directory.  A bad override's error names the argument instead of a file
 * line, and so does a broken rule between fields that a --set value takes
 * part in.
 */
int manifest_load_with(const char *file, const char *const *sets, size_t nsets,
		       struct manifest **out, struct diags *d);

/*
 * manifest_parse - the same for a manifest already in memory: LEN bytes at
 * DATA, as if read from FILE (which names it in errors and anchors its
 * relative image paths).  For manifest_load, and the fuzzer.
 */
int manifest_parse(const char *file, const uint8_t *data, size_t len,
		   struct manifest **out, struct diags *d);
int manifest_parse_with(const char *file, const uint8_t *data, size_t len,
			const char *const *sets, size_t nsets,
			struct manifest **out, struct diags *d);

/*
 * manifest_print - writes M as YAML to OUT, defaults applied and paths
 * made absolute: a valid manifest itself (it is saved with libcyaml against
 * the same schema) that loads to the same values and prints the same bytes
 * (tests/t/20-check.t, tests/fuzz/fuzz_set.c).  Returns 0, or -1 with a
 * message on stderr (e.g. a path that is not UTF-8 cannot be written, or
 * the text would be larger than MANIFEST_MAX_BYTES: libyaml escapes
 * what is not printable ASCII, so it can grow), printing nothing.
 */
int manifest_print(const struct manifest *m, FILE *out);

/* manifest_free - releases a manifest from manifest_load (NULL is fine). */
void manifest_free(struct manifest *m);

/* manifest_color_name - "magenta", "bright-red", ...; "" for COLOR_UNSET. */
const char *manifest_color_name(enum console_color c);

/* manifest_mode_name - "real", "protected" or "long". */
const char *manifest_mode_name(enum cpu_mode mode);

#endif
