/*
 * doctor.h - what the host's KVM can do: `minikvm doctor`.
 *
 * Reports the KVM device and module, whether the host is itself a VM, the
 * capabilities minikvm uses, and for each guest mode whether it runs and how
 * fast, found by running a tiny probe guest (a dec/jnz loop, then the EXIT
 * hypercall) under a short time limit.  Hosts differ: on VT-x/AMD-V every
 * mode runs natively; on a software KVM such as kvm_pvm real mode and ring 0
 * are emulated and 32-bit paging is refused (../shared/notes/host-kvm.md).
 */
#ifndef MINIKVM_DOCTOR_H
#define MINIKVM_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

/*
 * doctor_report - probes the host and prints the report to OUT, as text or
 * (JSON) as one JSON object (the fields are listed in minikvm(1)).
 * Returns 0 if /dev/kvm is usable, 1 if not.
 */
int doctor_report(FILE *out, bool json);

/*
 * doctor_host_facts - adds to the JSON object O what makes a measurement
 * comparable: "kernel" (uname -r), "cpu" (CPUID brand string),
 * "cpu_virtualization" (vmx, svm or none), "api_version"
 * (KVM_GET_API_VERSION, -1 without KVM), "host_is_vm" (the CPUID
 * hypervisor bit), "hypervisor" (its vendor) and "module" (kvm_intel,
 * kvm_amd, kvm_pvm, ...): the same keys as doctor's report.
 */
struct json_object;
void doctor_host_facts(struct json_object *o);

#endif
