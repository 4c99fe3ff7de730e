/*
 * fuzz_bus.c - libFuzzer target: every device minikvm puts on a guest's
 * buses, under the port and MMIO accesses a hostile guest makes, handed
 * to bus_dispatch() as the exit loop hands them (vmm/guest.c).
 *
 * The boards' own code builds the buses (board_bare_create, and
 * board_pc_devices in board/pc.c): the hypercall port and COM1, and on a
 * PC the 8042, the CMOS clock, the CRT controller and the ATA channels
 * with up to four small disk images.  Not here: the PICs, the I/O APIC
 * and the PIT, which are KVM's (in the kernel), not minikvm's; the no-BIOS
 * trap port of a guest booted from a disk (pc_bios.c), which does nothing
 * without KVM_GET_SREGS; and MMIO devices, which neither board has yet
 * (MMIO accesses still go through bus_dispatch, and read 0xFF).
 *
 * The guest around the devices is made up, without KVM: a VM fd of -1 (IRQ
 * lines go nowhere), RAM mapped between two PROT_NONE guards larger than
 * the longest PUTS, one or two processors whose registers lie in a
 * kvm_run of our own (as with KVM_CAP_SYNC_REGS), a console writing to
 * /dev/null and reading from a pipe that holds the input's first bytes.
 * Notes a guest may repeat (unknown hypercalls, IN without GETCHAR) are
 * counted, not printed; a disk error note is a failure (below).
 *
 * Input: two bytes of set-up, then accesses.
 *   byte 0  bit 0: a PC (else the bare board); bits 3-1: how many disks
 *           (0-4; more is 4), in this order: read-write (320 sectors),
 *           snapshot and read-only of one 40-sector image, read-write (1
 *           sector); bit 4: the guest has standard input; bits 6-5: RAM
 *           of 4 KiB, 1 MiB, 3 GiB or 64 GiB (61 at 4 GiB); bit 7: two
 *           processors (COM1 then writes a console channel of its own)
 *   byte 1  the CMOS clock: bits 2-0 its start (clock_starts), bits 7-3
 *           how far it moves at each reading, in steps of 50 ms
 *   each access: an op byte,
 *     bits 1-0  size 1, 2, 4 or 8 (8 is 4 on the port bus, as for KVM)
 *     bit 2     a write
 *     bit 3     the MMIO bus (else the port bus)
 *     bit 4     a raw address follows: 2 bytes (port) or 8 (GPA); else
 *               one byte: bits 7-4 pick a device of the bus (modulo their
 *               number), bits 3-0 an offset of -4 to 11 from its base, so
 *               accesses straddle the devices' edges too (on a bus with
 *               no device the byte is the address)
 *     bit 5     no access: 8 bytes follow, the processor's EBX and ECX
 *               (the hypercalls' arguments)
 *     bit 6     the access is made 256 times (`rep insw` of a sector)
 *     bit 7     ignored
 *   then, for a write, SIZE value bytes (missing ones are 0).  IO_EXIT or
 *   IO_FAULT from a device ends the input, as it ends the processor.
 *
 * Failures, besides ASan and UBSan reports and libFuzzer's -timeout (a
 * hang): a handler given bytes outside its device's range (each handler
 * is wrapped to check what bus.h promises); a device touching the access
 * buffer past SIZE bytes (the rest is poisoned); a read of guest memory
 * outside RAM (the guards); a host I/O error on a disk image (the disk
 * functions refuse ranges past the image with an error, so a range the
 * ATA model failed to check shows up as one); an image changing size, or
 * the one opened read-only and as a snapshot changing at all.
 */
#include <fcntl.h>
#include <limits.h>
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board/board.h"
#include "board/board_impl.h"
#include "minikvm.h"
#include "vmm/guest.h"
#include "x86/layout.h"

#define GUARD (HC_PUTS_MAX + 0x1000u)	/* bytes of PROT_NONE each side */
#define MAX_DEVS 16u			/* per bus; the PC has 10 ports */
#define STDIN_MAX 4096u			/* bytes the input pipe gets */
#define REPEAT 256u
#define RO_SECTORS 40u

