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
 * stores each EXITCODE.  The test reads them back.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"

#define RESULTS     0x1000      /* three EXITCODEs, then DONE_MAGIC */
#define DONE        0x1010
#define DONE_MAGIC  0x600d

#define SVM_EXIT_EXCP_BP    0x43
#define SVM_EXIT_EXCP_OF    0x44
#define SVM_EXIT_SWINT      0x75

/* Loaded at offset 0xfe00 of a 64 KiB BIOS image: physical 0xffe00. */
static const uint8_t svm_code[] = {
    0xfa,                                       /* cli */
    0x2e, 0x66, 0x0f, 0x01, 0x16, 0xf8, 0xfe,   /* lgdtl %cs:0xfef8 */
    0x0f, 0x20, 0xc0,                           /* mov %cr0, %eax */
    0x0c, 0x01,                                 /* or $1, %al */
    0x0f, 0x22, 0xc0,                           /* mov %eax, %cr0 */
    0x66, 0xea, 0x18, 0xfe, 0x0f, 0x00, 0x08, 0x00, /* ljmpl $8, $0xffe18 */
    /* ffe18: 32-bit protected mode, flat */
    0x66, 0xb8, 0x10, 0x00,                     /* mov $0x10, %ax */
    0x8e, 0xd8,                                 /* mov %eax, %ds */
    0x8e, 0xc0,                                 /* mov %eax, %es */
    0x8e, 0xd0,                                 /* mov %eax, %ss */
    0xb9, 0x80, 0x00, 0x00, 0xc0,               /* mov $0xc0000080, %ecx */
    0x0f, 0x32,                                 /* rdmsr */
    0x0d, 0x00, 0x10, 0x00, 0x00,               /* or $0x1000, %eax: SVME */
    0x0f, 0x30,                                 /* wrmsr */
    0xb9, 0x17, 0x01, 0x01, 0xc0,               /* mov $0xc0010117, %ecx */
    0xb8, 0x00, 0x30, 0x00, 0x00,               /* mov $0x3000, %eax */
    0x31, 0xd2,                                 /* xor %edx, %edx */
    0x0f, 0x30,                                 /* wrmsr: VM_HSAVE_PA */
    0xbb, 0x00, 0x40, 0x00, 0x00,               /* mov $0x4000, %ebx: VMCB */
    /* movl $0x18, 0x8(%ebx): intercept #BP and #OF */
    0xc7, 0x43, 0x08, 0x18, 0x00, 0x00, 0x00,
    /* movl $0x200000, 0xc(%ebx): intercept INTn */
    0xc7, 0x43, 0x0c, 0x00, 0x00, 0x20, 0x00,
    /* movl $1, 0x10(%ebx): intercept VMRUN */
    0xc7, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00,
    /* movl $1, 0x58(%ebx): ASID */
    0xc7, 0x43, 0x58, 0x01, 0x00, 0x00, 0x00,
    /* movl $0xf000, 0x410(%ebx): CS selector */
    0xc7, 0x83, 0x10, 0x04, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00,
    /* movl $0xffff, 0x414(%ebx): CS limit */
    0xc7, 0x83, 0x14, 0x04, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    /* movl $0xf0000, 0x418(%ebx): CS base */
    0xc7, 0x83, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00,
    /* movl $0x1000, 0x4d0(%ebx): EFER.SVME */
    0xc7, 0x83, 0xd0, 0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
    /* movl $0x10, 0x558(%ebx): CR0.ET, real mode */
    0xc7, 0x83, 0x58, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    /* movl $0x802, 0x570(%ebx): RFLAGS.OF */
    0xc7, 0x83, 0x70, 0x05, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00,
    0x31, 0xf6,                                 /* xor %esi, %esi */
    /* ffe9d: movzwl 0xffecf(,%esi,2), %eax: the case's RIP */
    0x0f, 0xb7, 0x04, 0x75, 0xcf, 0xfe, 0x0f, 0x00,
    0x89, 0x83, 0x78, 0x05, 0x00, 0x00,         /* mov %eax, 0x578(%ebx) */
    0x89, 0xd8,                                 /* mov %ebx, %eax */
    0x0f, 0x01, 0xd8,                           /* vmrun */
    0xa1, 0x70, 0x40, 0x00, 0x00,               /* mov 0x4070, %eax */
    0x89, 0x04, 0xb5, 0x00, 0x10, 0x00, 0x00,   /* mov %eax, 0x1000(,%esi,4) */
    0x46,                                       /* inc %esi */
    0x83, 0xfe, 0x03,                           /* cmp $3, %esi */
    0x75, 0xdb,                                 /* jne ffe9d */
    /* movl $0x600d, 0x1010 */
    0xc7, 0x05, 0x10, 0x10, 0x00, 0x00, 0x0d, 0x60, 0x00, 0x00,
    0xf4,                                       /* ffecc: hlt */
    0xeb, 0xfd,                                 /* jmp ffecc */
    /* ffecf: the L2 guest's three starting IPs (CS base 0xf0000) */
    0xd5, 0xfe, 0xd6, 0xfe, 0xd8, 0xfe,
    0xcc,                                       /* ffed5: int3 */
    0xcd, 0x03,                                 /* ffed6: int $3 */
    0xce,                                       /* ffed8: into */
    0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00,   /* padding */
    /* ffee0: GDT (accessed bits preset) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00, /* 0x08: flat code */
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, /* 0x10: flat data */
    0x17, 0x00, 0xe0, 0xfe, 0x0f, 0x00,         /* ffef8: GDT descriptor */
};

/* At 0xffff0, in the segment of the code: jmp 0xfe00 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xfe };

static void test_svm_intercepts(void)
{
    g_autofree char *dir = g_dir_make_tmp("svm-intercept-XXXXXX", NULL);
    g_autofree char *bios = g_build_filename(dir, "bios.bin", NULL);
    g_autofree uint8_t *img = g_malloc0(64 * KiB);
    gint64 deadline;
    QTestState *qts;

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

    g_assert_cmphex(qtest_readl(qts, RESULTS), ==, SVM_EXIT_EXCP_BP);
    g_assert_cmphex(qtest_readl(qts, RESULTS + 4), ==, SVM_EXIT_SWINT);
    g_assert_cmphex(qtest_readl(qts, RESULTS + 8), ==, SVM_EXIT_EXCP_OF);

    qtest_quit(qts);
    unlink(bios);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (qtest_has_accel("tcg")) {
        qtest_add_func("/x86/svm/intercept/int3-int-into",
                       test_svm_intercepts);
    }
    return g_test_run();
}
