/*
 * Unit tests for the x86 KVM debug-exit decoder and its routing
 *
 * Exits are synthesized as VMX and SVM report them; the DR6 and pc values
 * start from the kernel's own selftest, tools/testing/selftests/kvm/x86/
 * debug_regs.c: a hardware breakpoint or watchpoint in slot i reports
 * exception 1 with DR6 = 0xffff0ff0 | 1 << i, a single step exception 1
 * with DR6 = 0xffff4ff0, and an int3 exception 3 at its own address.
 *
 * Fails when: an exit is decoded or decided otherwise than the case
 * expects (its kind, slot and address, and whose event it is).
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <asm-x86/kvm.h>
#include "gdbstub/enums.h"
#include "system/kvm-debug.h"
#include "target/i386/exception-payload.h"
#include "target/i386/kvm/kvm-debug.h"
#include "kvm-debug-vm.h"

#define DR6_ACTIVE_LOW  0xffff0ff0ull
#define DR6_BS          (1ull << 14)
#define DR6_BD          (1ull << 13)
#define DR6_BLD         (1ull << 11)    /* active low */
#define DR6_RTM         (1ull << 16)    /* active low */
#define DR7_FIXED       0x400ull
/* Global enable of slot n, and its RW and LEN fields. */
#define DR7_SLOT(n, rw, len) \
    ((2ull << ((n) * 2)) | ((uint64_t)(rw) << (16 + (n) * 4)) | \
     ((uint64_t)(len) << (18 + (n) * 4)))

static TestVM *x86_vm(void)
{
    KVMDebugCapacity cap;

    kvm_x86_debug_capacity(&cap);
    return test_vm_new(&cap);
}

static KVMDebugDecision x86_exit(TestVM *s, uint32_t exception,
                                 uint64_t pc, uint64_t dr6, uint64_t dr7)
{
    struct kvm_debug_exit_arch arch = {
        .exception = exception, .pc = pc, .dr6 = dr6, .dr7 = dr7,
    };
    KVMDebugEvent ev;

    kvm_x86_debug_decode(&arch, &ev);
    return test_vm_decide(s, &ev);
}

/*
 * The DR6 the guest is given for a #DB exit with @dr6: what the decision
 * left, or DR6_ACTIVE_LOW when nothing is left.
 */
static uint64_t guest_dr6_step(TestVM *s, uint64_t pc, uint64_t dr6,
                               uint64_t guest_dr7, bool guest_step)
{
    KVMDebugDecision d = x86_exit(s, 1, pc, dr6, DR7_FIXED);
    uint64_t g;
    bool left = kvm_x86_debug_guest_dr6(dr6, &d, s->p.nb_slots > 0,
                                        guest_dr7, guest_step, &g);

    g_assert_cmpint(left, ==, g != DR6_ACTIVE_LOW ||
                    d.verdict == KVM_DEBUG_GUEST);
    return g;
}

static uint64_t guest_dr6_dr7(TestVM *s, uint64_t pc, uint64_t dr6,
                              uint64_t guest_dr7)
{
    return guest_dr6_step(s, pc, dr6, guest_dr7, false);
}

/* The same, with the guest's DR7 enabling all four of its breakpoints */
static uint64_t guest_dr6(TestVM *s, uint64_t pc, uint64_t dr6)
{
    return guest_dr6_dr7(s, pc, dr6, DR7_FIXED | 0xff);
}

static void test_x86_int3_of_qemu(void)
{
    g_autoptr(TestVM) s = x86_vm();

    test_vm_add_sw(s, 0x100074);
    g_assert_cmpint(x86_exit(s, 3, 0x100074, 0, DR7_FIXED).verdict, ==,
                    KVM_DEBUG_SW_BREAKPOINT);
}

static void test_x86_int3_of_guest(void)
{
    g_autoptr(TestVM) s = x86_vm();

    /* The guest's own int3, while QEMU has breakpoints elsewhere. */
    test_vm_add_sw(s, 0x100074);
    g_assert_cmpint(x86_exit(s, 3, 0x100080, 0, DR7_FIXED).verdict, ==,
                    KVM_DEBUG_GUEST);
}

