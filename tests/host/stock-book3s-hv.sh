#!/bin/sh
# Stock beside patched on Book3S HV (run inside scripts/host-ppc.sh, whose
# L1 has a busybox sh): the kvm-book3s case of the patched kvm-debug
# qtest, run against the unpatched QEMU of the same base, must fail on the
# stop that never comes (a software breakpoint whose exit carries the
# stale status an hcall left), within the case's bounded wait, after more
# than 1000 KVM_EXIT_DEBUG exits (the livelock).  Fails when stock stops
# at the breakpoint (the test no longer tells the two apart) or fails
# for another reason.
#   stock-book3s-hv.sh STOCK_QEMU QTEST_BINARY
stock=$1
qtest=$2
out=/tmp/stock-book3s.out
QTEST_QEMU_BINARY=$stock "$qtest" -p /ppc64/kvm-debug/kvm-book3s > "$out" 2>&1
rc=$?
sed 's/^/stock: /' "$out"
if grep -q '# SKIP' "$out"; then
    echo "SKIP: $(grep -m1 '# SKIP' "$out")"
    exit 77
fi
exits=$(sed -n 's/.*no stop reply within [0-9]* ms, after \([0-9]*\) KVM_EXIT_DEBUG.*/\1/p' "$out" | head -n 1)
if [ "$rc" != 0 ] && [ -n "$exits" ] && [ "$exits" -gt 1000 ]; then
    echo "PASS: stock QEMU never reported the stop; it resumed the trap $exits times"
    exit 0
fi
echo "FAIL: stock QEMU did not show the stale-status livelock (exit $rc)"
exit 1
