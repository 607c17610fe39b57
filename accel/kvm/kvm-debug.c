/*
 * KVM guest debugging: one decision for every KVM_EXIT_DEBUG
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"

/*
 * An exit can have several causes at once: x86 reports a completed step
 * together with the debug registers that matched, and two slots can
 * match one access.  Each cause is taken as QEMU's only when QEMU's own
 * state says so; the target delivers the others to the guest, as Linux's
 * hw_breakpoint handler consumes only its own DR6 bits:
 *
 * - the step, only while QEMU asked for one.  A step flag the guest set
 *   itself (x86 EFLAGS.TF) is the guest's.  Architectures that cannot
 *   tell a step from other debug exits (ppc) flag every exit as a
 *   possible step; while QEMU steps, every stop is gdb's anyway;
 * - the software breakpoint, when the table holds one at pc.  The table
 *   is the truth; a status word of the kernel is not: Book3S leaves a
 *   stale one on software-breakpoint exits, and trusting it first
 *   re-entered the guest at the trap forever;
 * - each slot the exit names, when QEMU armed it; what the slot holds,
 *   and so its address and kind, comes from the table, never from the
 *   exit.  Where the hardware names no slot (ppc), the armed point that
 *   matches the pc or data address.
 *
 * gdb is told one reason: a watchpoint first (the watched address is
 * lost otherwise; gdb needs it even after a step), then the step, the
 * software breakpoint and the hardware breakpoint.
 */
static KVMDebugWatchKind watch_kind(int type)
{
    switch (type) {
    case GDB_WATCHPOINT_WRITE:
        return KVM_DEBUG_WATCH_WRITE;
    case GDB_WATCHPOINT_READ:
        return KVM_DEBUG_WATCH_READ;
    default:
        return KVM_DEBUG_WATCH_ACCESS;
    }
}

/* Whether slot @s, armed by QEMU, is what the exit @ev reports. */
static bool slot_fired(const KVMDebugEvent *ev, const KVMDebugSlot *s, int n)
{
    if (kvm_debug_is_watch(s->type)) {
        if (!(ev->flags & KVM_DEBUG_EV_WATCH)) {
            return false;
        }
        if (ev->hw_slots) {
            return ev->hw_slots & (1u << n);
        }
        if (ev->flags & KVM_DEBUG_EV_EXACT) {
            return ev->watch_addr == s->addr;
        }
        return ev->watch_addr - s->addr < MAX(s->len, 1);
    }
    if (!(ev->flags & KVM_DEBUG_EV_HW_BREAK)) {
        return false;
    }
    if (ev->hw_slots) {
        return ev->hw_slots & (1u << n);
    }
    return ev->pc == s->addr;
}

KVMDebugDecision kvm_debug_decide(const KVMDebugEvent *ev,
                                  const KVMDebugPoints *p, bool stepping)
{
    KVMDebugDecision d = { .verdict = KVM_DEBUG_GUEST };
    bool sw, hw = false, watch = false;
    int n;

    d.qemu_step = stepping && (ev->flags & KVM_DEBUG_EV_STEP);
    sw = (ev->flags & KVM_DEBUG_EV_SW_BREAK) && kvm_debug_sw_find(p, ev->pc);
    for (n = 0; n < p->nb_slots; n++) {
        const KVMDebugSlot *s = &p->slots[n];
        const KVMDebugPoint *pt;

        if (!slot_fired(ev, s, n)) {
            continue;
        }
        if (ev->hw_slots) {
            d.qemu_slots |= 1u << n;
        }
        if (!kvm_debug_is_watch(s->type)) {
            hw = true;
            continue;
        }
        if (!watch) {
            /* gdb is told its own point, not the piece of it that fired. */
            pt = &g_array_index(p->hw, KVMDebugPoint, s->point);
            d.watch_addr = pt->addr;
            d.watch_kind = watch_kind(pt->type);
            watch = true;
        }
    }

    if (watch) {
        d.verdict = KVM_DEBUG_WATCHPOINT;
    } else if (d.qemu_step) {
        d.verdict = KVM_DEBUG_STEP;
    } else if (sw) {
        d.verdict = KVM_DEBUG_SW_BREAKPOINT;
    } else if (hw) {
        d.verdict = KVM_DEBUG_HW_BREAKPOINT;
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
