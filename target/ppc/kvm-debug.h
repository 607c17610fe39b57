/*
 * PowerPC KVM debug exits, decoded for the generic decision
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef PPC_KVM_DEBUG_H
#define PPC_KVM_DEBUG_H

#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"

struct kvm_debug_exit_arch;
struct kvm_guest_debug_arch;

void kvmppc_debug_decode(const struct kvm_debug_exit_arch *arch, bool booke,
                         KVMDebugEvent *ev);

/* The debug slots KVM offers: @booke for BookE, else Book3S. */
void kvmppc_debug_capacity(bool booke, KVMDebugCapacity *cap);

/* Fill @arch's bp[] with the @nb slots of a layout. */
void kvmppc_debug_encode(const KVMDebugSlot *slots, int nb,
                         struct kvm_guest_debug_arch *arch);

#endif
