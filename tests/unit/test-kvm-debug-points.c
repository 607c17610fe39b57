/*
 * Unit tests for the per-VM KVM breakpoint and watchpoint tables
 *
 * Fails when: an insert, remove or lookup in the tables returns another
 * result than the case expects, a point lands in another slot, or the
 * debug registers encoded from the tables differ.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-x86/kvm.h>
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"
#include "target/i386/kvm/kvm-debug.h"

static void x86_table(KVMDebugPoints *p)
{
    KVMDebugCapacity cap;

    kvm_debug_points_init(p);
    kvm_x86_debug_capacity(&cap);
    kvm_debug_points_set_capacity(p, &cap);
}

static struct kvm_sw_breakpoint *sw_insert(KVMDebugPoints *p, vaddr pc)
{
    struct kvm_sw_breakpoint *bp = g_new0(struct kvm_sw_breakpoint, 1);

    bp->pc = pc;
    bp->use_count = 1;
    kvm_debug_sw_add(p, bp);
    return bp;
}

static void test_sw_hash(void)
{
    KVMDebugPoints p;
    struct kvm_sw_breakpoint *bp;
    vaddr a;

    x86_table(&p);
    for (a = 0; a < 10000; a++) {
        sw_insert(&p, 0x100000 + 3 * a);
    }
    g_assert_cmpuint(kvm_debug_sw_count(&p), ==, 10000);
    for (a = 0; a < 10000; a++) {
        bp = kvm_debug_sw_find(&p, 0x100000 + 3 * a);
        g_assert_nonnull(bp);
        g_assert_cmphex(bp->pc, ==, 0x100000 + 3 * a);
        g_assert_null(kvm_debug_sw_find(&p, 0x100000 + 3 * a + 1));
    }
    /* Addresses differing only above bit 32 are different breakpoints. */
    g_assert_null(kvm_debug_sw_find(&p, 0x100000ull | (1ull << 40)));
    bp = kvm_debug_sw_find(&p, 0x100003);
    kvm_debug_sw_del(&p, bp);
    g_free(bp);
    g_assert_null(kvm_debug_sw_find(&p, 0x100003));
    g_assert_cmpuint(kvm_debug_sw_count(&p), ==, 9999);
    kvm_debug_points_destroy(&p);
}

static int layout(KVMDebugPoints *p, KVMDebugSlot *slots)
{
    return kvm_debug_layout(p, slots);
}

static void test_hw_slots_and_exhaustion(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    KVMDebugPoints p;

    x86_table(&p);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x1000, 1),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x1000, 1),
                    ==, -EEXIST);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x2000, 4),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x3000, 8),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x4000, 1),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 4);
    g_assert_cmpint(s[1].type, ==, GDB_WATCHPOINT_WRITE);
    g_assert_cmphex(s[2].addr, ==, 0x3000);
    g_assert_cmpint(s[2].len, ==, 8);

    /* A fifth point does not fit, and the table does not change. */
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x5000, 1),
                    ==, -ENOSPC);
    g_assert_cmpint(layout(&p, s), ==, 4);
    g_assert_cmphex(s[3].addr, ==, 0x4000);

    /* Removing one frees its slot; the others keep their order. */
    g_assert_cmpint(kvm_debug_hw_remove(&p, GDB_WATCHPOINT_WRITE, 0x2000, 2),
                    ==, -ENOENT);
    g_assert_cmpint(kvm_debug_hw_remove(&p, GDB_WATCHPOINT_WRITE, 0x2000, 4),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 3);
    g_assert_cmphex(s[0].addr, ==, 0x1000);
    g_assert_cmphex(s[1].addr, ==, 0x3000);
    g_assert_cmphex(s[2].addr, ==, 0x4000);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x5000, 1),
                    ==, 0);

    kvm_debug_hw_remove_all(&p);
    g_assert_cmpint(layout(&p, s), ==, 0);
    g_assert_cmpint(kvm_debug_hw_remove(&p, GDB_BREAKPOINT_HW, 0x1000, 1),
                    ==, -ENOENT);
    kvm_debug_points_destroy(&p);
}

static void test_hw_refused(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    KVMDebugPoints p;

    x86_table(&p);
    /* x86 has no read-only watchpoints: gdb then emulates them (see docs) */
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_READ, 0x2000, 4),
                    ==, -ENOSYS);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x2000, 0),
                    ==, -EINVAL);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 0),
                    ==, -EINVAL);
    g_assert_cmpint(kvm_debug_hw_insert(&p, 7, 0x2000, 4), ==, -ENOSYS);
    g_assert_cmpint(layout(&p, s), ==, 0);
    kvm_debug_points_destroy(&p);
}

static void assert_slot(const KVMDebugSlot *s, vaddr addr, vaddr len,
                        int point)
{
    g_assert_cmphex(s->addr, ==, addr);
    g_assert_cmpuint(s->len, ==, len);
    g_assert_cmpint(s->point, ==, point);
}

