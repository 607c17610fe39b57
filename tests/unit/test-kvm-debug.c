/*
 * Unit tests for the KVM debug-exit decision and the target decoders
 *
 * Exits are synthesized in the shapes the kernels produce, so that every
 * kernel flavour is covered on any host; they are decided against the
 * VM's real breakpoint tables.
 *
 * Fails when: an exit is decided otherwise than the case expects: whose
 * event it is (QEMU's or the guest's), and which breakpoint or slot.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-powerpc/kvm.h>
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"
#include "kvm-debug-vm.h"
#include "target/ppc/kvm-debug.h"

/* Generic decision, independent of any architecture */

/* Eight slots of either kind, one per point, as no target has them. */
static int one_slot_split(int type, vaddr addr, vaddr len,
                          KVMDebugSlot *slots, int max)
{
    if (max < 1) {
        return -ENOSPC;
    }
    slots[0] = (KVMDebugSlot) { .type = type, .addr = addr, .len = len };
    return 1;
}

static TestVM *generic_vm(void)
{
    KVMDebugCapacity cap = {
        .insn_slots = 8, .data_slots = 8, .total_slots = 8,
        .split = one_slot_split, .sw_trap = { 0xcc }, .sw_trap_size = 1,
    };

    return test_vm_new(&cap);
}

static TestVM *ppc_vm(bool booke)
{
    KVMDebugCapacity cap;

    kvmppc_debug_capacity(booke, &cap);
    return test_vm_new(&cap);
}

static void test_decide_step_only_when_asked(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = { .flags = KVM_DEBUG_EV_STEP, .pc = 0x1000 };

    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==, KVM_DEBUG_GUEST);
    g_assert_false(test_vm_decide(s, &ev).qemu_step);
    s->stepping = true;
    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==, KVM_DEBUG_STEP);
    g_assert_true(test_vm_decide(s, &ev).qemu_step);
}

static void test_decide_step_wins_over_breakpoint(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK, .pc = 0x1000,
    };

    s->stepping = true;
    test_vm_add_sw(s, 0x1000);
    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==, KVM_DEBUG_STEP);
}

static void test_decide_sw_needs_flag(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = { .flags = KVM_DEBUG_EV_SW_BREAK, .pc = 0x2000 };

    test_vm_add_sw(s, 0x2000);
    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);

    /* A trap that cannot be the breakpoint instruction is not one. */
    ev.flags = KVM_DEBUG_EV_HW_BREAK;
    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_decide_hw_slot(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH,
        .pc = 0x3000, .hw_slots = 1u << 2,
    };
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x1000, 1);
    test_vm_arm(s, 1, GDB_WATCHPOINT_WRITE, 0x9000, 4);
    test_vm_arm(s, 2, GDB_BREAKPOINT_HW, 0x3000, 1);
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_HW_BREAKPOINT);
    g_assert_cmphex(d.qemu_slots, ==, 1u << 2);

    /* A named slot QEMU did not arm is not QEMU's. */
    ev.hw_slots = 1u << 3;
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
    g_assert_cmphex(d.qemu_slots, ==, 0);

    /* The slot's type comes from the table: slot 1 is a watchpoint. */
    ev.hw_slots = 1u << 1;
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9000);
}

static void test_decide_watch_reports_armed_point(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH,
        .pc = 0x4000, .hw_slots = 1u << 0,
    };
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_WATCHPOINT_ACCESS, 0x8000, 8);
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x8000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
}

/*
 * An exit with several causes: every cause that is QEMU's is in the
 * decision, the others are left for the guest; gdb is told a watchpoint
 * before a step.
 */
static void test_decide_multi_cause(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_HW_BREAK |
                 KVM_DEBUG_EV_WATCH,
        .pc = 0x4000, .hw_slots = (1u << 0) | (1u << 1) | (1u << 5),
    };
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x4000, 1);
    test_vm_arm(s, 1, GDB_WATCHPOINT_WRITE, 0x8000, 8);

    /* The guest's TF step, QEMU's two slots, an unarmed slot */
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_false(d.qemu_step);
    g_assert_cmphex(d.qemu_slots, ==, 3);

    /* QEMU's step, with its watchpoint: the watchpoint is reported. */
    s->stepping = true;
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_true(d.qemu_step);

    /* QEMU's step and breakpoint: the step is reported. */
    ev.hw_slots = 1u << 0;
    d = test_vm_decide(s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_STEP);
    g_assert_cmphex(d.qemu_slots, ==, 1);
}

