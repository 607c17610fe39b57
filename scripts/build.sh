#!/bin/bash
# Configure (once) and build the patched QEMU from build/qemu into
# build/qemu-build.  Incremental: ninja rebuilds only what changed.
#   scripts/build.sh [--stock] [ninja targets...]
# --stock builds the unpatched base (tag "base") into build/qemu-stock-build,
# for side-by-side benchmarks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$WORK
out=$BUILD
if [ "${1:-}" = "--stock" ]; then
    shift
    src=$TOP/build/qemu-stock
    out=$STOCK_BUILD
    [ -d "$WORK/.git" ] || "$TOP/scripts/prepare.sh"
    if [ ! -d "$src/.git" ]; then
        git clone -q --no-checkout "$WORK" "$src"
    fi
    git -C "$src" fetch -q "$WORK" base
    git -C "$src" checkout -q --detach FETCH_HEAD
fi
case "${1:-}" in -*) echo "usage: $0 [--stock] [ninja targets...]" >&2; exit 2 ;; esac
[ -d "$src/.git" ] || "$TOP/scripts/prepare.sh"

command -v ccache >/dev/null || die "ccache missing: run scripts/deps.sh"
if [ ! -f "$out/build.ninja" ]; then
    log "configuring $out"
    mkdir -p "$out"
    (cd "$out" && "$src/configure" \
        --target-list=x86_64-softmmu,ppc64-softmmu,ppc-softmmu \
        --enable-kvm --python=/usr/bin/python3 --disable-install-blobs \
        --disable-docs --disable-werror >"$out/configure.log" 2>&1) ||
        { tail -30 "$out/configure.log" >&2; die "configure failed ($out/configure.log)"; }
fi
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
    targets=(qemu-system-x86_64 qemu-system-ppc64 qemu-system-ppc)
    # The series' unit tests and qtests, when this tree has them.
    for t in $(sed -n -E "s/^build (tests\/(unit\/test-kvm-[a-z0-9-]*|qtest\/kvm-debug-test)): .*/\1/p" \
               "$out/build.ninja"); do
        targets+=("$t")
    done
fi
ninja -C "$out" "${targets[@]}"
