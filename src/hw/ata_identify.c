/*
 * ata_identify.c - IDENTIFY DEVICE data of an ATA hard disk (ATA/ATAPI-6
 * clause 8, "IDENTIFY DEVICE", table of words; see ata.h).
 */
#include "hw/ata.h"

#include <stdio.h>
#include <string.h>

#define LBA28_MAX 0x0fffffffu	/* sectors LBA28 commands can reach */
#define CHS_HEADS 16u		/* default translation (words 1, 3, 6) */
#define CHS_SPT 63u
#define CHS_CYLS_MAX 16383u	/* word 1's cap: 16383*16*63 = 8.4 GB */

/*
 * An ATA string: each word holds two characters, the first in bits 15-8,
 * so byte-swapped as seen in memory; space-padded to LEN characters.
 */
static void ata_string(uint16_t *w, const char *s, unsigned len)
{
	size_t n = strlen(s);

	for (unsigned i = 0; i < len; i += 2) {
		uint8_t hi = i < n ? (uint8_t)s[i] : ' ';
		uint8_t lo = i + 1 < n ? (uint8_t)s[i + 1] : ' ';

		w[i / 2] = (uint16_t)(hi << 8 | lo);
	}
}

/* A 32- or 64-bit count in consecutive words, least significant first. */
static void put_count(uint16_t *w, uint64_t v, unsigned words)
{
	for (unsigned i = 0; i < words; i++)
		w[i] = (uint16_t)(v >> (16 * i));
}

void ata_identify(const struct ata_channel *ch, unsigned dev, uint8_t *out)
{
	const struct ata_drive *d = &ch->drive[dev];
	uint64_t sectors = d->disk->sectors;
	uint64_t cyls = sectors / (CHS_HEADS * CHS_SPT);
	uint64_t cur_cyls = 0;
	uint16_t w[256] = { 0 };
	char serial[24];
	unsigned sum = 0;

	if (cyls > CHS_CYLS_MAX)
		cyls = CHS_CYLS_MAX;
	if (d->spt != 0)
		cur_cyls = sectors / ((unsigned)d->heads * d->spt);
	if (cur_cyls > 65535)
		cur_cyls = 65535;
	/* stable across runs, different for each position of each channel */
	snprintf(serial, sizeof serial, "MINIKVM-%u-%u", ch->irq, dev);

	w[0] = 0x0040;			/* fixed (not removable) device */
	w[1] = (uint16_t)cyls;		/* default CHS translation */
	w[3] = CHS_HEADS;
	w[6] = CHS_SPT;
	ata_string(&w[10], serial, 20);
	ata_string(&w[23], "1.0", 8);	/* firmware revision */
	ata_string(&w[27], "MINIKVM HARDDISK", 40);
	w[47] = 0x8000 | ATA_MAX_MULTIPLE;	/* READ/WRITE MULTIPLE maximum */
	w[49] = 1u << 9 | 1u << 11;	/* LBA; IORDY (never held: no wait) */
	w[50] = 0x4000;
	w[53] = 0x0003;			/* words 54-58 and 64-70 valid */
	w[54] = (uint16_t)cur_cyls;	/* current CHS translation */
	w[55] = d->heads;
	w[56] = d->spt;
	put_count(&w[57], cur_cyls * d->heads * d->spt, 2);
	if (d->multiple)
		w[59] = 0x0100 | d->multiple;
	put_count(&w[60], sectors < LBA28_MAX ? sectors : LBA28_MAX, 2);
	w[64] = 0x0003;			/* PIO modes 3 and 4 */
	w[67] = 120;			/* ns: PIO 4 cycle time, without IORDY */
	w[68] = 120;			/* ... with IORDY */
	w[80] = 0x007e;			/* major versions: ATA-1 to ATA/ATAPI-6 */
	w[82] = 1u << 5;		/* write cache */
	w[83] = 0x4000 | 1u << 10 | 1u << 12 | 1u << 13;	/* 48-bit, FLUSH CACHE (EXT) */
	w[84] = 0x4000;
	w[85] = d->write_cache ? 1u << 5 : 0;	/* ... enabled */
	w[86] = 1u << 10 | 1u << 12 | 1u << 13;
	w[87] = 0x4000;
	put_count(&w[100], sectors, 4);	/* 48-bit capacity */

	/* word 255: signature A5h, then the byte making all 512 sum to 0 */
	w[255] = 0x00a5;
	for (unsigned i = 0; i < 255; i++)
		sum += (w[i] & 0xff) + (w[i] >> 8);
	sum += 0xa5;
	w[255] |= (uint16_t)(((256 - sum % 256) % 256) << 8);

	for (unsigned i = 0; i < 256; i++) {
		out[2 * i] = (uint8_t)w[i];
		out[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}
