#!/usr/bin/python3
"""How many KVM_SET_GUEST_DEBUG updates do gdb's breakpoint changes cost
the vCPUs?  Boots the x86 test guest with 4 vCPUs under KVM and counts,
from the kvm_update_guest_debug trace point, the guest-debug updates each
vCPU applied (or skipped, because nothing KVM sees changed):

- while the VM is stopped, a Z0/z0/Z1/z1 packet reaches only the vCPU
  gdb addresses (vCPU 0 here), which applies the new state before the
  reply, so that KVM can refuse it (tests/rsp/guest_debug_refused.py),
  and only when what KVM sees changed: the first and the last software
  breakpoint, and each hardware point;
- each other vCPU applies the new state at most once, before it next
  runs (a vCPU that did not get to run before the next stop applies it
  at a later resume), and the addressed one not again;
- gdb's stop cycle (remove every breakpoint, insert them all again)
  leaves the state as it was: no other vCPU applies it again.
The hardware breakpoint must still stop the guest each time, so state
that never reached the vCPUs fails the test.
Fails when: any vCPU's count of applied or skipped updates differs from
the rules above, or the hardware breakpoint does not stop the guest.
  guest_debug_updates.py QEMU GUEST_BIN   (GUEST_BIN's .elf beside it)
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rsp import RSP, free_port  # noqa: E402
from guest import finish, skip_unless_usable, symbols, x86_qemu  # noqa: E402

VCPUS = 4
ADDRS = [0x300000 + 0x10 * i for i in range(8)]


def main():
    qemu, bios = sys.argv[1:3]
    sym = symbols(os.path.splitext(bios)[0] + ".elf")
    skip_unless_usable(qemu, "kvm")
    fail = []
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        port = free_port()
        q = subprocess.Popen(
            x86_qemu(qemu, bios, "kvm", VCPUS) +
            ["-gdb", "tcp:127.0.0.1:%d" % port, "-S",
             "-trace", "enable=kvm_update_guest_debug", "-D", log],
            stderr=subprocess.DEVNULL)
        try:
            r = RSP(port)
            r.send("qSupported")

            def counts():
                text = open(log).read()
                return text.count("applied 1"), text.count("applied 0")

            def applied_per_vcpu(since, applied="1"):
                lines = open(log).read().splitlines()[since:]
                per = {}
                for m in (re.search(r"cpu (\d+) .*applied %s" % applied, x)
                          for x in lines):
                    if m:
                        per[int(m.group(1))] = per.get(int(m.group(1)),
                                                        0) + 1
                return per

            def ok(packet):
                if r.send(packet) != "OK":
                    fail.append("%s was refused" % packet)

            def phase(name, packets, changes, calls):
                """@changes of the @calls updates change what KVM sees."""
                mark = len(open(log).read().splitlines())
                a0, s0 = counts()
                for p in packets:
                    ok(p)
                a1, s1 = counts()
                print("%-34s %2d packets: vCPU updates applied %d, "
                      "skipped %d" % (name, len(packets), a1 - a0, s1 - s0))
                others = {c: n for c, n in applied_per_vcpu(mark, "[01]")
                          .items() if c}
                if others:
                    fail.append("%s touched other vCPUs while stopped: %s"
                                % (name, others))
                if (a1 - a0, s1 - s0) != (changes, calls - changes):
                    fail.append("%s: vCPU 0 applied %d and skipped %d, "
                                "expected %d and %d" %
                                (name, a1 - a0, s1 - s0, changes,
                                 calls - changes))

            def resume(name, first):
                mark = len(open(log).read().splitlines())
                a0, s0 = counts()
                reply = r.send("c")
                time.sleep(0.3)
                pc = int.from_bytes(bytes.fromhex(r.send("p10")), "little")
                a1, s1 = counts()
                print("%-34s resume: vCPU updates applied %d, skipped %d; "
                      "stopped at %#x" % (name, a1 - a0, s1 - s0, pc))
                if not reply.startswith("T05") or pc != sym["tick"]:
                    fail.append("%s: no stop at the hardware breakpoint"
                                % name)
                if applied_per_vcpu(mark, "[01]").get(0):
                    fail.append("%s: vCPU 0 applied the state again" % name)
                if first and not a1 - a0:
                    fail.append("%s: the new state reached no vCPU" % name)

            # Run to the payload, so that the loop runs from RAM.
            ok("Z1,%x,1" % sym["start64"])
            r.send("c")
            ok("z1,%x,1" % sym["start64"])

            inserts = ["Z0,%x,1" % a for a in ADDRS] + \
                      ["Z1,%x,1" % sym["tick"]]
            removes = ["z0,%x,1" % a for a in ADDRS] + \
                      ["z1,%x,1" % sym["tick"]]
            mark = len(open(log).read().splitlines())
            # The first Z0 and the Z1 change what KVM sees.
            phase("insert 8 Z0 and a Z1", inserts, 2, 9)
            # A use count changes, and nothing else.
            phase("Z0 and z0 of an inserted one",
                  ["Z0,%x,1" % ADDRS[0], "z0,%x,1" % ADDRS[0]], 0, 0)
            resume("after the inserts", True)
            resume("nothing changed", False)
            # The last z0, the z1, the first Z0 and the Z1.
            phase("gdb's stop cycle", removes + inserts, 4, 18)
            resume("after the stop cycle", False)
            per = applied_per_vcpu(mark)
            print("updates applied per vCPU since the inserts: %s"
                  % dict(sorted(per.items())))
            if per.get(0) != 6:
                fail.append("vCPU 0 applied %s states, expected the 6 "
                            "changes" % per.get(0))
            for cpu, n in per.items():
                if cpu and n > 1:
                    fail.append("vCPU %d applied the same state %d times"
                                % (cpu, n))
            r.close()
        finally:
            q.kill()
            q.wait()
    finish(fail)


if __name__ == "__main__":
    main()
