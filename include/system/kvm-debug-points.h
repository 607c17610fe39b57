/*
 * KVM guest debugging: the per-VM breakpoint and watchpoint tables
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSTEM_KVM_DEBUG_POINTS_H
#define SYSTEM_KVM_DEBUG_POINTS_H

#include "exec/vaddr.h"
#include "exec/hwaddr.h"
#include "exec/memattrs.h"
#include "qemu/queue.h"
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"

/*
 * What gdb inserted, kept once per VM.  Software breakpoints sit in a
 * hash keyed by address (with use counts, as gdb and QEMU's own users may
 * insert the same one), so a debug exit looks one up in constant time
 * whatever their number.  Hardware breakpoints and watchpoints are kept
 * as gdb asked for them; the target says what the debug registers offer
 * (KVMDebugCapacity) and how one of gdb's points is covered by slots, and
 * the table lays them out.  Targets only encode the layout into their
 * registers and decode exits; they keep no state of their own.
 */

struct kvm_sw_breakpoint {
    vaddr pc;
    vaddr saved_insn;           /* the guest's bytes, in memory order */
    int use_count;
    /*
     * Set by kvm_arch_insert_sw_breakpoint(): how many bytes the trap
     * occupies, or 0 if the target does not say.  The generic code then
     * records the trap as written, the guest-physical address and the
     * attributes it was written with (which also name the address
     * space: x86 SMRAM is only seen with attrs.secure).
     */
    uint8_t size;
    uint8_t trap[sizeof(vaddr)];
    hwaddr phys;
    MemTxAttrs attrs;
    QTAILQ_ENTRY(kvm_sw_breakpoint) entry;
};

/* One hardware debug slot, as the target programs it. */
typedef struct KVMDebugSlot {
    int type;                   /* GDB_BREAKPOINT_HW or GDB_WATCHPOINT_* */
    vaddr addr;
    vaddr len;
    int point;                  /* gdb's point it serves, in insertion order */
} KVMDebugSlot;

#define KVM_DEBUG_MAX_SLOTS 16

/*
 * gdb's packets come from a socket: bound what they can make QEMU hold.
 * A software breakpoint costs about 150 bytes (table, hash and gdbstub's
 * record of it), so the bound is about 40 MiB, and is far more than gdb
 * itself handles comfortably ("rbreak ." on a Linux kernel sets some
 * 60000).
 */
#define KVM_DEBUG_MAX_SW_BREAKPOINTS (1u << 18)

typedef struct KVMDebugCapacity {
    int insn_slots;             /* slots that can hold a breakpoint */
    int data_slots;             /* slots that can hold a watchpoint */
    int total_slots;            /* slots in all, when the two share them */
    /*
     * Cover gdb's point @type at [@addr, @addr + @len) with at most @max
     * slots: fill @slots and return how many, -ENOSYS for a type the
     * hardware lacks, -EINVAL for a range it cannot cover and -ENOSPC
     * when more than @max slots would be needed.
     */
    int (*split)(int type, vaddr addr, vaddr len, KVMDebugSlot *slots,
                 int max);
    /*
     * The instruction a software breakpoint plants, in memory order, and
     * its size in bytes; 0 when KVM does not say which instruction exits
     * to userspace, and software breakpoints cannot be planted.
     */
    uint8_t sw_trap[8];
    uint8_t sw_trap_size;
} KVMDebugCapacity;

/* Whether gdb's point type @type (gdbstub/enums.h) watches data */
static inline bool kvm_debug_is_watch(int type)
{
    return type != GDB_BREAKPOINT_HW && type != GDB_BREAKPOINT_SW;
}

typedef struct KVMDebugPoint {
    int type;
    vaddr addr;
    vaddr len;
} KVMDebugPoint;

struct KVMDebugPoints {
    KVMDebugCapacity cap;       /* cap.split is NULL until it is set */
    GHashTable *sw;             /* &bp->pc -> struct kvm_sw_breakpoint */
    /* The same breakpoints, newest first. */
    QTAILQ_HEAD(, kvm_sw_breakpoint) sw_list;
    GArray *hw;                 /* KVMDebugPoint, in insertion order */
    KVMDebugSlot slots[KVM_DEBUG_MAX_SLOTS]; /* gdb's hardware points */
    int nb_slots;
};

void kvm_debug_points_init(KVMDebugPoints *p);
/* Free every table entry; software breakpoints are freed, not removed. */
void kvm_debug_points_destroy(KVMDebugPoints *p);
/* The target's capacity; set once, before the first hardware point. */
void kvm_debug_points_set_capacity(KVMDebugPoints *p,
                                   const KVMDebugCapacity *cap);

struct kvm_sw_breakpoint *kvm_debug_sw_find(const KVMDebugPoints *p,
                                            vaddr pc);
/* Add @bp (not yet in the table, bp->pc unique) as the newest. */
void kvm_debug_sw_add(KVMDebugPoints *p, struct kvm_sw_breakpoint *bp);
/* Take @bp out of the table; the caller frees it. */
void kvm_debug_sw_del(KVMDebugPoints *p, struct kvm_sw_breakpoint *bp);
unsigned kvm_debug_sw_count(KVMDebugPoints *p);
/* Whether gdb has a breakpoint, software or hardware, at @pc */
bool kvm_debug_breakpoint_at(const KVMDebugPoints *p, vaddr pc);
/*
 * Whether a new software breakpoint may be planted at @pc: the target
 * must have said what it plants, the trap must be aligned to its size,
 * so that two traps never overlap and none straddles a page, and the
 * table must hold fewer than KVM_DEBUG_MAX_SW_BREAKPOINTS.  Returns 0,
 * -EOPNOTSUPP (no trap is known: not -ENOSYS, which the gdbstub answers
 * with an empty reply, and gdb would then write its own trap into guest
 * memory, one KVM does not exit for), -EINVAL or -ENOSPC.
 */
int kvm_debug_sw_check(KVMDebugPoints *p, vaddr pc);

/*
 * gdb's hardware breakpoints and watchpoints.  Insert returns 0, or
 * -EINVAL for a watchpoint on an empty or wrapping range, -EEXIST for a
 * point already inserted, or what the target's split returned, or
 * -ENOSPC when the slots it needs are not free; nothing changes on
 * error.  Remove returns 0 or -ENOENT.
 */
int kvm_debug_hw_insert(KVMDebugPoints *p, int type, vaddr addr, vaddr len);
int kvm_debug_hw_remove(KVMDebugPoints *p, int type, vaddr addr, vaddr len);
void kvm_debug_hw_remove_all(KVMDebugPoints *p);

/*
 * The slots as the debug registers must hold them: gdb's hardware
 * points in insertion order.  Software breakpoints never take a slot,
 * so the guest keeps its own debug registers while only they are
 * inserted.  Fills @slots (KVM_DEBUG_MAX_SLOTS entries) and returns how
 * many are used.
 */
int kvm_debug_layout(KVMDebugPoints *p, KVMDebugSlot *slots);

#endif
