#!/usr/bin/python3
"""gdb single-steps the instructions the guest single-steps itself.

  guest_tf_step.py QEMU GUEST_BIN ACCEL

The test guest (guests/x86/main.S) steps, on each pass, one instruction
with its own EFLAGS.TF in each of four windows: an OUT (own_tf_emul on;
KVM sends it to QEMU), a CPUID (KVM emulates it), a store (tf_store) and
a NOP (guest_step_insn, after the popfq at guest_set_tf that sets TF).
gdb stops at each of them with a hardware breakpoint and single-steps
it, and single-steps the popfq too, and then twice more, through the
guest's #DB handler. Then gdb steps from a hardware breakpoint right
after the NOP, whose #DB is gdb's and the guest's at once on a real KVM,
into the guest's handler; then steps the store while gdb watches it (the
watchpoint is reported; not on this machine's KVM, whose data
watchpoints never fire); a last phase steps the NOP while gdb holds
every debug register. The guest must keep its TF and get its #DB once
every time: its counts (db_count, and emul_db_count for OUT, CPUID and
store) keep pace with the loop, and it never reports a lost #DB.

Under KVM, KVM_GUESTDBG_SINGLESTEP hides TF while gdb steps and clears
it after; QEMU shows the guest's TF to gdb while it steps and puts it
back.  As under TCG, the reference, a step of an instruction the guest
steps too ends where the guest's #DB handler begins (TF clear, as the
gate left it); the popfq's step ends at the next instruction with TF
set.  The trace shows each such step's #DB decided "step" with the
guest's part, BS (DR6 0xffff4ff0), left to it, then the stop at the
handler.  With every debug register gdb's, QEMU cannot stop at the
handler: gdb stops after the NOP with TF set, and the guest takes its
#DB when it continues.
Fails when: a stop is missing or elsewhere, TF reads wrong, a count of
the guest falls behind, the guest reports a lost #DB, or the trace lacks
the path.
"""

import os
import sys
import tempfile

from guest import Guest, finish, le64, require_accel, x86_debug_exits

PASSES = 3
# This machine's emulating KVM ends a step of an OUT one instruction late
# (the trace shows the guest's BS there).
KVM_PVM = os.path.exists("/sys/module/kvm_pvm")
TF = 0x100
EFLAGS = 0x11               # gdb's register number on x86_64


