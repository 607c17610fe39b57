/*
 * x86 KVM debug exits, decoded for the generic decision
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef I386_KVM_DEBUG_H
#define I386_KVM_DEBUG_H

#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"

struct kvm_debug_exit_arch;
struct kvm_guest_debug_arch;

void kvm_x86_debug_decode(const struct kvm_debug_exit_arch *arch,
                          KVMDebugEvent *ev);

/*
 * The guest's part of a #DB whose DR6 was @dr6, once QEMU took its part
 * @d.  @slots_armed: the vCPU ran with QEMU's debug registers loaded;
 * else @guest_dr7 is the guest's DR7.  Stores the part in @guest_dr6
 * (register format) and returns whether the guest gets a #DB.
 */
bool kvm_x86_debug_guest_dr6(uint64_t dr6, const KVMDebugDecision *d,
                             bool slots_armed, uint64_t guest_dr7,
                             bool guest_step, uint64_t *guest_dr6);

/* The instruction gdb single-steps, by what it does to EFLAGS.TF */
typedef enum KVMX86StepInsn {
    KVM_X86_STEP_OTHER,         /* leaves TF as it was */
    KVM_X86_STEP_POPF,          /* loads TF from the stack */
    KVM_X86_STEP_IRET,          /* the same, but for a task return */
    KVM_X86_STEP_SYSCALL,       /* masks TF with MSR_FMASK */
    KVM_X86_STEP_SYSRET,        /* loads TF from R11 */
    KVM_X86_STEP_INTO,          /* a gate if OF is set */
    KVM_X86_STEP_GATE,          /* clears TF, entering a handler */
    KVM_X86_STEP_RSM,           /* loads TF from SMRAM */
} KVMX86StepInsn;

KVMX86StepInsn kvm_x86_step_insn(const uint8_t *insn, size_t len,
                                 int code_size, unsigned *offset);

bool kvm_x86_idt_gate(const uint8_t *g, bool long_mode, uint64_t *offset,
                      uint16_t *sel);
bool kvm_x86_code_base(const uint8_t *d, uint32_t *base);

/* The four debug-register slots, for the VM's debug tables. */
void kvm_x86_debug_capacity(KVMDebugCapacity *cap);

/* Program DR0-DR3 and DR7 in @arch with the @nb slots of a layout. */
void kvm_x86_debug_encode(const KVMDebugSlot *slots, int nb,
                          struct kvm_guest_debug_arch *arch);

#endif
