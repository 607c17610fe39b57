/*
 * Unit tests for the KVM debug-exit decision and the target decoders
 *
 * Exits are synthesized in the shapes the kernels produce, so that every
 * kernel flavour is covered on any host.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-powerpc/kvm.h>
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"
#include "kvm-debug-fake.h"
#include "target/ppc/kvm-debug.h"

/* Generic decision, independent of any architecture */

static void test_decide_step_only_when_asked(void)
{
    FakeState s = { 0 };
    KVMDebugEvent ev = { .flags = KVM_DEBUG_EV_STEP, .pc = 0x1000 };

    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_GUEST);
    s.stepping = true;
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_STEP);
}

static void test_decide_step_wins_over_breakpoint(void)
{
    FakeState s = { .stepping = true };
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_STEP | KVM_DEBUG_EV_SW_BREAK, .pc = 0x1000,
    };

    fake_add_sw(&s, 0x1000);
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_STEP);
}

static void test_decide_sw_needs_flag(void)
{
    FakeState s = { 0 };
    KVMDebugEvent ev = { .flags = KVM_DEBUG_EV_SW_BREAK, .pc = 0x2000 };

    fake_add_sw(&s, 0x2000);
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);

    /* A trap that cannot be the breakpoint instruction is not one. */
    ev.flags = KVM_DEBUG_EV_HW_BREAK;
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_decide_hw_slot(void)
{
    FakeState s = { 0 };
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH,
        .pc = 0x3000, .hw_slots = 1u << 2,
    };

    fake_arm_hw(&s, 2, 0x3000);
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==,
                    KVM_DEBUG_HW_BREAKPOINT);

    /* The slot named by the exit is not the one armed at pc. */
    ev.hw_slots = 1u << 1;
    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_decide_watch_reports_armed_point(void)
{
    FakeState s = { 0 };
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH,
        .pc = 0x4000, .hw_slots = 1u << 3,
    };
    KVMDebugDecision d;

    fake_arm_watch(&s, 3, 0x8000, 8, KVM_DEBUG_WATCH_ACCESS);
    d = fake_decide(&s, &ev);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x8000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
}

static void test_decide_nothing_is_guest(void)
{
    FakeState s = { 0 };
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_SW_BREAK | KVM_DEBUG_EV_HW_BREAK |
                 KVM_DEBUG_EV_WATCH,
        .pc = 0x5000, .watch_addr = 0x5000,
    };
    KVMDebugQuery empty = { 0 };

    g_assert_cmpint(fake_decide(&s, &ev).verdict, ==, KVM_DEBUG_GUEST);
    /* Callbacks a target does not provide are never called. */
    g_assert_cmpint(kvm_debug_decide(&ev, &empty).verdict, ==,
                    KVM_DEBUG_GUEST);
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

static KVMDebugDecision ppc_exit(FakeState *s, uint64_t address,
                                 uint32_t status)
{
    struct kvm_debug_exit_arch arch = {
        .address = address, .status = status,
    };
    KVMDebugEvent ev;

    kvmppc_debug_decode(&arch, &ev);
    return fake_decide(s, &ev);
}