static void test_x86_db_at_sw_breakpoint(void)
{
    g_autoptr(TestVM) s = x86_vm();

    /*
     * The guest's own single step lands on an address QEMU patched: the
     * #DB is the guest's, the int3 will report itself when it executes.
     */
    test_vm_add_sw(s, 0x2000);
    g_assert_cmpint(x86_exit(s, 1, 0x2000, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_GUEST);
    g_assert_cmphex(guest_dr6(s, 0x2000, DR6_ACTIVE_LOW | DR6_BS), ==,
                    DR6_ACTIVE_LOW | DR6_BS);
}

static void test_x86_single_step(void)
{
    g_autoptr(TestVM) s = x86_vm();

    s->stepping = true;
    g_assert_cmpint(x86_exit(s, 1, 0x1003, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_STEP);
    g_assert_cmphex(guest_dr6(s, 0x1003, DR6_ACTIVE_LOW | DR6_BS), ==,
                    DR6_ACTIVE_LOW);
    /* The same exit with QEMU not stepping is the guest's TF. */
    s->stepping = false;
    g_assert_cmpint(x86_exit(s, 1, 0x1003, DR6_ACTIVE_LOW | DR6_BS,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_GUEST);
}

/*
 * gdb steps an instruction the guest steps too, with its own TF: the BS
 * is gdb's stop and the guest's #DB, also with gdb's breakpoint in DR6.
 */
static void test_x86_single_step_of_both(void)
{
    g_autoptr(TestVM) s = x86_vm();

    s->stepping = true;
    g_assert_cmphex(guest_dr6_step(s, 0x1003, DR6_ACTIVE_LOW | DR6_BS,
                                   DR7_FIXED, true), ==,
                    DR6_ACTIVE_LOW | DR6_BS);
    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x1003, 1);
    g_assert_cmpint(x86_exit(s, 1, 0x1003, DR6_ACTIVE_LOW | DR6_BS | 0x1,
                             DR7_FIXED).verdict, ==, KVM_DEBUG_STEP);
    g_assert_cmphex(guest_dr6_step(s, 0x1003, DR6_ACTIVE_LOW | DR6_BS | 0x1,
                                   DR7_FIXED, true), ==,
                    DR6_ACTIVE_LOW | DR6_BS);
    g_assert_cmphex(guest_dr6_step(s, 0x1003, DR6_ACTIVE_LOW | DR6_BS | 0x1,
                                   DR7_FIXED, false), ==, DR6_ACTIVE_LOW);
}

/* The instruction gdb steps, by what it does to the guest's TF */
static void test_x86_step_insn(void)
{
    static const struct {
        const char *insn;
        int len, code_size;
        KVMX86StepInsn kind;
        unsigned offset;
    } cases[] = {
        { "\x90", 1, 8, KVM_X86_STEP_OTHER },               /* nop */
        { "\xe6\x80", 2, 8, KVM_X86_STEP_OTHER },           /* out */
        { "\x0f\xa2", 2, 8, KVM_X86_STEP_OTHER },           /* cpuid */
        { "\x0f\x34", 2, 4, KVM_X86_STEP_OTHER },           /* sysenter */
        { "\x9d", 1, 8, KVM_X86_STEP_POPF, 0 },             /* popfq */
        { "\x66\x9d", 2, 2, KVM_X86_STEP_POPF, 0 },         /* popfd */
        { "\x48\xcf", 2, 8, KVM_X86_STEP_IRET, 16 },        /* iretq */
        { "\xcf", 1, 8, KVM_X86_STEP_IRET, 8 },             /* iretd */
        { "\x66\xcf", 2, 8, KVM_X86_STEP_IRET, 4 },         /* iretw */
        { "\x48\x66\xcf", 3, 8, KVM_X86_STEP_IRET, 4 },     /* REX, then 66 */
        { "\x2e\x48\xcf", 3, 8, KVM_X86_STEP_IRET, 16 },
        { "\xcf", 1, 4, KVM_X86_STEP_IRET, 8 },
        { "\xcf", 1, 2, KVM_X86_STEP_IRET, 4 },
        { "\x66\xcf", 2, 2, KVM_X86_STEP_IRET, 8 },
        { "\x48\xcf", 2, 4, KVM_X86_STEP_OTHER },           /* dec %eax */
        { "\x48\x0f\x07", 3, 8, KVM_X86_STEP_SYSRET },      /* sysretq */
        { "\x0f\x07", 2, 4, KVM_X86_STEP_SYSRET },
        { "\x0f\x05", 2, 8, KVM_X86_STEP_SYSCALL },
        { "\xce", 1, 4, KVM_X86_STEP_INTO },
        { "\xcd\x80", 2, 8, KVM_X86_STEP_GATE },            /* int $0x80 */
        { "\xcc", 1, 8, KVM_X86_STEP_GATE },
        { "\xf1", 1, 2, KVM_X86_STEP_GATE },
        { "\x0f\xaa", 2, 4, KVM_X86_STEP_RSM },
        { "\xf3\x2e", 2, 8, KVM_X86_STEP_OTHER },           /* prefixes only */
        { "\x0f", 1, 8, KVM_X86_STEP_OTHER },
        { "", 0, 8, KVM_X86_STEP_OTHER },
    };
    unsigned offset;
    int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        offset = 0xdead;
        g_assert_cmpint(kvm_x86_step_insn((const uint8_t *)cases[i].insn,
                                          cases[i].len, cases[i].code_size,
                                          &offset), ==, cases[i].kind);
        if (cases[i].kind == KVM_X86_STEP_POPF ||
            cases[i].kind == KVM_X86_STEP_IRET) {
            g_assert_cmpuint(offset, ==, cases[i].offset);
        } else {
            g_assert_cmpuint(offset, ==, 0xdead);
        }
    }
}

/* The guest's #DB handler, from an IDT gate and a code descriptor */
static void test_x86_idt_gate(void)
{
    /* Long mode: interrupt gate to 0xffffffff81a00b40, selector 0x10 */
    static const uint8_t lm[16] = {
        0x40, 0x0b, 0x10, 0x00, 0x00, 0x8e, 0xa0, 0x81,
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    };
    /* 32-bit trap gate to 0x00101234, DPL 3; a 16-bit interrupt gate */
    static const uint8_t pm[8] = {
        0x34, 0x12, 0x08, 0x00, 0x00, 0xef, 0x10, 0x00,
    };
    static const uint8_t pm16[8] = {
        0x34, 0x12, 0x08, 0x00, 0x00, 0x86, 0x10, 0x00,
    };
    /* A task gate, and an interrupt gate not present */
    static const uint8_t task[8] = {
        0x00, 0x00, 0x28, 0x00, 0x00, 0x85, 0x00, 0x00,
    };
    static const uint8_t absent[8] = {
        0x34, 0x12, 0x08, 0x00, 0x00, 0x0e, 0x10, 0x00,
    };
    /* Code at base 0xfffe0000 (the test guests' GDT has base 0), data */
    static const uint8_t code[8] = {
        0xff, 0xff, 0x00, 0x00, 0xfe, 0x9b, 0xcf, 0xff,
    };
    static const uint8_t data[8] = {
        0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    };
    uint64_t offset;
    uint32_t base;
    uint16_t sel;

    g_assert_true(kvm_x86_idt_gate(lm, true, &offset, &sel));
    g_assert_cmphex(offset, ==, 0xffffffff81a00b40ull);
    g_assert_cmphex(sel, ==, 0x10);
    g_assert_true(kvm_x86_idt_gate(pm, false, &offset, &sel));
    g_assert_cmphex(offset, ==, 0x00101234);
    g_assert_cmphex(sel, ==, 0x08);
    g_assert_true(kvm_x86_idt_gate(pm16, false, &offset, &sel));
    g_assert_cmphex(offset, ==, 0x1234);
    g_assert_false(kvm_x86_idt_gate(pm16, true, &offset, &sel));
    g_assert_false(kvm_x86_idt_gate(task, false, &offset, &sel));
    g_assert_false(kvm_x86_idt_gate(absent, false, &offset, &sel));

    g_assert_true(kvm_x86_code_base(code, &base));
    g_assert_cmphex(base, ==, 0xfffe0000);
    g_assert_false(kvm_x86_code_base(data, &base));
}

static void test_x86_hw_breakpoint_each_slot(void)
{
    int i, k;

    for (i = 0; i < 4; i++) {
        g_autoptr(TestVM) s = x86_vm();
        uint64_t pc = 0x4000 + i * 0x10;

        for (k = 0; k < i; k++) {
            test_vm_arm(s, k, GDB_WATCHPOINT_WRITE, 0x9000 + k * 8, 8);
        }
        test_vm_arm(s, i, GDB_BREAKPOINT_HW, pc, 1);
        g_assert_cmpint(x86_exit(s, 1, pc, DR6_ACTIVE_LOW | (1u << i),
                                 DR7_FIXED | DR7_SLOT(i, 0, 0)).verdict,
                        ==, KVM_DEBUG_HW_BREAKPOINT);
        /* DR6 naming another, unarmed slot: not QEMU's... */
        if (i < 3) {
            g_assert_cmpint(x86_exit(s, 1, pc, DR6_ACTIVE_LOW | (1u << 3),
                                     DR7_FIXED).verdict,
                            ==, KVM_DEBUG_GUEST);
        }
        /* ...nor the guest's: its debug registers are not loaded. */
        g_assert_cmphex(guest_dr6(s, pc, DR6_ACTIVE_LOW | 0xf), ==,
                        DR6_ACTIVE_LOW);
    }
}

/*
 * KVM does not refresh dr7 on every exit: the slot's type comes from
 * QEMU's tables, whatever dr7 says.
 */
static void test_x86_stale_dr7(void)
{
    g_autoptr(TestVM) s = x86_vm();
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_WATCHPOINT_WRITE, 0x8000, 8);
    test_vm_arm(s, 1, GDB_BREAKPOINT_HW, 0x4000, 1);

    /* dr7 as an earlier layout left it: slot 0 execute, slot 1 write. */
    d = x86_exit(s, 1, 0x1234, DR6_ACTIVE_LOW | 0x1,
                 DR7_FIXED | DR7_SLOT(0, 0, 0) | DR7_SLOT(1, 1, 2));
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x8000);
    d = x86_exit(s, 1, 0x4000, DR6_ACTIVE_LOW | 0x2, 0);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_HW_BREAKPOINT);
}

