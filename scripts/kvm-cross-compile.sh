#!/bin/bash
# Compile the KVM sources of one other host architecture, which an x86
# host never builds, with Debian's cross compiler for it: accel/kvm/*.c
# and the target's own KVM files, with the compile flags of one of that
# target's objects in BUILD_DIR (its generated headers and
# config-target.h), linux-headers/asm-ARCH first on the include path,
# -DCONFIG_KVM -Werror, one compiler per core.  Through ccache, so a
# prefix of the series that changes nothing these files include costs
# nothing; objects go to a scratch directory.
#   scripts/kvm-cross-compile.sh ARCH [SRC_TREE [BUILD_DIR]]
# ARCH: ppc64 (the default build has ppc64-softmmu), aarch64, s390x,
# riscv64 (BUILD_DIR must be configured with ARCH-softmmu, as
# scripts/check.sh's cross build is).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '10,13p' "$0" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
arch=$1
src=$(cd "${2:-$WORK}" && pwd)
out=$(cd "${3:-$BUILD}" && pwd)
case "$arch" in
    ppc64) cc=powerpc64le-linux-gnu-gcc asm=asm-powerpc host=ppc64 tcg=ppc
           globs="target/ppc/kvm*.c" ;;
    aarch64) cc=aarch64-linux-gnu-gcc asm=asm-arm64 host=aarch64 tcg=aarch64
             globs="target/arm/kvm.c target/arm/hyp_gdbstub.c" ;;
    s390x) cc=s390x-linux-gnu-gcc asm=asm-s390 host=s390x tcg=s390x
           globs="target/s390x/kvm/kvm.c target/s390x/kvm/pv.c target/s390x/kvm/stsi-topology.c" ;;
    riscv64) cc=riscv64-linux-gnu-gcc asm=asm-riscv host=riscv tcg=riscv
             globs="target/riscv/kvm/*.c" ;;
    *) usage ;;
esac
command -v $cc >/dev/null || die "$cc missing: run scripts/deps.sh"
[ -f "$out/compile_commands.json" ] || die "no configured build in $out"
# The files, expanded in the source tree; accel/kvm/ first.
mapfile -t files < <(cd "$src" && for g in accel/kvm/*.c $globs; do
    [ -f "$g" ] && echo "$g" || echo "missing:$g"; done)
tdir=${globs%%/kvm*}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The kernel's asm headers for ARCH, under the build directory, named
# relative to it: ccache then finds the same compile for the same source
# whatever the checkout (CCACHE_BASEDIR, scripts/lib.sh).
inc=kvm-cross/$arch
mkdir -p "$out/$inc"
ln -sfn "$src/linux-headers/$asm" "$out/$inc/asm"

# The compile command of one of the target's own objects is the template.
template=$(python3 - "$out/compile_commands.json" "$arch-softmmu" "$tdir/" <<'PY'
import json, sys
db, target, tdir = sys.argv[1:4]
for c in json.load(open(db)):
    if (target in c["output"] and tdir in c["file"]
            and c["file"].endswith(".c")):
        print(c["output"])
        print(c["command"])
        break
else:
    sys.exit("no %s compile command for %s in %s" % (target, tdir, db))
PY
)
# Build that object first: it brings every generated header (trace,
# qapi, the target's decoders) up to date.
template_obj=$(head -n 1 <<< "$template")
if ! ninja -C "$out" "$template_obj" >"$out/$inc/template.log" 2>&1; then
    tail -20 "$out/$inc/template.log" >&2
    die "cannot build $template_obj in $out"
fi
read -r -a args <<< "$(tail -n 1 <<< "$template")"
flags=()
skip=0
for a in "${args[@]}"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    case "$a" in
        -o|-MQ|-MF|-c) skip=1 ;;
        -MD|-mcx16|-msse2|-fzero-call-used-regs=*|-fcf-protection*) ;;
        -m64) [ "$arch" = aarch64 ] || [ "$arch" = riscv64 ] || flags+=("$a") ;;
        */host/include/x86_64) flags+=("${a%x86_64}$host") ;;
        */tcg/i386) flags+=("${a%i386}$tcg") ;;
        *) flags+=("${a//\'/}") ;;
    esac
done
# The first word was the compiler (possibly ccache and the compiler).
while [ ${#flags[@]} -gt 0 ] && [ "${flags[0]#-}" = "${flags[0]}" ]; do
    flags=("${flags[@]:1}")
done
run_cc=("$cc")
command -v ccache >/dev/null && run_cc=(ccache "$cc")
# One compiler per core; each writes its verdict to its own file, read
# back in the files' order.
rc=0
n=0
max_jobs=$(nproc)
for rel in "${files[@]}"; do
    n=$((n + 1))
    case "$rel" in
        missing:*) echo "FAILED: no file ${rel#missing:}" > "$scratch/$n.verdict"
                   continue ;;
    esac
    while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do
        wait -n || true
    done
    (if (cd "$out" && "${run_cc[@]}" -isystem "$inc" "${flags[@]}" \
             -DCONFIG_KVM -Werror -c "$src/$rel" -o "$scratch/$n.o") \
            2> "$scratch/$n.err"; then
         echo "ok $rel"
     else
         echo "FAILED $rel"
     fi > "$scratch/$n.verdict") &
done
wait
n=0
for rel in "${files[@]}"; do
    n=$((n + 1))
    [ ! -s "$scratch/$n.err" ] || cat "$scratch/$n.err" >&2
    read -r verdict < "$scratch/$n.verdict" ||
        verdict="FAILED $rel (its compile left no verdict)"
    case "$verdict" in
        ok*) echo "kvm-cross-compile: $arch: $verdict" ;;
        *) echo "kvm-cross-compile: $arch: $verdict" >&2; rc=1 ;;
    esac
done
exit $rc
