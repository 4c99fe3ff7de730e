/* crtc.c - the 6845 CRT controller's register file (see crtc.h). */
#include "hw/crtc.h"

#include <string.h>

#define REG_CURSOR_HI 0x0e
#define REG_CURSOR_LO 0x0f

/* Mode 3 (80x25 text, 9x16 cell) as a VGA BIOS programs it. */
static const uint8_t mode3[CRTC_REGS] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00,
	0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e,
};

void crtc_init(struct crtc *c)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	memcpy(c->regs, mode3, sizeof c->regs);
}

void crtc_destroy(struct crtc *c)
{
	pthread_mutex_destroy(&c->lock);
}

uint16_t crtc_cursor(struct crtc *c)
{
	uint16_t v;

	pthread_mutex_lock(&c->lock);
	v = (uint16_t)(c->regs[REG_CURSOR_HI] << 8 | c->regs[REG_CURSOR_LO]);
	pthread_mutex_unlock(&c->lock);
	return v;
}

enum io_result crtc_io(void *owner, uint64_t offset, uint8_t *data,
		       unsigned size, bool is_write)
{
	struct crtc *c = owner;
	unsigned i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < size; i++) {
		uint64_t port = offset + i;
		bool selected = c->index < CRTC_REGS;

		if (port == 0 && is_write)
			c->index = data[i];
		else if (port == 0)
			data[i] = c->index;
		else if (port == 1 && is_write && selected)
			c->regs[c->index] = data[i];
		else if (port == 1 && !is_write)
			data[i] = selected ? c->regs[c->index] : 0xff;
		else if (!is_write)
			data[i] = 0xff;		/* past the last port */
	}
	pthread_mutex_unlock(&c->lock);
	return IO_OK;
}