static void test_x86_watchpoints(void)
{
    g_autoptr(TestVM) s = x86_vm();
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x100, 1);
    test_vm_arm(s, 1, GDB_WATCHPOINT_WRITE, 0x8000, 8);
    test_vm_arm(s, 2, GDB_WATCHPOINT_ACCESS, 0x9000, 4);

    /* Write watchpoint, slot 1, len 8 (LEN 10b). */
    d = x86_exit(s, 1, 0x1234, DR6_ACTIVE_LOW | 0x2,
                 DR7_FIXED | DR7_SLOT(1, 1, 2) | DR7_SLOT(2, 3, 3));
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x8000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_WRITE);

    /* Access watchpoint, slot 2. */
    d = x86_exit(s, 1, 0x1238, DR6_ACTIVE_LOW | 0x4,
                 DR7_FIXED | DR7_SLOT(1, 1, 2) | DR7_SLOT(2, 3, 3));
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(d.watch_addr, ==, 0x9000);
    g_assert_cmpint(d.watch_kind, ==, KVM_DEBUG_WATCH_ACCESS);
}

/*
 * The guest single-steps with its own TF over an instruction that hits
 * gdb's watchpoint, or onto gdb's hardware breakpoint: one #DB with BS
 * and a B-bit.  gdb gets the B-bit, the guest its BS, as on kvm_amd.
 */
