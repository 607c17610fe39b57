/*
 * A stand-in for QEMU's breakpoint state, for the KVM debug unit tests
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "kvm-debug-fake.h"

static bool fake_sw_at(void *opaque, vaddr pc)
{
    FakeState *s = opaque;
    int i;

    for (i = 0; i < s->n_sw; i++) {
        if (s->sw[i] == pc) {
            return true;
        }
    }
    return false;
}

static bool fake_hw_at(void *opaque, int slot, vaddr pc)
{
    FakeState *s = opaque;
    int i;

    for (i = 0; i < FAKE_MAX_POINTS; i++) {
        if (s->hw[i].armed && !s->hw[i].watch && (slot < 0 || slot == i) &&
            s->hw[i].addr == pc) {
            return true;
        }
    }
    return false;
}

static bool fake_watch_at(void *opaque, int slot, vaddr addr,
                          KVMDebugWatchKind reported,
                          vaddr *hit_addr, KVMDebugWatchKind *hit_kind)
{
    FakeState *s = opaque;
    int i;

    for (i = 0; i < FAKE_MAX_POINTS; i++) {
        if (!s->hw[i].armed || !s->hw[i].watch) {
            continue;
        }
        if (slot >= 0 ? slot == i : (addr >= s->hw[i].addr &&
                                     addr < s->hw[i].addr + s->hw[i].len)) {
            *hit_addr = s->hw[i].addr;
            *hit_kind = s->hw[i].kind;
            return true;
        }
    }
    return false;
}

void fake_add_sw(FakeState *s, vaddr pc)
{
    g_assert_cmpint(s->n_sw, <, FAKE_MAX_POINTS);
    s->sw[s->n_sw++] = pc;
}

void fake_arm_hw(FakeState *s, int slot, vaddr pc)
{
    s->hw[slot].armed = true;
    s->hw[slot].watch = false;
    s->hw[slot].addr = pc;
}

void fake_arm_watch(FakeState *s, int slot, vaddr addr, vaddr len,
                    KVMDebugWatchKind kind)
{
    s->hw[slot].armed = true;
    s->hw[slot].watch = true;
    s->hw[slot].addr = addr;
    s->hw[slot].len = len;
    s->hw[slot].kind = kind;
}

KVMDebugDecision fake_decide(FakeState *s, const KVMDebugEvent *ev)
{
    KVMDebugQuery q = {
        .stepping = s->stepping,
        .sw_breakpoint_at = fake_sw_at,
        .hw_breakpoint_at = fake_hw_at,
        .watchpoint_at = fake_watch_at,
        .opaque = s,
    };

    return kvm_debug_decide(ev, &q);
}
