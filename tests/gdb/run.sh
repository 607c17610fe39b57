#!/bin/bash
# Run one gdb-multiarch session against QEMU and check what gdb printed.
#   run.sh QEMU ACCEL GUEST_ELF SCRIPT.gdb
# ACCEL: kvm or tcg, on this machine; host-hv or host-pr, KVM on a POWER
# test host (scripts/host-ppc.sh), QEMU being a ppc64el build.
# QEMU is started by gdb itself ("target remote | qemu -gdb stdio -S"), so
# no TCP port is needed; on a POWER test host gdb talks to it through
# host-ppc.sh's gdb channel (HOST_PPC_GDB=1), a virtio-serial port of L1.
# SCRIPT.gdb carries its expectations as comments:
#   # machine: x86 | ppc64 | book3s how to boot the guest
#   # expect: REGEX                 must match gdb's output, in this order
#   # next: REGEX                   must match the line right after the
#                                   previous expect's or next's match
#   # reject: REGEX                 must match nowhere in gdb's output
#   # serial: REGEX                 must match the guest's serial output
#   # kvm-path: N KIND SYM[+OFF]    under kvm, QEMU's trace shows exactly N
#                                   debug exits of KIND (sw, hw or step)
#                                   decided at SYM's address: the path the
#                                   stop came through (sw on x86: the #BP
#                                   exit, or under the emulating kvm_pvm
#                                   the emulation failure at the int3)
# Fails when: an expect/next/serial/kvm-path line is not met, a reject
# line matches, gdb times out, or QEMU or the guest cannot be started.
# Exit 0 pass, 1 fail, 77 skip (with the reason on stdout).
set -uo pipefail

[ $# = 4 ] || { echo "usage: $0 QEMU kvm|tcg|host-hv|host-pr GUEST_ELF SCRIPT.gdb" >&2; exit 2; }
qemu=$1 accel=$2 elf=$3 script=$4
here=$(cd "$(dirname "$0")" && pwd)

[ -x "$qemu" ] || { echo "FAIL: no QEMU binary at $qemu (run scripts/build.sh)"; exit 1; }
[ -f "$elf" ] || { echo "FAIL: no guest at $elf"; exit 1; }
host=
case "$accel" in
    host-hv|host-pr) host=${accel#host-} ;;
esac
if [ "$accel" = kvm ]; then
    if ! why=$("$here/kvm-usable.sh" "$qemu"); then
        echo "SKIP: KVM unusable: $why"
        exit 77
    fi
fi

machine=$(sed -n 's/^# machine: *//p' "$script")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
serial=$tmp/serial.txt
case "$machine" in
    x86)
        img=${elf%.elf}.bin
        qargs="$(cat "$here/../../guests/x86/qemu-args") -bios $img"
        ;;
    ppc64)
        qargs="-M ppce500 -cpu e5500 -m 256 -nodefaults -bios $elf"
        ;;
    book3s)
        # pseries with our own firmware (guests/ppc/book3s.S).  The cache
        # flush, indirect branch and count cache flush assists default
        # to levels kvm on QEMU's powernv9 refuses; PR has neither the
        # large decrementer, nor FWNMI, nor AIL mode 3.
        m="pseries,cap-cfpc=broken,cap-ibs=broken,cap-ccf-assist=off"
        case "$host" in
            hv) qargs="-M $m,kvm-type=HV -cpu host" ;;
            pr) qargs="-M $m,kvm-type=PR,cap-large-decr=off,cap-fwnmi=off,cap-ail-mode-3=off -cpu host" ;;
            *) qargs="-M $m -cpu POWER9" ;;
        esac
        qargs+=" -m 256M -nodefaults -bios ${elf%.elf}.bin"
        ;;
    *) echo "FAIL: $script names no known machine"; exit 1 ;;
esac
gdbargs=()
if [ -n "$host" ]; then
    # The serial output stays in L1: scripts for a host expect none.
    qargs+=" -accel kvm -display none -monitor none -no-reboot -serial none"
    qargs+=" -chardev pipe,id=gdb,path=/dev/gdb-port -gdb chardev:gdb -S"
    # The first packets wait in the port until L1 is up and QEMU runs.
    gdbargs=(-ex "set remotetimeout 120"
             -ex "target remote | exec env HOST_PPC_GDB=1 $here/../../scripts/host-ppc.sh $host -- $qemu $qargs")
else
    if [ "$accel" = kvm ]; then
        # Which exit each stop came through (# kvm-path:)
        case "$machine" in
            x86) qargs+=" -trace kvm_x86_handle_debug"
                 qargs+=" -trace kvm_emulation_failure_at_breakpoint" ;;
            *) qargs+=" -trace kvm_handle_debug_decision" ;;
        esac
        qargs+=" -trace kvm_debug_range_step"
        qargs+=" -D $tmp/trace.log"
    fi
    qargs+=" -accel $accel -display none -monitor none -no-reboot"
    qargs+=" -serial file:$serial -gdb stdio -S"
    gdbargs=(-ex "target remote | exec $qemu $qargs")
fi

timeout 600 gdb-multiarch -nx -batch \
    -ex "set pagination off" -ex "set confirm off" \
    -ex "file $elf" \
    "${gdbargs[@]}" \
    -x "$script" > "$tmp/gdb.out" 2>&1