static void test_ppc_sw_breakpoint_status_zero(void)
{
    FakeState s = { 0 };

    /* BookE and e500 clear status for a software breakpoint. */
    fake_add_sw(&s, 0xc0001000);
    g_assert_cmpint(ppc_exit(&s, 0xc0001000, 0).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
}

static void test_ppc_book3s_pr_stale_status(void)
{
    static const uint32_t stale[] = {
        KVMPPC_DEBUG_BREAKPOINT,
        KVMPPC_DEBUG_WATCH_WRITE,
        KVMPPC_DEBUG_WATCH_READ,
        KVMPPC_DEBUG_WATCH_READ | KVMPPC_DEBUG_WATCH_WRITE,
        0xffffffff,
    };
    FakeState s = { 0 };
    int i;

    /*
     * Book3S PR does not write status on a software-breakpoint exit, so
     * whatever an earlier exit left there comes back.  QEMU used to take
     * that for a hardware event, find no armed point and re-enter the
     * guest at the trap forever.
     */
    fake_add_sw(&s, 0x100);
    for (i = 0; i < ARRAY_SIZE(stale); i++) {
        g_assert_cmpint(ppc_exit(&s, 0x100, stale[i]).verdict, ==,
                        KVM_DEBUG_SW_BREAKPOINT);
    }
}

static void test_ppc_book3s_hv_sw_breakpoint(void)
{
    FakeState s = { 0 };

    /* Book3S HV: kvmppc_emulate_debug_inst() sets address = pc only. */
    fake_add_sw(&s, 0x7000);
    fake_add_sw(&s, 0x7010);
    g_assert_cmpint(ppc_exit(&s, 0x7010, 0).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
    g_assert_cmpint(ppc_exit(&s, 0x7010, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_SW_BREAKPOINT);
}

static void test_ppc_booke_iac(void)
{
    FakeState s = { 0 };

    fake_arm_hw(&s, 0, 0x2000);
    g_assert_cmpint(ppc_exit(&s, 0x2000, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_HW_BREAKPOINT);
    /* An IAC hit QEMU did not arm is not gdb's. */
    g_assert_cmpint(ppc_exit(&s, 0x2004, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_GUEST);
}

static void test_ppc_booke_dac(void)
{
    FakeState s = { 0 };
    KVMDebugDecision d;

    fake_arm_watch(&s, 0, 0x9000, 1, KVM_DEBUG_WATCH_WRITE);
    fake_arm_watch(&s, 1, 0x9100, 1, KVM_DEBUG_WATCH_ACCESS);

    /* BookE reports the DAC register, i.e. the data address. */
    d = ppc_exit(&s, 0x9000, KVMPPC_DEBUG_WATCH_WRITE);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);

    d = ppc_exit(&s, 0x9100, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9100);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);

    /* A data address nothing watches is the guest's. */
    d = ppc_exit(&s, 0x9200, KVMPPC_DEBUG_WATCH_READ);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
}

static void test_ppc_guest_trap(void)
{
    FakeState s = { 0 };

    /* Nothing of QEMU's at the address: a program interrupt for the guest. */
    fake_add_sw(&s, 0x100);
    g_assert_cmpint(ppc_exit(&s, 0x104, 0).verdict, ==, KVM_DEBUG_GUEST);
    g_assert_cmpint(ppc_exit(&s, 0x104, KVMPPC_DEBUG_WATCH_READ).verdict,
                    ==, KVM_DEBUG_GUEST);
}

static void test_ppc_single_step(void)
{
    FakeState s = { .stepping = true };

    /* BookE reports DBSR_IC with status 0; Book3S PR leaves it stale. */
    g_assert_cmpint(ppc_exit(&s, 0x3004, 0).verdict, ==, KVM_DEBUG_STEP);
    g_assert_cmpint(ppc_exit(&s, 0x3008, KVMPPC_DEBUG_BREAKPOINT).verdict,
                    ==, KVM_DEBUG_STEP);
}

static void test_ppc_decode_fields(void)
{
    struct kvm_debug_exit_arch arch = {
        .address = 0xfeedbeef00, .status = KVMPPC_DEBUG_WATCH_WRITE,
    };
    KVMDebugEvent ev;

    kvmppc_debug_decode(&arch, &ev);
    g_assert_cmphex(ev.pc, ==, 0xfeedbeef00);
    g_assert_cmphex(ev.watch_addr, ==, 0xfeedbeef00);
    g_assert_cmpint(ev.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);
    g_assert_cmpuint(ev.hw_slots, ==, 0);
    g_assert_true(ev.flags & KVM_DEBUG_EV_WATCH);
    g_assert_false(ev.flags & KVM_DEBUG_EV_HW_BREAK);
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
    g_test_add_func("/kvm-debug/ppc/guest-trap", test_ppc_guest_trap);
    g_test_add_func("/kvm-debug/ppc/single-step", test_ppc_single_step);
    g_test_add_func("/kvm-debug/ppc/decode-fields", test_ppc_decode_fields);
    g_test_add_func("/kvm-debug/ppc/booke-slots", test_ppc_booke_slots);
    g_test_add_func("/kvm-debug/ppc/book3s-slots", test_ppc_book3s_slots);

    return g_test_run();
}
