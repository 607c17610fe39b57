#!/usr/bin/python3
"""A software breakpoint gdb inserts while the vCPU is in SMM is removed
from SMRAM, where it was planted.

  smm_breakpoint.py QEMU GUEST_BIN ACCEL

The x86 test guest (own_smm = 1) moves SMBASE to 0xa0000, puts a handler
that loops for ever at 0xa8000 in SMRAM, closes SMRAM and enters SMM for
good.  Closed SMRAM is seen only with SMM's attributes: outside SMM the
same guest-physical address is the VGA window (a VGA device is added:
with nothing there, the RAM under closed SMRAM shows through).

1. gdb interrupts the guest: it is in SMM (rip 0x8000, its code at linear
   0xa8000 reads eb fe through the gdbstub, which reads in the vCPU's
   mode; QEMU's own read of guest-physical 0xa8000 does not see it).
2. Z0 at 0xa8000, c: the guest stops there (swbreak).
3. z0 must answer OK and put eb fe back in SMRAM; the guest must keep
   looping in SMM after c.  Removing through the address space of the
   vCPU's non-SMM mode (or without SMM's attributes) leaves the int3 in
   SMRAM: the guest then takes it as its own #BP, in SMM, with no
   handler.
TCG is the reference; under KVM the trap is really planted.
Fails when: the guest is not in SMM at 0x8000, does not stop at 0xa8000,
z0 is refused, SMRAM does not read eb fe after it, or the guest leaves
its loop after the last c.
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import sys
import time

from guest import Guest, finish, require_accel

HANDLER = 0xa8000


def main():
    qemu, bios, accel = sys.argv[1:4]
    require_accel(qemu, accel)
    fail = []
    # Something at 0xa0000 outside SMM, or closed SMRAM shows through.
    g = Guest(qemu, bios, accel, extra=["-device", "VGA,romfile="])
    r, s = g.rsp, g.sym
    g.run_to_payload()

    def run_a_while():
        """c, then ^C after a second: the stop reply and the pc."""
        return g.resume("c"), g.pc()

    if r.send("M%x,8:0100000000000000" % s["own_smm"]) != "OK":
        fail.append("cannot set own_smm")
    reply, pc = run_a_while()
    code = r.send("m%x,2" % HANDLER)
    outside = g.phys(HANDLER, 2).hex()
    print("in SMM: stop %r at rip %#x; gdb reads %s at %#x, "
          "QEMU's non-SMM view %s" % (reply, pc, code, HANDLER, outside))
    if pc != 0x8000 or code != "ebfe" or outside == "ebfe":
        finish(fail + ["the guest is not looping in SMRAM (rip %#x, %s, "
                       "outside SMM %s)" % (pc, code, outside)], g.close())

    reply = r.send("Z0,%x,1" % HANDLER)
    if reply != "OK":
        fail.append("Z0 in SMRAM: %r" % reply)
    reply, pc = run_a_while()
    print("Z0 in SMRAM, c: stop %r at rip %#x" % (reply, pc))
    if not reply.startswith("T05") or pc != 0x8000:
        fail.append("no stop at the breakpoint in SMRAM (%r at %#x)"
                    % (reply, pc))

    reply = r.send("z0,%x,1" % HANDLER)
    code = r.send("m%x,2" % HANDLER)
    print("z0 in SMM: %r; SMRAM then reads %s" % (reply, code))
    if reply != "OK" or code != "ebfe":
        fail.append("z0 in SMM: %r, SMRAM reads %s, not ebfe"
                    % (reply, code))
    reply, pc = run_a_while()
    code = r.send("m%x,2" % HANDLER)
    print("after z0, c: stop %r at rip %#x, SMRAM %s" % (reply, pc, code))
    if not reply.startswith("T02") or pc != 0x8000 or code != "ebfe":
        fail.append("the guest left its SMM loop after z0 (%r at %#x, %s)"
                    % (reply, pc, code))
    finish(fail, g.close())


if __name__ == "__main__":
    main()
