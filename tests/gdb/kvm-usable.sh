#!/bin/bash
# Exit 0 when KVM is usable here; otherwise print why and exit 1.
#   kvm-usable.sh [QEMU]
# It asks the kernel (KVM_GET_API_VERSION, KVM_CREATE_VM), never the QEMU
# under test: a QEMU that cannot start with KVM where KVM works must fail
# its tests, not skip them.  With QEMU (a qemu-system-TARGET binary), KVM
# must also run that target's guests: KVM runs only the host's own
# architecture, so qemu-system-ppc64 on an x86_64 host has no KVM host
# here (the POWER hosts of scripts/host-ppc.sh are its KVM hosts).
exec python3 - "$@" <<'PY'
import fcntl
import os
import platform
import sys

# qemu-system-TARGET -> the `uname -m` values of hosts whose KVM runs it
HOSTS = {"x86_64": ("x86_64",), "i386": ("x86_64", "i686"),
         "ppc64": ("ppc64", "ppc64le"), "ppc": ("ppc64", "ppc64le")}
if len(sys.argv) > 1:
    target = os.path.basename(sys.argv[1]).removeprefix("qemu-system-")
    machine = platform.machine()
    if target not in HOSTS:
        print("no KVM host architecture known for %s" % sys.argv[1])
        sys.exit(1)
    if machine not in HOSTS[target]:
        print("KVM here runs %s guests, not %s" % (machine, target))
        sys.exit(1)

KVM_GET_API_VERSION, KVM_CREATE_VM = 0xae00, 0xae01
try:
    fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
except OSError as e:
    print("cannot open /dev/kvm: %s" % e.strerror)
    sys.exit(1)
try:
    version = fcntl.ioctl(fd, KVM_GET_API_VERSION)
    if version != 12:
        print("KVM API version %d, not 12" % version)
        sys.exit(1)
    os.close(fcntl.ioctl(fd, KVM_CREATE_VM, 0))
except OSError as e:
    print("KVM_CREATE_VM failed: %s" % e.strerror)
    sys.exit(1)
PY
