# disk.mk - the disks of configs/disk.yaml's small system (guests/disk/,
# see README there), a make fragment the top Makefile includes; it adds
# them to DISK_IMAGES.  Run from the repository root.
#   guests/disk/system.img   the boot sector (boot.S) and stage 2
#                            (stage2.S) behind it, linked at 0x7C00
#   guests/disk/files.img    64 sectors in the trivial file system of
#                            stage2.S, holding hello.txt (mkfiles)
# files.img is made once: the guest writes reply.txt into it, and a run
# writes the same again.

DISK_IMAGES += guests/disk/system.img guests/disk/files.img

guests/disk/%.o: guests/disk/%.S guests/disk/ata.inc guests/minikvm.h guests/console.inc
	$(CC) -m32 -c -Iguests -o $@ $<
guests/disk/system.img: guests/disk/boot.o guests/disk/stage2.o
	ld -m elf_i386 -Ttext=0x7c00 -e _start --oformat=binary -o $@ $^
guests/disk/files.img: guests/disk/mkfiles guests/disk/hello.txt
	guests/disk/mkfiles 64 guests/disk/hello.txt >$@.tmp && mv $@.tmp $@
