# disk.mk - the disk images of the disk tests (tests/disk/, see README
# there), a make fragment the top Makefile includes; it adds them to
# DISK_IMAGES.  Run from the repository root.
#   tests/disk/NAME.img    each guest NAME.S linked at 0x7C00 as a flat
#                          binary: a boot sector (0x55 0xAA at byte 510),
#                          then its other sectors (disk.inc's disk_end pads
#                          them to whole sectors)
#   tests/disk/data.img    128 sectors, each different (mkdata)
#   tests/disk/blank1m.img, blank8m.img   zeros, 1 MiB and 8 MiB (sparse)
# The disks the tests need larger, or write, they make themselves in
# their temporary folder (tests/t/39-disk.t).

TEST_DISK_SRCS = $(wildcard tests/disk/*.S)
TEST_DISK_BOOT = $(TEST_DISK_SRCS:.S=.img)
TEST_DISK_DATA = tests/disk/data.img tests/disk/blank1m.img tests/disk/blank8m.img
DISK_IMAGES += $(TEST_DISK_BOOT) $(TEST_DISK_DATA)

tests/disk/%.o: tests/disk/%.S tests/disk/disk.inc guests/minikvm.h $(wildcard guests/*.inc)
	$(CC) -m32 -c -Iguests -o $@ $<
$(TEST_DISK_BOOT): tests/disk/%.img: tests/disk/%.o
	ld -m elf_i386 -Ttext=0x7c00 -e _start --oformat=binary -o $@ $<

tests/disk/data.img: tests/disk/mkdata
	tests/disk/mkdata 128 >$@.tmp && mv $@.tmp $@
tests/disk/blank1m.img:
	truncate -s 1M $@
tests/disk/blank8m.img:
	truncate -s 8M $@
