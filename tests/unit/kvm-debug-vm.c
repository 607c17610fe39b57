/*
 * The per-VM KVM debug tables of one test VM, for the unit tests
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "kvm-debug-vm.h"

TestVM *test_vm_new(const KVMDebugCapacity *cap)
{
    TestVM *vm = g_new0(TestVM, 1);

    kvm_debug_points_init(&vm->p);
    kvm_debug_points_set_capacity(&vm->p, cap);
    return vm;
}

void test_vm_free(TestVM *vm)
{
    kvm_debug_points_destroy(&vm->p);
    g_free(vm);
}

void test_vm_add_sw(TestVM *vm, vaddr pc)
{
    struct kvm_sw_breakpoint *bp = g_new0(struct kvm_sw_breakpoint, 1);

    bp->pc = pc;
    bp->use_count = 1;
    kvm_debug_sw_add(&vm->p, bp);
}

void test_vm_arm(TestVM *vm, int slot, int type, vaddr addr, vaddr len)
{
    int before = vm->p.nb_slots;

    g_assert_cmpint(kvm_debug_hw_insert(&vm->p, type, addr, len), ==, 0);
    g_assert_cmpint(before, ==, slot);
    g_assert_cmpint(vm->p.nb_slots, ==, slot + 1);
}

KVMDebugDecision test_vm_decide(TestVM *vm, const KVMDebugEvent *ev)
{
    return kvm_debug_decide(ev, &vm->p, vm->stepping);
}
