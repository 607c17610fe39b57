#!/usr/bin/python3
"""Hostile input over RSP: every breakpoint, watchpoint and memory packet
the series touches, malformed or out of range, gets gdb's error reply
(E..), the empty "unsupported" reply, or a defined success, and changes
nothing else: guest memory, read by QEMU itself through QMP pmemsave
(traps and all), is compared with its state before each case, and at the
end the guest must stop where the one remaining breakpoint says, not at
a point left behind.  Then 262144 software breakpoints, the most the
series' table holds under KVM: none refused, QEMU's memory per
breakpoint measured and bounded, the next one refused (KVM; TCG has no
limit), and detaching leaves guest memory as it was.  Prints every
figure the README gives for it: bytes per breakpoint, seconds, packets.

  hostile.py QEMU GUEST_BIN kvm|tcg    (GUEST_BIN's .elf beside it)
Exit 0 pass, 1 fail, 77 skip (KVM unusable).
Fails when: a reply differs from the table below, guest memory changes
in a case or after detach, a point stays armed, one of the 262144 Z0 is
refused or the next accepted (KVM), or QEMU grows more than the bound
per breakpoint."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Guest, finish, skip_unless_usable  # noqa: E402

SCRATCH = 0x300000      # RAM the guest never touches
# KVM_DEBUG_MAX_SW_BREAKPOINTS (include/system/kvm-debug-points.h)
MANY = 262144
# QEMU's memory per software breakpoint must stay below this: about 1.4
# times what the README states (206 under KVM, 153 under TCG, with all
# 262144 inserted), so that a doubling fails.
MAX_BYTES_PER_BREAKPOINT = {"kvm": 290, "tcg": 215}


def kt(kvm, tcg):
    """An expectation that differs: under KVM the series' tables answer,
    under TCG QEMU's own breakpoint lists (no limits, no memory access)."""
    return {"kvm": kvm, "tcg": tcg}


def cases(sym):
    code = sym["start64"]
    return [
        ("Z0 outside guest RAM", [
            ("Z0,40000000,1", kt("E22", "OK")),
            ("z0,40000000,1", kt("E22", "OK"))]),
        ("Z0 at an MMIO register (HPET)", [
            ("Z0,fed00000,1", kt("E22", "OK")),
            ("z0,fed00000,1", kt("E22", "OK"))]),
        ("Z0 at the last byte of the address space", [
            ("Z0,ffffffffffffffff,1", kt("E22", "OK")),
            ("z0,ffffffffffffffff,1", kt("E22", "OK"))]),
        ("Z0 with kinds 0 and ffffffff: the kind is ignored, inserts count", [
            ("Z0,%x,0" % SCRATCH, "OK"),
            ("Z0,%x,ffffffff" % SCRATCH, "OK"),
            ("z0,%x,1" % SCRATCH, "OK"),
            ("z0,%x,1" % SCRATCH, "OK"),
            ("z0,%x,1" % SCRATCH, "E22")]),
        ("z0 of a breakpoint never inserted", [
            ("z0,%x,1" % (SCRATCH + 0x10), "E22")]),
        ("Z1 twice at one address", [
            ("Z1,%x,1" % code, "OK"),
            ("Z1,%x,1" % code, kt("E22", "OK")),
            ("z1,%x,1" % code, "OK"),
            ("z1,%x,1" % code, kt("E22", "OK")),
            ("z1,%x,1" % code, "E22")]),
        ("a fifth Z1 (x86 has 4 debug registers)",
            [("Z1,%x,1" % (code + i), "OK") for i in range(4)] +
            [("Z1,%x,1" % (code + 4), kt("E22", "OK"))] +
            [("z1,%x,1" % (code + i), "OK") for i in range(4)] +
            [("z1,%x,1" % (code + 4), kt("E22", "OK"))]),
        ("watch ranges that are empty or wrap", [
            ("Z2,%x,0" % SCRATCH, "E22"),
            ("Z4,%x,0" % SCRATCH, "E22"),
            ("Z2,ffffffffffffffff,2", "E22"),
            ("Z4,fffffffffffffff0,20", "E22")]),
        ("watch ranges beyond what 4 debug registers can split", [
            ("Z2,%x,10" % (SCRATCH + 1), kt("E22", "OK")),
            ("z2,%x,10" % (SCRATCH + 1), kt("E22", "OK")),
            ("Z2,%x,ffffffff" % SCRATCH, kt("E22", "OK")),
            ("z2,%x,ffffffff" % SCRATCH, kt("E22", "OK"))]),
        ("an unaligned watch range that fits (3 slots)", [
            ("Z2,%x,4" % (SCRATCH + 1), "OK"),
            ("z2,%x,4" % (SCRATCH + 1), "OK"),
            ("z2,%x,4" % (SCRATCH + 1), "E22")]),
        ("Z3: unsupported under KVM on x86 (gdb emulates rwatch)", [
            ("Z3,%x,4" % SCRATCH, kt("", "OK")),
            ("z3,%x,4" % SCRATCH, kt("E22", "OK"))]),
        ("unknown breakpoint types", [
            ("Z5,%x,1" % SCRATCH, ""),
            ("Z9,%x,1" % SCRATCH, ""),
            ("z5,%x,1" % SCRATCH, kt("E22", ""))]),
        ("malformed Z packets", [
            ("Z0,%x" % SCRATCH, "E22"),
            ("Z0,zz,1", ""),
            ("Z0,,1", ""),
            ("Z,1,1", "")]),
        ("memory packets out of range or malformed", [
            ("m%x,ffffffff" % SCRATCH, "E22"),
            ("mffffffffffffffff,10", "E14"),
            ("M%x,4:00" % SCRATCH, "E22"),
            ("M%x,1:zz" % SCRATCH, "E22"),
            ("M%x,2:0g12" % SCRATCH, "E22"),
            ("M40000000,1:00", "E14")]),
    ]


