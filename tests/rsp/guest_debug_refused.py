#!/usr/bin/python3
"""KVM refusing a guest-debug state reaches gdb, and nothing of the
refused change stays behind.

  guest_debug_refused.py QEMU GUEST_BIN SHIM

SHIM is tests/rsp/refuse_guest_debug.c built as a shared object; QEMU
runs with it preloaded, so KVM_SET_GUEST_DEBUG fails with EINVAL while
the test's rule file says so (a kernel refuses a state it cannot run:
x86 for a guest whose state is protected, s390 for more hardware points
than it has).  Two vCPUs, two runs:

- gdb addresses the second vCPU (Hc2, cpu_index 1), which the test guest
  never starts: the vCPU that applies a change at once is not the one
  that runs, and the refusal leaves KVM's state as it was;
- gdb addresses the first vCPU (Hc1), the one that runs the loop, and
  each refusal first turns guest debugging off in KVM ("partial", as
  s390 and BookE do): the vCPU must apply the rolled-back state again
  before it next runs, or the kept breakpoint of phase 3 never stops it.

Three phases in each run:
1. Z1 while KVM refuses USE_HW_BP: the reply is an error; z1 of it finds
   nothing; the guest runs through tick without a stop; no vCPU ever
   runs with USE_HW_BP.
2. Z0 while KVM refuses USE_SW_BP: an error; the guest's byte at tick is
   unchanged in guest memory; the guest runs through tick.
3. z0 of an inserted Z0 while KVM refuses a state without USE_SW_BP: an
   error; the trap stays planted and, with the rule gone, stops the
   guest at tick; then z0 restores the guest's byte.

The shim's log proves each refusal happened (and only then), the
kvm_update_guest_debug trace that the addressed vCPU applied each
change before the reply.  Fails when a refusal is answered OK, leaves
the point or its trap behind, or loses a point KVM kept.
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import os
import re
import sys
import tempfile

from guest import Guest, finish, require_accel

USE_SW_BP = 0x10000
USE_HW_BP = 0x20000
APPLIED = re.compile(r"kvm_update_guest_debug cpu (\d+) control 0x([0-9a-f]+)"
                     r" applied 1")


def main():
    qemu, bios, shim = sys.argv[1:4]
    require_accel(qemu, "kvm")
    fail = []
    for thread, how in ((2, ""), (1, " partial")):
        print("-- gdb addresses vCPU %d;%s refusals" % (thread - 1,
                                                      how or " plain"))
        one_run(qemu, bios, shim, thread, how, fail)
    finish(fail)


def one_run(qemu, bios, shim, thread, how, fail):
    cpu = thread - 1
    tmp = tempfile.TemporaryDirectory()
    rules = os.path.join(tmp.name, "rules")
    refusals = os.path.join(tmp.name, "refusals")
    g = Guest(qemu, bios, "kvm", smp=2,
              extra=["-trace", "kvm_update_guest_debug"],
              env={"LD_PRELOAD": os.path.abspath(shim),
                   "REFUSE_GUEST_DEBUG": rules,
                   "REFUSE_GUEST_DEBUG_LOG": refusals})
    log = g.trace_log()
    r, s = g.rsp, g.sym
    g.run_to_payload()
    if r.send("Hc%d" % thread) != "OK":
        fail.append("Hc%d refused" % thread)
    tick = s["tick"]
    orig = g.phys(tick, 1)

    def rule(text):
        with open(rules, "w") as f:
            f.write(text)

    def refused():
        try:
            with open(refusals) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def applied(since):
        return [(int(c), int(ctl, 16))
                for c, ctl in APPLIED.findall(log()[since:])]

    def run_a_while():
        """c, then ^C after a second: the stop reply and the pc."""
        return g.resume("c"), g.pc()

    def counter():
        return int.from_bytes(bytes.fromhex(r.send("m%x,8" % s["counter"])),
                              "little")

    def refused_change(what, packet, mask):
        mark, seen = len(log()), len(refused())
        reply = r.send(packet)
        new = refused()[seen:]
        print("%s: %s -> %r; refusals %s; applied %s"
              % (what, packet, reply, new, applied(mark)))
        if not any(c == cpu for c, ctl in applied(mark)):
            fail.append("%s: vCPU %d, which gdb addresses, applied nothing "
                        "before the reply" % (what, cpu))
        if not reply.startswith("E"):
            fail.append("%s: %s answered %r, not an error"
                        % (what, packet, reply))
        if not new:
            fail.append("%s: KVM_SET_GUEST_DEBUG was not refused" % what)
        if not any(int(x.split()[-1], 16) & mask for x in new):
            fail.append("%s: no refused state had %#x" % (what, mask))
        return mark

    def runs_through(what, mark, mask):
        """With the rule gone, the guest runs through tick, and no vCPU
        applied @mask but in the one refused call since @mark."""
        rule("")
        before = counter()
        reply, pc = run_a_while()
        after = counter()
        print("%s: ran %d passes, stop %r at %#x"
              % (what, after - before, reply, pc))
        if not reply.startswith("T02") or after == before:
            fail.append("%s: the guest did not run through tick (stop %r "
                        "at %#x, %d passes)" % (what, reply, pc,
                                                after - before))
        # The trace point fires before the ioctl: the refused call is one.
        bad = [x for x in applied(mark) if x[1] & mask]
        if len(bad) != 1 or bad[0][0] != cpu:
            fail.append("%s: vCPUs applied %#x after all: %s"
                        % (what, mask, bad))

    # 1. A refused hardware breakpoint.
    rule("set %x%s\n" % (USE_HW_BP, how))
    mark = refused_change("refused Z1", "Z1,%x,1" % tick, USE_HW_BP)
    if not r.send("z1,%x,1" % tick).startswith("E"):
        fail.append("refused Z1: z1 found it in QEMU's tables")
    runs_through("refused Z1", mark, USE_HW_BP)

    # 2. A refused software breakpoint.
    rule("set %x%s\n" % (USE_SW_BP, how))
    mark = refused_change("refused Z0", "Z0,%x,1" % tick, USE_SW_BP)
    if g.phys(tick, 1) != orig:
        fail.append("refused Z0: guest memory at tick is %s, was %s"
                    % (g.phys(tick, 1).hex(), orig.hex()))
    if not r.send("z0,%x,1" % tick).startswith("E"):
        fail.append("refused Z0: z0 found it in QEMU's tables")
    runs_through("refused Z0", mark, USE_SW_BP)

    # 3. A refused removal keeps the breakpoint, trap and all.
    if r.send("Z0,%x,1" % tick) != "OK":
        fail.append("Z0 without a rule was refused")
    planted = g.phys(tick, 1)
    rule("clear %x%s\n" % (USE_SW_BP, how))
    mark, seen = len(log()), len(refused())
    reply = r.send("z0,%x,1" % tick)
    new = refused()[seen:]
    print("refused z0: -> %r; refusals %s; applied %s"
          % (reply, new, applied(mark)))
    if not reply.startswith("E") or not new:
        fail.append("refused z0: answered %r, refusals %s" % (reply, new))
    if g.phys(tick, 1) != planted or planted == orig:
        fail.append("refused z0: the trap at tick is gone (%s, planted %s)"
                    % (g.phys(tick, 1).hex(), planted.hex()))
    rule("")
    mark = len(log())
    reply, pc = run_a_while()
    print("refused z0: stop %r at %#x" % (reply, pc))
    if how and not any(c == cpu and ctl & USE_SW_BP
                       for c, ctl in applied(mark)):
        fail.append("refused z0: vCPU %d did not apply the kept state "
                    "again after a partial refusal" % cpu)
    if not reply.startswith("T05") or pc != tick:
        fail.append("refused z0: the kept breakpoint did not stop the guest "
                    "at tick (stop %r at %#x)" % (reply, pc))
    if r.send("z0,%x,1" % tick) != "OK" or g.phys(tick, 1) != orig:
        fail.append("z0 after the refusal did not restore the guest's byte")
    err = g.close()
    if "runtime error" in err or "Sanitizer" in err:
        fail.append("sanitizer report: " + err[-2000:])


if __name__ == "__main__":
    main()