static void test_x86_split_bs_and_slot(void)
{
    g_autoptr(TestVM) s = x86_vm();
    KVMDebugDecision d;

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x1005, 1);
    test_vm_arm(s, 1, GDB_WATCHPOINT_WRITE, 0x8000, 8);

    d = x86_exit(s, 1, 0x1005, DR6_ACTIVE_LOW | DR6_BS | 0x1, DR7_FIXED);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_HW_BREAKPOINT);
    g_assert_false(d.qemu_step);
    g_assert_cmphex(guest_dr6(s, 0x1005, DR6_ACTIVE_LOW | DR6_BS | 0x1), ==,
                    DR6_ACTIVE_LOW | DR6_BS);

    d = x86_exit(s, 1, 0x1009, DR6_ACTIVE_LOW | DR6_BS | 0x2, DR7_FIXED);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_WATCHPOINT);
    g_assert_cmphex(guest_dr6(s, 0x1009, DR6_ACTIVE_LOW | DR6_BS | 0x2), ==,
                    DR6_ACTIVE_LOW | DR6_BS);

    /* Both slots at once: both are QEMU's, nothing is left. */
    d = x86_exit(s, 1, 0x1005, DR6_ACTIVE_LOW | 0x3, DR7_FIXED);
    g_assert_cmphex(d.qemu_slots, ==, 0x3);
    g_assert_cmphex(guest_dr6(s, 0x1005, DR6_ACTIVE_LOW | 0x3), ==,
                    DR6_ACTIVE_LOW);

    /* QEMU steps onto its own breakpoint: nothing for the guest. */
    s->stepping = true;
    g_assert_cmphex(guest_dr6(s, 0x1005, DR6_ACTIVE_LOW | DR6_BS | 0x1), ==,
                    DR6_ACTIVE_LOW);
}

