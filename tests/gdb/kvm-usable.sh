#!/bin/bash
# Exit 0 when QEMU can use KVM here; otherwise print why and exit 1.
#   kvm-usable.sh QEMU_BINARY
qemu=$1
if [ ! -e /dev/kvm ]; then
    echo "/dev/kvm does not exist"; exit 1
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "/dev/kvm is not readable and writable by $(id -un)"; exit 1
fi
out=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
      timeout 30 "$qemu" -accel kvm -M none -display none -qmp stdio 2>&1)
if ! grep -q '"return"' <<< "$out"; then
    echo "QEMU cannot initialise KVM: $(grep -v '^{' <<< "$out" | head -n 1)"
    exit 1
fi
exit 0
