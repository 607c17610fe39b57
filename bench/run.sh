#!/bin/bash
# Build (or reuse) stock QEMU from the same base, then run the benchmarks
# side by side against the patched build.  Prints a table and ratios.
#   bench/run.sh [--vcpus 1,8,32]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/build.sh" --stock qemu-system-x86_64 >/dev/null
"$top/scripts/build.sh" qemu-system-x86_64 >/dev/null
proj=$top/build/project
[ -f "$proj/build.ninja" ] || meson setup "$proj" "$top" >/dev/null
ninja -C "$proj" >/dev/null
exec /usr/bin/python3 "$top/bench/rsp_bench.py" \
    "$top/build/qemu-stock-build/qemu-system-x86_64" \
    "$top/build/qemu-build/qemu-system-x86_64" \
    "$proj/guests/x86-guest.elf" "$@"
