/*
 * Fuzz target for the KVM guest-debug series (libFuzzer)
 *
 * The input is a program: its first byte picks an architecture (x86,
 * ppc BookE, ppc Book3S), the rest is a sequence of operations on one
 * VM's breakpoint tables (accel/kvm/kvm-debug-points.c) in the order
 * gdb's packets would drive them, interleaved with debug exits made of
 * raw bytes, decoded by the target's decoder and routed by the one
 * decision (accel/kvm/kvm-debug.c).
 *
 * Next to the tables the harness keeps its own model: a count per
 * software breakpoint address, gdb's hardware points in insertion order,
 * and software breakpoints in insertion order.  The model predicts the
 * result of every insertion from the hardware's rules, written here
 * without the tables' or the targets' code (model_hw_predict()): the
 * exact errno, or success.  After every operation it checks the tables
 * against the model, the slot layout against the capacity and gdb's
 * ranges, the encoded debug registers against the layout, and each
 * decision against what the model says is armed.  Any difference aborts,
 * as do ASan and UBSan findings.
 *
 * Fails when: an insertion's result differs from the prediction, the
 * tables or layout differ from the model, or a decision names a cause
 * that is not armed (or drops one that is).
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "gdbstub/enums.h"
#include "fuzz-arch.h"

/* Software breakpoint addresses come from a small window, so they collide. */
#define SW_WINDOW 64

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static uint64_t take(Input *in, unsigned bytes)
{
    uint64_t v = 0;

    while (bytes-- && in->left) {
        v = (v << 8) | *in->p++;
        in->left--;
    }
    return v;
}

/* An address near 0, near the top of the address space, or anything. */
static vaddr take_addr(Input *in)
{
    switch (take(in, 1) % 4) {
    case 0:
        return 0x1000 + take(in, 1);
    case 1:
        return UINT64_MAX - take(in, 1);
    case 2:
        return take(in, 2) << take(in, 1) % 64;
    default:
        return take(in, 8);
    }
}

static vaddr take_len(Input *in)
{
    switch (take(in, 1) % 4) {
    case 0:
        return take(in, 1) % 17;
    case 1:
        return 1u << take(in, 1) % 5;
    case 2:
        return UINT64_MAX - take(in, 1);
    default:
        return take(in, 8);
    }
}

typedef struct Model {
    FuzzArch arch;
    unsigned sw_count[SW_WINDOW];   /* use count per window address */
    GArray *sw_order;               /* vaddr, oldest first */
    GArray *hw;                     /* KVMDebugPoint, insertion order */
} Model;

static bool is_watch(int type)
{
    return type != GDB_BREAKPOINT_HW && type != GDB_BREAKPOINT_SW;
}

/*
 * gdb's Z1 kind is the size of the breakpoint instruction, not a range
 * (GDB manual, "Packets", Z1), so a second Z1 at the same address is the
 * same point whatever its kind; a watchpoint is its range.
 */
static int model_hw_find(Model *m, int type, vaddr addr, vaddr len)
{
    guint i;

    for (i = 0; i < m->hw->len; i++) {
        KVMDebugPoint *pt = &g_array_index(m->hw, KVMDebugPoint, i);

        if (pt->type == type && pt->addr == addr &&
            (type == GDB_BREAKPOINT_HW || pt->len == len)) {
            return i;
        }
    }
    return -1;
}

static KVMDebugWatchKind kind_of(int type)
{
    return type == GDB_WATCHPOINT_WRITE ? KVM_DEBUG_WATCH_WRITE :
           type == GDB_WATCHPOINT_READ ? KVM_DEBUG_WATCH_READ :
           KVM_DEBUG_WATCH_ACCESS;
}

/*
 * How many debug-register slots gdb's point needs, from the hardware
 * manuals, or -ENOSYS for a type the hardware lacks.  Counting stops at
 * @max + 1: more than @max do not fit anyway.
 *
 * x86 (SDM vol. 3, 18.2.4-5): a breakpoint takes one register; a write
 * or access watch is cut into naturally aligned 1, 2, 4 or 8-byte
 * pieces, the largest first, one register each; read-only watches do
 * not exist.  ppc BookE: one IAC per breakpoint, one DAC per watchpoint
 * of any length and kind.  Book3S: KVM offers none, so the capacity is 0
 * and every point of a known type is out of space.
 */
