#!/bin/bash
# Run a TAP-speaking test on a real-KVM test host, for meson's tap
# protocol: when the host script says the host cannot be had here (exit
# 77 with its "SKIP:" or "host unavailable:" line), print a TAP plan that
# skips with its reason, so the test counts as skipped; every other exit
# status is passed through (a command's own 77 is a failure).  Once the
# host is up, it is the host the cases need: a case that skips there
# (its KVM module, machine or accelerator missing) is reported as a
# failure, and so is a run without any case (a test path that names
# none).
#   tap.sh HOST_SCRIPT [HOST_ARGS...] -- COMMAND [ARGS...]
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" 2> >(tee "$err" >&2) |
    sed -E -e 's/^ok ([0-9]+) (.*) # [Ss][Kk][Ii][Pp]\S*( (.*))?$/not ok \1 \2 - skipped on its own host:\3/' \
        -e 's/^1\.\.0([^0-9].*)?$/1..1\nnot ok 1 - no test case ran on the host/'
rc=${PIPESTATUS[0]}
wait
if [ $rc = 77 ]; then
    why=$(grep -E '^host-(x86|ppc\.sh): (SKIP|host unavailable):' "$err" | tail -n 1)
    if [ -n "$why" ]; then
        echo "1..0 # SKIP $why"
        exit 0
    fi
    echo "tap.sh: the command itself exited 77, which is not a skip" >&2
    exit 1
fi
exit $rc
