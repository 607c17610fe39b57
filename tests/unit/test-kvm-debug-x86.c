/*
 * Unit tests for the x86 KVM debug-exit decoder and its routing
 *
 * Exits are synthesized as VMX and SVM report them; the DR6 and pc values
 * follow the kernel's own selftest, tools/testing/selftests/kvm/x86/
 * debug_regs.c: a hardware breakpoint or watchpoint in slot i reports
 * exception 1 with DR6 = 0xffff0ff0 | 1 << i, a single step exception 1
 * with DR6 = 0xffff4ff0, and an int3 exception 3 at its own address.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-x86/kvm.h>
#include "system/kvm-debug.h"
#include "target/i386/kvm/kvm-debug.h"
#include "kvm-debug-fake.h"

#define DR6_ACTIVE_LOW  0xffff0ff0ull
#define DR6_BS          (1ull << 14)
#define DR7_FIXED       0x400ull
/* Global enable of slot n, and its RW and LEN fields. */
#define DR7_SLOT(n, rw, len) \
    ((2ull << ((n) * 2)) | ((uint64_t)(rw) << (16 + (n) * 4)) | \
     ((uint64_t)(len) << (18 + (n) * 4)))

static KVMDebugDecision x86_exit(FakeState *s, uint32_t exception,
                                 uint64_t pc, uint64_t dr6, uint64_t dr7)
{
    struct kvm_debug_exit_arch arch = {
        .exception = exception, .pc = pc, .dr6 = dr6, .dr7 = dr7,
    };
    KVMDebugEvent ev;

    kvm_x86_debug_decode(&arch, &ev);
    return fake_decide(s, &ev);
}

static void test_x86_int3_of_qemu(void)
{
    FakeState s = { 0 };

    fake_add_sw(&s, 0x100074);
    g_assert_cmpint(x86_exit(&s, 3, 0x100074, 0, DR7_FIXED).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
}

static void test_x86_int3_of_guest(void)
{
    FakeState s = { 0 };

    /* The guest's own int3, while QEMU has breakpoints elsewhere. */
    fake_add_sw(&s, 0x100074);
    g_assert_cmpint(x86_exit(&s, 3, 0x100080, 0, DR7_FIXED).verdict, ==,
                    KVM_DEBUG_GUEST);
}

static void test_x86_db_at_sw_breakpoint(void)
{
    FakeState s = { 0 };

    /*
     * The guest's own single step lands on an address QEMU patched: the
     * #DB is the guest's, the int3 will report itself when it executes.
     */
    fake_add_sw(&s, 0x2000);
    g_assert_cmpint(x86_exit(&s, 1, 0x2000, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_x86_single_step(void)
{
    FakeState s = { .stepping = true };

    g_assert_cmpint(x86_exit(&s, 1, 0x1003, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_STEP);
    /* The same exit with QEMU not stepping is the guest's TF. */
    s.stepping = false;
    g_assert_cmpint(x86_exit(&s, 1, 0x1003, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_GUEST);
}

static void test_x86_hw_breakpoint_each_slot(void)
{
    int i;

    for (i = 0; i < 4; i++) {
        FakeState s = { 0 };
        uint64_t pc = 0x4000 + i * 0x10;

        fake_arm_hw(&s, i, pc);
        g_assert_cmpint(x86_exit(&s, 1, pc, DR6_ACTIVE_LOW | (1u << i),
                                 DR7_FIXED | DR7_SLOT(i, 0, 0)).verdict,
                        ==, KVM_DEBUG_HW_BREAKPOINT);
        /* DR6 naming another, unarmed slot: not QEMU's. */
        g_assert_cmpint(x86_exit(&s, 1, pc,
                                 DR6_ACTIVE_LOW | (1u << ((i + 1) % 4)),
                                 DR7_FIXED | DR7_SLOT(i, 0, 0)).verdict,
                        ==, KVM_DEBUG_GUEST);
    }
}

static void test_x86_watchpoints(void)
{
    FakeState s = { 0 };
    KVMDebugDecision d;

    fake_arm_watch(&s, 1, 0x8000, 8, KVM_DEBUG_WATCH_WRITE);
    fake_arm_watch(&s, 2, 0x9000, 4, KVM_DEBUG_WATCH_ACCESS);

    /* Write watchpoint, slot 1, len 8 (LEN 10b). */
    d = x86_exit(&s, 1, 0x1234, DR6_ACTIVE_LOW | 0x2,
                 DR7_FIXED | DR7_SLOT(1, 1, 2) | DR7_SLOT(2, 3, 3));
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x8000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);

    /* Access watchpoint, slot 2. */
    d = x86_exit(&s, 1, 0x1238, DR6_ACTIVE_LOW | 0x4,
                 DR7_FIXED | DR7_SLOT(1, 1, 2) | DR7_SLOT(2, 3, 3));
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
}

static void test_x86_decode_fields(void)
{
    struct kvm_debug_exit_arch arch = {
        .exception = 1, .pc = 0xfff0,
        .dr6 = DR6_ACTIVE_LOW | DR6_BS | 0x9,
        .dr7 = DR7_FIXED | DR7_SLOT(0, 0, 0) | DR7_SLOT(3, 1, 3),
    };
    KVMDebugEvent ev;

    kvm_x86_debug_decode(&arch, &ev);
    g_assert_cmphex(ev.pc, ==, 0xfff0);
    g_assert_cmphex(ev.hw_slots, ==, 0x9);
    g_assert_true(ev.flags & KVM_DEBUG_EV_STEP);
    g_assert_true(ev.flags & KVM_DEBUG_EV_HW_BREAK);
    g_assert_true(ev.flags & KVM_DEBUG_EV_WATCH);
    g_assert_false(ev.flags & KVM_DEBUG_EV_SW_BREAK);
    g_assert_cmpint(ev.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);

    arch = (struct kvm_debug_exit_arch) { .exception = 3, .pc = 0x10 };
    kvm_x86_debug_decode(&arch, &ev);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_SW_BREAK);
    g_assert_cmpuint(ev.hw_slots, ==, 0);

    /* Other exceptions claim nothing. */
    arch = (struct kvm_debug_exit_arch) { .exception = 6, .pc = 0x10 };
    kvm_x86_debug_decode(&arch, &ev);
    g_assert_cmpuint(ev.flags, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/kvm-debug/x86/int3-of-qemu", test_x86_int3_of_qemu);
    g_test_add_func("/kvm-debug/x86/int3-of-guest", test_x86_int3_of_guest);
    g_test_add_func("/kvm-debug/x86/db-at-sw-breakpoint",
                    test_x86_db_at_sw_breakpoint);
    g_test_add_func("/kvm-debug/x86/single-step", test_x86_single_step);
    g_test_add_func("/kvm-debug/x86/hw-breakpoint-each-slot",
                    test_x86_hw_breakpoint_each_slot);
    g_test_add_func("/kvm-debug/x86/watchpoints", test_x86_watchpoints);
    g_test_add_func("/kvm-debug/x86/decode-fields", test_x86_decode_fields);

    return g_test_run();
}
