#!/bin/bash
# Configure (once) and build the patched QEMU from build/qemu into
# build/qemu-build.  Incremental: ninja rebuilds only what changed.
#   scripts/build.sh [--stock|--asan] [ninja targets...]
# --stock builds the unpatched base (tag "base") into build/stock/qemu-build,
# for side-by-side benchmarks.
# --asan builds the patched tree with AddressSanitizer and UBSan into
# build/qemu-asan-build (x86_64 and ppc64 only), for scripts/test-asan.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$WORK
out=$BUILD
targets_list=x86_64-softmmu,ppc64-softmmu,ppc-softmmu
extra_conf=()
if [ "${1:-}" = "--asan" ]; then
    shift
    out=$ASAN_BUILD
    targets_list=x86_64-softmmu,ppc64-softmmu
    # Stop at the first error report, so that no finding goes unnoticed
    # in a test that otherwise passes.
    # No -Werror (the sanitizers make gcc warn where it otherwise does
    # not), also after meson regenerates with the native file's werror.
    extra_conf=(--enable-asan --enable-ubsan --disable-werror
                "--extra-cflags=-fno-sanitize-recover=undefined -Wno-error")
elif [ "${1:-}" = "--stock" ]; then
    shift
    src=$(stock_tree)
    out=$STOCK_BUILD
fi
case "${1:-}" in -*) echo "usage: $0 [--stock|--asan] [ninja targets...]" >&2; exit 2 ;; esac
[ -d "$src/.git" ] || "$TOP/scripts/prepare.sh"

command -v ccache >/dev/null || die "ccache missing: run scripts/deps.sh"
# A build configured with other arguments (an older checkout of these
# scripts) is configured afresh; ccache makes that cheap.
conf="$targets_list ${QEMU_CONFIGURE_ARGS[*]} ${extra_conf[*]}"
if [ -f "$out/build.ninja" ] && [ "$(cat "$out/.configure-args" 2>/dev/null)" != "$conf" ]; then
    log "configure arguments changed: configuring $out again"
    rm -rf "$out"
fi
if [ ! -f "$out/build.ninja" ]; then
    log "configuring $out"
    mkdir -p "$out"
    (cd "$out" && "$src/configure" \
        --target-list="$targets_list" "${QEMU_CONFIGURE_ARGS[@]}" \
        "${extra_conf[@]}" >"$out/configure.log" 2>&1) ||
        { tail -30 "$out/configure.log" >&2; die "configure failed ($out/configure.log)"; }
    echo "$conf" > "$out/.configure-args"
fi
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
    targets=()
    for t in ${targets_list//,/ }; do
        targets+=("qemu-system-${t%-softmmu}")
    done
    # The series' unit tests and qtests, when this tree has them (after
    # meson regenerated build.ninja for a changed meson.build).
    ninja -C "$out" build.ninja >/dev/null
    for t in $(sed -n -E "s/^build (tests\/(unit\/test-kvm-[a-z0-9-]*|qtest\/kvm-debug-test|qtest\/x86-svm-intercept-test|qtest\/x86-svm-watchpoint-test|qtest\/x86-watchpoint-irq-test|qtest\/gdbstub-rsp-test|qtest\/kvmclock-stop-test)): .*/\1/p" \
               "$out/build.ninja"); do
        targets+=("$t")
    done
fi
ninja -C "$out" "${targets[@]}"
