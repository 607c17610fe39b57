#!/bin/bash
# Fetch (once) the Debian ppc64el pieces the POWER test hosts need, all
# with apt-get download and dpkg-deb -x, cached under $CACHE/ppc64el:
#   sysroot/   glib2, pixman, zlib, libfdt, libc and their runtime and
#              -dev dependencies: what a powerpc64le cross build of QEMU
#              links against, and what it loads when it runs in L1
#   kernel/    Debian's linux-image-*-powerpc64le (vmlinux and modules)
#   busybox/   busybox-static:ppc64el, for the L1 initramfs
#   firmware/  qemu-system-data (skiboot.lid and friends), for L0's -L
#   linux-source/  with --kernel-source only: Debian's linux-source-X.Y of
#              the kernel/ version, for the Book3S PR host's own kernel
#              (scripts/kernel-pr.sh)
# The machine's apt and dpkg are left alone: a private APT_CONFIG with its
# own sources, lists, cache and an empty dpkg status resolves and
# downloads for ppc64el only.  The security suite is left out: its
# ppc64el index does not match on the project's machines.  The archive's
# URI is the one the machine's own Debian source names.
#   scripts/ppc64el-sysroot.sh [--kernel-source]   # prints the cache directory
# Idempotent: does nothing once everything is in place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PPC=$CACHE/ppc64el
SYSROOT_PKGS="libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev libc6-dev
linux-libc-dev"
L1_KERNEL_META=${PPC_L1_KERNEL_META:-linux-image-powerpc64le}


# A private apt for ppc64el: nothing of it touches /etc/apt or /var/lib.
apt_setup() {
    local a=$PPC/apt uri
    [ -f "$a/apt.conf" ] && [ -f "$a/lists.stamp" ] && return 0
    uri=$(debian_uri)
    [ -n "$uri" ] || die "no Debian bookworm apt source found to reuse"
    mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/parts" \
             "$a/prefs" "$a/state"
    : > "$a/state/status"
    cat > "$a/sources.list" <<EOT
deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm main
deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-updates main
deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-backports main
EOT
    cat > "$a/apt.conf" <<EOT
APT::Architecture "ppc64el";
APT::Architectures { "ppc64el"; };
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Dir::State "$a/state";
Dir::State::status "$a/state/status";
Dir::State::Lists "$a/lists";
Dir::Cache "$a/cache";
Dir::Etc::SourceList "$a/sources.list";
Dir::Etc::SourceParts "$a/parts";
Dir::Etc::Parts "$a/parts";
Dir::Etc::Preferences "$a/prefs/none";
Dir::Etc::PreferencesParts "$a/prefs";
Debug::NoLocking "true";
EOT
    log "updating the private ppc64el package lists"
    APT_CONFIG=$a/apt.conf apt-get update -q >"$a/update.log" 2>&1 ||
        { tail -20 "$a/update.log" >&2; die "private apt-get update failed"; }
    touch "$a/lists.stamp"
}

papt() { APT_CONFIG=$PPC/apt/apt.conf "$@"; }

# Download the named packages (name or name/suite) into $1.  Lists older
# than the archive name versions it no longer has: refresh them once.
download() {
    local dir=$1; shift
    mkdir -p "$dir"
    (cd "$dir" && papt apt-get download -q "$@" >>"$PPC/download.log" 2>&1) &&
        return 0
    log "download failed, refreshing the private package lists"
    rm -f "$PPC/apt/lists.stamp"
    apt_setup
    (cd "$dir" && papt apt-get download -q "$@" >>"$PPC/download.log" 2>&1) ||
        { tail -20 "$PPC/download.log" >&2; die "apt-get download failed: $*"; }
}

