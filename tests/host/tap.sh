#!/bin/bash
# Run a TAP-speaking test on a real-KVM test host, for meson's tap
# protocol: when the host script exits 77 (the host cannot be had here),
# print a TAP plan that skips with its reason, so the test counts as
# skipped; every other exit status is passed through.
#   host-tap.sh HOST_SCRIPT [HOST_ARGS...] -- COMMAND [ARGS...]
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" 2> >(tee "$err" >&2)
rc=$?
wait
if [ $rc = 77 ]; then
    why=$(grep -v '^ *L1: ' "$err" | tail -n 1)
    echo "1..0 # SKIP ${why:-the test host cannot be had here}"
    exit 0
fi
exit $rc
