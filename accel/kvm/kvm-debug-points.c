/*
 * KVM guest debugging: the per-VM breakpoint and watchpoint tables
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "gdbstub/enums.h"
#include "system/kvm-debug-points.h"

/*
 * Pure bookkeeping: nothing here touches a vCPU, guest memory or KVM, so
 * the tables are unit tested and fuzzed on any host.  The callers in
 * kvm-all.c plant the traps and push the layout to the vCPUs.
 *
 * Hardware points are few (the debug registers hold 2 to 8 slots), so
 * they are a plain array re-laid out on every change; software
 * breakpoints can be many thousands and are hashed.
 */

void kvm_debug_points_init(KVMDebugPoints *p)
{
    memset(p, 0, sizeof(*p));
    p->sw = g_hash_table_new(g_int64_hash, g_int64_equal);
    QTAILQ_INIT(&p->sw_list);
    p->hw = g_array_new(false, false, sizeof(KVMDebugPoint));
}

void kvm_debug_points_destroy(KVMDebugPoints *p)
{
    struct kvm_sw_breakpoint *bp, *next;

    QTAILQ_FOREACH_SAFE(bp, &p->sw_list, entry, next) {
        g_free(bp);
    }
    g_hash_table_destroy(p->sw);
    g_array_free(p->hw, true);
    memset(p, 0, sizeof(*p));
}

void kvm_debug_points_set_capacity(KVMDebugPoints *p,
                                   const KVMDebugCapacity *cap)
{
    assert(!p->hw->len);
    assert(cap->total_slots <= KVM_DEBUG_MAX_SLOTS && cap->split);
    assert(cap->sw_trap_size <= sizeof(cap->sw_trap));
    p->cap = *cap;
}

struct kvm_sw_breakpoint *kvm_debug_sw_find(const KVMDebugPoints *p,
                                            vaddr pc)
{
    QEMU_BUILD_BUG_ON(sizeof(vaddr) != sizeof(gint64));
    return g_hash_table_lookup(p->sw, &pc);
}

bool kvm_debug_breakpoint_at(const KVMDebugPoints *p, vaddr pc)
{
    guint i;

    if (kvm_debug_sw_find(p, pc)) {
        return true;
    }
    for (i = 0; i < p->hw->len; i++) {
        const KVMDebugPoint *pt = &g_array_index(p->hw, KVMDebugPoint, i);

        if (pt->type == GDB_BREAKPOINT_HW && pt->addr == pc) {
            return true;
        }
    }
    return false;
}

void kvm_debug_sw_add(KVMDebugPoints *p, struct kvm_sw_breakpoint *bp)
{
    assert(!kvm_debug_sw_find(p, bp->pc));
    g_hash_table_insert(p->sw, &bp->pc, bp);
    QTAILQ_INSERT_HEAD(&p->sw_list, bp, entry);
}

void kvm_debug_sw_del(KVMDebugPoints *p, struct kvm_sw_breakpoint *bp)
{
    g_hash_table_remove(p->sw, &bp->pc);
    QTAILQ_REMOVE(&p->sw_list, bp, entry);
}

unsigned kvm_debug_sw_count(KVMDebugPoints *p)
{
    return g_hash_table_size(p->sw);
}

int kvm_debug_sw_check(KVMDebugPoints *p, vaddr pc)
{
    if (!p->cap.sw_trap_size) {
        return -EOPNOTSUPP;
    }
    if (pc % p->cap.sw_trap_size) {
        return -EINVAL;
    }
    if (kvm_debug_sw_count(p) >= KVM_DEBUG_MAX_SW_BREAKPOINTS) {
        return -ENOSPC;
    }
    return 0;
}

/*
 * Lay gdb's hardware points out into slots, in insertion order, and
 * check them against the capacity.  Returns 0 and fills p->slots, or a
 * negative errno with p->slots untouched.
 */
static int relayout(KVMDebugPoints *p)
{
    KVMDebugSlot slots[KVM_DEBUG_MAX_SLOTS];
    int n = 0, insn = 0, data = 0;
    guint i;

    if (!p->cap.split) {
        return -ENOSYS;
    }
    for (i = 0; i < p->hw->len; i++) {
        KVMDebugPoint *pt = &g_array_index(p->hw, KVMDebugPoint, i);
        int k, got;

        got = p->cap.split(pt->type, pt->addr, pt->len, slots + n,
                           p->cap.total_slots - n);
        if (got < 0) {
            return got;
        }
        for (k = n; k < n + got; k++) {
            slots[k].point = i;
        }
        if (kvm_debug_is_watch(pt->type)) {
            data += got;
        } else {
            insn += got;
        }
        n += got;
    }
    if (n > p->cap.total_slots || insn > p->cap.insn_slots ||
        data > p->cap.data_slots) {
        return -ENOSPC;
    }
    memcpy(p->slots, slots, n * sizeof(slots[0]));
    p->nb_slots = n;
    return 0;
}

static int find_point(KVMDebugPoints *p, int type, vaddr addr, vaddr len)
{
    guint i;

    for (i = 0; i < p->hw->len; i++) {
        KVMDebugPoint *pt = &g_array_index(p->hw, KVMDebugPoint, i);

        /* gdb's kind for a hardware breakpoint is not a length. */
        if (pt->type == type && pt->addr == addr &&
            (type == GDB_BREAKPOINT_HW || pt->len == len)) {
            return i;
        }
    }
    return -1;
}

int kvm_debug_hw_insert(KVMDebugPoints *p, int type, vaddr addr, vaddr len)
{
    KVMDebugPoint pt = { .type = type, .addr = addr, .len = len };
    int err;

    /* Whatever the target, a watched range is not empty and does not wrap. */
    if ((type == GDB_WATCHPOINT_WRITE || type == GDB_WATCHPOINT_READ ||
         type == GDB_WATCHPOINT_ACCESS) && (!len || addr + len - 1 < addr)) {
        return -EINVAL;
    }
    if (find_point(p, type, addr, len) >= 0) {
        return -EEXIST;
    }
    g_array_append_val(p->hw, pt);
    err = relayout(p);
    if (err) {
        g_array_set_size(p->hw, p->hw->len - 1);
    }
    return err;
}

int kvm_debug_hw_remove(KVMDebugPoints *p, int type, vaddr addr, vaddr len)
{
    int i = find_point(p, type, addr, len);
    int err;

    if (i < 0) {
        return -ENOENT;
    }
    g_array_remove_index(p->hw, i);
    /* Fewer points always fit in the slots the same split gave before. */
    err = relayout(p);
    assert(!err);
    return 0;
}

void kvm_debug_hw_remove_all(KVMDebugPoints *p)
{
    g_array_set_size(p->hw, 0);
    p->nb_slots = 0;
}

int kvm_debug_layout(KVMDebugPoints *p, KVMDebugSlot *slots)
{
    memcpy(slots, p->slots, p->nb_slots * sizeof(slots[0]));
    return p->nb_slots;
}
