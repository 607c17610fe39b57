#!/bin/bash
# Send the series to qemu-devel with git send-email: the cover letter
# first, every patch threaded under it, each with the Cc that QEMU's
# scripts/get_maintainer.pl gives for it (scripts/cc-cmd.sh).  A dry run
# unless --send is given: it lists every mail with its recipients.
#   scripts/send-series.sh [--series NAME] [--send] [--version N] [--to ADDR]
#                          [--from ADDR] [--no-cc] [--smtp-server HOST]
#                          [--smtp-port PORT]
# --series NAME    which series of SERIES_ORDER (scripts/lib.sh) to send;
#                  default kvm-debug (patches/), e.g. tcg-fixes
# --version N      subject prefix [PATCH vN n/m]; keep the changes of each
#                  version in patches/cover-letter.txt
# --no-cc          only To: (for tests against a local SMTP server)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,14p' "$0" >&2; exit 2; }
send=
series=kvm-debug
version=
to=qemu-devel@nongnu.org
from=
cc=1
smtp=()
while [ $# -gt 0 ]; do
    case "$1" in
        --send) send=1; shift ;;
        --series) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
        --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
        --to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
        --from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
        --no-cc) cc=; shift ;;
        --smtp-server) [ $# -ge 2 ] || usage; smtp+=(--smtp-server="$2"); shift 2 ;;
        --smtp-port) [ $# -ge 2 ] || usage; smtp+=(--smtp-server-port="$2"); shift 2 ;;
        *) usage ;;
    esac
done
git send-email --help >/dev/null 2>&1 || die "git send-email missing: run scripts/deps.sh"
[ -d "$WORK/.git" ] || "$TOP/scripts/prepare.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -n "$version" ]; then
    "$TOP/scripts/export.sh" --series "$series" --version "$version" --out "$out"
else
    "$TOP/scripts/export.sh" --series "$series" --out "$out"
fi
[ -n "$from" ] || from=$(sed -n 's/^From: //p' "$(ls "$out"/*.patch | head -n 1)" | head -n 1)

args=(--to="$to" --from="$from" --thread --no-chain-reply-to
      --confirm=never --suppress-cc=self --8bit-encoding=UTF-8
      --transfer-encoding=8bit "${smtp[@]}")
if [ -n "$cc" ]; then
    args+=(--cc-cmd="$TOP/scripts/cc-cmd.sh")
else
    args+=(--suppress-cc=all)
fi
if [ -z "$send" ]; then
    args+=(--dry-run)
    log "dry run: nothing is sent (use --send)"
fi
# git send-email can give up on a mail and still exit 0: count results.
n=$(ls "$out"/*.patch | wc -l)
SERIES_TO=$to git -C "$WORK" send-email "${args[@]}" "$out"/*.patch 2>&1 |
    tee "$out/send.log"
ok=$(grep -c -E '^Result: (OK|250)' "$out/send.log" || true)
[ "$ok" = "$n" ] || die "only $ok of $n mails were accepted (see above)"
log "$n mails $([ -n "$send" ] && echo sent || echo checked)"
