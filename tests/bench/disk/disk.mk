# disk.mk - the disk throughput benchmark's image (included by the Makefile;
# tests/lab/bench-disk.t runs it): bench-disk.S, the boot sector, linked at
# 0x7C00, then the 40 MiB image whose LBAs 2048-34815 (the 16 MiB the guest
# reads) hold, sector L, the dword L first and ~L last, zeros between; the
# rest zeros (sparse), the guest writes LBAs 40960-73727.
BENCH_DISK_IMAGES = tests/bench/disk/bench-disk.img
DISK_IMAGES += $(BENCH_DISK_IMAGES)

tests/bench/disk/bench-disk.o: tests/bench/disk/bench-disk.S guests/minikvm.h
	$(CC) -m32 -c -Iguests -o $@ $<
tests/bench/disk/bench-disk.bin: tests/bench/disk/bench-disk.o
	ld -m elf_i386 -Ttext=0x7c00 -e _start --oformat=binary -o $@ $<
tests/bench/disk/bench-disk.img: tests/bench/disk/bench-disk.bin tests/bench/disk/disk.mk
	perl -e 'open my $$b, "<:raw", $$ARGV[0] or die "$$ARGV[0]: $$!\n"; local $$/; my $$boot = <$$b>;' \
		-e 'length($$boot) == 512 or die "$$ARGV[0]: not one 512-byte sector\n";' \
		-e 'open my $$o, ">:raw", "$$ARGV[1].tmp" or die "$$ARGV[1].tmp: $$!\n";' \
		-e 'print $$o $$boot, "\0" x (512 * 2047);' \
		-e 'print $$o pack("V", $$_), "\0" x 504, pack("V", ~$$_ & 0xffffffff) for 2048 .. 2048 + 32767;' \
		-e 'truncate $$o, 40 << 20 or die "truncate: $$!\n"; close $$o or die "$$!\n";' \
		-e 'rename "$$ARGV[1].tmp", $$ARGV[1] or die "$$!\n"' $< $@
