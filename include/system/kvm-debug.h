/*
 * KVM guest debugging: one decision for every KVM_EXIT_DEBUG
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSTEM_KVM_DEBUG_H
#define SYSTEM_KVM_DEBUG_H

#include "exec/vaddr.h"

/*
 * Data flows one way.  The kernel reports an exit; the target decodes its
 * struct kvm_debug_exit_arch into a KVMDebugEvent, which only says what the
 * hardware and the kernel claim happened.  kvm_debug_decide() then asks
 * QEMU's own breakpoint state (KVMDebugQuery) whether the event is QEMU's
 * (report it to gdb) or the guest's (the target re-injects it), as designed
 * for KVM_SET_GUEST_DEBUG: every debug trap reaches userspace first.
 */

/* Set in KVMDebugEvent.flags by the target decoder. */
/* The exit may report a completed single step. */
#define KVM_DEBUG_EV_STEP       (1u << 0)
/* The exit may be the software-breakpoint instruction executing at pc. */
#define KVM_DEBUG_EV_SW_BREAK   (1u << 1)
/* The hardware claims an instruction breakpoint matched. */
#define KVM_DEBUG_EV_HW_BREAK   (1u << 2)
/* The hardware claims a data watchpoint matched. */
#define KVM_DEBUG_EV_WATCH      (1u << 3)

typedef enum KVMDebugWatchKind {
    KVM_DEBUG_WATCH_NONE   = 0,
    KVM_DEBUG_WATCH_READ   = 1,
    KVM_DEBUG_WATCH_WRITE  = 2,
    KVM_DEBUG_WATCH_ACCESS = 3,
} KVMDebugWatchKind;

typedef struct KVMDebugEvent {
    uint32_t flags;             /* KVM_DEBUG_EV_* */
    vaddr pc;                   /* where the vCPU stopped */
    /*
     * Hardware slots the exit names (bit n: slot n), or 0 when the
     * architecture reports only an address (ppc).
     */
    uint32_t hw_slots;
    vaddr watch_addr;           /* data address, when the exit gives one */
    KVMDebugWatchKind watch_kind; /* access kind reported, if any */
} KVMDebugEvent;

/*
 * QEMU's own debug state, as the decision needs it.  @slot is a hardware
 * slot named by the exit, or -1 to match by address alone.
 */
typedef struct KVMDebugQuery {
    bool stepping;              /* QEMU asked this vCPU to single-step */
    bool (*sw_breakpoint_at)(void *opaque, vaddr pc);
    bool (*hw_breakpoint_at)(void *opaque, int slot, vaddr pc);
    /*
     * An armed watchpoint matches @addr (slot -1) or sits in @slot: return
     * true and store the watched address and the armed kind.
     */
    bool (*watchpoint_at)(void *opaque, int slot, vaddr addr,
                          KVMDebugWatchKind reported,
                          vaddr *hit_addr, KVMDebugWatchKind *hit_kind);
    void *opaque;
} KVMDebugQuery;

typedef enum KVMDebugVerdict {
    KVM_DEBUG_GUEST = 0,        /* not QEMU's: the target re-injects it */
    KVM_DEBUG_STEP,
    KVM_DEBUG_SW_BREAKPOINT,
    KVM_DEBUG_HW_BREAKPOINT,
    KVM_DEBUG_WATCHPOINT,
} KVMDebugVerdict;

typedef struct KVMDebugDecision {
    KVMDebugVerdict verdict;
    vaddr watch_addr;           /* KVM_DEBUG_WATCHPOINT: the watched address */
    KVMDebugWatchKind watch_kind; /* KVM_DEBUG_WATCHPOINT: armed kind */
} KVMDebugDecision;

/**
 * kvm_debug_decide: route one debug exit
 * @ev: the exit, as decoded by the target
 * @q: QEMU's breakpoint state for the vCPU that exited
 *
 * Pure: reads @ev and asks @q, changes nothing.  The order is documented
 * at the definition.
 */
KVMDebugDecision kvm_debug_decide(const KVMDebugEvent *ev,
                                  const KVMDebugQuery *q);

const char *kvm_debug_verdict_name(KVMDebugVerdict verdict);

#endif
