/*
 * x86 KVM debug exits, decoded for the generic decision
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
/* By name, so that the decoder builds and is unit-tested on any host. */
#include <asm-x86/kvm.h>
#include "gdbstub/enums.h"
#include "target/i386/exception-payload.h"
#include "kvm-debug.h"

/*
 * struct kvm_debug_exit_arch on x86 is
 * { u32 exception; u32 pad; u64 pc; u64 dr6; u64 dr7; }.
 *
 * exception 3 (#BP): an int3 executed; pc is its linear address.  KVM only
 * exits for it while KVM_GUESTDBG_USE_SW_BP is set, whoever planted it.
 *
 * exception 1 (#DB): dr6 says why, in the register's own format, with
 * the active-low bits set when they report nothing (VMX builds it as
 * 0xffff0ff0 | hits, SVM takes the VMCB's DR6):
 *
 *   DR6   31 ... 17 | 16  | 15 | 14 | 13 | 12 | 11  | 10 ... 4 | 3 ... 0
 *         reserved  | RTM | BT | BS | BD | 0  | BLD | reserved | B3 ... B0
 *         (1)       | (0: in RTM) |    |    |    | (0: bus lock) |  (1)  |
 *
 *   BS: single step (QEMU's KVM_GUESTDBG_SINGLESTEP or the guest's TF);
 *   Bn: debug register n matched;
 *   BD, BT, and the active-low RTM and BLD: never caused by QEMU.
 *
 * Only BS and B0-B3 are decoded.  dr7 is not: KVM does not write it on
 * every debug exit (not for a step it completed, nor for an instruction
 * breakpoint it found while emulating), so what slot n holds comes from
 * QEMU's tables.  A #DB exit gives no data address: the decision takes
 * it from the slot.
 */
#define X86_EXCP_DB         1
#define X86_EXCP_BP         3
#define X86_DR6_B_MASK      0xfull
#define X86_DR6_BS          (1ull << 14)

void kvm_x86_debug_decode(const struct kvm_debug_exit_arch *arch,
                          KVMDebugEvent *ev)
{
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
        if (ev->hw_slots) {
            ev->flags |= KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH;
        }
        break;
    }
}

/*
 * What of a #DB is the guest's: DR6 without the bits QEMU consumed.
 * While QEMU arms any slot (KVM_GUESTDBG_USE_HW_BP), the debug registers
 * hold QEMU's DR0-DR3 and DR7, not the guest's, so B0-B3 are never the
 * guest's: a B-bit of a slot QEMU did not enable is the hardware saying
 * an address matched anyway, and means nothing.  Without armed slots
 * the guest's own debug registers are loaded and B0-B3 are its own, for
 * the breakpoints its DR7 enables (L0-L3 or G0-G3).  The BS of QEMU's
 * single step is the guest's as well when the guest's own TF was set for
 * the instruction (@guest_step).  Every other bit goes to the guest as
 * the exit reported it.
 *
 * A #DB of which nothing is QEMU's goes to the guest even when DR6 names
 * no cause (an INT1 instruction, or a bus lock on VMX, whose exit loses
 * BLD): it happened, and dropping it would re-run the instruction.
 */
bool kvm_x86_debug_guest_dr6(uint64_t dr6, const KVMDebugDecision *d,
                             bool slots_armed, uint64_t guest_dr7,
                             bool guest_step, uint64_t *guest_dr6)
{
    int n;

    dr6 &= 0xffffffffull;
    if (d->qemu_step && !guest_step) {
        dr6 &= ~X86_DR6_BS;
    }
    for (n = 0; n < 4; n++) {
        if (slots_armed || !((guest_dr7 >> (n * 2)) & 3)) {
            dr6 &= ~(1ull << n);
        }
    }
    *guest_dr6 = dr6;
    return dr6 != X86_DR6_ACTIVE_LOW || d->verdict == KVM_DEBUG_GUEST;
}

/*
 * The instruction gdb is about to single-step, as far as the guest's own
 * EFLAGS.TF (bit 8) goes.  While gdb steps, KVM owns TF
 * (KVM_GUESTDBG_SINGLESTEP): it hides it from KVM_GET_REGS and clears it
 * when the step mode ends, so QEMU must work out what the guest's own TF
 * becomes.  Most instructions leave it as it was; these do not:
 *
 *   9D          popf     loads it from the flags at stack + 0 (TF is in
 *                        the low word, whatever the operand size)
 *   CF          iret     loads it from the flags at stack + 2 * operand
 *                        size, after the return address and CS (2, 4 or 8
 *                        bytes, 8 with REX.W), unless it returns to a task
 *   0F 05       syscall  masks it with MSR_FMASK in long mode
 *   0F 07       sysret   loads it from R11 in 64-bit code (#UD in
 *                        compatibility mode; AMD's legacy mode keeps it)
 *   CE          into     enters the #OF handler when OF is set
 *   CD, CC, F1  int n, int3, int1: enter a handler through a gate
 *   0F AA       rsm      loads the state saved in SMRAM
 *
 * The caller resolves what depends on the vCPU's state.  Legacy prefixes
 * and, in 64-bit code, REX are skipped; 66 toggles the operand size.
 * @code_size is 2, 4 or 8; @offset is set for KVM_X86_STEP_POPF and
 * KVM_X86_STEP_IRET only.  Bytes that are not a whole instruction are
 * KVM_X86_STEP_OTHER: the guest cannot run them either until its fault
 * handler has made them whole.
 */
