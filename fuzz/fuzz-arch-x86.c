/*
 * Fuzz target for the KVM guest-debug series: x86 decoder and encoder.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-x86/kvm.h>
#include "fuzz-arch.h"
#include "target/i386/kvm/kvm-debug.h"

QEMU_BUILD_BUG_ON(sizeof(struct kvm_debug_exit_arch) > FUZZ_EXIT_BYTES);


void fuzz_x86_capacity(KVMDebugCapacity *cap)
{
    kvm_x86_debug_capacity(cap);
}

void fuzz_x86_decode(const uint8_t *raw, KVMDebugEvent *ev)
{
    struct kvm_debug_exit_arch arch;

    memcpy(&arch, raw, sizeof(arch));
    kvm_x86_debug_decode(&arch, ev);
    /* DR6 names at most the four slots B0-B3. */
    assert(!(ev->hw_slots & ~0xfu));
    assert(ev->pc == arch.pc);
}

void fuzz_x86_encode_check(const KVMDebugSlot *slots, int nb)
{
    struct kvm_guest_debug_arch arch;
    int n;

    assert(nb >= 0 && nb <= 4);
    /* zeroed, as kvm_update_guest_debug() passes it */
    memset(&arch, 0, sizeof(arch));
    kvm_x86_debug_encode(slots, nb, &arch);
    for (n = 0; n < 4; n++) {
        /* Gn enabled exactly for the slots in use, Ln never */
        assert(!!(arch.debugreg[7] & (2ull << (2 * n))) == (n < nb));
        assert(!(arch.debugreg[7] & (1ull << (2 * n))));
        if (n < nb) {
            assert(arch.debugreg[n] == slots[n].addr);
        }
    }
    /* RW and LEN only for slots in use; GE and bit 10 when any is */
    assert(!(arch.debugreg[7] >> (16 + 4 * nb)));
    assert((arch.debugreg[7] & 0x600) == (nb ? 0x600 : 0));
}
