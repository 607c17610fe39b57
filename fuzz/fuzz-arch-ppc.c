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

void fuzz_ppc_decode(const uint8_t *raw, KVMDebugEvent *ev)
{
    struct kvm_debug_exit_arch arch;

    memcpy(&arch, raw, sizeof(arch));
    kvmppc_debug_decode(&arch, ev);
    /* ppc reports addresses, never slot numbers. */
    assert(!ev->hw_slots);
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
