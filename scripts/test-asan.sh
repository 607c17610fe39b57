#!/bin/bash
# The sanitizer run (not part of scripts/test.sh, which CI runs): build
# the patched QEMU with AddressSanitizer and UBSan (scripts/build.sh
# --asan, build/qemu-asan-build; UBSan stops at the first finding), then
# run the series' unit tests, kvm-debug qtests, hostile-input and
# model-based RSP tests against it.  Ends with "N passed, N failed,
# N skipped"; a sanitizer report fails the test it occurs in.
#   scripts/test-asan.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] && "$TOP/scripts/deps.sh"
"$TOP/scripts/prepare.sh"
"$TOP/scripts/build.sh" --asan > "$TOP/build/asan-build.log" 2>&1 ||
    { tail -40 "$TOP/build/asan-build.log" >&2; die "ASan build failed"; }
# The test guests come from the project build.
proj=$TOP/build/project
[ -f "$proj/build.ninja" ] || meson setup "$proj" "$TOP" >/dev/null
ninja -C "$proj" guests/x86-guest.bin guests/x86-guest.elf >/dev/null

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
q=$ASAN_BUILD
guest=$proj/guests/x86-guest.bin
passed=0 failed=0 skipped=0
run() {
    local name=$1 rc; shift
    "$@" > "$TOP/build/asan-$name.log" 2>&1 && rc=0 || rc=$?
    if grep -qE "ERROR: AddressSanitizer|runtime error:" "$TOP/build/asan-$name.log"; then
        rc=1
    fi
    # A TAP run whose cases all skipped is skipped, not passed.
    local oks skips
    oks=$(grep -c "^ok" "$TOP/build/asan-$name.log" || true)
    skips=$(grep -c "^ok.*# SKIP" "$TOP/build/asan-$name.log" || true)
    if [ "$rc" = 0 ] && [ "$oks" -gt 0 ] && [ "$oks" = "$skips" ]; then
        rc=77
    fi
    case $rc in
    0) passed=$((passed + 1)); echo "ok      $name" ;;
    77) skipped=$((skipped + 1))
        echo "skip    $name: $(grep -m1 SKIP "$TOP/build/asan-$name.log")" ;;
    *) failed=$((failed + 1)); echo "FAIL    $name (build/asan-$name.log)"
       grep -m5 -E "ERROR: AddressSanitizer|runtime error:|FAIL|not ok" \
           "$TOP/build/asan-$name.log" || tail -5 "$TOP/build/asan-$name.log" ;;
    esac
}
for t in test-kvm-debug test-kvm-debug-x86 test-kvm-debug-points; do
    run "unit-$t" "$q/tests/unit/$t"
done
for arch in x86_64 ppc64; do
    for accel in kvm tcg; do
        QTEST_QEMU_BINARY=$q/qemu-system-$arch \
            run "qtest-$arch-$accel" "$q/tests/qtest/kvm-debug-test" \
            -p "/$arch/kvm-debug/$accel"
    done
done
for accel in kvm tcg; do
    run "hostile-$accel" /usr/bin/python3 "$TOP/tests/rsp/hostile.py" \
        "$q/qemu-system-x86_64" "$guest" "$accel"
    run "model-$accel" /usr/bin/python3 "$TOP/tests/rsp/model.py" \
        "$q/qemu-system-x86_64" "$guest" "$accel" 1 3000
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
