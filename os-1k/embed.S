/*
 * embed.S - the user program and the file archive, as bytes inside the
 * kernel image.  os-1k.mk builds both into build/os-1k/ (user.bin: shell
 * and programs, linked at USER_BASE; files.tar: a ustar archive of
 * os-1k/files/) and assembles this file with -Ibuild/os-1k.
 */
	.section .rodata
	.balign 16
	.globl user_image, user_image_end
user_image:
	.incbin "user.bin"
user_image_end:

	.balign 16
	.globl files_tar, files_tar_end
files_tar:
	.incbin "files.tar"
files_tar_end:
