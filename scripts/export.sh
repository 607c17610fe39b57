#!/bin/bash
# Export the series from the work tree (branch fork of build/qemu) back
# into patches/ as git format-patch mails with a cover letter, write
# patches/series, and copy every file the series adds to the top of the
# checkout, where it is kept as readable source.
#   scripts/export.sh [--version N] [--out DIR]
# --out writes the mails to DIR only (no series file, no top-level copies):
# the checks use it to prove patches/ is what the work tree exports.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [--version N] [--out DIR]" >&2; exit 2; }
version=
out=
while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
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
# Its date is the last patch's, so that exports are reproducible.
python3 - "$cover" "$subject" "$body" "$(g log -1 --format=%aD fork)" <<'PY'
import re, sys
path, subject, body, date = sys.argv[1:5]
text = open(path).read()
text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", body, 1)
open(path, "w").write(text)
PY

if [ -n "$out" ]; then
    mkdir -p "$out"
    cp "$tmp"/*.patch "$out"/
    exit 0
fi

rm -f "$PATCHES"/*.patch
mkdir -p "$PATCHES"
cp "$tmp"/*.patch "$PATCHES"/
(cd "$PATCHES" && ls -1 ./*.patch | sed 's|^\./||' | grep -v -- '-cover-letter.patch$') \
    > "$PATCHES/series"

# Files the series adds, mirrored at the top of the checkout.
"$TOP/scripts/new-files.sh" sync
log "exported $(wc -l < "$PATCHES/series") patches to patches/"
