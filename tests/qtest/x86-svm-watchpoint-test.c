/*
 * QTest testcase for a TCG watchpoint removed while its hit is pending
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * When an access hits a watchpoint that does not stop before the access,
 * TCG records it in cpu->watchpoint_hit, re-executes the instruction
 * alone and raises CPU_INTERRUPT_DEBUG; the debug exception is taken
 * after the instruction.  If the instruction also ends in an exception
 * that removes the watchpoint first, the hit must go with it.
 *
 * The guest is a tiny hypervisor booted as the BIOS, as a KVM host
 * debugging its guest would be: it switches to 32-bit protected mode,
 * enables EFER.SVME and runs a real-mode L2 guest with the #DB intercept
 * set and, in the VMCB, DR7 = a 4-byte write breakpoint at DR0 = 0x2000.
 * L2 sets EFLAGS.TF and stores to 0x2000.  The store hits the watchpoint
 * and the step's #DB exits to L1; the exit loads L1's own DR7, which
 * removes the watchpoint while its hit is still pending.  L1 stores the
 * exit code, the DR6 and the RIP of the exit and halts.
 *
 * Without the fix, cpu->watchpoint_hit is left pointing at the freed
 * watchpoint and the pending debug interrupt reaches the x86 handler,
 * which reads its flags.  The test makes that read fatal almost every
 * time with two glibc malloc settings (other C libraries, and QEMU built
 * with tcmalloc or jemalloc, ignore them, and the test then only catches
 * the bug when the freed memory happens to lack BP_CPU): the per-thread
 * cache off, so the freed block is not reused before the read, and freed
 * memory filled with MALLOC_PERTURB_'s byte.
 * 90 is 0x5a, in which BP_CPU (0x20) is clear, so the handler passes the
 * debug exception on as a gdb stop and QEMU, which has no gdbstub here,
 * dies in gdb_set_stop_cpu() (in gdb_get_cpu_pid(), inlined there).
 * (Under AddressSanitizer the read itself is reported.)
 *
 * Fails when: QEMU dies, the guest does not finish, or the exit is not
 * the #DB intercept after the store with DR6.B0 and BS set.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"

#define EXIT_CODE   0x1000      /* the VMCB's EXITCODE, */
#define EXIT_DR6    0x1004      /* DR6 and */
#define EXIT_RIP    0x1008      /* RIP after the exit */
#define DONE        0x1010
#define DONE_MAGIC  0x600d

#define SVM_EXIT_EXCP_DB    0x41
#define DR6_B0              0x0001
#define DR6_BS              0x4000
#define L2_AFTER_STORE      0xff12

/*
 * Loaded at offset 0xfe00 of a 64 KiB BIOS image, which the pc machine
 * maps both below 4 GiB and at 0xf0000.  The CPU starts at 0xfffffff0
 * (CS base 0xffff0000), so the code runs at 0xfffffe00 until the far
 * jump, and at 0xffe18 from there on, in the alias below 1 MiB.
 * VM_HSAVE_PA (0xc0010117) = 0x3000; the VMCB at 0x4000 gets the #DB
 * exception intercept (bit 1 of the exception intercepts at offset 8),
 * the VMRUN intercept and ASID 1 that VMRUN requires, and a real-mode
 * guest: CS f000 (base 0xf0000), SS and DS base 0, limit 0xffff,
 * EFER.SVME, CR0.ET, RSP 0x7000, DR7 0xd0401 (L0, R/W0 = write, LEN0 =
 * 4 bytes) and DR6 0xffff0ff0.  DR0 = 0x2000.
 * After VMRUN, EXITCODE (0x70), DR6 (0x568) and RIP (0x578) are stored
 * to 0x1000, 0x1004 and 0x1008.
 */
