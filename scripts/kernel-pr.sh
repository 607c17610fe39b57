#!/bin/bash
# Build (once) the L1 kernel of the Book3S PR test host: Debian's linux
# source of the same version as the HV host's kernel (fetched by
# scripts/ppc64el-sysroot.sh --kernel-source), cross built for ppc64le
# from allnoconfig plus scripts/kernel-pr.config, with kvm.ko and
# kvm-pr.ko as modules.  Debian's own ppc64el kernels cannot load kvm_pr
# (CONFIG_NO_HZ_FULL=y excludes it).
#   scripts/kernel-pr.sh        # prints the kernel directory
# Exits 77 when the source cannot be fetched, 1 when it does not build.
# The directory has the layout of an unpacked linux-image package
# (boot/vmlinux-VERSION, lib/modules/VERSION/...), so scripts/host-ppc.sh
# treats both kernels alike.  Cached under $CACHE/kernel-pr, keyed by the
# source version and the configuration fragment; built with -j$(nproc)
# and ccache, about 8 minutes on two cores with a cold cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 0 ] || { echo "usage: $0" >&2; exit 2; }
fragment=$TOP/scripts/kernel-pr.config
cross=powerpc64le-linux-gnu-
command -v ${cross}gcc >/dev/null || die "${cross}gcc missing: run scripts/deps.sh"

# Exit 77: the source package cannot be fetched here.
ppc=$("$TOP/scripts/ppc64el-sysroot.sh" --kernel-source) ||
    { log "the ppc64el packages or the linux source could not be fetched"; exit 77; }
version=$(cat "$ppc/linux-source/version")
tarball=$(find "$ppc/linux-source/usr/src" -maxdepth 1 -name 'linux-source-*.tar.xz' | head -n 1)
[ -n "$tarball" ] || die "no linux-source tarball in $ppc/linux-source"

key=$version-$(sha1sum < "$fragment" | cut -c1-12)
dir=$CACHE/kernel-pr/$key
mkdir -p "$CACHE/kernel-pr"
exec 9> "$CACHE/kernel-pr/lock"
flock 9
if [ ! -f "$dir/done" ]; then
    src=$CACHE/kernel-pr/src-$version
    obj=$CACHE/kernel-pr/obj-$key
    if [ ! -f "$src/Makefile" ]; then
        log "unpacking $(basename "$tarball")"
        rm -rf "$src" "$src.tmp"
        mkdir -p "$src.tmp"
        tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
        mv "$src.tmp" "$src"
    fi
    k() {
        make -C "$src" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" \
             CC="ccache ${cross}gcc" \
             KBUILD_BUILD_USER=kvm-debug KBUILD_BUILD_HOST=kernel-pr \
             "$@"
    }
    log "building the Book3S PR kernel $version in $obj (log: $obj/build.log)"
    mkdir -p "$obj"
    k -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$obj/build.log" 2>&1 ||
        { tail -20 "$obj/build.log" >&2; die "kernel configuration failed"; }
    # allnoconfig drops what the fragment asks for when a dependency is
    # missing: say which, rather than build a kernel without it.
    lost=$(grep -E '^CONFIG_[A-Z0-9_]+=[ym]' "$fragment" | while IFS= read -r want; do
               grep -qx "$want" "$obj/.config" || echo "$want"
           done)
    [ -z "$lost" ] || die "configuration lost: ${lost//$'\n'/ }"
    k -j"$(nproc)" vmlinux modules >>"$obj/build.log" 2>&1 ||
        { tail -30 "$obj/build.log" >&2; die "kernel build failed ($obj/build.log)"; }
    release=$(k -s kernelrelease)
    rm -rf "$dir"
    mkdir -p "$dir/boot"
    k -s INSTALL_MOD_PATH="$dir" DEPMOD=true modules_install >>"$obj/build.log" 2>&1 ||
        { tail -20 "$obj/build.log" >&2; die "modules_install failed"; }
    rm -f "$dir/lib/modules/$release/build" "$dir/lib/modules/$release/source"
    cp "$obj/vmlinux" "$dir/boot/vmlinux-$release"
    cp "$obj/.config" "$dir/boot/config-$release"
    touch "$dir/done"
    # Only the result is kept (about 10 MB; tree and objects: 1.5 GB).
    rm -rf "$obj" "$src"
fi
echo "$dir"