static int model_hw_need(Model *m, int type, vaddr addr, vaddr len, int max)
{
    int n = 0;

    if (type < GDB_BREAKPOINT_HW || type > GDB_WATCHPOINT_ACCESS) {
        return -ENOSYS;
    }
    if (m->arch != FUZZ_X86 || type == GDB_BREAKPOINT_HW) {
        return 1;
    }
    if (type == GDB_WATCHPOINT_READ) {
        return -ENOSYS;
    }
    while (len && n <= max) {
        /* the lowest set bit of addr bounds the alignment */
        vaddr piece = addr & 7 ? addr & -addr : 8;

        while (piece > len) {
            piece /= 2;
        }
        addr += piece;
        len -= piece;
        n++;
    }
    return n;
}

/* The slot counts of each kind per architecture, from the same manuals. */
static void model_capacity(Model *m, int *insn, int *data, int *total)
{
    switch (m->arch) {
    case FUZZ_X86:
        *insn = *data = *total = 4;             /* DR0-DR3, shared */
        break;
    case FUZZ_PPC_BOOKE:
        *insn = 2;                              /* IAC1-2 */
        *data = 2;                              /* DAC1-2 */
        *total = 4;
        break;
    default:
        *insn = *data = *total = 0;
        break;
    }
}

/* What gdb's Z1-Z4 must get: 0 or the exact errno, in the tables' order. */
static int model_hw_predict(Model *m, int type, vaddr addr, vaddr len)
{
    int insn, data, total, used_insn = 0, used_data = 0, need;
    guint i;

    /* gdb asks for nothing or for a range past the end of memory */
    if (is_watch(type) && type <= GDB_WATCHPOINT_ACCESS &&
        (!len || addr + len - 1 < addr)) {
        return -EINVAL;
    }
    if (model_hw_find(m, type, addr, len) >= 0) {
        return -EEXIST;
    }
    model_capacity(m, &insn, &data, &total);
    for (i = 0; i < m->hw->len; i++) {
        KVMDebugPoint *pt = &g_array_index(m->hw, KVMDebugPoint, i);
        int got = model_hw_need(m, pt->type, pt->addr, pt->len, total);

        assert(got > 0);
        if (is_watch(pt->type)) {
            used_data += got;
        } else {
            used_insn += got;
        }
    }
    need = model_hw_need(m, type, addr, len, total);
    if (need < 0) {
        return need;
    }
    if (used_insn + used_data + need > total ||
        (is_watch(type) ? used_data + need > data :
                          used_insn + need > insn)) {
        return -ENOSPC;
    }
    return 0;
}

/* What kvm_insert_breakpoint() does with a Z0, on the table alone. */
static void op_sw_insert(KVMDebugPoints *p, Model *m, unsigned w)
{
    vaddr pc = 0x1000 + w;
    struct kvm_sw_breakpoint *bp = kvm_debug_sw_find(p, pc);
    int err;

    assert(!bp == !m->sw_count[w]);
    if (bp) {
        bp->use_count++;
        m->sw_count[w]++;
        return;
    }
    err = kvm_debug_sw_check(p, pc);
    if (m->arch == FUZZ_X86) {
        assert(!err);
    } else {
        /* ppc traps are 4 bytes, 4-byte aligned */
        assert(err == (pc % 4 ? -EINVAL : 0));
    }
    if (err) {
        return;
    }
    bp = g_new0(struct kvm_sw_breakpoint, 1);
    bp->pc = pc;
    bp->use_count = 1;
    kvm_debug_sw_add(p, bp);
    m->sw_count[w] = 1;
    g_array_append_val(m->sw_order, pc);
}

static void model_sw_forget(Model *m, vaddr pc)
{
    guint i;

    for (i = 0; i < m->sw_order->len; i++) {
        if (g_array_index(m->sw_order, vaddr, i) == pc) {
            g_array_remove_index(m->sw_order, i);
            return;
        }
    }
    g_assert_not_reached();
}

static void op_sw_remove(KVMDebugPoints *p, Model *m, unsigned w)
{
    vaddr pc = 0x1000 + w;
    struct kvm_sw_breakpoint *bp = kvm_debug_sw_find(p, pc);

    assert(!bp == !m->sw_count[w]);
    if (!bp) {
        return;
    }
    assert(bp->use_count == m->sw_count[w]);
    if (--m->sw_count[w]) {
        bp->use_count--;
        return;
    }
    kvm_debug_sw_del(p, bp);
    g_free(bp);
    model_sw_forget(m, pc);
}

