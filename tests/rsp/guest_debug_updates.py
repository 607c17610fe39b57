#!/usr/bin/python3
"""How many KVM_SET_GUEST_DEBUG round trips to vCPU threads do gdb's
breakpoint changes cost?  Boots the x86 test guest with 4 vCPUs under KVM,
inserts and removes software breakpoints over RSP, and counts, from the
kvm_update_guest_debug trace point, the updates applied to a vCPU and the
ones skipped because nothing KVM sees changed.
  guest_debug_updates.py QEMU GUEST_BIN
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rsp import RSP, free_port  # noqa: E402

VCPUS = 4
# Code addresses of the payload (after it is copied to 1 MiB) are not
# needed: breakpoints on any addresses exercise the bookkeeping.
ADDRS = [0x100100 + 0x10 * i for i in range(8)]


def main():
    qemu, bios = sys.argv[1:3]
    here = os.path.dirname(os.path.abspath(__file__))
    usable = subprocess.run([os.path.join(here, "..", "gdb", "kvm-usable.sh"),
                             qemu], capture_output=True, text=True)
    if usable.returncode:
        print("SKIP: KVM unusable: " + usable.stdout.strip())
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        port = free_port()
        q = subprocess.Popen(
            [qemu, "-M", "pc", "-nodefaults", "-global",
             "apic-common.vapic=false", "-m", "64", "-smp", str(VCPUS),
             "-bios", bios, "-accel", "kvm", "-display", "none",
             "-monitor", "none", "-gdb", "tcp:127.0.0.1:%d" % port, "-S",
             "-trace", "enable=kvm_update_guest_debug", "-D", log],
            stderr=subprocess.DEVNULL)
        try:
            r = RSP(port)
            r.send("qSupported")

            def applied_by(packet):
                before = open(log).read().count("applied 1")
                skipped_before = open(log).read().count("applied 0")
                if r.send(packet) != "OK":
                    raise SystemExit("FAIL: %s was refused" % packet)
                text = open(log).read()
                return (text.count("applied 1") - before,
                        text.count("applied 0") - skipped_before)

            rows = []
            for a in ADDRS:
                rows.append(("Z0,%x,1" % a,) + applied_by("Z0,%x,1" % a))
            # The same breakpoint again (use count) touches nothing.
            rows.append(("Z0,%x,1 again" % ADDRS[0],)
                        + applied_by("Z0,%x,1" % ADDRS[0]))
            rows.append(("z0,%x,1 again" % ADDRS[0],)
                        + applied_by("z0,%x,1" % ADDRS[0]))
            for a in reversed(ADDRS):
                rows.append(("z0,%x,1" % a,) + applied_by("z0,%x,1" % a))
            r.close()
        finally:
            q.kill()
            q.wait()

    fail = False
    for i, (pkt, applied, skipped) in enumerate(rows):
        print("%-22s vCPU updates applied %d, skipped %d"
              % (pkt, applied, skipped))
        if applied + skipped not in (0, VCPUS):
            fail = True
    inserts = rows[:len(ADDRS)]
    # The first four breakpoints also take a debug-register slot each
    # (x86 backs software breakpoints with free slots): every vCPU
    # changes.  Further ones change nothing KVM sees.
    for pkt, applied, _ in inserts[:4]:
        if applied != VCPUS:
            print("FAIL: %s should update all %d vCPUs" % (pkt, VCPUS))
            fail = True
    for pkt, applied, _ in inserts[4:] + rows[len(ADDRS):len(ADDRS) + 2]:
        if applied:
            print("FAIL: %s changed nothing KVM sees but cost %d vCPU "
                  "round trips" % (pkt, applied))
            fail = True
    total = sum(x[1] for x in rows)
    naive = VCPUS * len(rows)
    print("total: %d vCPU round trips for %d breakpoint packets "
          "(%d without skipping, ratio %.2f)"
          % (total, len(rows), naive, total / naive))
    if fail:
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
