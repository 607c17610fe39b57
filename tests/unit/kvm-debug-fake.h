/*
 * A stand-in for QEMU's breakpoint state, for the KVM debug unit tests
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_UNIT_KVM_DEBUG_FAKE_H
#define TESTS_UNIT_KVM_DEBUG_FAKE_H

#include "system/kvm-debug.h"

#define FAKE_MAX_POINTS 8

typedef struct FakeState {
    bool stepping;
    vaddr sw[FAKE_MAX_POINTS];
    int n_sw;
    struct {
        bool armed;
        bool watch;
        vaddr addr;
        vaddr len;
        KVMDebugWatchKind kind;
    } hw[FAKE_MAX_POINTS];
} FakeState;

/* A software breakpoint at @pc. */
void fake_add_sw(FakeState *s, vaddr pc);
/* An instruction breakpoint at @pc in hardware slot @slot. */
void fake_arm_hw(FakeState *s, int slot, vaddr pc);
/* A watchpoint of @len bytes at @addr in hardware slot @slot. */
void fake_arm_watch(FakeState *s, int slot, vaddr addr, vaddr len,
                    KVMDebugWatchKind kind);
/* kvm_debug_decide() on @ev, asking @s. */
KVMDebugDecision fake_decide(FakeState *s, const KVMDebugEvent *ev);

#endif
