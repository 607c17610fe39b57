#!/bin/bash
# Compile accel/kvm/ as a KVM target whose hardware points are not in the
# VM's tables (arm, riscv, s390x, loongarch: no TARGET_KVM_HAVE_DEBUG_POINTS)
# would, which an x86 host never builds: the x86_64-softmmu compile
# commands with a copy of its config-target.h that lacks that one line.
# -Werror; objects go to a scratch directory.
#   scripts/kvm-generic-compile.sh [SRC_TREE [BUILD_DIR]]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(cd "${1:-$WORK}" && pwd)
out=$(cd "${2:-$BUILD}" && pwd)
[ -f "$out/compile_commands.json" ] || die "no configured build in $out"
[ -f "$out/x86_64-softmmu-config-target.h" ] ||
    die "no x86_64-softmmu in $out"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
grep -v '^#define TARGET_KVM_HAVE_DEBUG_POINTS ' \
    "$out/x86_64-softmmu-config-target.h" >"$scratch/config-target.h"
if grep -q TARGET_KVM_HAVE_DEBUG_POINTS "$scratch/config-target.h"; then
    die "cannot drop TARGET_KVM_HAVE_DEBUG_POINTS from config-target.h"
fi

# Generated headers (trace, qapi) first: build the real objects.
mapfile -t cmds < <(python3 - "$out/compile_commands.json" "$src" <<'PY'
import json, os, sys
tree = os.path.realpath(sys.argv[2])
for c in json.load(open(sys.argv[1])):
    f = os.path.realpath(os.path.join(c["directory"], c["file"]))
    if (os.path.dirname(f) == os.path.join(tree, "accel", "kvm")
            and "x86_64-softmmu" in c["output"]):
        print(c["output"])
        print(c["command"])
PY
)
[ ${#cmds[@]} -gt 0 ] || die "no x86_64-softmmu accel/kvm objects in $out"
objs=()
for ((i = 0; i < ${#cmds[@]}; i += 2)); do objs+=("${cmds[i]}"); done
ninja -C "$out" "${objs[@]}" >/dev/null || die "cannot build accel/kvm in $out"

rc=0
for ((i = 0; i < ${#cmds[@]}; i += 2)); do
    read -r -a args <<< "${cmds[i + 1]}"
    cmd=()
    skip=0
    for a in "${args[@]}"; do
        if [ $skip = 1 ]; then skip=0; continue; fi
        case "$a" in
            -o|-MQ|-MF) skip=1 ;;
            -MD) ;;
            *CONFIG_TARGET=*) cmd+=("-DCONFIG_TARGET=\"$scratch/config-target.h\"") ;;
            *) cmd+=("${a//\'/}") ;;
        esac
    done
    name=$(basename "${objs[i / 2]}")
    if (cd "$out" && "${cmd[@]}" -o "$scratch/$name"); then
        echo "kvm-generic-compile: ok ${objs[i / 2]}"
    else
        echo "kvm-generic-compile: FAILED ${objs[i / 2]}" >&2
        rc=1
    fi
done
exit $rc