# Extract every .deb of $1 into $2, once.
extract() {
    local debs=$1 dest=$2 d
    rm -rf "$dest.tmp"
    mkdir -p "$dest.tmp"
    for d in "$debs"/*.deb; do
        dpkg-deb -x "$d" "$dest.tmp"
    done
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
}

# Absolute symbolic links (lib/ld64.so.2 -> /lib/...) must point inside
# the sysroot for the cross linker; make them relative.
relink_absolute() {
    local root=$1 l t rel
    while IFS= read -r l; do
        t=$(readlink "$l")
        case "$t" in /*) ;; *) continue ;; esac
        rel=$(realpath -m --relative-to="$(dirname "$l")" "$root$t")
        ln -sfn "$rel" "$l"
    done < <(find "$root" -type l)
}

sysroot() {
    local pkgs
    [ -f "$PPC/sysroot.stamp" ] && return 0
    apt_setup
    # shellcheck disable=SC2086
    pkgs=$(papt apt-get -s install $SYSROOT_PKGS 2>"$PPC/resolve.err" |
           awk '/^Inst / {print $2}') ||
        { cat "$PPC/resolve.err" >&2; die "cannot resolve the sysroot packages"; }
    [ -n "$pkgs" ] || { cat "$PPC/resolve.err" >&2; die "nothing resolved"; }
    log "downloading $(wc -w <<< "$pkgs") packages for the ppc64el sysroot"
    rm -rf "$PPC/debs/sysroot"
    # shellcheck disable=SC2086
    download "$PPC/debs/sysroot" $pkgs
    extract "$PPC/debs/sysroot" "$PPC/sysroot"
    relink_absolute "$PPC/sysroot"
    touch "$PPC/sysroot.stamp"
}

l1_pieces() {
    local image
    if [ ! -f "$PPC/kernel.stamp" ]; then
        apt_setup
        image=$(papt apt-cache depends "$L1_KERNEL_META" |
                awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
        [ -n "$image" ] || die "no kernel image behind $L1_KERNEL_META"
        log "downloading $image"
        rm -rf "$PPC/debs/kernel"
        download "$PPC/debs/kernel" "$image"
        extract "$PPC/debs/kernel" "$PPC/kernel"
        touch "$PPC/kernel.stamp"
    fi
    if [ ! -f "$PPC/busybox.stamp" ]; then
        apt_setup
        rm -rf "$PPC/debs/busybox"
        download "$PPC/debs/busybox" busybox-static
        extract "$PPC/debs/busybox" "$PPC/busybox"
        touch "$PPC/busybox.stamp"
    fi
    # Architecture: all, so the ppc64el index lists it too.  The
    # backports one matches the QEMU 10 machines better than 7.2's.
    if [ ! -f "$PPC/firmware.stamp" ]; then
        apt_setup
        rm -rf "$PPC/debs/firmware"
        download "$PPC/debs/firmware" qemu-system-data/bookworm-backports
        extract "$PPC/debs/firmware" "$PPC/firmware"
        touch "$PPC/firmware.stamp"
    fi
}

# The source of the L1 kernel's version: linux-source-X.Y is
# architecture all, so the ppc64el index lists it.
kernel_source() {
    local image version
    [ -f "$PPC/linux-source.stamp" ] && return 0
    apt_setup
    image=$(find "$PPC/debs/kernel" -name 'linux-image-*.deb' | head -n 1)
    version=$(dpkg-deb -f "$image" Version)
    log "downloading linux-source-${version%.*} $version"
    rm -rf "$PPC/debs/linux-source"
    download "$PPC/debs/linux-source" "linux-source-${version%.*}=$version"
    extract "$PPC/debs/linux-source" "$PPC/linux-source"
    echo "$version" > "$PPC/linux-source/version"
    touch "$PPC/linux-source.stamp"
}

case "${1:-}" in
    ""|--kernel-source) ;;
    *) echo "usage: $0 [--kernel-source]" >&2; exit 2 ;;
esac
command -v dpkg-deb >/dev/null || die "dpkg-deb missing"
mkdir -p "$PPC"
sysroot
l1_pieces
[ "${1:-}" != --kernel-source ] || kernel_source
echo "$PPC"
