#!/bin/bash
# Build and run the libFuzzer target for the series' pure code: the
# decision (accel/kvm/kvm-debug.c), the per-VM tables
# (accel/kvm/kvm-debug-points.c) and the x86 and ppc decoders, splits and
# encoders, checked against the harness's own model (fuzz/).  Built with
# clang, ASan and UBSan from the patched tree in build/qemu, whose
# configured build (build/qemu-build) provides config-host.h.
#   scripts/fuzz.sh [--runs N | --time SECONDS] [--jobs J]
# Default: --runs 200000 with a fixed seed (the bounded run of the test
# suite).  Crashes are written to build/fuzz/ as crash-*, with the input
# that reproduces them; the corpus grows in build/fuzz/corpus.
# Exit 0 when no input crashed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

limit=(-runs=200000 -seed=1)
jobs=1
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) limit=(-runs="$2" -seed=1); shift 2 ;;
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done

cc=$(command -v clang-14 || command -v clang) ||
    die "clang missing: run scripts/deps.sh"
[ -f "$BUILD/config-host.h" ] || die "build/qemu-build not configured: run scripts/build.sh"
out=$TOP/build/fuzz
mkdir -p "$out/corpus"
bin=$out/fuzz-kvm-debug
srcs=("$TOP"/fuzz/*.c "$WORK"/accel/kvm/kvm-debug.c
      "$WORK"/accel/kvm/kvm-debug-points.c "$WORK"/target/i386/kvm/kvm-debug.c
      "$WORK"/target/ppc/kvm-debug.c)
if [ ! -x "$bin" ] || [ -n "$(find "${srcs[@]}" "$TOP"/fuzz/*.h "$WORK"/include/system/kvm-debug*.h \
        -newer "$bin" 2>/dev/null)" ]; then
    log "building $bin with $cc"
    # shellcheck disable=SC2046
    "$cc" -g -O1 -std=gnu11 -Wall -Werror -Wno-unused-function \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -fno-strict-aliasing -fwrapv \
        -I "$BUILD" -I "$BUILD/qapi" -I "$BUILD/trace" -iquote "$TOP/fuzz" \
        -iquote "$WORK" -iquote "$WORK/include" \
        -iquote "$WORK/host/include/x86_64" -iquote "$WORK/host/include/generic" \
        -isystem "$WORK/linux-headers" -isystem "$BUILD/linux-headers" \
        $(pkg-config --cflags --libs glib-2.0) \
        -o "$bin" "${srcs[@]}" -lm
fi

cd "$out"
log "running ${limit[*]}"
set +e
"$bin" "${limit[@]}" -jobs="$jobs" -workers="$jobs" -max_len=512 \
    -print_final_stats=1 corpus > fuzz.log 2>&1
rc=$?
set -e
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY|cov:" \
    fuzz.log | tail -6
if [ $rc != 0 ]; then
    tail -40 fuzz.log
    die "the fuzz target failed (exit $rc); reproducer: $(ls "$out"/crash-* 2>/dev/null | head -1)"
fi
echo "fuzz: $(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log | tail -1) inputs, 0 crashes"