status=$?
if [ -n "$host" ] && grep -q '^host-ppc.sh: host unavailable:' "$tmp/gdb.out"; then
    echo "SKIP: $(grep -m1 '^host-ppc.sh: host unavailable:' "$tmp/gdb.out")"
    exit 77
fi
# QEMU dies with the session; make sure of it (its serial path is unique).
pkill -f -- "$serial" 2>/dev/null && sleep 0.2

fail=0
out=$tmp/gdb.out
pos=0
while IFS= read -r line; do
    # Sequential matching: each expectation after the previous match; a
    # "next" on the line right after it.
    kind=${line%%:*} re=${line#*: }
    if [ "$kind" = next ]; then
        if sed -n "$((pos + 1))p" "$out" | grep -q -E -- "$re"; then
            pos=$((pos + 1))
            continue
        fi
        echo "FAIL: expected on line $((pos + 1)): $re"
        fail=1
        break
    fi
    hit=$(tail -n +$((pos + 1)) "$out" | grep -n -m1 -E -- "$re" | cut -d: -f1)
    if [ -z "$hit" ]; then
        echo "FAIL: expected (after line $pos): $re"
        fail=1
        break
    fi
    pos=$((pos + hit))
done < <(sed -n -E 's/^# (expect|next): */\1: /p' "$script")
while IFS= read -r re; do
    if grep -q -E -- "$re" "$out"; then
        echo "FAIL: rejected output present: $re"
        fail=1
    fi
done < <(sed -n 's/^# reject: *//p' "$script")
while IFS= read -r re; do
    if ! grep -q -E -- "$re" "$serial" 2>/dev/null; then
        echo "FAIL: guest serial output lacks: $re"
        fail=1
    fi
done < <(sed -n 's/^# serial: *//p' "$script")
# The regex of one decided exit, per machine (the trace formats of
# target/i386/kvm/trace-events, accel/kvm/trace-events and
# target/ppc/trace-events).
path_re() {
    local kind=$1 pc=$2
    case "$machine:$kind" in
        # kvm_pvm emulates the guest and gives its int3 back as an
        # emulation failure; a real kernel intercepts #BP.
        x86:sw) if [ -d /sys/module/kvm_pvm ]; then
                    echo "kvm_emulation_failure_at_breakpoint cpu [0-9]+ pc 0x$pc software breakpoint 1"
                else
                    echo "kvm_x86_handle_debug exception 3 pc 0x$pc dr6 0x[0-9a-f]+: sw-breakpoint "
                fi ;;
        x86:hw) echo "kvm_x86_handle_debug exception 1 pc 0x$pc dr6 0x[0-9a-f]+: hw-breakpoint " ;;
        x86:step) echo "kvm_x86_handle_debug exception 1 pc 0x$pc dr6 0x[0-9a-f]+: step " ;;
        *:sw) echo "kvm_handle_debug_decision pc 0x$pc status 0x[0-9a-f]+: sw-breakpoint$" ;;
        *:hw) echo "kvm_handle_debug_decision pc 0x$pc status 0x[0-9a-f]+: hw-breakpoint$" ;;
        *:step) echo "kvm_handle_debug_decision pc 0x$pc status 0x[0-9a-f]+: step$" ;;
        # a step of a range step that went on (accel/kvm/trace-events)
        *:range) echo "kvm_debug_range_step cpu [0-9]+ steps on at 0x$pc$" ;;
        *) return 1 ;;
    esac
}
if [ "$accel" = kvm ]; then
    while read -r n kind where; do
        sym=${where%%+*} off=0
        [ "$sym" != "$where" ] && off=${where#*+}
        addr=$(nm "$elf" | awk -v s="$sym" '$3 == s { print $1; exit }')
        if [ -z "$addr" ] || ! re=$(path_re "$kind" "$(printf '%x' $((16#$addr + off)))"); then
            echo "FAIL: bad kvm-path line: $n $kind $where"
            fail=1
            continue
        fi
        got=$(grep -c -E -- "$re" "$tmp/trace.log" 2>/dev/null)
        if [ "${got:-0}" != "$n" ]; then
            echo "FAIL: kvm-path: $got $kind exits at $where, expected $n ($re)"
            path_fail=1
            fail=1
        fi
    done < <(sed -n 's/^# kvm-path: *//p' "$script")
fi
[ $status = 124 ] && { echo "FAIL: gdb session timed out"; fail=1; }

if [ $fail != 0 ]; then
    echo "---- gdb output ($(basename "$script"), $accel) ----"
    cat "$out"
    echo "---- guest serial ----"
    cat "$serial" 2>/dev/null
    if [ -n "${path_fail:-}" ]; then
        echo "---- QEMU trace ----"
        tail -n 60 "$tmp/trace.log"
    fi
    exit 1
fi
if [ -n "${GDB_TEST_VERBOSE:-}" ]; then
    cat "$out"
    [ -f "$tmp/trace.log" ] && { echo "---- QEMU trace ----"; cat "$tmp/trace.log"; }
fi
echo "PASS: $(basename "$script") under $accel"
exit 0
