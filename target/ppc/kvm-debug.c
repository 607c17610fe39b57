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
#include "gdbstub/enums.h"
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
 *   Book3S HV sw breakpoint      not written: what the    pc
 *                                previous exit left in
 *                                the kvm_run union
 *   Book3S PR sw breakpoint      0 since Linux 5.4,       pc
 *                                stale before
 *   Book3S PR single step        not written              pc
 *
 * Book3S HV's kvmppc_emulate_debug_inst() sets only exit_reason and
 * address; measured on Debian's 6.1 and 6.12 kernels, status is the data
 * of a preceding MMIO read, or 0xfffffffe after an hcall QEMU answered
 * with H_FUNCTION.  Book3S PR clears it since "KVM: PPC: Book3S PR: Fix
 * software breakpoints" (Linux 5.4).
 *
 * So on BookE, status says which exit it is: an IAC hit at nip, a DAC
 * hit at the very data address the DAC holds (never a pc: it is not
 * looked up as a software breakpoint), or, with status 0, a single step
 * or a software breakpoint at nip.  On Book3S status is never believed:
 * Book3S has no hardware points, and every exit is a possible software
 * breakpoint at pc.  No exit distinguishes a completed single step from
 * a software breakpoint, so those are flagged as possible steps: the
 * decision reports a step only while QEMU is stepping.
 */
void kvmppc_debug_decode(const struct kvm_debug_exit_arch *arch, bool booke,
                         KVMDebugEvent *ev)
{
    *ev = (KVMDebugEvent) { .pc = arch->address };

    if (booke && (arch->status & KVMPPC_DEBUG_BREAKPOINT)) {
        ev->flags = KVM_DEBUG_EV_HW_BREAK;
    } else if (booke && (arch->status & (KVMPPC_DEBUG_WATCH_READ |
                                         KVMPPC_DEBUG_WATCH_WRITE))) {
        ev->flags = KVM_DEBUG_EV_WATCH | KVM_DEBUG_EV_EXACT;
        ev->watch_addr = arch->address;
    } else {
        ev->flags = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK;
    }
}

/*
 * BookE KVM (arch/powerpc/kvm/booke.c) programs two instruction address
 * compare registers, IAC1-2, and two data address compare registers,
 * DAC1-2, from KVM_SET_GUEST_DEBUG; each matches one address.  Book3S
 * KVM offers no hardware breakpoints or watchpoints through it.
 */
static int kvmppc_debug_split(int type, vaddr addr, vaddr len,
                              KVMDebugSlot *slots, int max)
{
    switch (type) {
    case GDB_BREAKPOINT_HW:
        len = 4;
        break;
    case GDB_WATCHPOINT_WRITE:
    case GDB_WATCHPOINT_READ:
    case GDB_WATCHPOINT_ACCESS:
        break;
    default:
        return -ENOSYS;
    }
    if (max < 1) {
        return -ENOSPC;
    }
    slots[0] = (KVMDebugSlot) { .type = type, .addr = addr, .len = len };
    return 1;
}

void kvmppc_debug_capacity(bool booke, KVMDebugCapacity *cap)
{
    *cap = (KVMDebugCapacity) {
        .insn_slots = booke ? 2 : 0,
        .data_slots = booke ? 2 : 0,
        .total_slots = booke ? 4 : 0,
        .split = kvmppc_debug_split,
    };
}

void kvmppc_debug_encode(const KVMDebugSlot *slots, int nb,
                         struct kvm_guest_debug_arch *arch)
{
    static const uint32_t type_code[] = {
        [GDB_BREAKPOINT_HW] = KVMPPC_DEBUG_BREAKPOINT,
        [GDB_WATCHPOINT_WRITE] = KVMPPC_DEBUG_WATCH_WRITE,
        [GDB_WATCHPOINT_READ] = KVMPPC_DEBUG_WATCH_READ,
        [GDB_WATCHPOINT_ACCESS] = KVMPPC_DEBUG_WATCH_WRITE |
                                  KVMPPC_DEBUG_WATCH_READ,
    };
    int n;

    assert(nb <= ARRAY_SIZE(arch->bp));
    memset(arch->bp, 0, sizeof(arch->bp));
    for (n = 0; n < nb; n++) {
        assert(slots[n].type < ARRAY_SIZE(type_code) &&
               type_code[slots[n].type]);
        arch->bp[n].type = type_code[slots[n].type];
        arch->bp[n].addr = slots[n].addr;
    }
}
