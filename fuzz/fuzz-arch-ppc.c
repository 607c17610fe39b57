/*
 * Fuzz target for the KVM guest-debug series: ppc decoder and encoder.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-powerpc/kvm.h>
#include "fuzz-arch.h"
#include "target/ppc/kvm-debug.h"

QEMU_BUILD_BUG_ON(sizeof(struct kvm_debug_exit_arch) > FUZZ_EXIT_BYTES);


void fuzz_ppc_capacity(bool booke, KVMDebugCapacity *cap)
{
    kvmppc_debug_capacity(booke, cap);
    /* What KVM_REG_PPC_DEBUG_INST reports on BookE and Book3S PR */
    cap->sw_trap_size = 4;
}

void fuzz_ppc_decode(const uint8_t *raw, bool booke, KVMDebugEvent *ev)
{
    struct kvm_debug_exit_arch arch;
    uint32_t want;

    memcpy(&arch, raw, sizeof(arch));
    kvmppc_debug_decode(&arch, booke, ev);
    /* ppc reports addresses, never slot numbers. */
    assert(!ev->hw_slots);
    assert(ev->pc == arch.address);
    /* Only BookE's status says what the exit is; a DAC value is exact. */
    if (booke && (arch.status & KVMPPC_DEBUG_BREAKPOINT)) {
        want = KVM_DEBUG_EV_HW_BREAK;
    } else if (booke && (arch.status & (KVMPPC_DEBUG_WATCH_READ |
                                        KVMPPC_DEBUG_WATCH_WRITE))) {
        want = KVM_DEBUG_EV_WATCH | KVM_DEBUG_EV_EXACT;
        assert(ev->watch_addr == arch.address);
    } else {
        want = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK;
    }
    assert(ev->flags == want);
}

void fuzz_ppc_encode_check(const KVMDebugSlot *slots, int nb)
{
    struct kvm_guest_debug_arch arch;
    int n;

    assert(nb >= 0 && nb <= ARRAY_SIZE(arch.bp));
    memset(&arch, 0xa5, sizeof(arch));
    kvmppc_debug_encode(slots, nb, &arch);
    for (n = 0; n < ARRAY_SIZE(arch.bp); n++) {
        if (n < nb) {
            assert(arch.bp[n].addr == slots[n].addr);
            assert(arch.bp[n].type != 0);
        } else {
            assert(arch.bp[n].type == 0);
        }
    }
}