/*
 * Without armed slots, B0-B3 are the guest's own debug registers, for
 * the breakpoints its DR7 enables: the hardware may report a match of a
 * disabled one too.
 */
static void test_x86_guest_slots(void)
{
    g_autoptr(TestVM) s = x86_vm();

    s->stepping = true;
    g_assert_cmphex(guest_dr6(s, 0x1000, DR6_ACTIVE_LOW | DR6_BS | 0x1), ==,
                    DR6_ACTIVE_LOW | 0x1);
    /* DR7: L1 only */
    g_assert_cmphex(guest_dr6_dr7(s, 0x1000, DR6_ACTIVE_LOW | DR6_BS | 0x3,
                                  DR7_FIXED | 0x4), ==, DR6_ACTIVE_LOW | 0x2);
    /* QEMU's step, and a match of a disabled breakpoint: nothing left */
    g_assert_cmphex(guest_dr6_dr7(s, 0x1000, DR6_ACTIVE_LOW | DR6_BS | 0x1,
                                  DR7_FIXED), ==, DR6_ACTIVE_LOW);
}

/*
 * A #DB of which nothing is QEMU's is the guest's even when DR6 names no
 * cause (INT1; a bus lock on VMX, whose exit sets BLD back to 1).
 */
static void test_x86_causeless_db(void)
{
    g_autoptr(TestVM) s = x86_vm();
    KVMDebugDecision d;
    uint64_t g;

    d = x86_exit(s, 1, 0x1000, DR6_ACTIVE_LOW, DR7_FIXED);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
    g_assert_true(kvm_x86_debug_guest_dr6(DR6_ACTIVE_LOW, &d, false, 0, false,
                                          &g));
    g_assert_cmphex(g, ==, DR6_ACTIVE_LOW);

    /* With gdb's breakpoint armed, a stray B-bit of another slot */
    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x2000, 1);
    d = x86_exit(s, 1, 0x1000, DR6_ACTIVE_LOW | 0x2, DR7_FIXED);
    g_assert_cmpint(d.verdict, ==, KVM_DEBUG_GUEST);
    g_assert_true(kvm_x86_debug_guest_dr6(DR6_ACTIVE_LOW | 0x2, &d, true, 0,
                                          false, &g));
    g_assert_cmphex(g, ==, DR6_ACTIVE_LOW);
}

