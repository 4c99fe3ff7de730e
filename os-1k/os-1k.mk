# os-1k.mk - builds the 1K OS (os-1k/, see os-1k/README.md), a make
# fragment: the top Makefile includes it, and `make -f os-1k/os-1k.mk`
# builds it alone.  Run from the repository root.
#   os-1k/kernel.elf      the kernel: ELF32, loaded by minikvm (configs/os-1k.yaml)
# and in build/os-1k/ on the way:
#   *.o                   the kernel's objects (os-1k/*.c, os-1k/*.S)
#   user/*.o, user.elf    the shell and its programs (os-1k/user/), linked at USER_BASE
#   user.bin              the same as a flat binary: what each process gets a copy of
#   files.tar             a ustar archive of os-1k/files/
# embed.o carries user.bin and files.tar into the kernel image (.incbin).
# Own variable names throughout: the top Makefile's CFLAGS (sanitizers) are
# for the host, not for a kernel.

OS1K_GOAL := $(.DEFAULT_GOAL)

OS1K_ELF = os-1k/kernel.elf
OS1K_OUT = build/os-1k
OS1K_CC = gcc
OS1K_CFLAGS = -m32 -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector \
	-mno-sse -O2 -g -fno-asynchronous-unwind-tables -std=gnu11 -Wall -Wextra -Werror -Ios-1k -Iguests
OS1K_LD = ld -m elf_i386 -z noexecstack

OS1K_KOBJS = $(patsubst os-1k/%,$(OS1K_OUT)/%.o,$(basename $(wildcard os-1k/*.c os-1k/*.S)))
OS1K_UOBJS = $(patsubst os-1k/%,$(OS1K_OUT)/%.o,$(basename $(wildcard os-1k/user/*.c os-1k/user/*.S)))
OS1K_FILES = $(sort $(wildcard os-1k/files/*))

.PHONY: os-1k os-1k-clean
os-1k: $(OS1K_ELF)

$(OS1K_ELF): $(OS1K_KOBJS) os-1k/kernel.ld
	$(OS1K_LD) -T os-1k/kernel.ld -o $@ $(OS1K_KOBJS)

$(OS1K_OUT)/%.o: os-1k/%.c
	@mkdir -p $(@D)
	$(OS1K_CC) $(OS1K_CFLAGS) -MMD -MP -c -o $@ $<
$(OS1K_OUT)/%.o: os-1k/%.S
	@mkdir -p $(@D)
	$(OS1K_CC) $(OS1K_CFLAGS) -I$(OS1K_OUT) -MMD -MP -c -o $@ $<

$(OS1K_OUT)/embed.o: $(OS1K_OUT)/user.bin $(OS1K_OUT)/files.tar

$(OS1K_OUT)/user.elf: $(OS1K_UOBJS) os-1k/user/user.ld
	$(OS1K_LD) -T os-1k/user/user.ld -o $@ $(OS1K_UOBJS)

$(OS1K_OUT)/user.bin: $(OS1K_OUT)/user.elf
	objcopy -O binary $< $@

# Owner, times and order fixed: the same files give the same archive.
$(OS1K_OUT)/files.tar: $(OS1K_FILES)
	@mkdir -p $(@D)
	tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
		--sort=name --blocking-factor=1 -cf $@ -C os-1k/files $(notdir $(OS1K_FILES))

os-1k-clean:
	rm -rf $(OS1K_OUT) $(OS1K_ELF)

-include $(OS1K_KOBJS:.o=.d) $(OS1K_UOBJS:.o=.d)

# Alone, this file's default goal is the kernel; included, the includer's
# stays (or, included before its first target, that target's).
ifeq ($(firstword $(MAKEFILE_LIST)),os-1k/os-1k.mk)
.DEFAULT_GOAL := $(OS1K_ELF)
else
.DEFAULT_GOAL := $(OS1K_GOAL)
endif