static void test_decide_nothing_is_guest(void)
{
    g_autoptr(TestVM) s = generic_vm();
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_SW_BREAK | KVM_DEBUG_EV_HW_BREAK |
                 KVM_DEBUG_EV_WATCH,
        .pc = 0x5000, .watch_addr = 0x5000,
    };
    KVMDebugDecision d = test_vm_decide(s, &ev);

    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
    g_assert_false(d.qemu_step);
    g_assert_cmphex(d.qemu_slots, ==, 0);
}

static void test_decide_names(void)
{
    g_assert_cmpstr(kvm_debug_verdict_name(KVM_DEBUG_GUEST), ==, "guest");
    g_assert_cmpstr(kvm_debug_verdict_name(KVM_DEBUG_SW_BREAKPOINT), ==,
                    "sw-breakpoint");
    g_assert_cmpstr(kvm_debug_verdict_name(KVM_DEBUG_WATCHPOINT + 1), ==,
                    "invalid");
}

/* ppc: exits as BookE, Book3S PR and Book3S HV kernels produce them */

/* An exit on @s, a BookE VM when it has debug slots (Book3S has none) */
static KVMDebugDecision ppc_exit(TestVM *s, uint64_t address,
                                 uint32_t status)
{
    struct kvm_debug_exit_arch arch = {
        .address = address, .status = status,
    };
    KVMDebugEvent ev;

    kvmppc_debug_decode(&arch, s->p.cap.total_slots > 0, &ev);
    return test_vm_decide(s, &ev);
}

