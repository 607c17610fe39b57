/*
 * x86 KVM debug exits, decoded for the generic decision
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
/* By name, so that the decoder builds and is unit-tested on any host. */
#include <asm-x86/kvm.h>
#include "kvm-debug.h"

/*
 * struct kvm_debug_exit_arch on x86 is
 * { u32 exception; u32 pad; u64 pc; u64 dr6; u64 dr7; }.
 *
 * exception 3 (#BP): an int3 executed; pc is its linear address.  KVM only
 * exits for it while KVM_GUESTDBG_USE_SW_BP is set, whoever planted it.
 *
 * exception 1 (#DB): dr6 says why.  VMX reports DR6 with the active-low
 * bits set (0xffff0ff0 | hits), SVM the VMCB's DR6; both read alike:
 *
 *   DR6   31 ... 16 | 15 | 14 | 13 | 12 ... 4 | 3  | 2  | 1  | 0
 *         reserved  | BT | BS | BD | reserved | B3 | B2 | B1 | B0
 *   BS: single step (QEMU's KVM_GUESTDBG_SINGLESTEP or the guest's TF);
 *   Bn: debug register n matched.
 *
 * dr7 is the DR7 in force, which is QEMU's own while it uses hardware
 * breakpoints (KVM_GUESTDBG_USE_HW_BP); it tells what each slot watches:
 *
 *   DR7   31 30 | 29 28 | 27 26 | 25 24 | 23 22 | 21 20 | 19 18 | 17 16
 *         LEN3  | RW3   | LEN2  | RW2   | LEN1  | RW1   | LEN0  | RW0
 *   RWn: 00 execute, 01 write, 11 read or write (10, I/O, is not used);
 *   bits 7..0 are the enables G3 L3 ... G0 L0.
 *
 * A #DB exit gives no data address: the decision takes it from the slot.
 */
#define X86_EXCP_DB     1
#define X86_EXCP_BP     3
#define X86_DR6_BS      (1u << 14)
#define X86_DR6_B_MASK  0xfu
#define X86_DR7_RW(dr7, n)  (((dr7) >> (16 + (n) * 4)) & 3)

void kvm_x86_debug_decode(const struct kvm_debug_exit_arch *arch,
                          KVMDebugEvent *ev)
{
    int n;

    *ev = (KVMDebugEvent) { .pc = arch->pc };

    switch (arch->exception) {
    case X86_EXCP_BP:
        ev->flags |= KVM_DEBUG_EV_SW_BREAK;
        break;
    case X86_EXCP_DB:
        if (arch->dr6 & X86_DR6_BS) {
            ev->flags |= KVM_DEBUG_EV_STEP;
        }
        ev->hw_slots = arch->dr6 & X86_DR6_B_MASK;
        for (n = 0; n < 4; n++) {
            if (!(ev->hw_slots & (1u << n))) {
                continue;
            }
            switch (X86_DR7_RW(arch->dr7, n)) {
            case 0:
                ev->flags |= KVM_DEBUG_EV_HW_BREAK;
                break;
            case 1:
            case 3:
                if (!(ev->flags & KVM_DEBUG_EV_WATCH)) {
                    ev->watch_kind = X86_DR7_RW(arch->dr7, n) == 1 ?
                                     KVM_DEBUG_WATCH_WRITE :
                                     KVM_DEBUG_WATCH_ACCESS;
                }
                ev->flags |= KVM_DEBUG_EV_WATCH;
                break;
            }
        }
        break;
    }
}
