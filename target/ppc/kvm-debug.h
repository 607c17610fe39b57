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

struct kvm_debug_exit_arch;

void kvmppc_debug_decode(const struct kvm_debug_exit_arch *arch,
                         KVMDebugEvent *ev);

#endif