def regions(sym):
    """The guest's code (up to its variables, which it writes while it
    runs) and scratch RAM it never writes."""
    return [(0x100000, sym["counter"] - 0x100000), (SCRATCH, MANY + 0x10)]


def snapshot(g, sym):
    return [g.phys(a, n) for a, n in regions(sym)]


def differing(a, b):
    return sum(sum(x != y for x, y in zip(p, q)) for p, q in zip(a, b))


def main():
    qemu, bios, accel = sys.argv[1:4]
    skip_unless_usable(qemu, accel)
    fail = []
    g = Guest(qemu, bios, accel)
    try:
        sym = g.sym
        r = g.rsp
        r.send("qSupported")
        g.run_to_payload()
        base = snapshot(g, sym)
        packets = 0
        for name, steps in cases(sym):
            for packet, want in steps:
                if isinstance(want, dict):
                    want = want[accel]
                got = r.send(packet)
                packets += 1
                if got != want:
                    fail.append("%s: %s answered %r, expected %r"
                                % (name, packet, got, want))
            d = differing(base, snapshot(g, sym))
            print("%-66s %s" % (name, "memory unchanged" if not d
                                else "%d bytes changed" % d))
            if d:
                fail.append("%s: %d bytes of guest memory changed"
                            % (name, d))

        # Nothing left armed: the guest stops at the one breakpoint set now.
        r.send("Z1,%x,1" % sym["tick"])
        stop = r.send("c")
        pc = g.pc()
        print("continue with only Z1 at tick: %s at %#x" % (stop[:3], pc))
        if not stop.startswith("T05") or "watch" in stop or \
                pc != sym["tick"]:
            fail.append("stopped with %r at %#x, not at tick %#x: a point "
                        "was left armed" % (stop, pc, sym["tick"]))
        r.send("z1,%x,1" % sym["tick"])

        # Many software breakpoints: bounded memory, all removed at detach.
        rss0 = g.rss_kib()
        t0 = time.time()
        refused = sum(r.send("Z0,%x,1" % (SCRATCH + i)) != "OK"
                      for i in range(MANY))
        secs = time.time() - t0
        per = (g.rss_kib() - rss0) * 1024 / MANY
        bound = MAX_BYTES_PER_BREAKPOINT[accel]
        print("%d Z0 packets: %d refused, %.1f s, QEMU grew %.0f bytes per "
              "breakpoint (bound %d)" % (MANY, refused, secs, per, bound))
        if refused:
            fail.append("%d of %d Z0 refused" % (refused, MANY))
        if per > bound:
            fail.append("%.0f bytes per breakpoint (bound %d)" % (per, bound))
        # One more: beyond the table's limit under KVM
        got = r.send("Z0,%x,1" % (SCRATCH + MANY))
        want = kt("E22", "OK")[accel]
        print("Z0 number %d: %r" % (MANY + 1, got))
        if got != want:
            fail.append("Z0 number %d answered %r, expected %r"
                        % (MANY + 1, got, want))
        packets += 3 + MANY + 1 + 1    # Z1, c, z1 above; the Z0s; D
        if accel == "kvm" and g.phys(SCRATCH, 1) != b"\xcc":
            fail.append("no int3 planted at %#x" % SCRATCH)
        if r.send("D") != "OK":
            fail.append("detach refused")
        time.sleep(0.5)
        status = g.status()
        g.qmp.cmd("stop")
        d = differing(base, snapshot(g, sym))
        print("after detach: guest %s, %d bytes of guest memory differ"
              % (status, d))
        if status != "running":
            fail.append("guest %s after detach" % status)
        if d:
            fail.append("%d bytes differ after detach" % d)
        print("%d packets sent" % packets)
    finally:
        err = g.close()
    finish(fail, err)


if __name__ == "__main__":
    main()
