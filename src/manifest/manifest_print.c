/*
 * manifest_print.c - check -v's effective manifest: a struct manifest
 * written back as YAML, defaults applied and paths made absolute, through
 * the raw structs (manifest_raw.h) and the same libcyaml schema as it was
 * loaded with, so that it loads again to the same values.
 */
#define _GNU_SOURCE
#include <cyaml/cyaml.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest_raw.h"
#include "manifest/units.h"

/* M as raw structs, saved by libcyaml against the schema to OUT. */
int manifest_print(const struct manifest *m, FILE *out)
{
	struct cyaml_log log = { "" };
	cyaml_config_t cfg = manifest_cyaml_config(&log);
	struct raw_vcpu *vcpus = calloc(m->nr_vcpus, sizeof *vcpus);
	char (*text)[5][MANIFEST_NUM_MAX] = calloc(m->nr_vcpus, sizeof *text);
	bool real = m->mode == CPU_MODE_REAL;
	enum platform pc = PLATFORM_PC;
	enum boot_from boot_disk = BOOT_DISK;
	char **images = calloc(m->nr_vcpus, sizeof *images);
	char **initrds = calloc(m->nr_vcpus, sizeof *initrds);
	struct raw_linux *linuxes = calloc(m->nr_vcpus, sizeof *linuxes);
	struct raw_disk (*disks)[MANIFEST_MAX_DISKS] = calloc(m->nr_vcpus, sizeof *disks);
	char period[MANIFEST_NUM_MAX], timeout[MANIFEST_NUM_MAX];
	struct raw_timer timer = { period };
	struct raw_console console = { m->color, m->prefix };
	struct raw_limits limits = { timeout };
	char repeat[MANIFEST_NUM_MAX], warmup[MANIFEST_NUM_MAX];
	struct raw_bench bench = { repeat, warmup };
	struct raw_manifest raw = {
		.version = "1", .name = m->name, .mode = m->mode,
		.paging = m->paging ? PAGING_IDENTITY : PAGING_OFF,
		.irqchip = m->irqchip ? ONOFF_TRUE : ONOFF_FALSE,
		.timer = &timer, .console = &console, .limits = &limits,
		.bench = &bench,
		.vcpus = vcpus, .vcpus_count = (unsigned)m->nr_vcpus,
	};
	char *yaml = NULL;
	size_t len = 0;
	cyaml_err_t err = CYAML_ERR_OOM;
	bool too_large = false;

	if (vcpus == NULL || text == NULL || images == NULL || initrds == NULL ||
	    linuxes == NULL || disks == NULL)
		goto out;
	units_format_duration(m->timer_period_ns, period, sizeof period);
	units_format_duration(m->timeout_ns, timeout, sizeof timeout);
	snprintf(repeat, sizeof repeat, "%llu", (unsigned long long)m->bench_repeat);
	snprintf(warmup, sizeof warmup, "%llu", (unsigned long long)m->bench_warmup);
	for (size_t i = 0; i < m->nr_vcpus; i++) {
		const struct vcpu_config *v = &m->vcpus[i];

		units_format_size(v->memory, text[i][0], MANIFEST_NUM_MAX);
		snprintf(text[i][1], MANIFEST_NUM_MAX, "0x%llx", (unsigned long long)v->load);
		if (real)
			snprintf(text[i][2], MANIFEST_NUM_MAX, "0x%04x:0x%04llx", v->entry_cs,
				 (unsigned long long)v->entry_ip);
		else
			snprintf(text[i][2], MANIFEST_NUM_MAX, "0x%llx",
				 (unsigned long long)v->entry_ip);
		snprintf(text[i][3], MANIFEST_NUM_MAX, "0x%llx", (unsigned long long)v->stack);
		/* absolute, so the output is valid wherever it is saved */
		images[i] = realpath(v->image, NULL);
		vcpus[i] = (struct raw_vcpu){
			.image = images[i] ? images[i] : v->image, .memory = text[i][0],
			.color = v->color,
			/* an ELF image says where it goes and starts itself */
			.load = v->is_elf ? NULL : text[i][1],
			.entry = v->is_elf ? NULL : text[i][2],
			.stack = text[i][3],
			.stdin_ = v->stdin ? ONOFF_TRUE : ONOFF_FALSE,
			/* shown where they differ from the defaults, so a
			 * manifest without them prints as it always did */
			.cpus = v->cpus > 1 ? text[i][4] : NULL,
			.platform = v->pc && !v->is_linux ? &pc : NULL,
		};
		snprintf(text[i][4], MANIFEST_NUM_MAX, "%u", v->cpus);
		for (size_t j = 0; j < v->ndisks; j++)
			disks[i][j] = (struct raw_disk){
				.image = realpath(v->disks[j].image, NULL) ?: strdup(v->disks[j].image),
				.access = v->disks[j].access,
			};
		for (size_t j = 0; j < v->ndisks; j++)
			if (disks[i][j].image == NULL)
				goto out;	/* out of memory */
		vcpus[i].disks = v->ndisks ? disks[i] : NULL;
		vcpus[i].disks_count = (unsigned)v->ndisks;
		if (v->boot_disk) {
			/* the boot sector says where it goes and starts */
			vcpus[i].image = NULL;
			vcpus[i].boot = &boot_disk;
			vcpus[i].load = vcpus[i].entry = vcpus[i].stack = NULL;
		}
		if (v->is_linux) {
			if (v->initrd != NULL)
				initrds[i] = realpath(v->initrd, NULL);
			linuxes[i] = (struct raw_linux){
				.kernel = vcpus[i].image,
				.initrd = initrds[i] ? initrds[i] : v->initrd,
				.cmdline = v->cmdline,
			};
			vcpus[i].image = NULL;
			vcpus[i].linux_ = &linuxes[i];
			vcpus[i].load = vcpus[i].entry = vcpus[i].stack = NULL;
		}
	}
	err = cyaml_save_data(&yaml, &len, &cfg, &manifest_schema, &raw, 0);
	/* libyaml escapes what is not printable ASCII ("\t", "\u65E5"), so a
	 * manifest near the limit can print larger than a manifest may be;
	 * say so rather than print what would not load */
	if (err == CYAML_OK && len > MANIFEST_MAX_BYTES) {
		fprintf(stderr, "minikvm: cannot print the manifest: it would be %zu bytes, more than the %u a manifest may be\n",
			len, MANIFEST_MAX_BYTES);
		cyaml_mem(NULL, yaml, 0);
		too_large = true;
		goto out;
	}
	if (err == CYAML_OK && fwrite(yaml, 1, len, out) != len)
		err = CYAML_ERR_FILE_OPEN;
	cyaml_mem(NULL, yaml, 0);
out:
	for (size_t i = 0; images != NULL && i < m->nr_vcpus; i++)
		free(images[i]);
	for (size_t i = 0; initrds != NULL && i < m->nr_vcpus; i++)
		free(initrds[i]);
	free(images);
	free(initrds);
	free(linuxes);
	for (size_t i = 0; disks != NULL && i < m->nr_vcpus; i++)
		for (size_t j = 0; j < MANIFEST_MAX_DISKS; j++)
			free(disks[i][j].image);
	free(disks);
	free(vcpus);
	free(text);
	if (err != CYAML_OK)
		fprintf(stderr, "minikvm: cannot print the manifest: %s\n",
			log.text[0] ? log.text : cyaml_strerror(err));
	return err == CYAML_OK && !too_large ? 0 : -1;
}
