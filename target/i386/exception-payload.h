/*
 * x86 exception payloads, in the format of KVM_CAP_EXCEPTION_PAYLOAD
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef I386_EXCEPTION_PAYLOAD_H
#define I386_EXCEPTION_PAYLOAD_H

/*
 * A pending #DB carries its DR6 as a payload: the DR6 bits to set, with
 * the active-low bits inverted, so that a payload of 0 reports nothing.
 * The active-low bits are those that read as 1 when they report nothing:
 * RTM (16) and BLD (11), and the reserved bits 31-17 and 10-4, i.e.
 * 0xffff0ff0, the value of DR6 with no debug condition.
 */
#define X86_DR6_ACTIVE_LOW  0xffff0ff0ull

/* The payload for a #DB that sets DR6 to @dr6 (register format). */
static inline uint64_t x86_dr6_to_payload(uint64_t dr6)
{
    return (dr6 ^ X86_DR6_ACTIVE_LOW) & 0xffffffffull;
}

/*
 * DR6 once a #DB with @payload is delivered on a vCPU whose DR6 was
 * @dr6, as KVM's kvm_deliver_exception_payload() computes it: B0-B3 are
 * replaced, the other bits accumulate, and bit 12 reads as 0.
 */
static inline uint64_t x86_dr6_apply_payload(uint64_t dr6, uint64_t payload)
{
    dr6 &= ~0xfull;
    dr6 |= X86_DR6_ACTIVE_LOW;
    dr6 |= payload;
    dr6 ^= payload & X86_DR6_ACTIVE_LOW;
    return dr6 & ~(1ull << 12);
}

#endif
