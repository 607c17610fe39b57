#!/bin/bash
# Export each series from the work tree (its branch of build/qemu, see
# SERIES_ORDER in scripts/lib.sh) back into its directory as git
# format-patch mails (with a cover letter when it has more than one
# patch), write its series file, and copy every file the series add to
# the top of the checkout, where it is kept as readable source.
#   scripts/export.sh [--series NAME] [--version N] [--out DIR]
# --out writes the mails of one series (default kvm-debug) to DIR only (no
# series file, no top-level copies): the checks use it to prove patches/
# is what the work tree exports.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [--series NAME] [--version N] [--out DIR]" >&2; exit 2; }
version=
out=
only=
while [ $# -gt 0 ]; do
    case "$1" in
        --series) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
        --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
        *) usage ;;
    esac
done
[ -z "$out" ] || [ -n "$only" ] || only=kvm-debug
[ -z "$only" ] || series_start "$only" >/dev/null || die "no series $only"

[ -d "$WORK/.git" ] || die "no work tree: run scripts/prepare.sh"
g() { git -C "$WORK" "${GIT_ID[@]}" "$@"; }
[ -z "$(g status --porcelain --untracked-files=no)" ] ||
    die "uncommitted changes in $WORK: commit them on their series' branch first"

# export_one NAME DEST: the mails of one series into DEST.  A series of
# more than one patch gets a cover letter filled from its
# cover-letter.txt (subject line, blank line, body).
export_one() {
    local name=$1 dest=$2 dir range n cover subject body
    dir=$(series_dir "$name")
    range=$(series_start "$name")..$(series_branch "$name")
    n=$(g rev-list --count "$range")
    local args=(--no-signature --zero-commit)
    if [ -n "$version" ]; then args+=(-v "$version"); else args+=(--subject-prefix=PATCH); fi
    if [ "$n" -gt 1 ]; then
        [ -f "$dir/cover-letter.txt" ] || die "series $name has no cover-letter.txt"
        args+=(--numbered --cover-letter)
    fi
    mkdir -p "$dest"
    g format-patch -q "${args[@]}" -o "$dest" "$range" >/dev/null
    [ "$n" -gt 1 ] || return 0
    subject=$(head -n 1 "$dir/cover-letter.txt")
    body=$(tail -n +3 "$dir/cover-letter.txt")
    cover=$(ls "$dest"/*0000-cover-letter.patch)
    # Its date is the last patch's, so that exports are reproducible.
    python3 - "$cover" "$subject" "$body" "$(g log -1 --format=%aD "$(series_branch "$name")")" <<'PY'
import re, sys
path, subject, body, date = sys.argv[1:5]
text = open(path).read()
text = re.sub(r"^Date: .*$", "Date: " + date, text, count=1, flags=re.M)
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", body, 1)
open(path, "w").write(text)
PY
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$out" ]; then
    export_one "$only" "$out"
    exit 0
fi

for name in "${SERIES_ORDER[@]}"; do
    [ -z "$only" ] || [ "$name" = "$only" ] || continue
    dir=$(series_dir "$name")
    export_one "$name" "$tmp/$name"
    rm -f "$dir"/*.patch
    mkdir -p "$dir"
    cp "$tmp/$name"/*.patch "$dir"/
    (cd "$dir" && ls -1 ./*.patch | sed 's|^\./||' | grep -v -- '-cover-letter.patch$') \
        > "$dir/series"
    log "exported $(wc -l < "$dir/series") patches of series $name to ${dir#"$TOP"/}/"
done

# Files the series add, mirrored at the top of the checkout.
"$TOP/scripts/new-files.sh" sync