/* The disk images, created zeroed once; the guest's writes stay in
 * RW_IMAGE and ONE_IMAGE, never in RO_IMAGE. */
enum { RW_IMAGE, RO_IMAGE, ONE_IMAGE, NIMAGES };
static const struct {
	const char *name;
	unsigned sectors;
} images[NIMAGES] = {
	[RW_IMAGE] = { "rw.img", 320 }, [RO_IMAGE] = { "ro.img", RO_SECTORS },
	[ONE_IMAGE] = { "one.img", 1 },
};
/* The disks, in manifest order: which image and how it is opened. */
static const struct {
	unsigned image;
	enum disk_mode access;
} disks[MANIFEST_MAX_DISKS] = {
	{ RW_IMAGE, DISK_MODE_READ_WRITE }, { RO_IMAGE, DISK_MODE_SNAPSHOT },
	{ RO_IMAGE, DISK_MODE_READ_ONLY }, { ONE_IMAGE, DISK_MODE_READ_WRITE },
};

static const uint64_t ram_sizes[4] = { 4ull << 10, 1ull << 20, 3ull << 30, 64ull << 30 };

/* Host times for the CMOS clock, the seconds before dates that break
 * clocks: 1970, 1999/2000, 29 February 2000, 2025/2026, the ends of
 * signed and unsigned 32-bit time, 2099/2100 and the year 9999. */
static const time_t clock_starts[8] = {
	0, 946684799, 951868799, 1767225599,
	2147483647, 4294967295, 4102444799, 253402300799,
};

static char dir[64], paths[NIMAGES][96];
static int devnull = -1;
static uint8_t *ram[4];		/* mapped on first use, kept */
static uint8_t *io_buf;		/* 8 bytes from malloc: ASan's redzone follows */
static struct kvm kvm = { .fd = -1, .sync_regs = true, .run_size = sizeof(struct kvm_run) };
static struct kvm_run *runs[2];
static struct vcpu cpus[2];
static struct guest g;
static struct console con;
static struct vcpu_config cfg;
/* each device's registration as the board made it (see checked_io) */
static struct bus_device real_devs[2][MAX_DEVS];

static void die(const char *why)
{
	fprintf(stderr, "fuzz_bus: %s\n", why);
	abort();
}

static void cleanup(void)
{
	for (unsigned i = 0; i < NIMAGES; i++)
		unlink(paths[i]);
	rmdir(dir);
}

/* libFuzzer's set-up hook: the disk images (in /dev/shm where there is
 * one: FLUSH CACHE's fdatasync is cheap), /dev/null, the buffers. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "%s/fuzz-bus-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp failed");
	atexit(cleanup);
	for (unsigned i = 0; i < NIMAGES; i++) {
		int fd;

		snprintf(paths[i], sizeof paths[i], "%s/%s", dir, images[i].name);
		fd = open(paths[i], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)images[i].sectors * DISK_SECTOR) < 0 ||
		    close(fd) < 0)
			die("cannot create a disk image");
	}
	for (unsigned i = 0; i < MANIFEST_MAX_DISKS; i++)
		cfg.disks[i] = (struct disk_config){ .image = paths[disks[i].image],
						     .size = images[disks[i].image].sectors * DISK_SECTOR,
						     .access = disks[i].access };
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	io_buf = malloc(8);
	runs[0] = malloc(sizeof *runs[0]);
	runs[1] = malloc(sizeof *runs[1]);
	if (devnull < 0 || io_buf == NULL || runs[0] == NULL || runs[1] == NULL)
		die("set-up failed");
	return 0;
}

/* SIZE bytes of guest RAM between two GUARD-byte PROT_NONE guards;
 * MAP_NORESERVE: only the pages a PUTS reads are ever there. */
static uint8_t *guest_ram(unsigned which)
{
	uint64_t size = ram_sizes[which];
	uint8_t *p;

	if (ram[which] != NULL)
		return ram[which];
	p = mmap(NULL, size + 2 * GUARD, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED || mprotect(p + GUARD, size, PROT_READ | PROT_WRITE) < 0)
		die("cannot map guest RAM");
	return ram[which] = p + GUARD;
}