KVMX86StepInsn kvm_x86_step_insn(const uint8_t *insn, size_t len,
                                 int code_size, unsigned *offset)
{
    int opsize = code_size == 2 ? 2 : 4;
    bool rex_w = false;
    size_t i;

    for (i = 0; i < len; i++) {
        switch (insn[i]) {
        case 0x66:
            opsize = code_size == 2 ? 4 : 2;
            rex_w = false;
            continue;
        case 0x67:
        case 0xf0:
        case 0xf2:
        case 0xf3:
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x64:
        case 0x65:
            rex_w = false;      /* REX counts only right before the opcode */
            continue;
        }
        if (code_size == 8 && (insn[i] & 0xf0) == 0x40) {
            rex_w = insn[i] & 0x8;
            continue;
        }
        break;
    }
    if (i == len) {
        return KVM_X86_STEP_OTHER;
    }
    switch (insn[i]) {
    case 0x9d:
        *offset = 0;
        return KVM_X86_STEP_POPF;
    case 0xcf:
        *offset = 2 * (rex_w ? 8 : opsize);
        return KVM_X86_STEP_IRET;
    case 0xce:
        return KVM_X86_STEP_INTO;
    case 0xcc:
    case 0xcd:
    case 0xf1:
        return KVM_X86_STEP_GATE;
    case 0x0f:
        if (i + 1 == len) {
            return KVM_X86_STEP_OTHER;
        }
        switch (insn[i + 1]) {
        case 0x05:
            return KVM_X86_STEP_SYSCALL;
        case 0x07:
            return KVM_X86_STEP_SYSRET;
        case 0xaa:
            return KVM_X86_STEP_RSM;
        }
        break;
    }
    return KVM_X86_STEP_OTHER;
}

/*
 * The guest's #DB handler, for a single step that should stop where it
 * begins.  An IDT gate is 8 bytes, or 16 in long mode:
 *
 *   bytes  0-1   offset 15:0
 *          2-3   code segment selector
 *          4     IST (long mode), else 0
 *          5     P | DPL (2) | 0 | type (4): 0xe interrupt gate, 0xf trap
 *                gate (32-bit or long mode), 0x6 / 0x7 their 16-bit
 *                forms, 0x5 a task gate
 *          6-7   offset 31:16 (not for 16-bit gates)
 *          8-11  offset 63:32 (long mode)
 *
 * kvm_x86_idt_gate() returns whether @g is a present interrupt or trap
 * gate, with its offset and selector; in long mode the offset is the
 * handler's linear address (segment bases are 0), else the base of the
 * selector's code segment is added.  A segment descriptor holds its
 * base in bytes 2-4 and 7, and its P bit and type (S = 1, code) in byte
 * 5: kvm_x86_code_base() returns whether @d is a present code segment,
 * with its base.
 */
bool kvm_x86_idt_gate(const uint8_t *g, bool long_mode, uint64_t *offset,
                      uint16_t *sel)
{
    uint8_t type = g[5] & 0xf;

    if (!(g[5] & 0x80)) {
        return false;
    }
    *sel = lduw_le_p(g + 2);
    switch (type) {
    case 0xe:
    case 0xf:
        *offset = lduw_le_p(g) | (uint64_t)lduw_le_p(g + 6) << 16;
        if (long_mode) {
            *offset |= (uint64_t)ldl_le_p(g + 8) << 32;
        }
        return true;
    case 0x6:
    case 0x7:
        *offset = lduw_le_p(g);
        return !long_mode;
    }
    return false;
}

bool kvm_x86_code_base(const uint8_t *d, uint32_t *base)
{
    if ((d[5] & 0x98) != 0x98) {
        return false;
    }
    *base = d[2] | d[3] << 8 | d[4] << 16 | (uint32_t)d[7] << 24;
    return true;
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
        .split = kvm_x86_debug_split,
        .sw_trap = { 0xcc },            /* int3 */
        .sw_trap_size = 1,
    };
}

/*
 * Slot n goes to DRn, with its enable Gn and its RWn and LENn fields in
 * DR7 as drawn above; LEN is 00 for 1 byte, 01 for 2, 11 for 4 and 10
 * for 8.  Bits 9 and 10 (GE and the reserved 1) are set as the kernel's
 * own DR7 users do.
 */
void kvm_x86_debug_encode(const KVMDebugSlot *slots, int nb,
                          struct kvm_guest_debug_arch *arch)
{
    static const uint8_t rw_code[] = {
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
        assert((slots[n].type == GDB_BREAKPOINT_HW ||
                slots[n].type == GDB_WATCHPOINT_WRITE ||
                slots[n].type == GDB_WATCHPOINT_ACCESS) &&
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