static const uint8_t svm_code[] = {
    0xfa, /* ffe00: cli */
    0x2e, 0x66, 0x0f, 0x01, 0x16, 0x30, 0xff, /* ffe01: lgdtl %cs:0xff30 */
    0x0f, 0x20, 0xc0, /* ffe08: mov %cr0,%eax */
    0x0c, 0x01, /* ffe0b: or $0x1,%al */
    0x0f, 0x22, 0xc0, /* ffe0d: mov %eax,%cr0 */
    /* ffe10: ljmpl $0x8,$0xffe18 */
    0x66, 0xea, 0x18, 0xfe, 0x0f, 0x00, 0x08, 0x00,
    0x66, 0xb8, 0x10, 0x00, /* ffe18: mov $0x10,%ax */
    0x8e, 0xd8, /* ffe1c: mov %eax,%ds */
    0x8e, 0xc0, /* ffe1e: mov %eax,%es */
    0x8e, 0xd0, /* ffe20: mov %eax,%ss */
    0xb9, 0x80, 0x00, 0x00, 0xc0, /* ffe22: mov $0xc0000080,%ecx */
    0x0f, 0x32, /* ffe27: rdmsr */
    0x0d, 0x00, 0x10, 0x00, 0x00, /* ffe29: or $0x1000,%eax */
    0x0f, 0x30, /* ffe2e: wrmsr */
    0xb9, 0x17, 0x01, 0x01, 0xc0, /* ffe30: mov $0xc0010117,%ecx */
    0xb8, 0x00, 0x30, 0x00, 0x00, /* ffe35: mov $0x3000,%eax */
    0x31, 0xd2, /* ffe3a: xor %edx,%edx */
    0x0f, 0x30, /* ffe3c: wrmsr */
    0xbb, 0x00, 0x40, 0x00, 0x00, /* ffe3e: mov $0x4000,%ebx */
    0xc7, 0x43, 0x08, 0x02, 0x00, 0x00, 0x00, /* ffe43: movl $0x2,0x8(%ebx) */
    0xc7, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00, /* ffe4a: movl $0x1,0x10(%ebx) */
    0xc7, 0x43, 0x58, 0x01, 0x00, 0x00, 0x00, /* ffe51: movl $0x1,0x58(%ebx) */
    /* ffe58: movl $0xf000,0x410(%ebx) */
    0xc7, 0x83, 0x10, 0x04, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00,
    /* ffe62: movl $0xffff,0x414(%ebx) */
    0xc7, 0x83, 0x14, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    /* ffe6c: movl $0xf0000,0x418(%ebx) */
    0xc7, 0x83, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00,
    /* ffe76: movl $0xffff,0x424(%ebx) */
    0xc7, 0x83, 0x24, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    /* ffe80: movl $0xffff,0x434(%ebx) */
    0xc7, 0x83, 0x34, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    /* ffe8a: movl $0x1000,0x4d0(%ebx) */
    0xc7, 0x83, 0xd0, 0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
    /* ffe94: movl $0x10,0x558(%ebx) */
    0xc7, 0x83, 0x58, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    /* ffe9e: movl $0xd0401,0x560(%ebx) */
    0xc7, 0x83, 0x60, 0x05, 0x00, 0x00, 0x01, 0x04, 0x0d, 0x00,
    /* ffea8: movl $0xffff0ff0,0x568(%ebx) */
    0xc7, 0x83, 0x68, 0x05, 0x00, 0x00, 0xf0, 0x0f, 0xff, 0xff,
    /* ffeb2: movl $0x2,0x570(%ebx) */
    0xc7, 0x83, 0x70, 0x05, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    /* ffebc: movl $0xff08,0x578(%ebx) */
    0xc7, 0x83, 0x78, 0x05, 0x00, 0x00, 0x08, 0xff, 0x00, 0x00,
    /* ffec6: movl $0x7000,0x5d8(%ebx) */
    0xc7, 0x83, 0xd8, 0x05, 0x00, 0x00, 0x00, 0x70, 0x00, 0x00,
    0xb8, 0x00, 0x20, 0x00, 0x00, /* ffed0: mov $0x2000,%eax */
    0x0f, 0x23, 0xc0, /* ffed5: mov %eax,%db0 */
    0x89, 0xd8, /* ffed8: mov %ebx,%eax */
    0x0f, 0x01, 0xd8, /* ffeda: vmrun */
    0xa1, 0x70, 0x40, 0x00, 0x00, /* ffedd: mov 0x4070,%eax */
    0xa3, 0x00, 0x10, 0x00, 0x00, /* ffee2: mov %eax,0x1000 */
    0xa1, 0x68, 0x45, 0x00, 0x00, /* ffee7: mov 0x4568,%eax */
    0xa3, 0x04, 0x10, 0x00, 0x00, /* ffeec: mov %eax,0x1004 */
    0xa1, 0x78, 0x45, 0x00, 0x00, /* ffef1: mov 0x4578,%eax */
    0xa3, 0x08, 0x10, 0x00, 0x00, /* ffef6: mov %eax,0x1008 */
    /* ffefb: movl $0x600d,0x1010 */
    0xc7, 0x05, 0x10, 0x10, 0x00, 0x00, 0x0d, 0x60, 0x00, 0x00,
    0xf4, /* fff05: hlt */
    0xeb, 0xfd, /* fff06: jmp 0xff05 */
    0x9c, /* fff08: pushf */
    0x58, /* fff09: pop %ax */
    0x0d, 0x00, 0x01, /* fff0a: or $0x100,%ax */
    0x50, /* fff0d: push %ax */
    0x9d, /* fff0e: popf */
    0xa3, 0x00, 0x20, /* fff0f: mov %ax,0x2000 */
    0x90, /* fff12: nop */
    0xf4, /* fff13: hlt */
    0x8d, 0xb4, 0x00, 0x00, /* fff14: padding */
    /* fff18: GDT (accessed bits preset) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00, /* 0x08: flat code */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, /* 0x10: flat data */
    0x17, 0x00, 0x18, 0xff, 0x0f, 0x00,         /* fff30: GDT descriptor */
};