/* gdb's ranges are split into aligned 1, 2, 4 and 8-byte slots. */
static void test_x86_split(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    KVMDebugPoints p;

    x86_table(&p);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x1003, 4),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 3);
    assert_slot(&s[0], 0x1003, 1, 0);
    assert_slot(&s[1], 0x1004, 2, 0);
    assert_slot(&s[2], 0x1006, 1, 0);
    /* Two more slots are needed than the one left: refused, no change. */
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 16),
                    ==, -ENOSPC);
    g_assert_cmpint(layout(&p, s), ==, 3);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 8),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_remove(&p, GDB_WATCHPOINT_WRITE, 0x1003, 4),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 1);
    assert_slot(&s[0], 0x2000, 8, 0);
    kvm_debug_hw_remove_all(&p);

    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 32),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 4);
    assert_slot(&s[3], 0x2018, 8, 0);
    kvm_debug_hw_remove_all(&p);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 33),
                    ==, -ENOSPC);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x2001, 15),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 4);
    assert_slot(&s[0], 0x2001, 1, 0);
    assert_slot(&s[1], 0x2002, 2, 0);
    assert_slot(&s[2], 0x2004, 4, 0);
    assert_slot(&s[3], 0x2008, 8, 0);
    kvm_debug_hw_remove_all(&p);

    /* Ranges that wrap around the address space are refused. */
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE,
                                        UINT64_MAX - 3, 8), ==, -EINVAL);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE,
                                        UINT64_MAX, 1), ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE,
                                        0x3000, UINT64_MAX), ==, -EINVAL);
    kvm_debug_points_destroy(&p);
}

/* A #DB naming @slots, as x86 reports it: the slots, nothing else. */
static KVMDebugDecision slot_exit(KVMDebugPoints *p, uint32_t slots)
{
    KVMDebugEvent ev = {
        .flags = KVM_DEBUG_EV_HW_BREAK | KVM_DEBUG_EV_WATCH,
        .pc = 0x5555, .hw_slots = slots,
    };

    return kvm_debug_decide(&ev, p, false);
}

/* A hit in any piece is reported as gdb's point: its start and kind. */
static void test_x86_split_hit(void)
{
    KVMDebugPoints p;
    KVMDebugDecision d;

    x86_table(&p);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x100, 1),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x1006, 6),
                    ==, 0);
    d = slot_exit(&p, 1u << 2);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x1006);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);
    g_assert_cmphex(d.qemu_slots, ==, 1u << 2);
    d = slot_exit(&p, 1u << 1);
    g_assert_cmphex(d.watch_addr, ==, 0x1006);
    /* Slot 3 holds nothing. */
    d = slot_exit(&p, 1u << 3);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
    g_assert_cmphex(d.qemu_slots, ==, 0);
    kvm_debug_points_destroy(&p);
}

/*
 * Software breakpoints never take a debug register, however many slots
 * are free: the guest keeps its own debug registers.
 */
static void test_sw_takes_no_slot(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    KVMDebugPoints p;
    vaddr a;

    x86_table(&p);
    for (a = 0x100; a < 0x106; a++) {
        sw_insert(&p, a);
    }
    g_assert_cmpint(layout(&p, s), ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x2000, 4),
                    ==, 0);
    g_assert_cmpint(layout(&p, s), ==, 1);
    g_assert_cmpint(s[0].type, ==, GDB_WATCHPOINT_WRITE);
    kvm_debug_points_destroy(&p);
}

/* What the decision finds in the tables, slot by slot or by address. */
static void test_decide_on_tables(void)
{
    KVMDebugPoints p;
    KVMDebugDecision d;
    KVMDebugEvent ev;

    x86_table(&p);
    sw_insert(&p, 0x100);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x1000, 1),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x2000, 8),
                    ==, 0);

    ev = (KVMDebugEvent) { .flags = KVM_DEBUG_EV_SW_BREAK, .pc = 0x100 };
    g_assert_cmpint(kvm_debug_decide(&ev, &p, false).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
    ev.pc = 0x101;
    g_assert_cmpint(kvm_debug_decide(&ev, &p, false).verdict, ==,
                    KVM_DEBUG_GUEST);

    /* Slot 0 is the breakpoint whatever the pc says; slot 1 the watch. */
    d = slot_exit(&p, 1u << 0);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_HW_BREAKPOINT);
    d = slot_exit(&p, 1u << 1);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x2000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
    /* Both at once: both are QEMU's, gdb is told the watchpoint. */
    d = slot_exit(&p, 3);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.qemu_slots, ==, 3);

    /* By address, as ppc reports it: anywhere in the watched range. */
    ev = (KVMDebugEvent) { .flags = KVM_DEBUG_EV_WATCH, .pc = 0x40,
                           .watch_addr = 0x2007 };
    d = kvm_debug_decide(&ev, &p, false);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x2000);
    ev.watch_addr = 0x2008;
    g_assert_cmpint(kvm_debug_decide(&ev, &p, false).verdict, ==,
                    KVM_DEBUG_GUEST);
    ev = (KVMDebugEvent) { .flags = KVM_DEBUG_EV_HW_BREAK, .pc = 0x1000 };
    g_assert_cmpint(kvm_debug_decide(&ev, &p, false).verdict, ==,
                    KVM_DEBUG_HW_BREAKPOINT);
    kvm_debug_points_destroy(&p);
}

