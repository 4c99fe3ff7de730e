# minikvm - see README.md.  `make run` and `make check` install what is
# missing (Debian packages), build, and run the default manifest / the tests.

CONFIG ?= configs/quad.yaml
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
# where bash-completion looks for a command's completion (Debian's
# `pkg-config --variable=completionsdir bash-completion` for PREFIX=/usr)
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WARN = -std=gnu11 -Wall -Wextra -Werror
CPPFLAGS += -Isrc -Iguests -D_FILE_OFFSET_BITS=64
LIBS = $(shell $(PKG_CONFIG) --libs libcyaml json-c libseccomp 2>/dev/null || echo -lcyaml -lyaml -ljson-c -lseccomp) -lpthread

# Debian packages: what building and running needs (make run), and what
# the tests need on top (make check; .ci/run installs both).
RUN_DEBS = build-essential pkg-config libcyaml-dev libyaml-dev libjson-c-dev libseccomp-dev
TEST_DEBS = perl bsdutils clang libclang-rt-14-dev time valgrind mandoc man-db gdb passwd \
	python3-jsonschema python3-yaml bash-completion $(LAB_DEBS)

BUILD = build
SRCS = $(wildcard src/*.c src/*/*.c)
HDRS = $(wildcard src/*.h src/*/*.h)
OBJS = $(SRCS:src/%.c=$(BUILD)/%.o)
# Guests: NAME.S is a 16-bit flat binary; NAME32.S and NAME64.S are ELF32
# and ELF64 images linked at 1 MiB (protected and long mode).
GUEST_SRCS = $(wildcard guests/*.S tests/guests/*.S tests/hostile/*.S)
GUEST_SRCS += $(wildcard tests/promises/*.S tests/pc/*.S) tests/gdb/real16.S
GUEST_ELF_SRCS = $(filter %32.S %64.S,$(GUEST_SRCS))
GUESTS = $(patsubst %.S,%.bin,$(filter-out $(GUEST_ELF_SRCS),$(GUEST_SRCS))) \
	 $(patsubst %.S,%.elf,$(GUEST_ELF_SRCS))

.PHONY: all run check deps install uninstall clean
.DEFAULT_GOAL := all

# configs/linux.yaml's kernel and initramfs (make linux-assets, below)
LINUX_ASSETS = build/linux/vmlinuz build/linux/initramfs

# Included before any rule names their outputs as prerequisites (which
# make expands as it reads them):
# the 1K OS, a teaching kernel booted by configs/os-1k.yaml (OS1K_ELF),
-include os-1k/os-1k.mk
# the disk images of configs/disk.yaml and of the disk tests (DISK_IMAGES),
-include guests/disk/disk.mk
# the guests of the gdb tests (GDB_GUESTS) and the gdb protocol test's target
include tests/gdb/gdb.mk
-include tests/disk/disk.mk
-include tests/bench/disk/disk.mk
# and the lab VM: real hardware-virtualisation semantics under QEMU.
-include tests/lab/lab.mk

# Unit tests: tests/unit/test_NAME.c, each a TAP program linked with every
# object but main.o (tests/t/12-hw-unit.t runs the test_hw_* ones).
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))

all: $(BUILD)/minikvm $(UNIT_TESTS) $(GUESTS) $(OS1K_ELF) $(DISK_IMAGES) $(GDB_GUESTS) $(BUILD)/gdb-mock

# Installs what is missing; does nothing when everything is there.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing"; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi
endef
deps-run:
	$(call install_missing,$(RUN_DEBS))
deps:
	$(call install_missing,$(RUN_DEBS) $(TEST_DEBS))
.PHONY: deps deps-run

$(BUILD)/%.o: src/%.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/minikvm: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD):
	mkdir -p $@

# Guests: 16-bit flat binaries, loaded at GPA 0.
%.bin: %.o
	ld -m elf_i386 -Ttext=0 -e _start --oformat=binary -o $@ $<
%.o: %.S guests/minikvm.h $(wildcard guests/*.inc)
	$(CC) -m32 -c -Iguests -o $@ $<
%32.elf: %32.o
	ld -m elf_i386 -n -Ttext=0x100000 -e _start -z noexecstack -o $@ $<
%64.o: %64.S guests/minikvm.h $(wildcard guests/*.inc)
	$(CC) -m64 -c -Iguests -o $@ $<
%64.elf: %64.o
	ld -m elf_x86_64 -n -Ttext=0x100000 -e _start -z noexecstack -o $@ $<
.PRECIOUS: %.o

run: deps-run
	$(MAKE) all
	$(BUILD)/minikvm run $(CONFIG)

# The suite runs twice: on the normal build, then on one built with
# AddressSanitizer and UndefinedBehaviorSanitizer (any report fails a test:
# the tests check stderr and exit statuses).
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The second pass runs what runs minikvm on this host; the lab (a static,
# unsanitised build) and the fuzzers (sanitised themselves) run once.
SAN_TESTS = $(filter-out tests/t/45-valgrind.t tests/t/50-lab.t tests/t/70-fuzz.t,$(wildcard tests/t/*.t))
check: deps
	$(MAKE) all lab-image
	tests/run-tests
	$(MAKE) BUILD=$(BUILD)/sanitize CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
		$(BUILD)/sanitize/minikvm $(BUILD)/sanitize/gdb-mock $(UNIT_TESTS:$(BUILD)/%=$(BUILD)/sanitize/%)
	MINIKVM=$(BUILD)/sanitize/minikvm TEST_MANIFEST=$(BUILD)/sanitize/test_manifest \
		TEST_GUEST=$(BUILD)/sanitize/test_guest UNIT_DIR=$(BUILD)/sanitize \
		tests/run-tests $(SAN_TESTS)

install: $(BUILD)/minikvm
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/minikvm $(DESTDIR)$(BINDIR)/minikvm
	for page in man/*.[157]; do \
		sec=$${page##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$sec && \
		install -m 644 $$page $(DESTDIR)$(MANDIR)/man$$sec/ || exit 1; \
	done
	install -d $(DESTDIR)$(COMPLETIONDIR)
	install -m 644 src/cli/minikvm.bash $(DESTDIR)$(COMPLETIONDIR)/minikvm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/minikvm
	for page in man/*.[157]; do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page#man/}; \
	done
	rm -f $(DESTDIR)$(COMPLETIONDIR)/minikvm

clean: os-1k-clean
	rm -rf $(BUILD) guests/*.bin guests/*.elf guests/*.o tests/guests/*.bin tests/guests/*.elf tests/guests/*.o tests/hostile/*.bin tests/hostile/*.elf tests/hostile/*.o tests/promises/*.bin tests/promises/*.o tests/pc/*.bin tests/pc/*.elf tests/pc/*.o $(DISK_IMAGES) tests/disk/*.o guests/disk/*.o tests/bench/disk/*.o tests/gdb/*.bin tests/gdb/*.elf tests/gdb/*.o

-include $(OBJS:.o=.d)

# A fully static minikvm, for the lab VM's initramfs (tests/lab/).
$(BUILD)/static/minikvm: $(SRCS) $(HDRS) guests/minikvm.h
	$(MAKE) BUILD=$(BUILD)/static-obj CFLAGS="$(CFLAGS)" $(BUILD)/static-obj/minikvm-objs
	mkdir -p $(dir $@)
	$(CC) -static $(CFLAGS) -o $@ $(SRCS:src/%.c=$(BUILD)/static-obj/%.o) $(LIBS)
.PHONY: $(BUILD)/minikvm-objs
$(BUILD)/minikvm-objs: $(OBJS)


# Unit tests link every object but main.o.
$(BUILD)/test_%: tests/unit/test_%.c $(filter-out $(BUILD)/main.o,$(OBJS))
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ $^ $(LIBS)

# libFuzzer targets (tests/fuzz/): the manifest loader, the loader with
# --set overrides (and check -v's print-and-reload), the ELF loader, the
# ATA channel, the gdb stub's packet layer, every device on the buses of
# both boards, and the MP table, ACPI and Linux zero page/e820 builders.
# `make fuzz FUZZ_SECONDS=1800` runs each that long; make check runs them
# for a minute each (tests/t/70-fuzz.t).
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_MANIFEST_SRCS = src/manifest/manifest.c src/manifest/manifest_build.c src/manifest/manifest_vcpu.c src/manifest/manifest_disk.c \
	src/manifest/manifest_set.c src/manifest/manifest_print.c src/manifest/yamlcheck.c src/manifest/units.c src/manifest/diag.c \
	src/boot/linux.c src/fileio.c src/boot/cpu.c src/boot/elf_image.c
$(BUILD)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(FUZZ_MANIFEST_SRCS) $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^) $(LIBS)
$(BUILD)/fuzz/fuzz_set: tests/fuzz/fuzz_set.c $(FUZZ_MANIFEST_SRCS) $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^) $(LIBS)
$(BUILD)/fuzz/fuzz_image: tests/fuzz/fuzz_image.c src/boot/elf_image.c $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^)
# the ATA channel and its disk images under arbitrary port accesses
$(BUILD)/fuzz/fuzz_ata: tests/fuzz/fuzz_ata.c src/hw/ata.c src/hw/ata_cmd.c src/hw/ata_identify.c \
		src/block/disk.c $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^) -lpthread
# the gdb stub's packet layer under a hostile debugger's bytes
$(BUILD)/fuzz/fuzz_gdb: tests/fuzz/fuzz_gdb.c $(GDB_PROTO_SRCS) $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^)
# every device on the buses, through the boards' own set-up: it links
# every object but main.o, as the unit tests do, built with FUZZ_FLAGS
FUZZ_OBJS = $(filter-out $(BUILD)/fuzz/obj/main.o,$(SRCS:src/%.c=$(BUILD)/fuzz/obj/%.o))
$(BUILD)/fuzz/obj/%.o: src/%.c $(HDRS) guests/minikvm.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -c -o $@ $<
$(BUILD)/fuzz/fuzz_bus: tests/fuzz/fuzz_bus.c $(FUZZ_OBJS) $(HDRS)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)
# the MP table, ACPI tables and Linux zero page (e820) builders
$(BUILD)/fuzz/fuzz_tables: tests/fuzz/fuzz_tables.c src/x86/mptable.c src/x86/acpi.c \
		src/boot/linux.c $(HDRS)
	mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) $(CPPFLAGS) -o $@ $(filter %.c,$^)
FUZZ_TARGETS = manifest set image ata gdb bus tables
.PHONY: fuzz
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%) $(GUESTS)
	FUZZ_DIR=$(BUILD)/fuzz tests/fuzz/run-fuzz $(FUZZ_SECONDS)

# configs/linux.yaml's guest: Debian's cloud kernel and a busybox-static
# initramfs (tests/linux/mkassets), into build/linux/ (not $(BUILD): the
# manifest names the path).  The lab image carries them (tests/t/65-linux.t).
.PHONY: linux-assets
linux-assets: $(LINUX_ASSETS)
build/linux/initramfs: tests/linux/mkassets
	tests/linux/mkassets build/linux
build/linux/vmlinuz: build/linux/initramfs

# The man pages' example sessions (hello16.S and its manifest ...), built
# here by their own `$ gcc` and `$ ld` lines, for the lab image: the lab
# VM has no compiler, and tests/t/80-docs.t runs the sessions there.
$(BUILD)/docs-examples: tests/t/80-docs.t tests/lib.sh README.md $(wildcard man/*.[157])
	tests/t/80-docs.t --build-examples $@

# Benchmarks (tests/bench/run-bench): not tests; see README "Benchmarks".
.PHONY: bench
bench: deps
	$(MAKE) all lab-bench-image
	tests/bench/run-bench