/* The CMOS clock's host time: where it starts, and its step per reading. */
struct fuzz_clock {
	struct timespec now;
	long step_ns;
};

static void fuzz_clock_read(void *ctx, struct timespec *now)
{
	struct fuzz_clock *c = ctx;

	*now = c->now;
	c->now.tv_nsec += c->step_ns;
	c->now.tv_sec += c->now.tv_nsec / 1000000000;
	c->now.tv_nsec %= 1000000000;
}

/* What every handler on the buses goes through: OWNER is the device's
 * real registration, and the bytes must be inside its range (bus.h). */
static enum io_result checked_io(void *owner, uint64_t offset, uint8_t *data,
				 unsigned size, bool is_write)
{
	const struct bus_device *d = owner;

	if (size < 1 || size > 8 || offset >= d->len || size > d->len - offset)
		die("bus_dispatch handed a device bytes outside its range");
	return d->io(d->owner, offset, data, size, is_write);
}

static void wrap_handlers(struct bus *bus, struct bus_device *real)
{
	if (bus->n > MAX_DEVS)
		die("more devices on a bus than MAX_DEVS");
	for (size_t i = 0; i < bus->n; i++) {
		real[i] = bus->devs[i];
		bus->devs[i].owner = &real[i];
		bus->devs[i].io = checked_io;
	}
}

/* The guest as guest_create leaves it (vmm/guest.c), on a made-up VM and
 * processors, with its board's devices; the console's input is IN_FD. */
static void guest_up(uint8_t setup_byte, int in_fd, struct fuzz_clock *clk)
{
	bool pc = setup_byte & 1;
	unsigned ndisks = (setup_byte >> 1) & 7, ram_choice = (setup_byte >> 5) & 3;
	unsigned ncpus = setup_byte & 0x80 ? 2 : 1;
	struct err e;

	if (console_init(&con, devnull, false, false, in_fd, &e) < 0)
		die(e.msg);
	memset(&g, 0, sizeof g);
	vm_init(&g.vm, &kvm);
	g.vm.mem = guest_ram(ram_choice);
	g.vm.mem_size = ram_sizes[ram_choice];
	g.vm.low_size = layout_low_size(g.vm.mem_size);
	cfg.ndisks = pc ? (ndisks < MANIFEST_MAX_DISKS ? ndisks : MANIFEST_MAX_DISKS) : 0;
	cfg.cpus = ncpus;
	g.cfg = &cfg;
	g.con = &con;
	g.has_stdin = in_fd >= 0;
	g.board = pc ? BOARD_PC : BOARD_BARE;
	atomic_init(&g.stop, false);
	atomic_init(&g.getchar_pending, false);
	for (unsigned k = 0; k < GUEST_NOTE_KINDS; k++) {
		/* over the limit from the start: counted, not printed */
		atomic_init(&g.notes_shown[k], k == GUEST_NOTE_DISK_ERROR ? 0 : UINT_MAX / 2);
		atomic_init(&g.notes_hidden[k], 0);
	}
	uart_init(&g.uart, &g);
	g.cpus = cpus;
	g.ncpus = ncpus;
	for (unsigned i = 0; i < ncpus; i++) {
		vcpu_init(&cpus[i], &g, 0, i, ncpus);
		memset(runs[i], 0, sizeof *runs[i]);
		cpus[i].run = runs[i];
		console_chan_init(&con, &cpus[i].out, 0, 0);
	}
	if (ncpus > 1)
		uart_set_output(&g.uart, &con, 0, 0);
	if ((pc ? board_pc_devices(&g, &e) : board_bare_create(&g, &e)) < 0)
		die(e.msg);
	if (pc)
		cmos_set_clock(&g.pc->cmos, fuzz_clock_read, clk);
	wrap_handlers(&g.pio, real_devs[0]);
	wrap_handlers(&g.mmio, real_devs[1]);
	vcpu_set_current(&cpus[0]);
}

