# The lab VM (included by the Makefile): a small Linux VM under QEMU's TCG
# emulator (-cpu max emulates AMD SVM), booting Debian's own kernel, whose
# /dev/kvm (kvm.ko, kvm-amd.ko) has real hardware-virtualisation semantics.
# The end-to-end tests in tests/lab/suite run inside it (tests/lab/init).
#   make lab-image   fetch the kernel (cached), build the initramfs
#   make lab         the image, then the suite in the lab: TAP and a summary
# Everything it downloads or builds is under $(LAB); see tests/lab/run-lab.

# Debian packages the lab needs on the host (besides the build's).
LAB_DEBS = qemu-system-x86 busybox-static kmod

LAB = $(BUILD)/lab

# The test tree copied into the image (mkinitramfs: the working tree but
# build/, .git and objects): a change to any of its files rebuilds the image.
# (Names make cannot take as prerequisites, with a space or a colon, are
# left out of the list, not out of the image.)
LAB_TREE = $(shell find . -path ./build -prune -o -path ./.git -prune -o \
	-type f ! -name '*.o' ! -name '* *' ! -name '*:*' -print 2>/dev/null)

.PHONY: lab lab-image lab-bench-image lab-force

lab-image: $(LAB)/initramfs.gz
# The same with QEMU inside, for the Linux boot benchmark (make bench).
lab-bench-image: $(LAB)/bench-initramfs.gz

lab: lab-image
	prove -v tests/t/50-lab.t

# Runs every time, but the script rewrites nothing (and downloads nothing)
# while the stamp names the archive's current kernel package: then make sees
# the stamp unchanged and leaves the initramfs alone.
$(LAB)/kernel/stamp: lab-force
	tests/lab/fetch-kernel $(LAB)

# After `all`: the guest images the manifests name must be built first.
# $(BUILD)/docs-examples: the man pages' example sessions, built (Makefile).
# gdb for the gdb tests (tests/t/41-gdb.t): Debian's gdb-minimal, the
# same gdb without Python, whose standard library an initramfs would
# have to carry; unpacked from its package (apt-get download), not installed
# (it conflicts with the host's gdb).
$(LAB)/gdb/usr/bin/gdb:
	tests/lab/fetch-gdb $(LAB)/gdb

$(LAB)/initramfs.gz: $(LAB)/gdb/usr/bin/gdb $(LAB)/kernel/stamp $(BUILD)/static/minikvm $(GUESTS) $(DISK_IMAGES) \
		$(LAB_TREE) $(LINUX_ASSETS) $(BUILD)/docs-examples | all
	LAB_GDB=$(LAB)/gdb/usr/bin/gdb tests/lab/mkinitramfs $@ $(LAB)/kernel $(BUILD)/static/minikvm $(BUILD)/docs-examples

$(LAB)/bench-initramfs.gz: $(LAB)/kernel/stamp $(BUILD)/static/minikvm $(GUESTS) $(DISK_IMAGES) \
		$(LAB_TREE) $(LINUX_ASSETS) | all
	LAB_QEMU=1 tests/lab/mkinitramfs $@ $(LAB)/kernel $(BUILD)/static/minikvm
