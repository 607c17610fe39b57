#!/bin/bash
# The main job: install what is missing, build the patched QEMU and the
# tiny x86 guest, boot it with -S and a gdb stub, and let gdb-multiarch
# set breakpoints, continue and step, printing what it saw.  Uses KVM when
# /dev/kvm is usable, TCG otherwise (and says which).
#   scripts/demo.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# = 0 ] || { echo "usage: $0" >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then
    "$TOP/scripts/deps.sh"
fi
"$TOP/scripts/prepare.sh"
log "building the patched QEMU (log: build/build.log)"
"$TOP/scripts/build.sh" > "$TOP/build/build.log" 2>&1 ||
    { tail -40 "$TOP/build/build.log" >&2; die "QEMU build failed"; }
proj=$TOP/build/project
[ -f "$proj/build.ninja" ] || meson setup "$proj" "$TOP" >/dev/null
ninja -C "$proj" >/dev/null

accel=kvm
if ! why=$("$TOP/tests/gdb/kvm-usable.sh"); then
    log "KVM unusable ($why): the demo runs under TCG"
    accel=tcg
fi
elf=$proj/guests/x86-guest.elf
serial=$(mktemp)
script=$(mktemp)
trap 'rm -f "$serial" "$script"' EXIT
cat > "$script" <<'GDB'
echo \n== stop at the 64-bit entry with a hardware breakpoint\n
hbreak start64
continue
delete
echo \n== software breakpoint in the loop: continue three times\n
break tick_body
continue
printf "   stopped at %p, ticks = %d\n", $pc, *(long *)&ticks
continue
printf "   stopped at %p, ticks = %d\n", $pc, *(long *)&ticks
continue
printf "   stopped at %p, ticks = %d\n", $pc, *(long *)&ticks
echo \n== gdb reads the real instruction at the breakpoint\n
x/2i $pc
echo \n== single steps\n
stepi
stepi
printf "   now at %p\n", $pc
echo \n== hardware breakpoint at the loop head, with the software one\n
hbreak main_loop
continue
continue
printf "   ticks = %d, guest's own #DB traps handled = %d\n", *(long *)&ticks, *(long *)&db_count
delete
echo \n== done\n
kill
GDB
log "booting guests/x86 under $accel with -S, gdb attached over a pipe"
gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
    -ex "file $elf" \
    -ex "target remote | exec $QEMU_X86 $(cat "$TOP/guests/x86/qemu-args") -bios ${elf%.elf}.bin -accel $accel -display none -monitor none -serial file:$serial -gdb stdio -S" \
    -x "$script" 2>&1 | grep -v -e "Remote communication error" -e "Error in sourced command file" \
                               -e "host doesn't support requested feature" || true
echo "== the guest's serial port said:"
sed 's/^/   /' "$serial"