def main():
    qemu, bios, accel = sys.argv[1:4]
    require_accel(qemu, accel)

    fail = []
    extra = ["-trace", "kvm_x86_handle_debug"] if accel == "kvm" else []
    tmp = tempfile.TemporaryDirectory()
    serial = os.path.join(tmp.name, "serial")
    g = Guest(qemu, bios, accel, serial=serial, extra=extra)
    log = g.trace_log()
    r = g.rsp
    s = g.sym
    g.run_to_payload()

    def mem(name):
        return le64(r.send("m%x,8" % s[name]))

    def eflags():
        return le64(r.send("p%x" % EFLAGS))

    def stop(packet, expect_pc, what):
        return g.expect_stop(packet, expect_pc, what, fail)

    def to(name, what):
        if r.send("Z1,%x,1" % s[name]) != "OK":
            fail.append("%s: Z1 at %s refused" % (what, name))
        stop("c", s[name], "%s: to %s" % (what, name))
        r.send("z1,%x,1" % s[name])

    def step(frm, nxt, tf_before, what, into_handler=True):
        """gdb's stepi at @frm: with the guest's TF set it stops where the
        guest's #DB handler begins, with TF clear (or, @into_handler
        False, at @nxt with TF set); with TF clear (the popfq) at @nxt
        with TF set."""
        if bool(eflags() & TF) != tf_before:
            fail.append("%s: TF %s before the step" % (what,
                                                       "clear" if tf_before
                                                       else "set"))
        handler = tf_before and into_handler
        stop("s", s["db_handler"] if handler else s[nxt],
             "%s: stepi at %s" % (what, frm))
        if bool(eflags() & TF) == handler:
            fail.append("%s: the guest's TF reads %s after the step"
                        % (what, "set" if handler else "clear"))

    g.poke("own_tf_emul", 1, fail)
    to("tick", "start")
    before = {n: mem(n) for n in ("counter", "db_count", "emul_db_count")}
    n0 = len(x86_debug_exits(log()))
    for p in range(PASSES):
        what = "pass %d" % p
        to("guest_step_out", what)
        step("guest_step_out", "after_step_out", True, what + ", OUT")
        to("guest_step_cpuid", what)
        step("guest_step_cpuid", "after_step_cpuid", True, what + ", CPUID")
        to("guest_step_store", what)
        step("guest_step_store", "after_step_store", True, what + ", store")
        to("guest_set_tf", what)
        step("guest_set_tf", "guest_step_insn", False, what + ", popfq")
        step("guest_step_insn", "after_guest_step", True, what + ", NOP")
        # Two more, through the guest's #DB handler.
        last = g.pc()
        for n in range(2):
            r.send("s")
            pc = g.pc()
            if not s["db_handler"] <= pc < s["bp_handler"] or pc == last:
                fail.append("%s: stepi %d after the NOP: at %#x, from %#x; "
                            "expected the next instruction of db_handler"
                            % (what, n + 1, pc, last))
            last = pc
    # gdb's hardware breakpoint right after the NOP, on the next pass: the
    # NOP's own #DB is gdb's B0 and the guest's BS at once on a real KVM,
    # so the guest's #DB is still to come when gdb stops, and gdb's step
    # enters the handler.  TCG gives
    # the guest its #DB first and stops when the handler returns, and
    # this machine's KVM reports B0 alone: their step goes on.
    to("guest_set_tf", "hbreak")
    to("after_guest_step", "hbreak")
    if accel == "kvm" and not KVM_PVM:
        stop("s", s["db_handler"], "hbreak: stepi at after_guest_step")
        if eflags() & TF:
            fail.append("hbreak: the guest's TF reads set in its handler")
    else:
        r.send("s")
        pc = g.pc()
        if pc == s["after_guest_step"] or \
                s["db_handler"] <= pc < s["bp_handler"]:
            fail.append("hbreak: stepi at after_guest_step stopped at %#x"
                        % pc)
    # gdb watches the store the guest steps: its step stops for the
    # watchpoint, after the store, and the guest takes its #DB when it
    # continues.  Not on this machine's KVM, where data watchpoints never
    # fire.
    if not (accel == "kvm" and KVM_PVM):
        to("guest_step_cpuid", "watch")
        if r.send("Z2,%x,8" % s["tf_store"]) != "OK":
            fail.append("watch: Z2 refused")
        to("guest_step_store", "watch")
        reply = r.send("s")
        if not reply.startswith("T05") or "watch:" not in reply:
            fail.append("watch: stepi at guest_step_store: %r, expected a "
                        "watchpoint stop" % reply)
        r.send("z2,%x,8" % s["tf_store"])
        if accel == "tcg":
            # Upstream TCG leaves the step's trap pending behind the
            # watchpoint and reports it at the next resume, in the
            # guest's #DB handler (not the series' code).
            stop("c", s["db_handler"], "watch: TCG's pending step")
    # gdb holds every debug register: its step stops after the NOP, and
    # the guest takes its #DB when it continues.
    hold = [s[n] for n in ("bad_count", "setup_idt", "start64",
                           "entry16")]
    for a in hold:
        if r.send("Z1,%x,1" % a) != "OK":
            fail.append("Z1 at %#x refused" % a)
    r.send("z1,%x,1" % hold[-1])
    to("guest_set_tf", "full")
    r.send("Z1,%x,1" % hold[-1])
    step("guest_set_tf", "guest_step_insn", False, "full, popfq")
    step("guest_step_insn", "after_guest_step", True, "full, NOP",
         into_handler=accel == "tcg")
    for a in hold:
        r.send("z1,%x,1" % a)
    # One more pass on its own, up to the start of the next: the guest
    # has checked its count at the end of each.
    to("tick", "after the steps")
    to("main_loop", "after the steps")
    after = {n: mem(n) for n in ("counter", "db_count", "emul_db_count")}
    print("guest counts before %s, after %s" % (before, after))
    passes = after["counter"] - before["counter"] + 1
    if passes != PASSES + 3:
        fail.append("%d passes, expected %d" % (passes, PASSES + 3))
    if after["db_count"] - before["db_count"] < passes:
        fail.append("the guest's db_count fell behind: %d #DB in %d passes"
                    % (after["db_count"] - before["db_count"], passes))
    if after["emul_db_count"] - before["emul_db_count"] < 3 * passes:
        fail.append("the guest's emul_db_count fell behind: %d #DB of OUT, "
                    "CPUID and store in %d passes"
                    % (after["emul_db_count"] - before["emul_db_count"],
                       passes))
    if accel == "kvm":
        t = x86_debug_exits(log())[n0:]
        ends = {s["after_step_out"], s["after_step_cpuid"],
                s["after_step_store"], s["after_guest_step"]}
        if KVM_PVM:
            ends.add(s["after_step_out"] + 2)
        both = [x for x in t if x[0] == 1 and x[1] in ends and
                x[2] & 0x4000 and x[3] == "step" and x[4] and
                x[5] & 0xffffffff == 0xffff4ff0]
        at_handler = [x for x in t if x[0] == 1 and
                      x[1] == s["db_handler"] and x[3] == "step" and
                      not x[4] and x[2] & 0xf]
        print("trace: %d of %d #DB exits were gdb's step and the guest's "
              "BS, %d the stop at its handler" % (len(both), len(t),
                                                  len(at_handler)))
        if len(both) < 4 * PASSES + 1:
            fail.append("%d #DB exits decided step with the guest's BS, "
                        "expected %d: %s" % (len(both), 4 * PASSES + 1, t))
        want = 4 * PASSES + (0 if KVM_PVM else 1)
        if len(at_handler) != want:
            fail.append("%d stops at the guest's handler by a debug "
                        "register, expected %d: %s"
                        % (len(at_handler), want, t))
    r.send("D")
    err = g.close()
    out = open(serial, errors="replace").read()
    if "BAD" in out or "UNEXPECTED" in out:
        fail.append("the guest reported: %r" % out)
    finish(fail, err)


if __name__ == "__main__":
    main()
