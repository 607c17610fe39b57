#!/bin/bash
# The test command: install what is missing, fetch the base, apply the
# series, build the patched QEMU, then run every test registered in the
# top-level meson.build.  Ends with one line: N passed, N failed, N skipped.
#   scripts/test.sh [meson test arguments, e.g. --suite gdb]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,5p' "$0"; exit 0 ;; esac

start=$(date +%s)
if [ "$(id -u)" = 0 ]; then
    "$TOP/scripts/deps.sh"
else
    log "not root: assuming the packages of scripts/deps.sh are installed"
fi
"$TOP/scripts/prepare.sh"
"$TOP/scripts/build.sh" > "$TOP/build/build.log" 2>&1 ||
    { tail -40 "$TOP/build/build.log" >&2; die "QEMU build failed (build/build.log)"; }
log "QEMU built ($(($(date +%s) - start)) s so far)"

# The POWER test host runs QEMU cross built for ppc64el, patched and
# stock (the stock build shows the bug the series fixes).  Without the
# ppc64el packages (not downloadable here) its tests skip with the
# reason; with them, a build failure fails the run.
if "$TOP/scripts/ppc64el-sysroot.sh" > "$TOP/build/ppc64el-sysroot.log" 2>&1; then
    for v in "" --stock; do
        "$TOP/scripts/build-ppc64el.sh" $v > "$TOP/build/build-ppc64el$v.log" 2>&1 ||
            { tail -40 "$TOP/build/build-ppc64el$v.log" >&2;
              die "ppc64el cross build${v:+ ($v)} failed (build/build-ppc64el$v.log)"; }
    done
    log "ppc64el cross builds done ($(($(date +%s) - start)) s so far)"
    # The Book3S PR host's kernel: Debian's cannot load kvm_pr.
    rc=0
    "$TOP/scripts/kernel-pr.sh" > "$TOP/build/kernel-pr.log" 2>&1 || rc=$?
    if [ $rc = 77 ]; then
        log "linux source unavailable (build/kernel-pr.log): the Book3S PR tests will skip"
    elif [ $rc != 0 ]; then
        tail -40 "$TOP/build/kernel-pr.log" >&2
        die "Book3S PR kernel build failed (build/kernel-pr.log)"
    else
        log "Book3S PR kernel ready ($(($(date +%s) - start)) s so far)"
    fi
else
    log "ppc64el packages unavailable (build/ppc64el-sysroot.log): the POWER KVM tests will skip"
fi

proj=$TOP/build/project
if [ -f "$proj/build.ninja" ]; then
    meson setup --reconfigure "$proj" "$TOP" >/dev/null
else
    meson setup "$proj" "$TOP" >/dev/null
fi
rm -f "$proj/meson-logs/testlog.json"
set +e
meson test -C "$proj" --print-errorlogs --num-processes 2 "$@"
set -e

python3 - "$proj/meson-logs/testlog.json" "$start" <<'PY'
import json, sys, time
passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    r = json.loads(line)["result"]
    if r == "OK":
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
if passed + failed + skipped == 0:
    failed = 1
    print("test.sh: no test ran")
print(f"test.sh: {int(time.time()) - int(sys.argv[2])} s in all")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
