# tests/gdb/gdb.mk - the guests of the gdb tests (tests/t/41-gdb.t), a
# fragment the top Makefile includes: real16.bin (by the generic rule,
# GUEST_SRCS), and guest.c with debugging information as a 32-bit and a
# 64-bit ELF image linked at 1 MiB, as the manifests' ELF guests are.
GDB_GUEST_CFLAGS = -ffreestanding -nostdlib -fno-pic -fno-pie -no-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse -mno-red-zone \
	-g -O0 -Iguests -Wall -Wextra -Werror \
	-Wl,-Ttext=0x100000,-e,_start,-z,noexecstack,--build-id=none
GDB_GUESTS = tests/gdb/guest32.elf tests/gdb/guest64.elf

tests/gdb/guest32.elf: tests/gdb/start.S tests/gdb/guest.c guests/minikvm.h
	$(CC) -m32 $(GDB_GUEST_CFLAGS) -o $@ tests/gdb/start.S tests/gdb/guest.c
tests/gdb/guest64.elf: tests/gdb/start.S tests/gdb/guest.c guests/minikvm.h
	$(CC) -m64 $(GDB_GUEST_CFLAGS) -o $@ tests/gdb/start.S tests/gdb/guest.c

# a gdb protocol test on any host (no KVM): the stub's parser over a
# made-up target, for Debian's gdb (tests/t/16-gdb-proto.t)
GDB_PROTO_SRCS = src/debug/gdb_proto.c src/debug/rsp.c src/debug/gdb_regs.c src/debug/gdb_bp.c
$(BUILD)/gdb-mock: tests/gdb/gdb-mock.c $(GDB_PROTO_SRCS) $(HDRS) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ tests/gdb/gdb-mock.c $(GDB_PROTO_SRCS)
