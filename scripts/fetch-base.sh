#!/bin/bash
# Download the pinned Debian source package once into the cache, verify it
# against the .dsc checksums and unpack it (dpkg-source applies Debian's
# build patches).  Re-running reuses the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 0 ] || { echo "usage: $0" >&2; exit 2; }

stamp=$BASE_DIR/.fork-base-ok
if [ -f "$stamp" ]; then
    echo "$BASE_DIR"
    exit 0
fi

dl=$CACHE/download
mkdir -p "$dl"
dsc_name="${BASE_PKG}_${BASE_VERSION#*:}.dsc"
if [ ! -f "$dl/$dsc_name" ]; then
    log "downloading source package $BASE_PKG=$BASE_VERSION"
    (cd "$dl" && apt-get source --download-only -q "$BASE_PKG=$BASE_VERSION" >&2) ||
        die "cannot get $BASE_PKG $BASE_VERSION: apt needs a deb-src entry for" \
            "Debian sid main (scripts/deps.sh adds one) and 'apt-get update'"
fi

# Verify every file listed in the .dsc against its SHA256.
log "verifying $dsc_name"
awk '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && NF == 3 {print $1 "  " $3}' \
    "$dl/$dsc_name" > "$dl/SHA256SUMS"
[ -s "$dl/SHA256SUMS" ] || die "no Checksums-Sha256 in $dsc_name"
(cd "$dl" && sha256sum --quiet -c SHA256SUMS) || die "checksum mismatch in $dl"

rm -rf "$BASE_DIR"
mkdir -p "$(dirname "$BASE_DIR")"
log "unpacking into $BASE_DIR"
dpkg-source --require-strong-checksums -x "$dl/$dsc_name" "$BASE_DIR" >/dev/null ||
    die "dpkg-source -x failed"
touch "$stamp"
echo "$BASE_DIR"
