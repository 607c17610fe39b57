/*
 * PowerPC KVM debug exits, decoded for the generic decision
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
/* By name, so that the decoder builds and is unit-tested on any host. */
#include <asm-powerpc/kvm.h>
#include "kvm-debug.h"

/*
 * struct kvm_debug_exit_arch on powerpc is { u64 address; u32 status; }.
 * What the kernels put there:
 *
 *   exit                         status                   address
 *   BookE IAC1..4 hit            KVMPPC_DEBUG_BREAKPOINT  nip
 *   BookE DAC1/2 hit             KVMPPC_DEBUG_WATCH_WRITE dac1 or dac2
 *                                or .._WATCH_READ         (data address)
 *   BookE single step (DBSR_IC)  0                        nip
 *   BookE/e500 sw breakpoint     0                        nip
 *   Book3S PR/HV sw breakpoint   not written: stale,      pc
 *                                often non-zero
 *   Book3S PR single step        not written              pc
 *
 * So status can only be believed for hardware points QEMU armed, and only
 * after the software-breakpoint table has been asked about address; the
 * generic decision does it in that order.  No exit distinguishes a
 * completed single step, so every exit is flagged as a possible step: the
 * decision reports a step only while QEMU is stepping.
 */
void kvmppc_debug_decode(const struct kvm_debug_exit_arch *arch,
                         KVMDebugEvent *ev)
{
    *ev = (KVMDebugEvent) {
        .flags = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK,
        .pc = arch->address,
    };

    if (arch->status & KVMPPC_DEBUG_BREAKPOINT) {
        ev->flags |= KVM_DEBUG_EV_HW_BREAK;
    }
    if (arch->status & (KVMPPC_DEBUG_WATCH_READ | KVMPPC_DEBUG_WATCH_WRITE)) {
        ev->flags |= KVM_DEBUG_EV_WATCH;
        ev->watch_addr = arch->address;
        ev->watch_kind = (arch->status & KVMPPC_DEBUG_WATCH_WRITE) ?
                         KVM_DEBUG_WATCH_WRITE : KVM_DEBUG_WATCH_READ;
    }
}
