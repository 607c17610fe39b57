#!/bin/bash
# Prepare the git work tree build/qemu for hacking: the pristine base as
# commit "base", then every series of SERIES_ORDER (scripts/lib.sh)
# applied with git am, each on its own branch stacked on the one before:
# tcg-fixes, gdbstub-fixes, stop-resume, fork (the kvm-debug series,
# patches/series), then range-step; the last is checked out.
# Re-running is harmless: a work tree that already matches
# the series is left alone; one carrying unexported work is never thrown
# away unless --force is given.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [--force]" >&2; exit 2; }
force=
case "${1:-}" in
    "") ;;
    --force) force=1 ;;
    *) usage ;;
esac
[ $# -le 1 ] || usage

base=$("$TOP/scripts/fetch-base.sh")
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
g() { git -C "$WORK" "${GIT_ID[@]}" "$@"; }

if [ ! -d "$WORK/.git" ]; then
    log "creating $WORK from $base"
    rm -rf "$WORK"
    mkdir -p "$(dirname "$WORK")"
    cp -a "$base" "$WORK"
    rm -f "$WORK/.fork-base-ok"
    git -C "$WORK" init -q -b pristine
    g add -A -f .
    g commit -q -m "base: Debian $BASE_PKG $BASE_VERSION (unpacked, Debian patches applied)"
    g tag base
fi
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE

# Apply every series onto base in a scratch branch "applied"; the end of
# each series is remembered as applied-NAME.
g checkout -q --detach base 2>/dev/null || die "work tree is dirty; commit or use --force"
g branch -q -f applied base
g checkout -q applied
for name in "${SERIES_ORDER[@]}"; do
    dir=$(series_dir "$name")
    while read -r p; do
        case "$p" in ""|\#*) continue ;; esac
        [ -f "$dir/$p" ] || die "series $name names missing patch $p"
        if ! g am -q --committer-date-is-author-date "$dir/$p" 2>"$CACHE/am.err"; then
            cat "$CACHE/am.err" >&2
            g am --abort 2>/dev/null || true
            die "patch does not apply: $name/$p (see the failing hunk above)"
        fi
    done < <(cat "$dir/series" 2>/dev/null || true)
    g branch -q -f "applied-$name" applied
done

# One branch per series; a branch with unexported work is kept.
for name in "${SERIES_ORDER[@]}"; do
    b=$(series_branch "$name")
    if ! g rev-parse -q --verify "$b" >/dev/null || [ -n "$force" ]; then
        g branch -q -f "$b" "applied-$name"
    elif [ "$(g rev-parse "$b^{tree}")" != "$(g rev-parse "applied-$name^{tree}")" ]; then
        g checkout -q "$(tip_branch)"
        die "branch $b in $WORK differs from series $name: export it (scripts/export.sh) or rerun with --force"
    fi
done
g checkout -q "$(tip_branch)"
log "work tree ready: $WORK (branch $(tip_branch) = base + $(g rev-list --count "base..$(tip_branch)") patches in ${#SERIES_ORDER[@]} series)"
