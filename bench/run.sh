#!/bin/bash
# Build (or reuse) stock QEMU from the same base, then run the benchmarks
# side by side against the patched build: RSP timings at 1, 8 and 32
# vCPUs, and the software-breakpoint lookup cost against N counted by
# callgrind.  Prints tables and ratios, and plots both to
# build/bench/bench.png (gnuplot).  Installs valgrind and gnuplot if
# missing.  A benchmark, not a test: nothing is asserted.
#   bench/run.sh [--vcpus 1,8,32] [--n 1,10,100,1000,10000]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vcpus=1,8,32
ns=1,10,100,1000,10000
while [ $# -gt 0 ]; do
    case $1 in
    --vcpus) vcpus=$2; shift 2 ;;
    --n) ns=$2; shift 2 ;;
    *) echo "usage: $0 [--vcpus LIST] [--n LIST]" >&2; exit 2 ;;
    esac
done
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
"$top/scripts/build.sh" --stock qemu-system-x86_64 >/dev/null
"$top/scripts/build.sh" qemu-system-x86_64 >/dev/null
proj=$top/build/project
[ -f "$proj/build.ninja" ] || meson setup "$proj" "$top" >/dev/null
ninja -C "$proj" >/dev/null
out=$top/build/bench
mkdir -p "$out"
stock=$top/build/stock/qemu-build/qemu-system-x86_64
patched=$top/build/qemu-build/qemu-system-x86_64
/usr/bin/python3 "$top/bench/rsp_bench.py" "$stock" "$patched" \
    "$proj/guests/x86-guest.elf" --vcpus "$vcpus" --tsv "$out/rsp.tsv"
echo
/usr/bin/python3 "$top/bench/lookup_callgrind.py" "$stock" "$patched" \
    "$proj/guests/x86-guest.bin" "$out/lookup.tsv" --n "$ns"
if [ -f "$out/rsp.tsv" ]; then
    gnuplot -e "rsp='$out/rsp.tsv'; lookup='$out/lookup.tsv'; \
                out='$out/bench.png'" "$top/bench/plot.gp"
    echo "plot: $out/bench.png"
fi