static void test_ppc_sw_breakpoint_status_zero(void)
{
    g_autoptr(TestVM) s = ppc_vm(true);

    /* BookE and e500 clear status for a software breakpoint. */
    test_vm_add_sw(s, 0xc0001000);
    g_assert_cmpint(ppc_exit(s, 0xc0001000, 0).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
}

static void test_ppc_book3s_pr_stale_status(void)
{
    static const uint32_t stale[] = {
        KVMPPC_DEBUG_BREAKPOINT,
        KVMPPC_DEBUG_WATCH_WRITE,
        KVMPPC_DEBUG_WATCH_READ,
        KVMPPC_DEBUG_WATCH_READ | KVMPPC_DEBUG_WATCH_WRITE,
        0xdeadbeef,                     /* HV, after an MMIO read */
        0xfffffffe,                     /* HV, after an hcall: H_FUNCTION */
        0xffffffff,
    };
    g_autoptr(TestVM) s = ppc_vm(false);
    int i;

    /*
     * Book3S HV never writes status on a software-breakpoint exit, nor
     * did PR before Linux 5.4, so whatever an earlier exit left there
     * comes back.  QEMU used to take that for a hardware event, find no
     * armed point and re-enter the guest at the trap forever.
     */
    test_vm_add_sw(s, 0x100);
    for (i = 0; i < ARRAY_SIZE(stale); i++) {
        g_assert_cmpint(ppc_exit(s, 0x100, stale[i]).verdict, ==,
                        KVM_DEBUG_SW_BREAKPOINT);
    }
}

static void test_ppc_book3s_hv_sw_breakpoint(void)
{
    g_autoptr(TestVM) s = ppc_vm(false);

    /* Book3S HV: kvmppc_emulate_debug_inst() sets address = pc only. */
    test_vm_add_sw(s, 0x7000);
    test_vm_add_sw(s, 0x7010);
    g_assert_cmpint(ppc_exit(s, 0x7010, 0).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
    g_assert_cmpint(ppc_exit(s, 0x7010, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_SW_BREAKPOINT);
}

static void test_ppc_booke_iac(void)
{
    g_autoptr(TestVM) s = ppc_vm(true);

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x2000, 4);
    g_assert_cmpint(ppc_exit(s, 0x2000, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_HW_BREAKPOINT);
    /* An IAC hit QEMU did not arm is not gdb's. */
    g_assert_cmpint(ppc_exit(s, 0x2004, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_GUEST);
}

static void test_ppc_booke_dac(void)
{
    g_autoptr(TestVM) s = ppc_vm(true);
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_WATCHPOINT_WRITE, 0x9000, 1);
    test_vm_arm(s, 1, GDB_WATCHPOINT_ACCESS, 0x9100, 1);

    /* BookE reports the DAC register, i.e. the data address. */
    d = ppc_exit(s, 0x9000, KVMPPC_DEBUG_WATCH_WRITE);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);

    d = ppc_exit(s, 0x9100, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9100);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);

    /* A data address nothing watches is the guest's. */
    d = ppc_exit(s, 0x9200, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
}

/*
 * BookE reports the DAC register for a DAC hit: a data address, never
 * looked up as a software breakpoint, and matched exactly, so that of
 * two overlapping watchpoints the one whose DAC fired is reported.
 */
static void test_ppc_booke_dac_exact(void)
{
    g_autoptr(TestVM) s = ppc_vm(true);
    KVMDebugDecision d;

    test_vm_add_sw(s, 0x9004);
    g_assert_cmpint(ppc_exit(s, 0x9004, KVMPPC_DEBUG_WATCH_WRITE).verdict,
                    ==, KVM_DEBUG_GUEST);

    test_vm_arm(s, 0, GDB_WATCHPOINT_WRITE, 0x9000, 8);
    test_vm_arm(s, 1, GDB_WATCHPOINT_ACCESS, 0x9004, 4);
    d = ppc_exit(s, 0x9004, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9004);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
    /* Inside the first range, but no DAC holds it */
    g_assert_cmpint(ppc_exit(s, 0x9002, KVMPPC_DEBUG_WATCH_WRITE).verdict,
                    ==, KVM_DEBUG_GUEST);
    /* An IAC hit at the software breakpoint is not the software one */
    g_assert_cmpint(ppc_exit(s, 0x9004, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_GUEST);
}

/* Book3S has no hardware points: status never makes an exit one. */
static void test_ppc_book3s_ignores_status(void)
{
    g_autoptr(TestVM) s = ppc_vm(false);
    struct kvm_debug_exit_arch arch = {
        .address = 0x700, .status = KVMPPC_DEBUG_WATCH_WRITE,
    };
    KVMDebugEvent ev;

    kvmppc_debug_decode(&arch, false, &ev);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK);
    g_assert_cmpint(test_vm_decide(s, &ev).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_ppc_guest_trap(void)
{
    g_autoptr(TestVM) s = ppc_vm(false);

    /* Nothing of QEMU's at the address: a program interrupt for the guest. */
    test_vm_add_sw(s, 0x100);
    g_assert_cmpint(ppc_exit(s, 0x104, 0).verdict, ==, KVM_DEBUG_GUEST);
    g_assert_cmpint(ppc_exit(s, 0x104, KVMPPC_DEBUG_WATCH_READ).verdict,
                    ==, KVM_DEBUG_GUEST);
}

static void test_ppc_single_step(void)
{
    g_autoptr(TestVM) booke = ppc_vm(true);
    g_autoptr(TestVM) book3s = ppc_vm(false);

    booke->stepping = true;
    book3s->stepping = true;
    /* BookE reports DBSR_IC with status 0; Book3S PR leaves it stale. */
    g_assert_cmpint(ppc_exit(booke, 0x3004, 0).verdict, ==, KVM_DEBUG_STEP);
    g_assert_cmpint(ppc_exit(book3s, 0x3008, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_STEP);
}

static void test_ppc_decode_fields(void)
{
    struct kvm_debug_exit_arch arch = {
        .address = 0xfeedbeef00, .status = KVMPPC_DEBUG_WATCH_WRITE,
    };
    KVMDebugEvent ev;

    kvmppc_debug_decode(&arch, true, &ev);
    g_assert_cmphex(ev.pc, ==, 0xfeedbeef00);
    g_assert_cmphex(ev.watch_addr, ==, 0xfeedbeef00);
    g_assert_cmpuint(ev.hw_slots, ==, 0);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_WATCH | KVM_DEBUG_EV_EXACT);

    arch.status = KVMPPC_DEBUG_BREAKPOINT;
    kvmppc_debug_decode(&arch, true, &ev);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_HW_BREAK);
    arch.status = 0;
    kvmppc_debug_decode(&arch, true, &ev);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK);
}

static void ppc_table(KVMDebugPoints *p, bool booke)
{
    KVMDebugCapacity cap;

    kvm_debug_points_init(p);
    kvmppc_debug_capacity(booke, &cap);
    kvm_debug_points_set_capacity(p, &cap);
}

/* BookE: two IACs and two DACs, which do not stand in for each other. */
static void test_ppc_booke_slots(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    struct kvm_guest_debug_arch arch;
    KVMDebugPoints p;
    int nb;

    ppc_table(&p, true);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x100, 4),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_READ, 0x800, 4),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x104, 4),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x108, 4),
                    ==, -ENOSPC);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x900, 8),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0xa00, 8),
                    ==, -ENOSPC);
    kvm_debug_hw_remove(&p, GDB_WATCHPOINT_ACCESS, 0x900, 8);
    /* Empty and wrapping ranges are refused with a DAC free */
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0xa00, 0),
                    ==, -EINVAL);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_READ, -4ull, 8),
                    ==, -EINVAL);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_READ, -4ull, 4),
                    ==, 0);
    kvm_debug_hw_remove(&p, GDB_WATCHPOINT_READ, -4ull, 4);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x900, 8),
                    ==, 0);

    nb = kvm_debug_layout(&p, s);
    g_assert_cmpint(nb, ==, 4);
    kvmppc_debug_encode(s, nb, &arch);
    g_assert_cmpint(arch.bp[0].type, ==, KVMPPC_DEBUG_BREAKPOINT);
    g_assert_cmphex(arch.bp[0].addr, ==, 0x100);
    g_assert_cmpint(arch.bp[1].type, ==, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(arch.bp[3].type, ==,
                    KVMPPC_DEBUG_WATCH_READ | KVMPPC_DEBUG_WATCH_WRITE);
    g_assert_cmpint(arch.bp[4].type, ==, 0);

    kvm_debug_hw_remove_all(&p);
    g_assert_cmpint(kvm_debug_layout(&p, s), ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x108, 4),
                    ==, 0);
    kvm_debug_points_destroy(&p);
}

