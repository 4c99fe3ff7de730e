/*
 * hold.S - holds its disks open until a byte comes (tests/disk/hold.yaml;
 * tests/t/39-disk.t runs a second minikvm on the same read-write image
 * meanwhile, which must be refused).  It IDENTIFYs the primary slave,
 * prints
 *
 *   primary slave: 128 sectors; waiting for a byte on standard input
 *
 * waits for one (GETCHAR), then prints "released" and ends with EXIT.
 */
#include "disk.inc"

#define IDBUF	0x1000

	boot_sector
	identify IDBUF, drive=1
	say s_slave
	num IDBUF+60*2
	say s_waiting
	hypercall HC_GETCHAR
	in (%dx), %al
	say s_released
	hypercall HC_EXIT

	string s_slave, "primary slave: "
	string s_waiting, " sectors; waiting for a byte on standard input\n"
	string s_released, "released\n"

	disk_lib
	disk_end
