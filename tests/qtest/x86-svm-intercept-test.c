/*
 * QTest testcase for the SVM intercepts of INT3, INT n and INTO under TCG
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A hypervisor like KVM sets the #BP exception intercept to see the
 * breakpoints it plants with INT3.  Per the AMD64 Architecture
 * Programmer's Manual, Volume 2 ("Exception Intercepts", "INTn
 * Intercept"), the one-byte INT3 (0xcc) and INTO (0xce) are checked
 * against the exception intercepts (#BP, #OF), while INT n (0xcd ib),
 * "int $3" included, is checked against the INTn intercept.
 *
 * The guest below is a tiny hypervisor booted as the BIOS: it switches
 * to 32-bit protected mode, enables EFER.SVME and runs a real-mode L2
 * guest three times with the #BP, #OF and INTn intercepts set, each time
 * starting at one of INT3, INT 3 and INTO (with RFLAGS.OF set), and
 * stores each EXITCODE, EXITINFO1 and saved RIP.  The test reads them
 * back: #BP, INTn and #OF exits, each with the RIP of the instruction.
 *
 * Fails when: the guest does not finish, or an exit code, EXITINFO1 or
 * RIP differs from what the APM says (INT3 and INTO taken as INT n).
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"

#define EXITCODES   0x1000      /* per case: EXITCODE, */
#define DONE        0x1010
#define RIPS        0x1020      /* the RIP saved in the VMCB, */
#define EXITINFO1S  0x1040      /* and EXITINFO1 */
#define DONE_MAGIC  0x600d

#define SVM_EXIT_EXCP_BP    0x43
#define SVM_EXIT_EXCP_OF    0x44
#define SVM_EXIT_SWINT      0x75

/*
 * Loaded at offset 0xfe00 of a 64 KiB BIOS image: physical 0xffe00.
 * From real mode to flat 32-bit protected mode; EFER.SVME on;
 * VM_HSAVE_PA (0xc0010117) = 0x3000; the VMCB at 0x4000 gets the #BP and
 * #OF exception intercepts (0x08), the INTn intercept (0x0c bit 21), the
 * VMRUN intercept and ASID 1 that VMRUN requires, and a real-mode guest:
 * CS f000 (base 0xf0000), EFER.SVME, CR0.ET, RFLAGS.OF.  Then, for each
 * case, RIP = the case's IP, VMRUN, and EXITCODE (0x70), the saved RIP
 * (0x578) and EXITINFO1 (0x78) are stored to 0x1000, 0x1020 and 0x1040.
 */