/* Book3S KVM offers no hardware points: every insertion is refused. */
static void test_ppc_book3s_slots(void)
{
    KVMDebugPoints p;

    ppc_table(&p, false);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x100, 4),
                    ==, -ENOSPC);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x800, 4),
                    ==, -ENOSPC);
    kvm_debug_points_destroy(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/kvm-debug/decide/step-only-when-asked",
                    test_decide_step_only_when_asked);
    g_test_add_func("/kvm-debug/decide/step-wins-over-breakpoint",
                    test_decide_step_wins_over_breakpoint);
    g_test_add_func("/kvm-debug/decide/sw-needs-flag",
                    test_decide_sw_needs_flag);
    g_test_add_func("/kvm-debug/decide/hw-slot", test_decide_hw_slot);
    g_test_add_func("/kvm-debug/decide/watch-reports-armed-point",
                    test_decide_watch_reports_armed_point);
    g_test_add_func("/kvm-debug/decide/multi-cause",
                    test_decide_multi_cause);
    g_test_add_func("/kvm-debug/decide/nothing-is-guest",
                    test_decide_nothing_is_guest);
    g_test_add_func("/kvm-debug/decide/names", test_decide_names);

    g_test_add_func("/kvm-debug/ppc/sw-breakpoint-status-zero",
                    test_ppc_sw_breakpoint_status_zero);
    g_test_add_func("/kvm-debug/ppc/book3s-pr-stale-status",
                    test_ppc_book3s_pr_stale_status);
    g_test_add_func("/kvm-debug/ppc/book3s-hv-sw-breakpoint",
                    test_ppc_book3s_hv_sw_breakpoint);
    g_test_add_func("/kvm-debug/ppc/booke-iac", test_ppc_booke_iac);
    g_test_add_func("/kvm-debug/ppc/booke-dac", test_ppc_booke_dac);
    g_test_add_func("/kvm-debug/ppc/booke-dac-exact",
                    test_ppc_booke_dac_exact);
    g_test_add_func("/kvm-debug/ppc/book3s-ignores-status",
                    test_ppc_book3s_ignores_status);
    g_test_add_func("/kvm-debug/ppc/guest-trap", test_ppc_guest_trap);
    g_test_add_func("/kvm-debug/ppc/single-step", test_ppc_single_step);
    g_test_add_func("/kvm-debug/ppc/decode-fields", test_ppc_decode_fields);
    g_test_add_func("/kvm-debug/ppc/booke-slots", test_ppc_booke_slots);
    g_test_add_func("/kvm-debug/ppc/book3s-slots", test_ppc_book3s_slots);

    return g_test_run();
}
