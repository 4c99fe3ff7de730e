/* doctor.c - the report of what the host's KVM can do (see doctor.h). */
#define _GNU_SOURCE
#include "tools/doctor.h"

#include <cpuid.h>
#include <dirent.h>
#include <json-c/json.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "vmm/kvm.h"
#include "vmm/probe.h"
#include "vmm/probe_debug.h"
#include "vmm/sandbox.h"

/* The vendor module that provides /dev/kvm: kvm_intel, kvm_amd, kvm_pvm... */
static void kvm_module(char *buf, size_t len)
{
	DIR *d = opendir("/sys/module");
	struct dirent *de;
	bool core = false;

	buf[0] = '\0';
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "kvm") == 0)
			core = true;
		else if (strncmp(de->d_name, "kvm_", 4) == 0 && buf[0] == '\0' &&
			 strcmp(de->d_name, "kvm_common") != 0)
			snprintf(buf, len, "%s", de->d_name);
	}
	closedir(d);
	if (buf[0] == '\0' && core)
		snprintf(buf, len, "kvm (no vendor module loaded)");
}

struct cpu_facts {
	bool hypervisor;	/* CPUID.1:ECX[31] */
	char hv_vendor[13];	/* CPUID 0x40000000 signature */
	bool vmx, svm;		/* CPUID.1:ECX[5], CPUID.80000001h:ECX[2] */
	char model[49];		/* brand string, CPUID 80000002h-80000004h */
};

static void cpu_facts(struct cpu_facts *f)
{
	unsigned a, b, c, d;

	memset(f, 0, sizeof *f);
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		f->hypervisor = c & (1u << 31);
		f->vmx = c & (1u << 5);
	}
	if (f->hypervisor) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(f->hv_vendor, &b, 4);
		memcpy(f->hv_vendor + 4, &c, 4);
		memcpy(f->hv_vendor + 8, &d, 4);
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		f->svm = c & (1u << 2);
	for (unsigned i = 0; i < 3; i++) {
		unsigned r[4];

		if (!__get_cpuid(0x80000002 + i, &r[0], &r[1], &r[2], &r[3]))
			break;
		memcpy(f->model + 16 * i, r, 16);
	}
	/* the brand string is padded with spaces on some CPUs */
	size_t start = strspn(f->model, " ");
	memmove(f->model, f->model + start, strlen(f->model + start) + 1);
}

static const struct {
	const char *name;
	long cap;
} caps[] = {
	{ "IRQCHIP", KVM_CAP_IRQCHIP },
	{ "PIT2", KVM_CAP_PIT2 },
	{ "SYNC_REGS", KVM_CAP_SYNC_REGS },
	{ "SET_TSS_ADDR", KVM_CAP_SET_TSS_ADDR },
	{ "SET_IDENTITY_MAP_ADDR", KVM_CAP_SET_IDENTITY_MAP_ADDR },
	{ "IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT },
	{ "USER_MEMORY", KVM_CAP_USER_MEMORY },
	{ "EXT_CPUID", KVM_CAP_EXT_CPUID },
	{ "NR_VCPUS", KVM_CAP_NR_VCPUS },
	{ "MAX_VCPUS", KVM_CAP_MAX_VCPUS },
	{ "NR_MEMSLOTS", KVM_CAP_NR_MEMSLOTS },
};

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = json_object_object_get(o, key);

	return v != NULL ? json_object_get_string(v) : "";
}

static bool jbool(json_object *o, const char *key)
{
	return json_object_get_boolean(json_object_object_get(o, key));
}

/*
 * The guest-debugging section: per feature of probe_debug.h, whether it
 * exits and what a gdb user of `minikvm run --gdb` gets from that
 * (debug/gdb_bp.h: an int3 where it exits, else a free debug register
 * where those exit, else single-stepping; write watchpoints in a debug
 * register, else by single-stepping; read and access ones only in debug
 * registers).
 */
