#!/bin/bash
# Run a TAP-speaking test on a real-KVM test host, for meson's tap
# protocol: when the host script exits 77 (the host cannot be had here),
# print a TAP plan that skips with its reason, so the test counts as
# skipped; every other exit status is passed through.  Once the host is
# up, it is the host the cases need: a case that skips there (its KVM
# module, machine or accelerator missing) is reported as a failure, and
# so is a run without any case (a test path that names none).
#   host-tap.sh HOST_SCRIPT [HOST_ARGS...] -- COMMAND [ARGS...]
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" 2> >(tee "$err" >&2) |
    sed -e 's/^ok \([0-9]*\) \(.*\) # SKIP \(.*\)$/not ok \1 \2 # skipped on its own host: \3/' \
        -e 's/^1\.\.0\b.*$/1..1\nnot ok 1 no test case ran on the host/'
rc=${PIPESTATUS[0]}
wait
if [ $rc = 77 ]; then
    why=$(grep -v '^ *L1: ' "$err" | tail -n 1)
    echo "1..0 # SKIP ${why:-the test host cannot be had here}"
    exit 0
fi
exit $rc
