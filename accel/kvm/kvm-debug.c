/*
 * KVM guest debugging: one decision for every KVM_EXIT_DEBUG
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "system/kvm-debug.h"

/*
 * The order of the checks, and why:
 *
 * 1. Single step, but only when QEMU asked for one.  A step flag the guest
 *    set itself (x86 EFLAGS.TF) is the guest's.  Architectures that cannot
 *    tell a step from other debug exits (ppc) flag every exit as a possible
 *    step; while QEMU steps, every stop is gdb's anyway.
 * 2. A QEMU software breakpoint at pc.  The table QEMU keeps is the truth;
 *    the status the kernel reports is not: Book3S PR leaves a stale,
 *    non-zero status on software-breakpoint exits, and trusting it first
 *    re-entered the guest at the trap forever.
 * 3. An armed hardware breakpoint that matches the slot or pc reported.
 * 4. An armed watchpoint that matches the slot or data address reported;
 *    gdb is told the watched address and kind.
 * 5. Anything else belongs to the guest: its own int3, TF, debug registers
 *    or trap instructions.  The target re-injects it, so a debugger inside
 *    the guest keeps working alongside gdb.
 */
static bool hw_slot_matches(const KVMDebugEvent *ev, const KVMDebugQuery *q,
                            KVMDebugDecision *d, bool watch)
{
    uint32_t slots = ev->hw_slots;
    int slot;

    if (!slots) {
        if (!watch) {
            return q->hw_breakpoint_at &&
                   q->hw_breakpoint_at(q->opaque, -1, ev->pc);
        }
        return q->watchpoint_at &&
               q->watchpoint_at(q->opaque, -1, ev->watch_addr, ev->watch_kind,
                                &d->watch_addr, &d->watch_kind);
    }
    for (slot = 0; slots; slot++, slots >>= 1) {
        if (!(slots & 1)) {
            continue;
        }
        if (!watch && q->hw_breakpoint_at &&
            q->hw_breakpoint_at(q->opaque, slot, ev->pc)) {
            return true;
        }
        if (watch && q->watchpoint_at &&
            q->watchpoint_at(q->opaque, slot, ev->watch_addr, ev->watch_kind,
                             &d->watch_addr, &d->watch_kind)) {
            return true;
        }
    }
    return false;
}

KVMDebugDecision kvm_debug_decide(const KVMDebugEvent *ev,
                                  const KVMDebugQuery *q)
{
    KVMDebugDecision d = { .verdict = KVM_DEBUG_GUEST };

    if ((ev->flags & KVM_DEBUG_EV_STEP) && q->stepping) {
        d.verdict = KVM_DEBUG_STEP;
    } else if ((ev->flags & KVM_DEBUG_EV_SW_BREAK) && q->sw_breakpoint_at &&
               q->sw_breakpoint_at(q->opaque, ev->pc)) {
        d.verdict = KVM_DEBUG_SW_BREAKPOINT;
    } else if ((ev->flags & KVM_DEBUG_EV_HW_BREAK) &&
               hw_slot_matches(ev, q, &d, false)) {
        d.verdict = KVM_DEBUG_HW_BREAKPOINT;
    } else if ((ev->flags & KVM_DEBUG_EV_WATCH) &&
               hw_slot_matches(ev, q, &d, true)) {
        d.verdict = KVM_DEBUG_WATCHPOINT;
    }
    return d;
}

const char *kvm_debug_verdict_name(KVMDebugVerdict verdict)
{
    static const char *const names[] = {
        [KVM_DEBUG_GUEST] = "guest",
        [KVM_DEBUG_STEP] = "step",
        [KVM_DEBUG_SW_BREAKPOINT] = "sw-breakpoint",
        [KVM_DEBUG_HW_BREAKPOINT] = "hw-breakpoint",
        [KVM_DEBUG_WATCHPOINT] = "watchpoint",
    };

    if (verdict < ARRAY_SIZE(names) && names[verdict]) {
        return names[verdict];
    }
    return "invalid";
}