static void print_debug(FILE *out, json_object *d)
{
	bool step = jbool(d, "single_step"), insn = jbool(d, "hw_insn");
	const char *slow = step ? "uses single-stepping (slow)" : "is refused";

	fprintf(out, "guest debug   (probe: KVM_SET_GUEST_DEBUG on a real-mode guest; %d s limit each)\n",
		PROBE_LIMIT_S);
	fprintf(out, "  %-21s %s\n", "single-step", step ?
		"yes - gdb's stepi, step and next work" : "no - gdb cannot step the guest");
	if (insn)
		fprintf(out, "  %-21s yes - hbreak uses DR0-DR3 (4 at once)\n", "hw-breakpoints");
	else
		fprintf(out, "  %-21s no - hbreak %s\n", "hw-breakpoints", slow);
	fprintf(out, "  %-21s %s\n", "hw-watchpoints", jbool(d, "hw_data") ?
		"yes - watch, rwatch and awatch use DR0-DR3" :
		step ? "no - watch uses single-stepping (slow); rwatch and awatch are refused" :
		       "no - watch, rwatch and awatch are refused");
	if (jbool(d, "sw_bp"))
		fprintf(out, "  %-21s yes - break writes an int3\n", "sw-breakpoints");
	else if (insn)
		fprintf(out, "  %-21s no - int3 does not exit: break uses DR0-DR3%s\n", "sw-breakpoints",
			step ? ", then single-stepping (slow)" : " (4 at once)");
	else
		fprintf(out, "  %-21s no - int3 does not exit: break %s\n", "sw-breakpoints", slow);
	if (*jstr(d, "problem"))
		fprintf(out, "  (%s)\n", jstr(d, "problem"));
}

/* The report for people, from the same object as the JSON one. */
static void print_text(FILE *out, json_object *root)
{
	json_object *caps_o = json_object_object_get(root, "capabilities");
	json_object *modes = json_object_object_get(root, "modes");
	const char *virt = jstr(root, "cpu_virtualization");
	const char *sep = "";
	json_object *sandbox;

	if (jbool(root, "usable"))
		fprintf(out, "KVM device    %s: usable, KVM API version %d\n",
			jstr(root, "device"),
			json_object_get_int(json_object_object_get(root, "api_version")));
	else
		fprintf(out, "KVM device    not usable: %s\n", jstr(root, "problem"));
	fprintf(out, "KVM module    %s\n", *jstr(root, "module") ? jstr(root, "module") :
		"none loaded (see /sys/module: kvm_intel, kvm_amd, ...)");
	if (jbool(root, "host_is_vm"))
		fprintf(out, "host          a virtual machine (CPUID hypervisor bit; hypervisor \"%s\")\n",
			jstr(root, "hypervisor"));
	else
		fprintf(out, "host          bare metal (no CPUID hypervisor bit)\n");
	fprintf(out, "CPU           %s; hardware virtualisation flag: %s\n",
		jstr(root, "cpu"), virt);
	if (strcmp(virt, "none") == 0 && jbool(root, "usable"))
		fprintf(out, "              (no vmx/svm flag: this KVM is a software implementation)\n");
	sandbox = json_object_object_get(root, "sandbox");
	if (jbool(sandbox, "supported"))
		fprintf(out, "sandbox       yes: run's threads get seccomp filters (%s)\n",
			jstr(sandbox, "detail"));
	else
		fprintf(out, "sandbox       no: %s\n", jstr(sandbox, "detail"));
	fprintf(out, "capabilities  ");
	json_object_object_foreach(caps_o, name, val) {
		int v = json_object_get_int(val);

		if (strncmp(name, "NR_", 3) == 0 || strncmp(name, "MAX_", 4) == 0)
			fprintf(out, "%s%s %d", sep, name, v);
		else
			fprintf(out, "%s%s %s", sep, name, v > 0 ? "yes" : "no");
		sep = ", ";
	}
	fprintf(out, "%s\n", *sep ? "" : "(unknown: no usable KVM)");
	if (!jbool(root, "usable"))
		return;
	fprintf(out, "guest modes   (probe: a dec/jnz loop, then the EXIT hypercall; %d s limit)\n",
		PROBE_LIMIT_S);
	json_object_object_foreach(modes, mname, m) {
		double ns = json_object_get_double(json_object_object_get(m, "ns_per_instruction"));

		if (!jbool(m, "runs"))
			fprintf(out, "  %-21s refused: %s\n", mname, jstr(m, "problem"));
		else if (ns > 0)
			fprintf(out, "  %-21s runs, %s: %.*f ns per guest instruction\n", mname,
				jbool(m, "native") ? "native" : "emulated",
				ns < 10 ? 2 : 0, ns);
		else
			fprintf(out, "  %-21s runs (too slow to time)\n", mname);
	}
	print_debug(out, json_object_object_get(root, "debug"));
}

