#!/bin/bash
# git send-email --cc-cmd: print the Cc addresses for one mail of the
# series, from QEMU's own scripts/get_maintainer.pl run in the work tree.
# The cover letter goes to everybody any patch goes to.
#   scripts/cc-cmd.sh MAIL
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || { echo "usage: $0 MAIL" >&2; exit 2; }
mail=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
to=${SERIES_TO:-qemu-devel@nongnu.org}

case "$mail" in
    *0000-cover-letter.patch)
        mapfile -t mails < <(ls "$(dirname "$mail")"/*.patch | grep -v -- '-cover-letter.patch$')
        ;;
    *) mails=("$mail") ;;
esac
for m in "${mails[@]}"; do
    (cd "$WORK" && ./scripts/get_maintainer.pl --noroles --norolestats \
        --nogit --nogit-fallback "$m")
done | grep -v -i -F -x -- "$to" | sort -u
