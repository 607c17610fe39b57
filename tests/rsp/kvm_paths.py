#!/usr/bin/python3
"""Which KVM exit each gdb stop came through, proven by QEMU's trace.

  kvm_paths.py QEMU GUEST_BIN BP_PATH [nowatch]

Under KVM, with ten software breakpoints (more than the four debug
registers; software breakpoints never take one), hardware breakpoints
and write/access watchpoints, every stop must be at the point gdb inserted, and the
trace (kvm_x86_handle_debug, kvm_emulation_failure_at_breakpoint) must
show the exit it came from:
  - BP_PATH "bp-exit": a software breakpoint that no debug register
    backs stops through the #BP exit (exception 3) at its pc, as on a
    kernel that runs guest code natively (kvm_amd; scripts/host-x86.sh);
  - BP_PATH "emulation-failure": it stops through an emulation failure
    at the int3, as on kernels that emulate guest code (kvm_pvm);
  - a hardware breakpoint through #DB (exception 1) with its B-bit in
    DR6; a watchpoint (Z2 write, Z4 access) through #DB with the B-bit
    of its slot and the "watch:"/"awatch:" stop reply with its address.
"nowatch" leaves the watchpoints out, for hosts whose KVM never fires
data watchpoints (kvm_pvm); it is printed.
The guest's own single-step #DB, taken on every pass of its loop, must
keep reaching its handler (its counter keeps pace with the loop's).
Fails when: a stop is missing, early or at another pc; a stop has no
trace line of the exit BP_PATH names; the guest's #DB count falls
behind; KVM is unusable under scripts/host-x86.sh (never a skip there).
"""

import re
import sys

from guest import Guest, finish, le64, require_accel

TRACE_X86 = re.compile(r"kvm_x86_handle_debug exception (\d+) pc 0x([0-9a-f]+)"
                       r" dr6 0x([0-9a-f]+): (\S+)")
TRACE_EMUL = re.compile(r"kvm_emulation_failure_at_breakpoint cpu \d+ pc "
                        r"0x([0-9a-f]+) software breakpoint (\d)")


