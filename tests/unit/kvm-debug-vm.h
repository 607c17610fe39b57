/*
 * The per-VM KVM debug tables of one test VM, for the unit tests
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_UNIT_KVM_DEBUG_VM_H
#define TESTS_UNIT_KVM_DEBUG_VM_H

#include "system/kvm-debug.h"
#include "system/kvm-debug-points.h"

/*
 * The tests decide exits against the same tables QEMU keeps per VM
 * (accel/kvm/kvm-debug-points.c), filled through their own API, so the
 * decision is tested with the matching rules production uses.
 */
typedef struct TestVM {
    KVMDebugPoints p;
    bool stepping;              /* QEMU asked the vCPU to single-step */
} TestVM;

TestVM *test_vm_new(const KVMDebugCapacity *cap);
void test_vm_free(TestVM *vm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestVM, test_vm_free)

/* A software breakpoint at @pc. */
void test_vm_add_sw(TestVM *vm, vaddr pc);
/*
 * gdb's hardware point @type at [@addr, @addr + @len), which must land
 * in slot @slot (the tables lay points out in insertion order).
 */
void test_vm_arm(TestVM *vm, int slot, int type, vaddr addr, vaddr len);
/* kvm_debug_decide() on @ev, against @vm's tables. */
KVMDebugDecision test_vm_decide(TestVM *vm, const KVMDebugEvent *ev);

#endif
