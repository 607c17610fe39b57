#!/bin/bash
# Exit 0 when KVM is usable here; otherwise print why and exit 1.
#   kvm-usable.sh
# It asks the kernel (KVM_GET_API_VERSION, KVM_CREATE_VM), never the QEMU
# under test: a QEMU that cannot start with KVM where KVM works must fail
# its tests, not skip them.
exec python3 - <<'PY'
import fcntl
import os
import sys

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
