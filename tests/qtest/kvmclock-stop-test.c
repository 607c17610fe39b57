/*
 * QTest testcase for the guest's kvmclock across a stop of the VM
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A debugger holds a VM stopped for as long as its user looks; the guest
 * must not see that time pass on its kvmclock, and each vCPU must be told
 * it was stopped (KVM_KVMCLOCK_CTRL sets PVCLOCK_GUEST_STOPPED in its
 * pvclock area, which Linux's watchdogs read).  At a stop QEMU reads the
 * TSC of every vCPU and the VM's clock (KVM_GET_CLOCK); at the resume it
 * sets the clock back (KVM_SET_CLOCK; where KVM_GET_CLOCK is not
 * reliable, computed from the first vCPU's saved TSC and pvclock area)
 * and queues KVM_KVMCLOCK_CTRL on each vCPU.
 *
 * The guest, two vCPUs under KVM, enables kvmclock on each vCPU
 * (MSR_KVM_SYSTEM_TIME_NEW) and loops storing the TSC it reads; each
 * vCPU counts the loops in which it saw PVCLOCK_GUEST_STOPPED.  The test
 * stops the VM, computes each vCPU's kvmclock time from its pvclock area
 * and its last TSC, keeps the VM stopped for STOP_SECONDS, resumes it,
 * lets each vCPU run on, stops again and computes the time again.
 *
 * Fails when: a vCPU's kvmclock moved by a second or more across the
 * stop (or went back), a vCPU never saw PVCLOCK_GUEST_STOPPED after the
 * resume or saw it before any stop, or the guest does not run.
 */

#include "qemu/osdep.h"
#include "qemu/host-utils.h"
#include "qemu/units.h"
#include "qobject/qdict.h"
#include "libqtest.h"

#define VCPUS           2
#define STOP_SECONDS    3
#define PVCLOCK(i)      (0x3000 + 64 * (i))     /* pvclock_vcpu_time_info */
#define GUEST_TSC(i)    (0x3100 + 8 * (i))      /* the TSC it last read */
#define SAW_STOPPED(i)  (0x3180 + 4 * (i))      /* loops seeing the flag */
#define PVCLOCK_GUEST_STOPPED   (1 << 1)

/*
 * Loaded at offset 0xfe00 of a 64 KiB BIOS image, which the pc machine
 * maps below 4 GiB and at 0xf0000.  The BSP starts the APs (INIT and
 * SIPI to all but itself, vector 0xff); every vCPU then enters flat
 * 32-bit protected mode and runs the same code, indexed by its APIC ID
 * (ID * 64 in %esi, ID in %ebx).  The GDT lives in ROM, so its
 * descriptors have the accessed bit preset.
 *   fe00: cli; lgdtl %cs:0xfeb0; cr0.PE = 1; ljmpl $8, $0xfffffe1a
 *   fe1a: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss
 *   fe22: movl $0x1ff, 0xfee000f0           <- APIC on (SVR)
 *   fe2c: movl $0xc4500, 0xfee00300         <- INIT to all but self
 *   fe36: movl $0xc46ff, 0xfee00300 (twice) <- SIPI, vector 0xff
 *   fe4a: jmp fe54
 *   fe4c: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss    <- APs
 *   fe54: mov $1, %eax; cpuid; shr $24, %ebx            <- APIC ID
 *   fe5e: mov %ebx, %esi; shl $6, %esi
 *   fe63: lea 0x3001(%esi), %eax; xor %edx, %edx
 *   fe6b: mov $0x4b564d01, %ecx; wrmsr      <- kvmclock at 0x3000 + 64 * ID
 *   fe72: rdtsc; mov %eax, 0x3100(,%ebx,8); mov %edx, 0x3104(,%ebx,8)
 *   fe82: testb $2, 0x301d(%esi); je fe72   <- flags & GUEST_STOPPED
 *   fe8b: incl 0x3180(,%ebx,4); jmp fe72
 *   fe98: GDT: null, code 0x00cf9b000000ffff, data 0x00cf93000000ffff
 *   feb0: GDT descriptor { 23, 0xfffffe98 }
 *   fff0: jmp fe00
 */
static const uint8_t clock_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xb0, 0xfe, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0xfe, 0xff, 0xff,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xc7, 0x05,
    0xf0, 0x00, 0xe0, 0xfe, 0xff, 0x01, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x03,
    0xe0, 0xfe, 0x00, 0x45, 0x0c, 0x00, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe,
    0xff, 0x46, 0x0c, 0x00, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0xff, 0x46,
    0x0c, 0x00, 0xeb, 0x08, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0,
    0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xc1, 0xeb, 0x18, 0x89, 0xde,
    0xc1, 0xe6, 0x06, 0x8d, 0x86, 0x01, 0x30, 0x00, 0x00, 0x31, 0xd2, 0xb9,
    0x01, 0x4d, 0x56, 0x4b, 0x0f, 0x30, 0x0f, 0x31, 0x89, 0x04, 0xdd, 0x00,
    0x31, 0x00, 0x00, 0x89, 0x14, 0xdd, 0x04, 0x31, 0x00, 0x00, 0xf6, 0x86,
    0x1d, 0x30, 0x00, 0x00, 0x02, 0x74, 0xe7, 0xff, 0x04, 0x9d, 0x80, 0x31,
    0x00, 0x00, 0xeb, 0xde, 0x8d, 0x74, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, 0x17, 0x00, 0x98, 0xfe,
    0xff, 0xff,
};

