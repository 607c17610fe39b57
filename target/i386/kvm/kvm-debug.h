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

struct kvm_debug_exit_arch;

void kvm_x86_debug_decode(const struct kvm_debug_exit_arch *arch,
                          KVMDebugEvent *ev);

#endif
