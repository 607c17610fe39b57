#!/bin/bash
# git send-email --cc-cmd: print the Cc addresses for one mail of the
# series, from QEMU's own scripts/get_maintainer.pl run in the work tree.
# The cover letter goes to everybody any patch goes to, also the
# addresses of the patches' own Cc: trailers.
#   scripts/cc-cmd.sh MAIL
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || { echo "usage: $0 MAIL" >&2; exit 2; }
mail=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
to=${SERIES_TO:-qemu-devel@nongnu.org}

cover=
case "$mail" in
    *0000-cover-letter.patch)
        cover=1
        mapfile -t mails < <(ls "$(dirname "$mail")"/*.patch | grep -v -- '-cover-letter.patch$')
        ;;
    *) mails=("$mail") ;;
esac
for m in "${mails[@]}"; do
    (cd "$WORK" && ./scripts/get_maintainer.pl --noroles --norolestats \
        --nogit --nogit-fallback "$m")
    # and, for the cover letter, the Cc: trailers of the patches (e.g.
    # qemu-stable), which git send-email adds to each patch by itself
    if [ -n "$cover" ]; then
        sed -n '/^---$/q; s/^Cc: *//p' "$m"
    fi
done | grep -v -i -F -x -- "$to" | sort -u
