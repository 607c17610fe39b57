#!/usr/bin/python3
"""The guest's own debug facilities keep working while gdb debugs it.

  guest_own_debug.py QEMU GUEST_BIN ACCEL

Seed 000's premise: every debug trap reaches QEMU first, QEMU takes only
what is its own and gives the guest the rest, so a debugger inside the
guest works alongside gdb.  Two phases, each PASSES passes of the test
guest's loop (guests/x86/main.S):

1. gdb's software breakpoints (Z0 on tick and on main_loop) with the
   guest's own DR0 execute breakpoint, its own int3 and its own TF step
   all on: each of the guest's three counters must keep pace with the
   loop.  Software breakpoints must not take the guest's debug
   registers.
2. gdb's hardware breakpoint (Z1) on after_guest_step, the instruction
   right after the one the guest single-steps with TF: one #DB reports
   both (DR6 = BS | B0).  gdb must stop there and the guest must still
   get its step #DB, with a DR6 whose always-one bits are set (a DR6 in
   the wrong format tells the guest about a bus lock and an RTM region).
   The guest's DR0 is off here: gdb's hardware points own the debug
   registers while they are in use (documented).

Under KVM the trace proves the path: in phase 2, each stop at
after_guest_step is a #DB exit with BS and B0 in DR6, decided
"hw-breakpoint" with the guest's part (BS, DR6 0xffff4ff0) left to it;
in phase 1 the guest's own int3 exits as #BP and is given back ("guest"),
and no #DB but gdb's own steps reaches QEMU.  TCG is the reference.
Fails when: a counter of the guest falls behind the loop, the guest sees
a bad DR6, a stop is missing or elsewhere, or the trace lacks the path.
"""

import sys

from guest import Guest, finish, le64, require_accel, x86_debug_exits

PASSES = 4


def main():
    qemu, bios, accel = sys.argv[1:4]
    require_accel(qemu, accel)

    fail = []
    extra = ["-trace", "kvm_x86_handle_debug"] if accel == "kvm" else []
    g = Guest(qemu, bios, accel, extra=extra)
    log = g.trace_log()
    r = g.rsp
    s = g.sym
    g.run_to_payload()

    def trace():
        if accel != "kvm":
            return []
        return x86_debug_exits(log())

    def mem(name):
        return le64(r.send("m%x,8" % s[name]))

    def counters():
        return {n: mem(n) for n in ("counter", "db_count", "dr0_count",
                                    "bp_count", "bad_dr6")}

    def cont(expect_pc, what):
        return g.expect_stop("c", expect_pc, what, fail)

    def step_over(z, addr):
        """Step off a breakpoint as gdb does: out, one step, back in."""
        r.send("z%s,%x,1" % (z, addr))
        stop = r.send("s")
        if not stop.startswith("T05"):
            fail.append("step over %#x: %s" % (addr, stop))
        r.send("Z%s,%x,1" % (z, addr))

    def keeps_pace(phase, c, names):
        print("%s: %s" % (phase, c))
        for n in names:
            if c[n] < c["counter"] - 1:
                fail.append("%s: guest's %s %d fell behind %d passes"
                            % (phase, n, c[n], c["counter"]))
        if c["bad_dr6"]:
            fail.append("%s: the guest saw %d bad DR6 values, last %#x"
                        % (phase, c["bad_dr6"], mem("last_bad_dr6")))

    def poke(name, value):
        g.poke(name, value, fail)

    # Phase 1: software breakpoints; the guest's DR0, int3 and TF all on,
    # and its #DB handler checking DR6.
    for name in ("own_dr7", "own_int3", "check_dr6"):
        poke(name, 1)
    for a in (s["tick"], s["main_loop"]):
        if r.send("Z0,%x,1" % a) != "OK":
            fail.append("Z0 at %#x refused" % a)
    n0 = len(trace())
    for p in range(PASSES):
        for name in ("main_loop", "tick"):
            cont(s[name], "phase 1, pass %d, break %s" % (p, name))
            step_over("0", s[name])
    for a in (s["tick"], s["main_loop"]):
        r.send("z0,%x,1" % a)
    c = counters()
    keeps_pace("phase 1", c, ("db_count", "dr0_count", "bp_count"))
    if c["counter"] < PASSES:
        fail.append("phase 1: %d passes, expected %d" % (c["counter"],
                                                         PASSES))
    t = trace()[n0:]
    if accel == "kvm":
        own_bp = [x for x in t if x[0] == 3 and x[1] == s["guest_int3"]]
        if len(own_bp) < PASSES - 1 or any(x[3] != "guest" or not x[4]
                                           for x in own_bp):
            fail.append("phase 1: the guest's int3 was not given back by "
                        "the #BP path: %s" % own_bp)
        db = [x for x in t if x[0] == 1 and x[3] != "step"]
        if db:
            fail.append("phase 1: #DB exits that were not gdb's steps "
                        "(the guest's #DB detoured through QEMU): %s" % db)
        print("phase 1 trace: %d #BP of the guest's given back, %d #DB "
              "other than gdb's steps" % (len(own_bp), len(db)))

    # Phase 2: gdb's hardware breakpoint right after the guest's TF step.
    poke("own_dr7", 0)
    poke("own_int3", 0)
    # Let the guest turn its DR0 off before gdb's point goes in.
    if r.send("Z0,%x,1" % s["tick"]) != "OK":
        fail.append("Z0 at tick refused")
    cont(s["tick"], "phase 2, to tick")
    step_over("0", s["tick"])
    cont(s["tick"], "phase 2, to tick again")
    r.send("z0,%x,1" % s["tick"])
    before = counters()
    n0 = len(trace())
    a = s["after_guest_step"]
    for p in range(PASSES):
        # Out of the way again before the guest's pending #DB is taken,
        # then back at the next pass: stops only at after_guest_step.
        if r.send("Z1,%x,1" % a) != "OK":
            fail.append("Z1 refused")
        cont(a, "phase 2, pass %d, hbreak after_guest_step" % p)
        r.send("z1,%x,1" % a)
        r.send("Z0,%x,1" % s["tick"])
        cont(s["tick"], "phase 2, pass %d, back to tick" % p)
        step_over("0", s["tick"])
        r.send("z0,%x,1" % s["tick"])
    c = counters()
    keeps_pace("phase 2", c, ("db_count",))
    if c["counter"] - before["counter"] < PASSES:
        fail.append("phase 2: %d passes, expected %d"
                    % (c["counter"] - before["counter"], PASSES))
    if accel == "kvm":
        t = [x for x in trace()[n0:] if x[0] == 1 and x[1] == a]
        split = [x for x in t if x[2] & 0x4001 == 0x4001 and
                 x[3] == "hw-breakpoint" and x[4] and
                 x[5] & 0xffffffff == 0xffff4ff0]
        print("phase 2 trace: %d of %d #DB at after_guest_step split into "
              "gdb's B0 and the guest's BS" % (len(split), len(t)))
        if len(split) < PASSES:
            fail.append("phase 2: %d #DB exits with BS|B0 split, expected "
                        "%d: %s" % (len(split), PASSES, t))
    r.send("D")
    finish(fail, g.close())


if __name__ == "__main__":
    main()