static const uint8_t svm_code[] = {
    0xfa, /* ffe00: cli */
    0x2e, 0x66, 0x0f, 0x01, 0x16, 0x10, 0xff, /* ffe01: lgdtl %cs:0xff10 */
    0x0f, 0x20, 0xc0, /* ffe08: mov %cr0,%eax */
    0x0c, 0x01, /* ffe0b: or $0x1,%al */
    0x0f, 0x22, 0xc0, /* ffe0d: mov %eax,%cr0 */
    /* ffe10: ljmpl $0x8,$0xffe18 */
    0x66, 0xea, 0x18, 0xfe, 0x0f, 0x00, 0x08, 0x00,
    /* 32-bit protected mode, flat */
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
    0xc7, 0x43, 0x08, 0x18, 0x00, 0x00, 0x00, /* ffe43: movl $0x18,0x8(%ebx) */
    /* ffe4a: movl $0x200000,0xc(%ebx) */
    0xc7, 0x43, 0x0c, 0x00, 0x00, 0x20, 0x00,
    0xc7, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00, /* ffe51: movl $0x1,0x10(%ebx) */
    0xc7, 0x43, 0x58, 0x01, 0x00, 0x00, 0x00, /* ffe58: movl $0x1,0x58(%ebx) */
    /* ffe5f: movl $0xf000,0x410(%ebx) */
    0xc7, 0x83, 0x10, 0x04, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00,
    /* ffe69: movl $0xffff,0x414(%ebx) */
    0xc7, 0x83, 0x14, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    /* ffe73: movl $0xf0000,0x418(%ebx) */
    0xc7, 0x83, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00,
    /* ffe7d: movl $0x1000,0x4d0(%ebx) */
    0xc7, 0x83, 0xd0, 0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
    /* ffe87: movl $0x10,0x558(%ebx) */
    0xc7, 0x83, 0x58, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    /* ffe91: movl $0x802,0x570(%ebx) */
    0xc7, 0x83, 0x70, 0x05, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00,
    0x31, 0xf6, /* ffe9b: xor %esi,%esi */
    /* ffe9d: movzwl 0xffee7(,%esi,2),%eax: the case's RIP */
    0x0f, 0xb7, 0x04, 0x75, 0xe7, 0xfe, 0x0f, 0x00,
    0x89, 0x83, 0x78, 0x05, 0x00, 0x00, /* ffea5: mov %eax,0x578(%ebx) */
    0x89, 0xd8, /* ffeab: mov %ebx,%eax */
    0x0f, 0x01, 0xd8, /* ffead: vmrun */
    0xa1, 0x70, 0x40, 0x00, 0x00, /* ffeb0: mov 0x4070,%eax */
    /* ffeb5: mov %eax,0x1000(,%esi,4) */
    0x89, 0x04, 0xb5, 0x00, 0x10, 0x00, 0x00,
    0xa1, 0x78, 0x45, 0x00, 0x00, /* ffebc: mov 0x4578,%eax */
    /* ffec1: mov %eax,0x1020(,%esi,4) */
    0x89, 0x04, 0xb5, 0x20, 0x10, 0x00, 0x00,
    0xa1, 0x78, 0x40, 0x00, 0x00, /* ffec8: mov 0x4078,%eax */
    /* ffecd: mov %eax,0x1040(,%esi,4) */
    0x89, 0x04, 0xb5, 0x40, 0x10, 0x00, 0x00,
    0x46, /* ffed4: inc %esi */
    0x83, 0xfe, 0x03, /* ffed5: cmp $0x3,%esi */
    0x75, 0xc3, /* ffed8: jne 0xffe9d */
    /* ffeda: movl $0x600d,0x1010 */
    0xc7, 0x05, 0x10, 0x10, 0x00, 0x00, 0x0d, 0x60, 0x00, 0x00,
    0xf4, /* ffee4: hlt */
    0xeb, 0xfd, /* ffee5: jmp 0xffee4 */
    /* ffee7: the L2 guest's three starting IPs (CS base 0xf0000) */
    0xed, 0xfe, 0xee, 0xfe, 0xf0, 0xfe,
    0xcc,                                       /* ffeed: int3 */
    0xcd, 0x03,                                 /* ffeee: int $3 */
    0xce,                                       /* ffef0: into */
    0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00,   /* padding */
    /* ffef8: GDT (accessed bits preset) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00, /* 0x08: flat code */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, /* 0x10: flat data */
    0x17, 0x00, 0xf8, 0xfe, 0x0f, 0x00,         /* fff10: GDT descriptor */
};

/* At 0xffff0, in the segment of the code: jmp 0xfe00 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xfe };

static void test_svm_intercepts(void)
{
    g_autofree char *dir = g_dir_make_tmp("svm-intercept-XXXXXX", NULL);
    g_autofree char *bios = NULL;
    g_autofree uint8_t *img = g_malloc0(64 * KiB);
    static const struct {
        uint32_t exit_code, rip;
    } expect[] = {
        { SVM_EXIT_EXCP_BP, 0xfeed },   /* int3 */
        { SVM_EXIT_SWINT, 0xfeee },     /* int $3 */
        { SVM_EXIT_EXCP_OF, 0xfef0 },   /* into */
    };
    gint64 deadline;
    QTestState *qts;
    int i;

    g_assert_nonnull(dir);
    bios = g_build_filename(dir, "bios.bin", NULL);
    memcpy(img + 0xfe00, svm_code, sizeof(svm_code));
    memcpy(img + 0xfff0, reset_vector, sizeof(reset_vector));
    g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB, NULL));

    qts = qtest_initf("-M pc -accel tcg -cpu max -nodefaults -m 16 -bios %s",
                      bios);
    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (qtest_readl(qts, DONE) != DONE_MAGIC) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }

    for (i = 0; i < ARRAY_SIZE(expect); i++) {
        g_assert_cmphex(qtest_readl(qts, EXITCODES + 4 * i), ==,
                        expect[i].exit_code);
        /* The intercept is taken before the instruction: rIP points at it */
        g_assert_cmphex(qtest_readl(qts, RIPS + 4 * i), ==, expect[i].rip);
        g_assert_cmphex(qtest_readl(qts, EXITINFO1S + 4 * i), ==, 0);
    }

    qtest_quit(qts);
    unlink(bios);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (qtest_has_accel("tcg") && qtest_has_machine("pc")) {
        qtest_add_func("/x86/svm/intercept/int3-int-into",
                       test_svm_intercepts);
    }
    return g_test_run();
}