/* The facts about this host that doctor and bench both report. */
static void host_facts(json_object *o, int api)
{
	struct cpu_facts cpu;
	struct utsname u;
	char module[300];

	cpu_facts(&cpu);
	kvm_module(module, sizeof module);
	json_object_object_add(o, "kernel", json_object_new_string(uname(&u) == 0 ? u.release : ""));
	json_object_object_add(o, "api_version", json_object_new_int(api));
	json_object_object_add(o, "module", module[0] ? json_object_new_string(module) : NULL);
	json_object_object_add(o, "host_is_vm", json_object_new_boolean(cpu.hypervisor));
	json_object_object_add(o, "hypervisor", cpu.hypervisor ? json_object_new_string(cpu.hv_vendor) : NULL);
	json_object_object_add(o, "cpu", json_object_new_string(cpu.model));
	json_object_object_add(o, "cpu_virtualization",
			       json_object_new_string(cpu.vmx ? "vmx" : cpu.svm ? "svm" : "none"));
}

void doctor_host_facts(json_object *o)
{
	struct kvm kvm;
	struct err e;
	int api = -1;

	if (kvm_open(&kvm, &e) == 0) {
		api = ioctl(kvm.fd, KVM_GET_API_VERSION, 0);
		kvm_close(&kvm);
	}
	host_facts(o, api);
}

/* The "debug" object: probe_debug.h's four features, and why not. */
static void debug_facts(const struct kvm *kvm, json_object *o)
{
	struct probe_debug p;

	probe_debug_run(kvm, &p);
	json_object_object_add(o, "single_step", json_object_new_boolean(p.single_step));
	json_object_object_add(o, "hw_insn", json_object_new_boolean(p.hw_insn));
	json_object_object_add(o, "hw_data", json_object_new_boolean(p.hw_data));
	json_object_object_add(o, "sw_bp", json_object_new_boolean(p.sw_bp));
	json_object_object_add(o, "problem", p.why[0] ? json_object_new_string(p.why) : NULL);
}

/* Whether `run` can sandbox its threads here (vmm/sandbox.h). */
static void sandbox_facts(json_object *o)
{
	json_object *s = json_object_new_object();
	char why[160];
	bool ok = sandbox_supported(why, sizeof why);

	json_object_object_add(s, "supported", json_object_new_boolean(ok));
	json_object_object_add(s, "detail", json_object_new_string(why));
	json_object_object_add(o, "sandbox", s);
}

int doctor_report(FILE *out, bool json)
{
	json_object *root = json_object_new_object(), *jcaps, *jmodes, *jdebug;
	struct kvm kvm;
	struct err e = { "" };
	bool usable = kvm_open(&kvm, &e) == 0;

	json_object_object_add(root, "device", json_object_new_string(usable ? kvm.device : ""));
	json_object_object_add(root, "usable", json_object_new_boolean(usable));
	json_object_object_add(root, "problem", usable ? NULL : json_object_new_string(e.msg));
	host_facts(root, usable ? ioctl(kvm.fd, KVM_GET_API_VERSION, 0) : -1);
	sandbox_facts(root);

	jcaps = json_object_new_object();
	jmodes = json_object_new_object();
	jdebug = json_object_new_object();
	if (usable) {
		for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
			int v = ioctl(kvm.fd, KVM_CHECK_EXTENSION, caps[i].cap);

			json_object_object_add(jcaps, caps[i].name,
					       json_object_new_int(v < 0 ? 0 : v));
		}
		for (int m = 0; m < PROBE_MODES; m++) {
			json_object *jm = json_object_new_object();
			struct probe p;

			probe_run(&kvm, (enum probe_mode)m, &p);
			json_object_object_add(jm, "runs", json_object_new_boolean(p.runs));
			json_object_object_add(jm, "native", p.runs ? json_object_new_boolean(p.native) : NULL);
			json_object_object_add(jm, "ns_per_instruction",
					       p.ns_per_insn > 0 ? json_object_new_double(p.ns_per_insn) : NULL);
			json_object_object_add(jm, "problem", p.runs ? NULL : json_object_new_string(p.why));
			json_object_object_add(jmodes, probe_mode_name((enum probe_mode)m), jm);
		}
		debug_facts(&kvm, jdebug);
		kvm_close(&kvm);
	}
	json_object_object_add(root, "capabilities", jcaps);
	json_object_object_add(root, "modes", jmodes);
	json_object_object_add(root, "debug", jdebug);
	if (json)
		fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_text(out, root);
	json_object_put(root);
	return usable ? 0 : 1;
}
