#!/bin/bash
# List the series of SERIES_ORDER (scripts/lib.sh), one line each, in the
# order they apply:  NAME DIR BRANCH START
# DIR is relative to the top of the checkout; BRANCH is the series' branch
# in build/qemu and START the ref it builds on.  meson.build and the mail
# tests read this, so the order is written in one place.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 0 ] || { echo "usage: $0" >&2; exit 2; }
for s in "${SERIES_ORDER[@]}"; do
    d=$(series_dir "$s")
    d=${d#"$TOP"/}
    echo "$s $d $(series_branch "$s") $(series_start "$s")"
done
