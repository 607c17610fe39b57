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

/* The four debug-register slots, for the VM's debug tables. */
void kvm_x86_debug_capacity(KVMDebugCapacity *cap);

/* Program DR0-DR3 and DR7 in @arch with the @nb slots of a layout. */
void kvm_x86_debug_encode(const KVMDebugSlot *slots, int nb,
                          struct kvm_guest_debug_arch *arch);

#endif