/*
 * At offset 0xf000 (0xff000 below 1 MiB), where the SIPI starts the APs
 * in real mode with CS base 0xff000:
 *   cli; lgdtl %cs:0xeb0; cr0.PE = 1; ljmpl $8, $0xfffffe4c
 */
static const uint8_t ap_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xb0, 0x0e, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x4c, 0xfe, 0xff, 0xff,
    0x08, 0x00,
};
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xfe };

/*
 * A vCPU's kvmclock time in ns at guest TSC @tsc, from its pvclock area:
 * system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul / 2^32.
 */
static uint64_t kvmclock_ns(QTestState *qts, int vcpu, uint64_t tsc)
{
    uint8_t pv[32];
    uint64_t delta, lo, hi;
    int8_t shift;

    qtest_memread(qts, PVCLOCK(vcpu), pv, sizeof(pv));
    /* KVM writes the area with an odd version, then an even one */
    g_assert_cmpuint(ldl_le_p(pv) & 1, ==, 0);
    delta = tsc - ldq_le_p(pv + 8);
    shift = pv[28];
    delta = shift < 0 ? delta >> -shift : delta << shift;
    mulu64(&lo, &hi, delta, (uint32_t)ldl_le_p(pv + 24));
    return ldq_le_p(pv + 16) + ((hi << 32) | (lo >> 32));
}

/*
 * Run until every vCPU has read its TSC anew and, with @stopped, has
 * counted a loop that saw PVCLOCK_GUEST_STOPPED, then stop the VM
 */
static void run_on_and_stop(QTestState *qts, const uint64_t *old_tsc,
                            bool stopped)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    int i;

    for (i = 0; i < VCPUS; i++) {
        while (qtest_readq(qts, GUEST_TSC(i)) == old_tsc[i] ||
               (stopped && !qtest_readl(qts, SAW_STOPPED(i)))) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            g_usleep(10 * 1000);
        }
    }
    qtest_qmp_assert_success(qts, "{ 'execute': 'stop' }");
}

static void test_kvmclock_across_stop(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *bios = NULL;
    g_autofree uint8_t *img = g_malloc0(64 * KiB);
    uint64_t tsc[VCPUS] = { 0 }, before[VCPUS];
    QTestState *qts;
    QDict *kvm;
    int i;

    if (access("/dev/kvm", R_OK | W_OK)) {
        g_test_skip("/dev/kvm is missing or not readable and writable");
        return;
    }
    dir = g_dir_make_tmp("kvmclock-stop-XXXXXX", NULL);
    g_assert_nonnull(dir);
    bios = g_build_filename(dir, "bios.bin", NULL);
    memcpy(img + 0xfe00, clock_code, sizeof(clock_code));
    memcpy(img + 0xf000, ap_code, sizeof(ap_code));
    memcpy(img + 0xfff0, reset_vector, sizeof(reset_vector));
    g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB, NULL));

    qts = qtest_initf("-M pc -accel kvm -smp %d -nodefaults -m 16 -bios %s "
                      "-global apic-common.vapic=false",
                      VCPUS, bios);
    /* libqtest falls back to -accel qtest when KVM fails */
    kvm = qtest_qmp_assert_success_ref(qts, "{ 'execute': 'query-kvm' }");
    g_assert_true(qdict_get_bool(kvm, "enabled"));
    qobject_unref(kvm);

    run_on_and_stop(qts, tsc, false);
    for (i = 0; i < VCPUS; i++) {
        g_assert_cmpuint(qtest_readl(qts, SAW_STOPPED(i)), ==, 0);
        tsc[i] = qtest_readq(qts, GUEST_TSC(i));
        before[i] = kvmclock_ns(qts, i, tsc[i]);
    }
    g_usleep(STOP_SECONDS * G_USEC_PER_SEC);
    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");

    run_on_and_stop(qts, tsc, true);
    for (i = 0; i < VCPUS; i++) {
        uint64_t after = kvmclock_ns(qts, i, qtest_readq(qts, GUEST_TSC(i)));

        g_test_message("vCPU %d: kvmclock moved %" PRId64 " us across a "
                       "%d s stop", i, (int64_t)(after - before[i]) / 1000,
                       STOP_SECONDS);
        g_assert_cmpint((int64_t)(after - before[i]), >, 0);
        g_assert_cmpint(after - before[i], <, 1000 * 1000 * 1000);
        g_assert_cmpuint(qtest_readl(qts, SAW_STOPPED(i)), >, 0);
    }

    qtest_quit(qts);
    unlink(bios);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (qtest_has_accel("kvm") && qtest_has_machine("pc")) {
        qtest_add_func("/x86/kvm/kvmclock/across-stop",
                       test_kvmclock_across_stop);
    }
    return g_test_run();
}
