#!/bin/bash
# Install the Debian packages needed to fetch, build and test the series.
# Idempotent: does nothing when everything is already present.
# Adds (once) a deb-src entry for sid and a deb entry for bookworm-backports,
# reusing the URI of the machine's existing Debian apt source.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS_BPO="meson python3-pycotap"
PKGS="ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev flex bison
python3-venv gdb-multiarch ccache gcc-powerpc64le-linux-gnu binutils
binutils-powerpc64le-linux-gnu libc6-dev-ppc64el-cross dpkg-dev pkg-config git python3
libslirp-dev zlib1g-dev git-email libmailtools-perl python3-aiosmtpd
clang-14 libclang-rt-14-dev bc xz-utils
gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-s390x-linux-gnu
libc6-dev-s390x-cross gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"

die() { echo "deps: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root to install packages"


missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'install ok installed' || echo "$p"
    done
}

meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version)" ge 1.5
}

list=/etc/apt/sources.list.d/qemu-kvm-debug-fork.sources
if [ ! -f "$list" ]; then
    uri=$(debian_uri)
    [ -n "$uri" ] || die "no Debian bookworm apt source found to reuse"
    cat > "$list" <<EOT
Types: deb-src
URIs: $uri
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
    # Never let sid binaries in: only its sources are wanted.
    NEED_UPDATE=1
fi

# shellcheck disable=SC2086
need=$(missing $PKGS $PKGS_BPO)
if [ -n "$need" ] || ! meson_ok || [ -n "${NEED_UPDATE:-}" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || die "apt-get update failed"
    # shellcheck disable=SC2086
    [ -z "$(missing $PKGS)" ] || apt-get install -y -q --no-install-recommends $PKGS ||
        die "could not install: $(missing $PKGS | tr '\n' ' ')"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends -t bookworm-backports $PKGS_BPO ||
        die "could not install from bookworm-backports: $PKGS_BPO"
fi
meson_ok || die "meson >= 1.5 is required (found $(meson --version 2>/dev/null))"
echo "deps: all build and test packages present"
