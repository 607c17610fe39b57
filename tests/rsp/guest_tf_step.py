#!/usr/bin/python3
"""gdb single-steps the instructions the guest single-steps itself.

  guest_tf_step.py QEMU GUEST_BIN ACCEL

The test guest (guests/x86/main.S) steps, on each pass, one instruction
with its own EFLAGS.TF in each of three windows: an OUT (own_tf_emul on;
KVM sends it to QEMU), a CPUID (KVM emulates it) and a NOP (guest_step_insn,
after the popfq at guest_set_tf that sets TF).  gdb stops at each of them
with a hardware breakpoint and single-steps it, and single-steps the popfq
too, and then twice more, into the guest's #DB handler and through it.
The guest must keep its TF and get its #DB once every time: its counts
(db_count, and emul_db_count for OUT and CPUID) keep pace with the loop,
and it never reports a lost #DB.

Under KVM, KVM_GUESTDBG_SINGLESTEP hides TF while gdb steps and clears
it after; QEMU shows the guest's TF to gdb while it steps and puts it
back.  So after each step the guest's TF reads as set (after the popfq as
well, which sets it), gdb's step stops at the next instruction, and the
trace shows the step's #DB decided "step" with the guest's part, BS (DR6
0xffff4ff0), left to it.  TCG, the reference, delivers the guest's #DB as
part of gdb's step and stops in the guest's #DB handler.
Fails when: a stop is missing or elsewhere, TF reads clear, a count of the
guest falls behind, the guest reports a lost #DB, or the trace lacks the
path.
"""

import os
import re
import sys
import tempfile

from guest import Guest, finish, require_accel

TRACE_X86 = re.compile(r"kvm_x86_handle_debug exception (\d+) pc 0x([0-9a-f]+)"
                       r" dr6 0x([0-9a-f]+): (\S+) guest (\d) dr6 0x([0-9a-f]+)")
PASSES = 3
# This machine's emulating KVM ends a step of an OUT one instruction late.
KVM_PVM = os.path.exists("/sys/module/kvm_pvm")
TF = 0x100
EFLAGS = 0x11               # gdb's register number on x86_64


def le64(hexstr):
    return int.from_bytes(bytes.fromhex(hexstr), "little")


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
        try:
            reply = r.send(packet)
        except TimeoutError:
            fail.append("%s: no stop within %d s" % (what,
                                                     r.sock.gettimeout()))
            finish(fail, g.close())
        pc = g.pc()
        if not reply.startswith("T05") or pc != expect_pc:
            fail.append("%s: stop %s at %#x, expected T05 at %#x"
                        % (what, reply[:3], pc, expect_pc))
        return pc

    def to(name, what):
        if r.send("Z1,%x,1" % s[name]) != "OK":
            fail.append("%s: Z1 at %s refused" % (what, name))
        stop("c", s[name], "%s: to %s" % (what, name))
        r.send("z1,%x,1" % s[name])

    def step(frm, to_kvm, tf_before, what):
        """gdb's stepi at @frm; under KVM it stops at @to_kvm with the
        guest's TF set, under TCG in the guest's #DB handler (or, for the
        popfq, at the next instruction)."""
        if bool(eflags() & TF) != tf_before:
            fail.append("%s: TF %s before the step" % (what,
                                                       "clear" if tf_before
                                                       else "set"))
        want = s[to_kvm]
        if accel == "tcg" and tf_before:
            want = s["db_handler"]
        elif accel == "kvm" and KVM_PVM and frm == "guest_step_out":
            want = s[to_kvm] + 2        # after the xorl that follows
        stop("s", want, "%s: stepi at %s" % (what, frm))
        if accel == "kvm" and not eflags() & TF:
            fail.append("%s: the guest's TF reads clear after the step"
                        % what)

    if r.send("M%x,8:%s" % (s["own_tf_emul"],
                            (1).to_bytes(8, "little").hex())) != "OK":
        fail.append("could not set the guest's own_tf_emul")
    to("tick", "start")
    before = {n: mem(n) for n in ("counter", "db_count", "emul_db_count")}
    n0 = len(TRACE_X86.findall(log()))
    for p in range(PASSES):
        what = "pass %d" % p
        to("guest_step_out", what)
        step("guest_step_out", "after_step_out", True, what + ", OUT")
        to("guest_step_cpuid", what)
        step("guest_step_cpuid", "after_step_cpuid", True, what + ", CPUID")
        to("guest_set_tf", what)
        step("guest_set_tf", "guest_step_insn", False, what + ", popfq")
        step("guest_step_insn", "after_guest_step", True, what + ", NOP")
        # Two more: into the guest's #DB handler (under KVM its trap is
        # delivered first), then on through it, one instruction each.
        last = g.pc()
        for n in range(2):
            r.send("s")
            pc = g.pc()
            if not s["db_handler"] <= pc < s["bp_handler"] or pc == last:
                fail.append("%s: stepi %d after the NOP: at %#x, from %#x; "
                            "expected the next instruction of db_handler"
                            % (what, n + 1, pc, last))
            last = pc
    # One more pass on its own, up to the start of the next: the guest
    # has checked its count at the end of each.
    to("tick", "after the steps")
    to("main_loop", "after the steps")
    after = {n: mem(n) for n in ("counter", "db_count", "emul_db_count")}
    print("guest counts before %s, after %s" % (before, after))
    passes = after["counter"] - before["counter"] + 1
    if passes != PASSES + 1:
        fail.append("%d passes, expected %d" % (passes, PASSES + 1))
    if after["db_count"] - before["db_count"] < passes:
        fail.append("the guest's db_count fell behind: %d #DB in %d passes"
                    % (after["db_count"] - before["db_count"], passes))
    if after["emul_db_count"] - before["emul_db_count"] < 2 * passes:
        fail.append("the guest's emul_db_count fell behind: %d #DB of OUT "
                    "and CPUID in %d passes"
                    % (after["emul_db_count"] - before["emul_db_count"],
                       passes))
    if accel == "kvm":
        t = [(int(e), int(pc, 16), int(d6, 16), v, gp == "1", int(gd6, 16))
             for e, pc, d6, v, gp, gd6 in TRACE_X86.findall(log())[n0:]]
        ends = {s["after_step_out"], s["after_step_cpuid"],
                s["after_guest_step"]}
        if KVM_PVM:
            ends.add(s["after_step_out"] + 2)
        both = [x for x in t if x[0] == 1 and x[1] in ends and
                x[2] & 0x4000 and x[3] == "step" and x[4] and
                x[5] & 0xffffffff == 0xffff4ff0]
        print("trace: %d of %d #DB exits were gdb's step and the guest's BS"
              % (len(both), len(t)))
        if len(both) < 3 * PASSES:
            fail.append("%d #DB exits decided step with the guest's BS, "
                        "expected %d: %s" % (len(both), 3 * PASSES, t))
    r.send("D")
    err = g.close()
    out = open(serial, errors="replace").read()
    if "BAD" in out or "UNEXPECTED" in out:
        fail.append("the guest reported: %r" % out)
    finish(fail, err)


if __name__ == "__main__":
    main()
