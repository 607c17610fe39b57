#!/usr/bin/python3
"""A vCPU hot-plugged while gdb has breakpoints inserted gets them.

  guest_debug_hotplug.py QEMU GUEST_BIN

The x86 test guest under KVM with -smp 1,maxcpus=2: gdb inserts a
software and a hardware breakpoint, then a second vCPU is plugged in
(QMP device_add, the type and properties query-hotpluggable-cpus
offers) while the VM is stopped, and gdb continues.  KVM creates a vCPU
with guest debugging off, so the new vCPU must apply the state before it
runs: the kvm_update_guest_debug trace must show it (cpu 1) applying
a control word with KVM_GUESTDBG_USE_SW_BP and USE_HW_BP.  The test
guest never starts its second CPU, so the trace is the proof; the first
vCPU must still stop at one of the breakpoints.
Fails when: the plugged vCPU never applies SW_BP|HW_BP (no such trace
line for cpu 1), a Z packet is refused, or vCPU 0 does not stop.
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import re
import sys
import time

from guest import Guest, finish, require_accel

USE_SW_BP = 0x10000
USE_HW_BP = 0x20000
CALL = re.compile(r"kvm_update_guest_debug cpu (\d+) control 0x([0-9a-f]+)"
                  r" applied (\d)")


def main():
    qemu, bios = sys.argv[1:3]
    require_accel(qemu, "kvm")
    fail = []
    g = Guest(qemu, bios, "kvm", extra=["-smp", "1,maxcpus=2", "-trace",
                                        "kvm_update_guest_debug"])
    log = g.trace_log()
    r, s = g.rsp, g.sym
    g.run_to_payload()
    for p in ("Z0,%x,1" % s["main_loop"], "Z1,%x,1" % s["tick"]):
        if r.send(p) != "OK":
            fail.append("%s refused" % p)

    free = [c for c in g.qmp.cmd("query-hotpluggable-cpus")
            if "qom-path" not in c]
    if not free:
        finish(["no hot-pluggable CPU slot offered"], g.close())
    props = dict(free[0]["props"])
    g.qmp.cmd("device_add", driver=free[0]["type"], id="cpu1", **props)
    stop = r.send("c")
    time.sleep(0.5)
    pc = g.pc()
    calls = [(int(c), int(ctl, 16), a == "1")
             for c, ctl, a in CALL.findall(log())]
    print("after the hot-plug: stop %r at %#x; cpu 1's calls %s"
          % (stop, pc, [(hex(ctl), a) for c, ctl, a in calls if c == 1]))
    if not stop.startswith("T05") or pc not in (s["main_loop"], s["tick"]):
        fail.append("vCPU 0 did not stop at a breakpoint "
                    "(%r at %#x)" % (stop, pc))
    want = USE_SW_BP | USE_HW_BP
    if not any(c == 1 and a and ctl & want == want for c, ctl, a in calls):
        fail.append("the hot-plugged vCPU never applied the breakpoints")
    finish(fail, g.close())


if __name__ == "__main__":
    main()
