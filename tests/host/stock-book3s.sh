#!/bin/sh
# Stock beside patched on Book3S (run inside scripts/host-ppc.sh, whose L1
# has a busybox sh): the Book3S cases of the patched kvm-debug qtest, run
# against the unpatched QEMU of the same base.
#   hv  the kvm-book3s case must fail on the stop that never comes (a
#       software breakpoint whose exit carries the stale status an hcall
#       left), within the case's bounded wait, after more than 1000
#       KVM_EXIT_DEBUG exits (the livelock).  Fails when stock stops at
#       the breakpoint (the test no longer tells the two apart) or fails
#       for another reason.
#   pr  PR clears status: the kvm-book3s-pr cases (pseries, and a
#       32-bit PowerMac G3) must pass in stock qemu-system-ppc64 (the only
#       stock binary built), every stop a SIGTRAP at the breakpoint from
#       one KVM_EXIT_DEBUG.
# KVM_DEBUG_TEST_STOCK tells the cases to expect no stop reasons and no
# decision trace point.
#   stock-book3s.sh hv|pr STOCK_QEMU QTEST_BINARY
flavour=$1
stock=$2
qtest=$3
out=/tmp/stock-book3s.out
case "$flavour" in
    hv) set -- -p /ppc64/kvm-debug/kvm-book3s ;;
    pr) set -- -p /ppc64/kvm-debug/kvm-book3s-pr ;;
    *) echo "usage: $0 hv|pr STOCK_QEMU QTEST_BINARY" >&2; exit 2 ;;
esac
KVM_DEBUG_TEST_STOCK=1 QTEST_QEMU_BINARY=$stock "$qtest" "$@" > "$out" 2>&1
rc=$?
sed 's/^/stock: /' "$out"
if grep -q '# SKIP' "$out"; then
    echo "FAIL: a case skipped on its own host: $(grep -m1 '# SKIP' "$out")"
    exit 1
fi
if [ "$flavour" = pr ]; then
    passed=$(grep -c '^ok ' "$out")
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | tail -n 1)
    if [ "$rc" = 0 ] && [ -n "$planned" ] && [ "$planned" -gt 0 ] &&
       [ "$passed" = "$planned" ]; then
        echo "PASS: stock QEMU stopped at every software breakpoint under PR ($passed cases)"
        exit 0
    fi
    echo "FAIL: stock QEMU under PR: exit $rc, $passed of ${planned:-?} cases passed"
    exit 1
fi
exits=$(sed -n 's/.*no stop reply within [0-9]* ms, after \([0-9]*\) KVM_EXIT_DEBUG.*/\1/p' "$out" | head -n 1)
if [ "$rc" != 0 ] && [ -n "$exits" ] && [ "$exits" -gt 1000 ]; then
    echo "PASS: stock QEMU never reported the stop; it resumed the trap $exits times"
    exit 0
fi
echo "FAIL: stock QEMU did not show the stale-status livelock (exit $rc)"
exit 1