def main():
    qemu, bios, bp_path = sys.argv[1:4]
    assert bp_path in ("bp-exit", "emulation-failure"), bp_path
    watch = sys.argv[4:] != ["nowatch"]
    require_accel(qemu, "kvm")

    fail = []
    g = Guest(qemu, bios, "kvm", extra=["-trace", "kvm_x86_handle_debug",
                                        "-trace",
                                        "kvm_emulation_failure_at_breakpoint"])
    trace = g.trace_log()
    r = g.rsp
    s = g.sym
    g.run_to_payload()

    def run_to(expect_pc, what):
        try:
            stop = r.send("c")
        except TimeoutError:
            fail.append("%s: no stop within %d s" % (what, r.sock.gettimeout()))
            print("trace so far:\n" + trace()[-3000:])
            finish(fail, g.close())
        pc = g.pc()
        print("%s: %s at %#x" % (what, stop[:3], pc))
        if not stop.startswith("T05"):
            fail.append("%s: stop reply %s" % (what, stop))
        if pc != expect_pc:
            fail.append("%s: stopped at %#x, expected %#x" % (what, pc,
                                                              expect_pc))
        return stop

    # Four software breakpoints first, on code that runs only when the
    # guest fails (once, the series backed the oldest software breakpoints
    # with free debug registers: these would have taken all four), then
    # six on the loop, in the order they hit, which must be int3.
    decoys = [s["bad_count"], s["bad_count"] + 7, s["unexpected"],
              s["unexpected"] + 7]
    order = ["main_loop", "tick", "tick_body", "tick_body+1", "tick_body+2",
             "after_guest_step"]
    addrs = []
    for name in order:
        base, _, off = name.partition("+")
        addrs.append(s[base] + int(off or "0"))
    for a in decoys + addrs:
        if r.send("Z0,%x,1" % a) != "OK":
            fail.append("Z0 at %#x refused" % a)
    passes = 3
    for p in range(passes):
        for name, a in zip(order, addrs):
            run_to(a, "pass %d, software breakpoint %s" % (p, name))
            # Step over it as gdb does: out, one step, back in.
            r.send("z0,%x,1" % a)
            stop = r.send("s")
            if not stop.startswith("T05"):
                fail.append("step over %s: %s" % (name, stop))
            r.send("Z0,%x,1" % a)
    for a in decoys + addrs:
        r.send("z0,%x,1" % a)

    t = trace()
    x86 = [(int(e), int(pc, 16), int(dr6, 16), v)
           for e, pc, dr6, v in TRACE_X86.findall(t)]
    emul = [(int(pc, 16), hit == "1") for pc, hit in TRACE_EMUL.findall(t)]
    int3_stops = 0
    for name, a in zip(order, addrs):
        via_bp = sum(1 for e, pc, _, v in x86
                     if e == 3 and pc == a and v == "sw-breakpoint")
        via_db = sum(1 for e, pc, dr6, v in x86
                     if e == 1 and pc == a and dr6 & 0xf)
        if via_db:
            fail.append("%s: %d stops through a debug register: software "
                        "breakpoints must not take one" % (name, via_db))
        via_emul = sum(1 for pc, hit in emul if pc == a and hit)
        if via_bp + via_db + via_emul < passes:
            fail.append("%s: %d stops in the trace (#BP %d, #DB %d, "
                        "emulation failure %d), expected %d"
                        % (name, via_bp + via_db + via_emul, via_bp, via_db,
                           via_emul, passes))
        int3_stops += via_bp if bp_path == "bp-exit" else via_emul
        wrong = via_emul if bp_path == "bp-exit" else via_bp
        if wrong:
            fail.append("%s: %d stops through the other int3 path than %s"
                        % (name, wrong, bp_path))
    if int3_stops != len(order) * passes:
        fail.append("%d of %d stops through %s"
                    % (int3_stops, len(order) * passes, bp_path))
    print("software breakpoints: %d stops, %d of them through %s"
          % (passes * len(order), int3_stops, bp_path))

    # A hardware breakpoint: #DB with B-bit.
    n0 = len(TRACE_X86.findall(trace()))
    r.send("Z1,%x,1" % s["tick"])
    run_to(s["tick"], "hardware breakpoint at tick")
    r.send("z1,%x,1" % s["tick"])
    hw = [(int(e), int(pc, 16), int(d, 16)) for e, pc, d, _ in
          TRACE_X86.findall(trace())[n0:]]
    if not any(e == 1 and pc == s["tick"] and d & 0xf for e, pc, d in hw):
        fail.append("hardware breakpoint: no #DB with a B-bit at tick in "
                    "the trace: %s" % hw)

    # Watchpoints: write to counter, access to ticks.
    if not watch:
        print("watchpoints: not checked (nowatch: this host's KVM never "
              "fires data watchpoints)")
    for z, addr, reply in (("2", s["counter"], "watch"),
                           ("4", s["ticks"], "awatch")) if watch else ():
        n0 = len(TRACE_X86.findall(trace()))
        if r.send("Z%s,%x,8" % (z, addr)) != "OK":
            fail.append("Z%s refused" % z)
            continue
        stop = r.send("c")
        want = "%s:%x;" % (reply, addr)
        if not stop.startswith("T05") or want not in stop:
            fail.append("Z%s: stop reply %s, expected %s" % (z, stop, want))
        r.send("z%s,%x,8" % (z, addr))
        db = [(int(e), int(d, 16)) for e, _, d, _ in
              TRACE_X86.findall(trace())[n0:]]
        if not any(e == 1 and d & 0xf for e, d in db):
            fail.append("Z%s: no #DB with a B-bit in the trace: %s" % (z, db))
        print("Z%s: %s" % (z, stop))

    # The guest's own single-step #DB, once per pass, reached its handler.
    counter = le64(r.send("m%x,8" % s["counter"]))
    db_count = le64(r.send("m%x,8" % s["db_count"]))
    print("guest: %d passes, %d own #DB handled" % (counter, db_count))
    if counter < passes or db_count < counter - 1:
        fail.append("guest's own #DB lost: %d passes, %d #DB"
                    % (counter, db_count))
    r.send("D")
    finish(fail, g.close())


if __name__ == "__main__":
    main()