static void test_x86_encode(void)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    struct kvm_guest_debug_arch arch = { 0 };
    KVMDebugPoints p;
    int nb;

    x86_table(&p);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_BREAKPOINT_HW, 0x1000, 1),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x2000, 2),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_ACCESS, 0x3000, 8),
                    ==, 0);
    g_assert_cmpint(kvm_debug_hw_insert(&p, GDB_WATCHPOINT_WRITE, 0x4000, 4),
                    ==, 0);
    nb = layout(&p, s);
    kvm_x86_debug_encode(s, nb, &arch);
    g_assert_cmphex(arch.debugreg[0], ==, 0x1000);
    g_assert_cmphex(arch.debugreg[3], ==, 0x4000);
    /*
     * G0-G3 = 0xaa, GE and bit 10 = 0x600; RW/LEN per slot:
     * 0: 00/00, 1: 01/01, 2: 11/10, 3: 01/11.
     */
    g_assert_cmphex(arch.debugreg[7], ==,
                    0x6aa | (0x5ull << 20) | (0xbull << 24) | (0xdull << 28));
    kvm_debug_points_destroy(&p);
}

/* The table keeps the trap the target plants: int3 on x86. */
static void test_x86_trap(void)
{
    KVMDebugPoints p;

    x86_table(&p);
    g_assert_cmpint(p.cap.sw_trap_size, ==, 1);
    g_assert_cmphex(p.cap.sw_trap[0], ==, 0xcc);
    kvm_debug_points_destroy(&p);
}

/*
 * A software breakpoint is refused where its trap is unknown or would
 * not be aligned to its size (traps never overlap or straddle pages).
 */
static void test_sw_check(void)
{
    KVMDebugCapacity cap;
    KVMDebugPoints p;

    x86_table(&p);
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x1001), ==, 0);
    g_assert_cmpint(kvm_debug_sw_check(&p, UINT64_MAX), ==, 0);
    kvm_debug_points_destroy(&p);

    /* A 4-byte trap, as ppc's KVM reports one */
    kvm_debug_points_init(&p);
    kvm_x86_debug_capacity(&cap);
    cap.sw_trap_size = 4;
    kvm_debug_points_set_capacity(&p, &cap);
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x1000), ==, 0);
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x1002), ==, -EINVAL);
    g_assert_cmpint(kvm_debug_sw_check(&p, UINT64_MAX), ==, -EINVAL);
    g_assert_cmpint(kvm_debug_sw_check(&p, UINT64_MAX - 3), ==, 0);
    kvm_debug_points_destroy(&p);

    /* KVM did not say what traps to userspace */
    kvm_debug_points_init(&p);
    cap.sw_trap_size = 0;
    kvm_debug_points_set_capacity(&p, &cap);
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x1000), ==, -EOPNOTSUPP);
    kvm_debug_points_destroy(&p);
}

/* gdb cannot make the table grow without bound. */
static void test_sw_bound(void)
{
    struct kvm_sw_breakpoint *bp;
    KVMDebugPoints p;
    unsigned i;

    x86_table(&p);
    for (i = 0; i < KVM_DEBUG_MAX_SW_BREAKPOINTS; i++) {
        g_assert_cmpint(kvm_debug_sw_check(&p, 0x100000 + i), ==, 0);
        sw_insert(&p, 0x100000 + i);
    }
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x10), ==, -ENOSPC);
    g_assert_cmpuint(kvm_debug_sw_count(&p), ==, KVM_DEBUG_MAX_SW_BREAKPOINTS);

    bp = kvm_debug_sw_find(&p, 0x100000);
    kvm_debug_sw_del(&p, bp);
    g_free(bp);
    g_assert_cmpint(kvm_debug_sw_check(&p, 0x10), ==, 0);
    kvm_debug_points_destroy(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm-debug-points/sw-hash", test_sw_hash);
    g_test_add_func("/kvm-debug-points/hw-slots-and-exhaustion",
                    test_hw_slots_and_exhaustion);
    g_test_add_func("/kvm-debug-points/hw-refused", test_hw_refused);
    g_test_add_func("/kvm-debug-points/x86-split", test_x86_split);
    g_test_add_func("/kvm-debug-points/x86-split-hit", test_x86_split_hit);
    g_test_add_func("/kvm-debug-points/sw-takes-no-slot",
                    test_sw_takes_no_slot);
    g_test_add_func("/kvm-debug-points/decide-on-tables",
                    test_decide_on_tables);
    g_test_add_func("/kvm-debug-points/x86-encode", test_x86_encode);
    g_test_add_func("/kvm-debug-points/x86-trap", test_x86_trap);
    g_test_add_func("/kvm-debug-points/sw-check", test_sw_check);
    g_test_add_func("/kvm-debug-points/sw-bound", test_sw_bound);
    return g_test_run();
}
