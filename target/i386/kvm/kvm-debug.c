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
#include "gdbstub/enums.h"
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

/*
 * x86 has four debug-register slots, DR0-DR3, shared by breakpoints and
 * watchpoints.  A slot watches 1, 2, 4 or 8 bytes aligned to their length
 * (Intel SDM vol. 3, "Debug Registers").
 *
 * gdb may watch any range: it is covered from its start by the largest
 * aligned pieces that fit, as Linux's ptrace and perf users do, e.g.
 * 4 bytes at 0x1003 take 0x1003/1, 0x1004/2 and 0x1006/1.  A range
 * needing more slots than are free is refused, and gdb reports that it
 * could not insert the watchpoint.
 *
 * There is no read-only type (RW = 10 means I/O).  A read watchpoint is
 * refused as unsupported, an empty reply to Z3, and gdb then arms an
 * access watchpoint instead and checks the watched value on each hit, as
 * it does on x86 hosts.
 */
#define X86_DEBUG_SLOTS 4

static int kvm_x86_debug_split(int type, vaddr addr, vaddr len,
                               KVMDebugSlot *slots, int max)
{
    vaddr size;
    int n = 0;

    switch (type) {
    case GDB_BREAKPOINT_HW:
        if (max < 1) {
            return -ENOSPC;
        }
        slots[0] = (KVMDebugSlot) { .type = type, .addr = addr, .len = 1 };
        return 1;
    case GDB_WATCHPOINT_WRITE:
    case GDB_WATCHPOINT_ACCESS:
        break;
    default:
        return -ENOSYS;
    }
    if (!len || addr + len - 1 < addr) {
        return -EINVAL;
    }
    while (len) {
        for (size = 8; size > len || (addr & (size - 1)); size >>= 1) {
            continue;
        }
        if (n == max) {
            return -ENOSPC;
        }
        slots[n++] = (KVMDebugSlot) { .type = type, .addr = addr,
                                      .len = size };
        addr += size;
        len -= size;
    }
    return n;
}

void kvm_x86_debug_capacity(KVMDebugCapacity *cap)
{
    *cap = (KVMDebugCapacity) {
        .insn_slots = X86_DEBUG_SLOTS,
        .data_slots = X86_DEBUG_SLOTS,
        .total_slots = X86_DEBUG_SLOTS,
        .back_sw_breakpoints = true,
        .split = kvm_x86_debug_split,
        .sw_trap = { 0xcc },            /* int3 */
        .sw_trap_size = 1,
    };
}

/*
 * Slot n goes to DRn, with its enable Gn and its RWn and LENn fields in
 * DR7 as drawn above; LEN is 00 for 1 byte, 01 for 2, 11 for 4 and 10
 * for 8.  Bits 9 and 10 (GE and the reserved 1) are set as the kernel's
 * own DR7 users do.  A slot backing a software breakpoint is a 1-byte
 * execute breakpoint.
 */
void kvm_x86_debug_encode(const KVMDebugSlot *slots, int nb,
                          struct kvm_guest_debug_arch *arch)
{
    static const uint8_t rw_code[] = {
        [GDB_BREAKPOINT_SW] = 0x0,
        [GDB_BREAKPOINT_HW] = 0x0,
        [GDB_WATCHPOINT_WRITE] = 0x1,
        [GDB_WATCHPOINT_ACCESS] = 0x3,
    };
    static const uint8_t len_code[] = {
        [1] = 0x0, [2] = 0x1, [4] = 0x3, [8] = 0x2,
    };
    int n;

    assert(nb <= X86_DEBUG_SLOTS);
    for (n = 0; n < nb; n++) {
        assert(slots[n].type < ARRAY_SIZE(rw_code) &&
               slots[n].type != GDB_WATCHPOINT_READ &&
               slots[n].len < ARRAY_SIZE(len_code));
        arch->debugreg[n] = slots[n].addr;
        arch->debugreg[7] |= (2ull << (n * 2)) |
            ((uint64_t)rw_code[slots[n].type] << (16 + n * 4)) |
            ((uint64_t)len_code[slots[n].len] << (18 + n * 4));
    }
    if (nb) {
        arch->debugreg[7] |= 0x0600;
    }
}
