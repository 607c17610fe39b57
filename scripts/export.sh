#!/bin/bash
# Export the series from the work tree (branch fork of build/qemu) back
# into patches/ as git format-patch mails with a cover letter, write
# patches/series, and copy every file the series adds to the top of the
# checkout, where it is kept as readable source.
#   scripts/export.sh [--version N]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [--version N]" >&2; exit 2; }
version=
while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
        *) usage ;;
    esac
done

[ -d "$WORK/.git" ] || die "no work tree: run scripts/prepare.sh"
g() { git -C "$WORK" "${GIT_ID[@]}" "$@"; }
[ -z "$(g status --porcelain --untracked-files=no)" ] ||
    die "uncommitted changes in $WORK: commit them on branch fork first"

subject=$(head -n 1 "$PATCHES/cover-letter.txt")
body=$(tail -n +3 "$PATCHES/cover-letter.txt")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=(--subject-prefix=PATCH)
[ -z "$version" ] || prefix=(-v "$version")
g format-patch -q --no-signature --cover-letter --numbered "${prefix[@]}" \
    --zero-commit -o "$tmp" base..fork >/dev/null

# Fill the cover letter template with patches/cover-letter.txt.
cover=$(ls "$tmp"/*0000-cover-letter.patch)
python3 - "$cover" "$subject" "$body" <<'PY'
import sys
path, subject, body = sys.argv[1:4]
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", body, 1)
open(path, "w").write(text)
PY

rm -f "$PATCHES"/*.patch
mkdir -p "$PATCHES"
cp "$tmp"/*.patch "$PATCHES"/
(cd "$PATCHES" && ls -1 ./*.patch | sed 's|^\./||' | grep -v -- '-cover-letter.patch$') \
    > "$PATCHES/series"

# Files the series adds, mirrored at the top of the checkout.
"$TOP/scripts/new-files.sh" sync
log "exported $(wc -l < "$PATCHES/series") patches to patches/"