/* What guest_destroy undoes, but for the made-up VM and processors. */
static void guest_down(void)
{
	vcpu_set_current(NULL);
	guest_flush(&g);
	board_destroy(&g);
	uart_destroy(&g.uart);
	bus_free(&g.pio);
	bus_free(&g.mmio);
	console_destroy(&con);
}

static uint64_t le(const uint8_t *data, size_t size, size_t *i, unsigned n)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < n && *i < size; k++)
		v |= (uint64_t)data[(*i)++] << (8 * k);
	return v;
}

/* The access at DATA[*I] (the op byte already taken): false if it ended
 * the processor. */
static bool access_once(uint8_t op, const uint8_t *data, size_t size, size_t *i)
{
	bool write = op & 0x04, mmio = op & 0x08;
	const struct bus *bus = mmio ? &g.mmio : &g.pio;
	unsigned len = 1u << (op & 3), reps = op & 0x40 ? REPEAT : 1;
	uint64_t addr, value;

	if (!mmio && len > 4)
		len = 4;
	if (op & 0x10) {
		addr = le(data, size, i, mmio ? 8 : 2);
	} else {
		uint8_t pick = (uint8_t)le(data, size, i, 1);

		addr = pick;
		if (bus->n > 0)
			addr = bus->devs[(pick >> 4) % bus->n].base + (pick & 15) - 4;
		if (!mmio)
			addr &= 0xffff;
	}
	value = write ? le(data, size, i, len) : 0;
	for (unsigned r = 0; r < reps; r++) {
		enum io_result res;

		memcpy(io_buf, &value, 8);
		ASAN_POISON_MEMORY_REGION(io_buf + len, 8 - len);
		res = bus_dispatch(bus, addr, io_buf, len, write);
		ASAN_UNPOISON_MEMORY_REGION(io_buf, 8);
		if (atomic_load(&g.notes_shown[GUEST_NOTE_DISK_ERROR]) != 0 ||
		    atomic_load(&g.notes_hidden[GUEST_NOTE_DISK_ERROR]) != 0)
			die("a host I/O error on a disk image");
		if (res != IO_OK)
			return false;
	}
	return true;
}

static void check_images(void)
{
	static uint8_t buf[RO_SECTORS * DISK_SECTOR];
	struct stat st;
	int fd;

	for (unsigned i = 0; i < NIMAGES; i++)
		if (stat(paths[i], &st) < 0 ||
		    st.st_size != (off_t)images[i].sectors * DISK_SECTOR)
			die("a disk image changed size");
	/* the read-only and snapshot image: all zeros as created */
	fd = open(paths[RO_IMAGE], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf || close(fd) < 0)
		die("cannot read the read-only image back");
	for (size_t k = 0; k < sizeof buf; k++)
		if (buf[k] != 0)
			die("a read-only or snapshot disk wrote its image file");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_clock clk;
	int in_fd = -1;
	size_t i = 2;

	if (size < 2)
		return 0;
	clk = (struct fuzz_clock){ .now = { .tv_sec = clock_starts[data[1] & 7] },
				   .step_ns = (long)(data[1] >> 3) * 50000000 };
	if (data[0] & 0x10) {
		int p[2];
		size_t n = size < STDIN_MAX ? size : STDIN_MAX;

		/* the pipe holds all N bytes (64 KiB of room): no blocking */
		if (pipe(p) < 0 || write(p[1], data, n) != (ssize_t)n ||
		    close(p[1]) < 0)
			die("cannot set up the input pipe");
		in_fd = p[0];
	}
	guest_up(data[0], in_fd, &clk);
	while (i < size) {
		uint8_t op = data[i++];

		if (op & 0x20) {
			runs[0]->s.regs.regs.rbx = le(data, size, &i, 4);
			runs[0]->s.regs.regs.rcx = le(data, size, &i, 4);
		} else if (!access_once(op, data, size, &i)) {
			break;
		}
	}
	guest_down();
	if (in_fd >= 0 && close(in_fd) < 0)
		die("close of the input pipe failed");
	if (data[0] & 1)
		check_images();
	return 0;
}
