#!/bin/bash
# Cross build qemu-system-ppc64, qemu-system-ppc and the kvm-debug qtest
# for ppc64el (to run inside the POWER test hosts of
# scripts/host-ppc.sh), with powerpc64le-linux-gnu-gcc --sysroot on the
# sysroot of scripts/ppc64el-sysroot.sh and ccache.  Configured once,
# minimal (KVM, every optional feature off), then incremental; configured
# again when the configuration below changes.
#   scripts/build-ppc64el.sh [--stock] [ninja targets...]
# Patched: build/qemu (branch fork) into build/qemu-ppc64el-build,
# qemu-system-ppc64 and qemu-system-ppc (the 32-bit target, run under
# Book3S PR).  --stock: the unpatched base (tag base, the tree build.sh
# --stock uses, build/stock/qemu) into build/stock/qemu-ppc64el-build,
# qemu-system-ppc64 only, configured like the patched build (few objects
# include no header the series changes, so ccache serves it almost
# nothing).
# PPC64EL_SRC=DIR builds another QEMU tree (e.g. a git worktree of
# build/qemu) into PPC64EL_BUILD (default DIR-ppc64el-build); a build
# directory stays bound to the tree it was configured for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${PPC64EL_SRC:-$WORK}
out=${PPC64EL_BUILD:-}
stock=
if [ "${1:-}" = "--stock" ]; then
    shift
    stock=1
    src=$(stock_tree)
    out=$TOP/build/stock/qemu-ppc64el-build
fi
case "${1:-}" in -*) echo "usage: $0 [--stock] [ninja targets...]" >&2; exit 2 ;; esac
[ -f "$src/configure" ] || die "no QEMU source tree in $src"
src=$(cd "$src" && pwd)
if [ -z "$out" ]; then
    if [ "$src" = "$WORK" ]; then
        out=$TOP/build/qemu-ppc64el-build
    else
        out=$src-ppc64el-build
    fi
fi

cc=powerpc64le-linux-gnu-gcc
command -v $cc >/dev/null || die "$cc missing: run scripts/deps.sh"
command -v ccache >/dev/null || die "ccache missing: run scripts/deps.sh"
sysroot=$("$TOP/scripts/ppc64el-sysroot.sh")/sysroot

if [ -f "$out/build.ninja" ] && [ "$(cat "$out/.qemu-source")" != "$src" ]; then
    die "$out was configured for $(cat "$out/.qemu-source"), not $src"
fi
# The same for stock, which builds only qemu-system-ppc64: another list
# would change the configuration every compile sees.
target_list=ppc64-softmmu,ppc-softmmu
if [ -f "$out/build.ninja" ] && [ "$(cat "$out/.target-list" 2>/dev/null)" != "$target_list" ]; then
    log "configuring $out again for $target_list"
    rm -f "$out/build.ninja"
fi
if [ ! -f "$out/build.ninja" ]; then
    log "configuring $out for $src"
    rm -rf "$out"
    mkdir -p "$out"
    echo "$src" > "$out/.qemu-source"
    # pkg-config that sees only the sysroot; meson re-runs keep using it.
    cat > "$out/ppc64el-pkg-config" <<EOT
#!/bin/sh
export PKG_CONFIG_SYSROOT_DIR='$sysroot'
export PKG_CONFIG_LIBDIR='$sysroot/usr/lib/powerpc64le-linux-gnu/pkgconfig:$sysroot/usr/share/pkgconfig'
unset PKG_CONFIG_PATH
exec pkg-config "\$@"
EOT
    chmod +x "$out/ppc64el-pkg-config"
    # configure writes the meson cross file (config-meson.cross) from these.
    (cd "$out" && PKG_CONFIG="$out/ppc64el-pkg-config" "$src/configure" \
        --cross-prefix=powerpc64le-linux-gnu- \
        --cc="ccache $cc --sysroot=$sysroot" --host-cc=gcc \
        --target-list="$target_list" --without-default-features \
        --enable-kvm --enable-fdt=system --disable-tools \
        --disable-docs --disable-install-blobs --disable-werror \
        --python=/usr/bin/python3 >"$out/configure.log" 2>&1) ||
        { tail -30 "$out/configure.log" >&2; die "configure failed ($out/configure.log)"; }
    echo "$target_list" > "$out/.target-list"
fi
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
    targets=(qemu-system-ppc64)
    [ -n "$stock" ] || targets+=(qemu-system-ppc)
    if [ -z "$stock" ] && grep -q '^build tests/qtest/kvm-debug-test:' "$out/build.ninja"; then
        targets+=(tests/qtest/kvm-debug-test)
    fi
fi
ninja -C "$out" "${targets[@]}"
