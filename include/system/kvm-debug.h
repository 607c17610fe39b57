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
 * hardware reports reliably: which slots fired, whether a step completed,
 * the pc.  kvm_debug_decide() then asks the VM's breakpoint tables
 * (KVMDebugPoints) which parts of the event are QEMU's.  QEMU's part is
 * reported to gdb; the target delivers the rest to the guest, as designed
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
/*
 * watch_addr is exactly the address of the watchpoint that matched, as
 * BookE reports its DAC register, not some address inside the range.
 */
#define KVM_DEBUG_EV_EXACT      (1u << 4)

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
     * architecture reports only an address (ppc).  What a slot holds
     * comes from the tables, never from the exit: with slots named, set
     * both KVM_DEBUG_EV_HW_BREAK and KVM_DEBUG_EV_WATCH.
     */
    uint32_t hw_slots;
    vaddr watch_addr;           /* data address, when the exit gives one */
} KVMDebugEvent;

typedef enum KVMDebugVerdict {
    KVM_DEBUG_GUEST = 0,        /* nothing is QEMU's */
    KVM_DEBUG_STEP,
    KVM_DEBUG_SW_BREAKPOINT,
    KVM_DEBUG_HW_BREAKPOINT,
    KVM_DEBUG_WATCHPOINT,
} KVMDebugVerdict;

typedef struct KVMDebugDecision {
    /* What gdb is told: the first of QEMU's parts, in the documented order */
    KVMDebugVerdict verdict;
    bool qemu_step;             /* the step is QEMU's */
    uint32_t qemu_slots;        /* the named slots QEMU armed */
    vaddr watch_addr;           /* KVM_DEBUG_WATCHPOINT: the watched address */
    KVMDebugWatchKind watch_kind; /* KVM_DEBUG_WATCHPOINT: armed kind */
} KVMDebugDecision;

typedef struct KVMDebugPoints KVMDebugPoints;

/**
 * kvm_debug_decide: route one debug exit
 * @ev: the exit, as decoded by the target
 * @p: the VM's breakpoint and watchpoint tables
 * @stepping: QEMU asked the vCPU that exited to single-step
 *
 * Pure: reads @ev and @p, changes nothing.  Every part of @ev that is
 * QEMU's is in the result; the target gives the guest the others.
 */
KVMDebugDecision kvm_debug_decide(const KVMDebugEvent *ev,
                                  const KVMDebugPoints *p, bool stepping);

const char *kvm_debug_verdict_name(KVMDebugVerdict verdict);

#endif
