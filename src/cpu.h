/*
 * cpu.h - the state a vCPU starts in, one function per CPU mode
 * (the shape of dpw's kvm-hello-world setup_real_mode & co).
 */
#ifndef MINIKVM_CPU_H
#define MINIKVM_CPU_H

#include "err.h"
#include "manifest.h"

/*
 * cpu_setup_real_mode - real mode at CFG's entry: CS = entry_cs (base
 * entry_cs * 16), IP = entry_ip, DS = ES = FS = GS = SS = 0 with base 0 and
 * 64 KiB limits, EFLAGS = 0x2 (interrupts off), SP = 0 when the guest has
 * 64 KiB or more (the first push lands at 0xFFFE, the top of the first
 * 64 KiB), else SP = the memory size.  Other registers are 0.
 * Uses KVM_GET_SREGS/KVM_SET_SREGS and KVM_SET_REGS on VCPU_FD.
 * Returns 0, or -1 with E naming the ioctl.
 */
int cpu_setup_real_mode(int vcpu_fd, const struct vcpu_config *cfg,
			struct err *e);

#endif
