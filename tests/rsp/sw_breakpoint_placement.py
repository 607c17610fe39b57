#!/usr/bin/python3
"""Where a software breakpoint may be planted under KVM: RAM, not a
device's memory.

  sw_breakpoint_placement.py QEMU GUEST_BIN

The x86 test guest under KVM with a TPM (tpm-tis on an swtpm emulator,
started here), whose Physical Presence Interface page at 0xfed45000 is
a ram_device region: host memory mapped like RAM, which the TPM's ACPI
interface reads.  At reset (no paging, so gdb's addresses are physical):

- Z0 in RAM (the guest's tick) is planted: OK, 0xcc in guest memory;
- Z0 on the PPI page is refused (E22) and the page keeps its bytes;
- Z0 on the HPET's registers (MMIO) is refused too.

`info mtree` must show the PPI page as "ramd" (a ram_device region) and
the HPET as "i/o", so each case exercises the region type it names.
Fails when: Z0 in RAM is refused or plants no 0xcc, Z0 on the PPI page
or the HPET is accepted or changes a byte there, or `info mtree` shows
another region type.
Exit 0 pass, 1 fail, 77 skip (KVM unusable)."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from guest import Guest, finish, require_accel

PPI = 0xfed45000
HPET = 0xfed00000


def main():
    qemu, bios = sys.argv[1:3]
    require_accel(qemu, "kvm")
    if not shutil.which("swtpm"):
        finish(["swtpm is not installed (scripts/deps.sh installs it)"])
    fail = []
    tmp = tempfile.TemporaryDirectory()
    sock = os.path.join(tmp.name, "swtpm-sock")
    tpm = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate",
                            "dir=" + tmp.name, "--ctrl",
                            "type=unixio,path=" + sock],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        check(qemu, bios, sock, fail)
    finally:
        tpm.kill()
        tpm.wait()


def check(qemu, bios, sock, fail):
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    else:
        finish(["swtpm did not create its socket within 10 s"])
    g = Guest(qemu, bios, "kvm",
              extra=["-chardev", "socket,id=chrtpm,path=" + sock,
                     "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                     "-device", "tpm-tis,tpmdev=tpm0"])
    r, s = g.rsp, g.sym
    mtree = g.qmp.cmd("human-monitor-command",
                      **{"command-line": "info mtree -f"})

    def region(addr):
        """The type and name of the region at @addr in the flat view."""
        for m in re.finditer(r"([0-9a-f]+)-([0-9a-f]+) \(prio -?\d+, "
                             r"([^)]+)\): (\S+)", mtree):
            if int(m.group(1), 16) <= addr <= int(m.group(2), 16):
                return m.group(3), m.group(4)
        return None, None

    for name, addr in (("PPI", PPI), ("HPET", HPET)):
        print("%s at %#x: %s" % (name, addr, region(addr)))
    if region(PPI)[0] != "ramd":
        fail.append("the PPI page is %s, not a ram_device region"
                    % (region(PPI),))
    if region(HPET)[0] != "i/o":
        fail.append("the HPET is %s, not MMIO" % (region(HPET),))

    tick = s["tick"]
    orig = g.phys(tick, 1)
    reply = r.send("Z0,%x,1" % tick)
    print("Z0 in RAM at %#x: %r, memory %s" % (tick, reply,
                                                g.phys(tick, 1).hex()))
    if reply != "OK" or g.phys(tick, 1) != b"\xcc":
        fail.append("Z0 in RAM: %r, memory %s" % (reply,
                                                  g.phys(tick, 1).hex()))
    reply = r.send("z0,%x,1" % tick)
    if reply != "OK" or g.phys(tick, 1) != orig:
        fail.append("z0 in RAM: %r, the byte is %s, was %s"
                    % (reply, g.phys(tick, 1).hex(), orig.hex()))

    before = g.phys(PPI, 16)
    reply = r.send("Z0,%x,1" % PPI)
    after = g.phys(PPI, 16)
    print("Z0 on the PPI page: %r, bytes %s -> %s"
          % (reply, before.hex(), after.hex()))
    if reply != "E22" or after != before:
        fail.append("Z0 on a ram_device region: %r, bytes %s -> %s"
                    % (reply, before.hex(), after.hex()))
    reply = r.send("Z0,%x,1" % HPET)
    print("Z0 on the HPET: %r" % reply)
    if reply != "E22":
        fail.append("Z0 on MMIO: %r" % reply)
    finish(fail, g.close())


if __name__ == "__main__":
    main()
