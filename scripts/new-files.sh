#!/bin/bash
# The files the series adds (not modifies) live twice: in the patches and,
# as readable source, at the same path at the top of this checkout.
#   scripts/new-files.sh sync    copy them from the work tree to the top
#   scripts/new-files.sh check   fail when the two disagree
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-}
case "$mode" in sync|check) ;; *) echo "usage: $0 sync|check" >&2; exit 2 ;; esac
[ -d "$WORK/.git" ] || die "no work tree: run scripts/prepare.sh"

mapfile -t added < <(git -C "$WORK" diff --name-only --diff-filter=A base "$(tip_branch)")
# Top-level directories that hold only mirrored files.
mirror_dirs=()
for f in "${added[@]}"; do
    mirror_dirs+=("$(dirname "$f")")
done

bad=0
if [ "$mode" = sync ]; then
    for d in $(printf '%s\n' "${mirror_dirs[@]}" | sort -u); do
        [ -d "$TOP/$d" ] && find "$TOP/$d" -maxdepth 1 -type f -delete
    done
fi
for f in "${added[@]}"; do
    if [ "$mode" = sync ]; then
        mkdir -p "$TOP/$(dirname "$f")"
        git -C "$WORK" show "$(tip_branch):$f" > "$TOP/$f"
    elif ! git -C "$WORK" show "$(tip_branch):$f" | cmp -s - "$TOP/$f"; then
        echo "new-files: $f differs between patches/ and the top-level copy" >&2
        bad=1
    fi
done
if [ "$mode" = check ]; then
    for d in $(printf '%s\n' "${mirror_dirs[@]}" | sort -u); do
        for f in "$TOP/$d"/*; do
            [ -f "$f" ] || continue
            rel=${f#"$TOP"/}
            printf '%s\n' "${added[@]}" | grep -qxF "$rel" || {
                echo "new-files: $rel is not added by the series" >&2
                bad=1
            }
        done
    done
    [ $bad = 0 ] && echo "new-files: ${#added[@]} files agree with the series"
fi
exit $bad