static void op_hw_insert(KVMDebugPoints *p, Model *m, int type, vaddr addr,
                         vaddr len)
{
    KVMDebugPoint pt = { .type = type, .addr = addr, .len = len };
    int want = model_hw_predict(m, type, addr, len);
    int nb = p->nb_slots;
    int err = kvm_debug_hw_insert(p, type, addr, len);

    assert(err == want);
    if (err) {
        assert(p->hw->len == m->hw->len && p->nb_slots == nb);
        return;
    }
    g_array_append_val(m->hw, pt);
    /* the new point took the slots the model says, after the others */
    assert(p->nb_slots - nb ==
           model_hw_need(m, type, addr, len, p->cap.total_slots));
}

static void op_hw_remove(KVMDebugPoints *p, Model *m, int type, vaddr addr,
                         vaddr len)
{
    int i = model_hw_find(m, type, addr, len);
    int err = kvm_debug_hw_remove(p, type, addr, len);

    assert(err == (i < 0 ? -ENOENT : 0));
    if (i >= 0) {
        g_array_remove_index(m->hw, i);
    }
}

/* The layout covers gdb's points as asked, and nothing else. */
static void check_layout(KVMDebugPoints *p, Model *m)
{
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    int nb = kvm_debug_layout(p, s);
    int n = 0, insn = 0, data = 0;
    guint i;

    assert(nb >= 0 && nb <= p->cap.total_slots);
    assert(p->hw->len == m->hw->len);
    for (i = 0; i < m->hw->len; i++) {
        KVMDebugPoint *pt = &g_array_index(m->hw, KVMDebugPoint, i);
        KVMDebugPoint *tp = &g_array_index(p->hw, KVMDebugPoint, i);
        vaddr next = pt->addr;

        assert(pt->type == tp->type && pt->addr == tp->addr &&
               pt->len == tp->len);
        assert(n < nb && s[n].point == i);
        while (n < nb && s[n].point == i) {
            assert(s[n].type == pt->type);
            if (is_watch(pt->type)) {
                data++;
                if (m->arch == FUZZ_X86) {
                    /* aligned 1, 2, 4 or 8-byte pieces, end to end */
                    assert(is_power_of_2(s[n].len) && s[n].len <= 8);
                    assert(!(s[n].addr % s[n].len));
                    assert(s[n].addr == next);
                    next += s[n].len;
                }
            } else {
                insn++;
                assert(s[n].addr == pt->addr);
            }
            n++;
        }
        if (m->arch == FUZZ_X86 && is_watch(pt->type)) {
            assert(next - pt->addr == pt->len);
        }
    }
    assert(insn <= p->cap.insn_slots && data <= p->cap.data_slots);
    /* Software breakpoints never take a slot. */
    assert(n == nb);
    assert(kvm_debug_sw_count(p) == m->sw_order->len);

    if (m->arch == FUZZ_X86) {
        fuzz_x86_encode_check(s, nb);
    } else {
        fuzz_ppc_encode_check(s, nb);
    }
}