/* At image offset 0xfff0, run at 0xfffffff0: jmp to offset 0xfe00 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xfe };

static void restore_env(const char *name, const char *value)
{
    if (value) {
        g_setenv(name, value, true);
    } else {
        g_unsetenv(name);
    }
}

static void test_watchpoint_removed_at_vmexit(void)
{
    g_autofree char *dir = g_dir_make_tmp("svm-watchpoint-XXXXXX", NULL);
    g_autofree char *bios = NULL;
    g_autofree uint8_t *img = g_malloc0(64 * KiB);
    g_autofree char *tunables = NULL;
    g_autofree char *perturb = NULL;
    g_autofree char *qemu_tunables = NULL;
    gint64 deadline;
    QTestState *qts;

    g_assert_nonnull(dir);
    bios = g_build_filename(dir, "bios.bin", NULL);
    memcpy(img + 0xfe00, svm_code, sizeof(svm_code));
    memcpy(img + 0xfff0, reset_vector, sizeof(reset_vector));
    g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB, NULL));

    /* For QEMU only (see the comment at the top); the test's own kept */
    tunables = g_strdup(g_getenv("GLIBC_TUNABLES"));
    perturb = g_strdup(g_getenv("MALLOC_PERTURB_"));
    qemu_tunables = tunables ?
        g_strdup_printf("%s:glibc.malloc.tcache_count=0", tunables) :
        g_strdup("glibc.malloc.tcache_count=0");
    g_setenv("GLIBC_TUNABLES", qemu_tunables, true);
    g_setenv("MALLOC_PERTURB_", "90", true);
    qts = qtest_initf("-M pc -accel tcg -cpu max -nodefaults -m 16 -bios %s",
                      bios);
    restore_env("GLIBC_TUNABLES", tunables);
    restore_env("MALLOC_PERTURB_", perturb);

    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (qtest_readl(qts, DONE) != DONE_MAGIC) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }

    g_assert_cmphex(qtest_readl(qts, EXIT_CODE), ==, SVM_EXIT_EXCP_DB);
    /* The step's #DB is a trap: it exits after the store */
    g_assert_cmphex(qtest_readl(qts, EXIT_RIP), ==, L2_AFTER_STORE);
    /* Both causes: the step, and the store's hit of DR0 */
    g_assert_cmphex(qtest_readl(qts, EXIT_DR6) & (DR6_B0 | DR6_BS), ==,
                    DR6_B0 | DR6_BS);
    /* QEMU outlived the exit and still answers */
    qtest_qmp_assert_success(qts, "{ 'execute': 'query-status' }");

    qtest_quit(qts);
    unlink(bios);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (qtest_has_accel("tcg") && qtest_has_machine("pc")) {
        qtest_add_func("/x86/tcg/watchpoint/removed-at-vmexit",
                       test_watchpoint_removed_at_vmexit);
    }
    return g_test_run();
}
