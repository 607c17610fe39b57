#!/bin/bash
# Compile the ppc KVM sources, which an x86 host never builds, with the
# powerpc64le cross compiler: the x86 build's generated headers and compile
# flags for ppc64-softmmu, linux-headers/asm-powerpc first on the include
# path, -DCONFIG_KVM -Werror.  Objects go to a scratch directory.
#   scripts/ppc-kvm-compile.sh [SRC_TREE [BUILD_DIR]]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(cd "${1:-$WORK}" && pwd)
out=$(cd "${2:-$BUILD}" && pwd)
cc=powerpc64le-linux-gnu-gcc
command -v $cc >/dev/null || die "$cc missing: run scripts/deps.sh"
[ -f "$out/compile_commands.json" ] || die "no configured build in $out"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/inc"
ln -s "$src/linux-headers/asm-powerpc" "$scratch/inc/asm"

# The compile command of a ppc64-softmmu object is the template.
template=$(python3 - "$out/compile_commands.json" <<'PY'
import json, shlex, sys
for c in json.load(open(sys.argv[1])):
    if (c["file"].endswith("target/ppc/arch_dump.c")
            and "ppc64-softmmu" in c["output"]):
        print(c["output"])
        print(c["command"])
        break
else:
    sys.exit("no ppc64-softmmu compile command found")
PY
)

# Build that object first: it brings every generated header (trace,
# qapi) of the target up to date.
template_obj=$(head -n 1 <<< "$template")
ninja -C "$out" "$template_obj" >/dev/null ||
    die "cannot build $template_obj in $out"
read -r -a args <<< "$(tail -n 1 <<< "$template")"
flags=()
skip=0
for a in "${args[@]:1}"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    case "$a" in
        -o|-MQ|-MF|-c) skip=1 ;;
        -MD|-mcx16|-msse2|-fzero-call-used-regs=*) ;;
        */host/include/x86_64) flags+=("${a%x86_64}ppc64") ;;
        */tcg/i386) flags+=("${a%i386}ppc") ;;
        *) flags+=("${a//\'/}") ;;
    esac
done

rc=0
for f in "$src"/target/ppc/kvm*.c; do
    rel=${f#"$src"/}
    if (cd "$out" && $cc -isystem "$scratch/inc" "${flags[@]}" \
            -DCONFIG_KVM -Werror -c "$f" -o "$scratch/$(basename "$f").o"); then
        echo "ppc-kvm-compile: ok $rel"
    else
        echo "ppc-kvm-compile: FAILED $rel" >&2
        rc=1
    fi
done
exit $rc
