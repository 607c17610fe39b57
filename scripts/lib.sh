# Shared definitions for the scripts in this directory.  Source it.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/base.conf
. "$TOP/scripts/base.conf"

# Everything generated lives below the checkout and is git-ignored.
CACHE=${QEMU_FORK_CACHE:-$TOP/.cache}
BASE_UPSTREAM_VERSION=${BASE_VERSION#*:}
BASE_UPSTREAM_VERSION=${BASE_UPSTREAM_VERSION%-*}
BASE_DIR=$CACHE/base/$BASE_PKG-${BASE_UPSTREAM_VERSION}
WORK=$TOP/build/qemu            # git work tree: base + series
BUILD=$TOP/build/qemu-build     # QEMU build directory (patched)
# The unpatched base, laid out below build/stock/ as the patched tree is
# below build/ (tree qemu, builds qemu-build and qemu-ppc64el-build), so
# that its compiles have the same relative paths.  ccache can serve it
# only objects that include no header the series changes: measured, 11
# hits of 1673 compiles, as nearly every file includes
# include/hw/core/cpu.h.
STOCK_BUILD=$TOP/build/stock/qemu-build
ASAN_BUILD=$TOP/build/qemu-asan-build   # patched, ASan + UBSan
PATCHES=$TOP/patches
# The series, in the order they apply onto the base: each applies and
# builds on the base plus the series before it, and each goes to its own
# maintainers.  kvm-debug, the main one, lives in patches/ itself and is
# branch "fork" of build/qemu; every other series lives in patches/NAME
# and is branch NAME.  meson.build reads this list (scripts/series.sh).
SERIES_ORDER=(tcg-fixes gdbstub-fixes stop-resume kvm-debug range-step)
# The series that also apply and build on the base alone (the README
# calls them independent): range-step builds on kvm-debug.
SERIES_ALONE=(gdbstub-fixes stop-resume)
series_dir() { if [ "$1" = kvm-debug ]; then echo "$PATCHES"; else echo "$PATCHES/$1"; fi; }
series_branch() { if [ "$1" = kvm-debug ]; then echo fork; else echo "$1"; fi; }
# The branch of the last series, where every series is applied: what is
# built and tested.
tip_branch() { series_branch "${SERIES_ORDER[-1]}"; }
# The ref a series starts from: the branch of the series before it.
series_start() {
    local prev=base s
    for s in "${SERIES_ORDER[@]}"; do
        [ "$s" = "$1" ] && { echo "$prev"; return 0; }
        prev=$(series_branch "$s")
    done
    return 1
}

QEMU_X86=$BUILD/qemu-system-x86_64
QEMU_PPC64=$BUILD/qemu-system-ppc64

GIT_ID=(-c user.name="QEMU KVM debug fork" -c user.email="kvm-debug-fork@invalid")

# The URI of the machine's Debian bookworm apt source (no registry host
# name is written anywhere in the project).
debian_uri() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '/^URIs:/ {print $2; exit}' "$f")
        if [ -n "$uri" ] && grep -q 'Suites:.*bookworm\b' "$f"; then
            echo "$uri"; return 0
        fi
    done
    if [ -f /etc/apt/sources.list ]; then
        awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' \
            /etc/apt/sources.list
    fi
}

# build/stock/qemu, the unpatched base (tag base of the work tree) checked
# out for stock builds beside the patched one; prints its path.
stock_tree() {
    local src=$TOP/build/stock/qemu
    [ -d "$WORK/.git" ] || "$TOP/scripts/prepare.sh" >&2
    if [ ! -d "$src/.git" ]; then
        git clone -q --no-checkout "$WORK" "$src"
    fi
    git -C "$src" fetch -q "$WORK" base
    git -C "$src" checkout -q --detach FETCH_HEAD
    echo "$src"
}

log() { echo "${0##*/}: $*" >&2; }
die() { echo "${0##*/}: error: $*" >&2; exit 1; }

# ccache for every compile.  Paths below build/ are hashed relative to
# the compile's directory, and that directory is not hashed, so that two
# checkouts laid out alike (build/qemu + build/qemu-build, and the
# bisect's build/bisect/qemu + build/bisect/qemu-build) share cache
# entries for every file a patch leaves alone.  The cost: an object taken
# from the other checkout's entry names that checkout's directory in its
# debug information.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# configure arguments of every x86-host QEMU build (scripts/build.sh, the
# bisect of scripts/check.sh): the same arguments give the same compile
# commands, which is what lets ccache share objects between the builds.
# meson takes the compiler from configure and would not add ccache by
# itself.  -Werror explicitly: configure puts "werror = true" for a git
# tree in its native file, which meson applies over a --disable-werror
# whenever it regenerates, so the flag would change under a build.
QEMU_CONFIGURE_ARGS=(--enable-kvm --python=/usr/bin/python3
                     --disable-install-blobs --disable-docs --enable-werror
                     "--cc=ccache cc" "--cxx=ccache c++")
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP/build}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
