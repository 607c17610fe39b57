/*
 * Fuzz target for the KVM guest-debug series: the per-arch side.
 *
 * x86 and ppc define struct kvm_debug_exit_arch differently, so each
 * architecture's decoder and encoder is driven from its own file.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FUZZ_ARCH_H
#define FUZZ_ARCH_H

#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"

typedef enum FuzzArch {
    FUZZ_X86,
    FUZZ_PPC_BOOKE,
    FUZZ_PPC_BOOK3S,
    FUZZ_NB_ARCH,
} FuzzArch;

/* Bytes of raw exit data the decoders read (the larger of the two). */
#define FUZZ_EXIT_BYTES 64

/*
 * Per architecture: its capacity; decode @raw, read as its struct
 * kvm_debug_exit_arch, checking what any decoding must satisfy; encode
 * @slots into its debug registers and check they name exactly those
 * slots.  Checks abort.
 */
void fuzz_x86_capacity(KVMDebugCapacity *cap);
void fuzz_x86_decode(const uint8_t *raw, KVMDebugEvent *ev);
void fuzz_x86_encode_check(const KVMDebugSlot *slots, int nb);
void fuzz_ppc_capacity(bool booke, KVMDebugCapacity *cap);
void fuzz_ppc_decode(const uint8_t *raw, bool booke, KVMDebugEvent *ev);
void fuzz_ppc_encode_check(const KVMDebugSlot *slots, int nb);

#endif