/* A debug exit: decode raw bytes, decide, check the verdict is sound. */
static void op_exit(KVMDebugPoints *p, Model *m, Input *in)
{
    uint8_t raw[FUZZ_EXIT_BYTES] = { 0 };
    KVMDebugSlot s[KVM_DEBUG_MAX_SLOTS];
    bool stepping = take(in, 1) & 1;
    KVMDebugEvent ev;
    KVMDebugDecision d;
    size_t n = MIN(in->left, sizeof(raw));
    bool hw_named = false, watch_named = false, watch_ok = false;
    uint32_t slots_named = 0;
    bool step, sw, hw, watch;
    int nb, i;

    memcpy(raw, in->p, n);
    in->p += n;
    in->left -= n;
    /* Aim the pc at the breakpoint window now and then. */
    if (raw[0] & 1) {
        stq_le_p(raw + (m->arch == FUZZ_X86 ? 8 : 0),
                 0x1000 + raw[1] % SW_WINDOW);
    }
    if (m->arch == FUZZ_X86) {
        fuzz_x86_decode(raw, &ev);
    } else {
        fuzz_ppc_decode(raw, m->arch == FUZZ_PPC_BOOKE, &ev);
    }
    d = kvm_debug_decide(&ev, p, stepping);
    assert(strcmp(kvm_debug_verdict_name(d.verdict), "invalid"));

    nb = kvm_debug_layout(p, s);
    /*
     * Which armed points the exit names: by slot (x86), whatever the pc,
     * or by address (ppc): the pc for a breakpoint; for a watchpoint the
     * address it starts at (BookE names its DAC), else anywhere in it.
     */
    for (i = 0; i < nb; i++) {
        bool w = is_watch(s[i].type);
        bool named;

        if (!(ev.flags & (w ? KVM_DEBUG_EV_WATCH : KVM_DEBUG_EV_HW_BREAK))) {
            continue;
        }
        if (ev.hw_slots) {
            named = ev.hw_slots & (1u << i);
        } else if (w && (ev.flags & KVM_DEBUG_EV_EXACT)) {
            named = ev.watch_addr == s[i].addr;
        } else if (w) {
            named = ev.watch_addr >= s[i].addr &&
                    ev.watch_addr <= s[i].addr + MAX(s[i].len, 1) - 1;
        } else {
            named = ev.pc == s[i].addr;
        }
        if (!named) {
            continue;
        }
        if (ev.hw_slots) {
            slots_named |= 1u << i;
        }
        if (!w) {
            hw_named = true;
        } else {
            KVMDebugPoint *pt = &g_array_index(m->hw, KVMDebugPoint,
                                               s[i].point);

            /* gdb is told the first watchpoint named */
            if (!watch_named) {
                watch_ok = pt->addr == d.watch_addr &&
                           kind_of(pt->type) == d.watch_kind;
            }
            watch_named = true;
        }
    }
    step = stepping && (ev.flags & KVM_DEBUG_EV_STEP);
    sw = (ev.flags & KVM_DEBUG_EV_SW_BREAK) && ev.pc - 0x1000 < SW_WINDOW &&
         m->sw_count[ev.pc - 0x1000];
    hw = hw_named;
    watch = watch_named;

    /* Every cause that is QEMU's is in the decision, and no other. */
    assert(d.qemu_step == step);
    assert(d.qemu_slots == slots_named);

    /* gdb is told, in order: watchpoint, step, software, hardware */
    switch (d.verdict) {
    case KVM_DEBUG_WATCHPOINT:
        assert(watch && watch_ok);
        break;
    case KVM_DEBUG_STEP:
        assert(!watch && step);
        break;
    case KVM_DEBUG_SW_BREAKPOINT:
        assert(!watch && !step && sw);
        break;
    case KVM_DEBUG_HW_BREAKPOINT:
        assert(!watch && !step && !sw && hw);
        break;
    case KVM_DEBUG_GUEST:
        assert(!step && !sw && !hw && !watch);
        break;
    default:
        g_assert_not_reached();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in = { data, size };
    KVMDebugCapacity cap;
    KVMDebugPoints p;
    Model m = { .arch = take(&in, 1) % FUZZ_NB_ARCH };
    unsigned ops = 0;

    if (m.arch == FUZZ_X86) {
        fuzz_x86_capacity(&cap);
    } else {
        fuzz_ppc_capacity(m.arch == FUZZ_PPC_BOOKE, &cap);
    }
    kvm_debug_points_init(&p);
    kvm_debug_points_set_capacity(&p, &cap);
    m.sw_order = g_array_new(false, false, sizeof(vaddr));
    m.hw = g_array_new(false, false, sizeof(KVMDebugPoint));

    while (in.left && ops++ < 256) {
        unsigned op = take(&in, 1);
        int type = op >> 4;        /* 0-15: gdb's 0-4 and junk */

        switch (op % 6) {
        case 0:
            op_sw_insert(&p, &m, take(&in, 1) % SW_WINDOW);
            break;
        case 1:
            op_sw_remove(&p, &m, take(&in, 1) % SW_WINDOW);
            break;
        case 2:
            if (type != GDB_BREAKPOINT_SW) {
                vaddr addr = take_addr(&in);

                op_hw_insert(&p, &m, type, addr, take_len(&in));
            }
            break;
        case 3:
            if (m.hw->len && (op & 8)) {
                /* remove one that is there, by gdb's description of it */
                KVMDebugPoint pt = g_array_index(m.hw, KVMDebugPoint,
                                                 take(&in, 1) % m.hw->len);

                op_hw_remove(&p, &m, pt.type, pt.addr, pt.len);
            } else if (type != GDB_BREAKPOINT_SW) {
                vaddr addr = take_addr(&in);

                op_hw_remove(&p, &m, type, addr, take_len(&in));
            }
            break;
        case 4:
            if ((op >> 3) % 8 == 0) {
                kvm_debug_hw_remove_all(&p);
                g_array_set_size(m.hw, 0);
            } else {
                op_exit(&p, &m, &in);
            }
            break;
        default:
            op_exit(&p, &m, &in);
            break;
        }
        check_layout(&p, &m);
    }

    kvm_debug_points_destroy(&p);
    g_array_free(m.sw_order, true);
    g_array_free(m.hw, true);
    return 0;
}