/* DR6 bits QEMU never causes go to the guest unchanged. */
static void test_x86_unknown_dr6_bits(void)
{
    g_autoptr(TestVM) s = x86_vm();
    uint64_t dr6;

    test_vm_arm(s, 0, GDB_BREAKPOINT_HW, 0x1005, 1);
    /* A bus lock (BLD, active low) with gdb's breakpoint */
    dr6 = (DR6_ACTIVE_LOW & ~DR6_BLD) | 0x1;
    g_assert_cmpint(x86_exit(s, 1, 0x1005, dr6, 0).verdict, ==,
                    KVM_DEBUG_HW_BREAKPOINT);
    g_assert_cmphex(guest_dr6(s, 0x1005, dr6), ==,
                    DR6_ACTIVE_LOW & ~DR6_BLD);
    /* BD and an RTM region: the guest's alone */
    dr6 = (DR6_ACTIVE_LOW & ~DR6_RTM) | DR6_BD;
    g_assert_cmpint(x86_exit(s, 1, 0x1005, dr6, 0).verdict, ==,
                    KVM_DEBUG_GUEST);
    g_assert_cmphex(guest_dr6(s, 0x1005, dr6), ==, dr6);
}

/*
 * The payload format of KVM_CAP_EXCEPTION_PAYLOAD: bits to set, the
 * active-low ones inverted.  Passing DR6 itself told the guest about a
 * bus lock and an RTM region on every re-injected #DB; writing the
 * payload back into DR6 (when a pending #DB is saved for migration) did
 * the same.
 */
static void test_x86_dr6_payload(void)
{
    static const uint64_t dr6s[] = {
        DR6_ACTIVE_LOW | DR6_BS, DR6_ACTIVE_LOW | 0x3,
        DR6_ACTIVE_LOW & ~DR6_BLD, (DR6_ACTIVE_LOW & ~DR6_RTM) | DR6_BD,
        DR6_ACTIVE_LOW,
    };
    int i;

    g_assert_cmphex(x86_dr6_to_payload(DR6_ACTIVE_LOW | DR6_BS), ==, DR6_BS);
    g_assert_cmphex(x86_dr6_to_payload(DR6_ACTIVE_LOW | 0x3), ==, 0x3);
    g_assert_cmphex(x86_dr6_to_payload(DR6_ACTIVE_LOW & ~DR6_BLD), ==,
                    DR6_BLD);
    g_assert_cmphex(x86_dr6_to_payload(DR6_ACTIVE_LOW), ==, 0);
    /* Delivered on an idle DR6, a payload gives back the DR6 it came from */
    for (i = 0; i < ARRAY_SIZE(dr6s); i++) {
        g_assert_cmphex(x86_dr6_apply_payload(DR6_ACTIVE_LOW,
                                              x86_dr6_to_payload(dr6s[i])),
                        ==, dr6s[i]);
    }
    /* B0-B3 are replaced, BS accumulates */
    g_assert_cmphex(x86_dr6_apply_payload(DR6_ACTIVE_LOW | DR6_BS | 0x1, 0x2),
                    ==, DR6_ACTIVE_LOW | DR6_BS | 0x2);
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

    /* A step alone names no slot. */
    arch.dr6 = DR6_ACTIVE_LOW | DR6_BS;
    kvm_x86_debug_decode(&arch, &ev);
    g_assert_cmpuint(ev.flags, ==, KVM_DEBUG_EV_STEP);
    g_assert_cmpuint(ev.hw_slots, ==, 0);

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
    g_test_add_func("/kvm-debug/x86/stale-dr7", test_x86_stale_dr7);
    g_test_add_func("/kvm-debug/x86/watchpoints", test_x86_watchpoints);
    g_test_add_func("/kvm-debug/x86/split-bs-and-slot",
                    test_x86_split_bs_and_slot);
    g_test_add_func("/kvm-debug/x86/guest-slots", test_x86_guest_slots);
    g_test_add_func("/kvm-debug/x86/causeless-db", test_x86_causeless_db);
    g_test_add_func("/kvm-debug/x86/single-step-of-both",
                    test_x86_single_step_of_both);
    g_test_add_func("/kvm-debug/x86/step-insn", test_x86_step_insn);
    g_test_add_func("/kvm-debug/x86/idt-gate", test_x86_idt_gate);
    g_test_add_func("/kvm-debug/x86/unknown-dr6-bits",
                    test_x86_unknown_dr6_bits);
    g_test_add_func("/kvm-debug/x86/dr6-payload", test_x86_dr6_payload);
    g_test_add_func("/kvm-debug/x86/decode-fields", test_x86_decode_fields);

    return g_test_run();
}
