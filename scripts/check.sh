#!/bin/bash
# The series checks.  Each prints one line and exits 0 (pass) or 1 (fail).
#   scripts/check.sh checkpatch PATCH   QEMU's checkpatch.pl on one patch
#   scripts/check.sh roundtrip          each series' directory is exactly
#                                       what the work tree exports
#                                       (git am + format-patch)
#   scripts/check.sh new-files          top-level copies match the series
#   scripts/check.sh bisect [full|quick]  every prefix of every series
#                                       builds (full: the whole configured
#                                       tree; quick: what it touches, the
#                                       tests each series adds at its end,
#                                       the whole tree at the stack's end),
#                                       and
#                                       the KVM files of ppc64, aarch64,
#                                       s390x and riscv64 cross compile
#   scripts/check.sh kvm-cross          those cross compiles, all series
#   scripts/check.sh kvm-generic        compile accel/kvm/ as a target
#                                       without TARGET_KVM_HAVE_DEBUG_POINTS
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,17p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage

# checkpatch.pl exits 0 on warnings: any warning fails here, but for one
# allow-listed case.  checkpatch asks "Does MAINTAINERS need updating?"
# whenever a patch adds a file without touching MAINTAINERS; that is
# accepted only when MAINTAINERS (of the work tree, the whole series
# applied) names a maintainer or list for every file it lists, beyond
# the catch-all qemu-devel entry.
check_checkpatch() {
    local p=$1 out f bad=0
    [ -f "$p" ] || p=$PATCHES/$p
    [ -f "$p" ] || die "no such patch: $1"
    # One file per run: the test command runs checks in parallel.
    out=$(mktemp)
    (cd "$WORK" && ./scripts/checkpatch.pl "$p" > "$out" 2>&1) || bad=1
    grep -q '^total: 0 errors, 0 warnings' "$out" || bad=1
    if [ $bad = 1 ] && grep -q '^total: 0 errors, 1 warnings' "$out" &&
       grep -q '^WARNING: added, moved or deleted file(s):' "$out"; then
        bad=0
        for f in $(sed -n '/^WARNING: added, moved or deleted/,/^Does MAINTAINERS/p' "$out" |
                   sed -n 's/^  *\([^ ]*\)$/\1/p'); do
            if ! (cd "$WORK" && ./scripts/get_maintainer.pl -f "$f" 2>/dev/null) |
                 grep -v 'All patches CC here' | grep -q '@'; then
                echo "checkpatch: $f is added and MAINTAINERS names nobody for it" >&2
                bad=1
            fi
        done
        [ $bad = 1 ] || echo "checkpatch: allowed: MAINTAINERS already covers the added files"
    fi
    if [ $bad = 0 ]; then
        echo "checkpatch: clean: $(basename "$p")"
    else
        grep -E '^(ERROR|WARNING)' -A4 "$out" >&2 || cat "$out" >&2
        echo "checkpatch: FAILED: $(basename "$p")"
    fi
    rm -f "$out"
    return $bad
}

check_roundtrip() {
    local tmp rc=0 total=0 name dir b f n_out n_in
    tmp=$(mktemp -d)
    # prepare.sh has applied every series with git am onto base, the end
    # of each as branch applied-NAME; each series' branch must carry the
    # same tree, and its export must be its directory byte for byte.
    for name in "${SERIES_ORDER[@]}"; do
        dir=$(series_dir "$name")
        b=$(series_branch "$name")
        git -C "$WORK" rev-parse -q --verify "applied-$name" >/dev/null ||
            die "no branch applied-$name: run scripts/prepare.sh"
        if [ "$(git -C "$WORK" rev-parse "applied-$name^{tree}")" != \
             "$(git -C "$WORK" rev-parse "$b^{tree}")" ]; then
            echo "roundtrip: branch $b differs from series $name (run scripts/export.sh)" >&2
            rc=1
            continue
        fi
        "$TOP/scripts/export.sh" --series "$name" --out "$tmp/$name" >/dev/null
        for f in "$tmp/$name"/*.patch; do
            if ! cmp -s "$f" "$dir/$(basename "$f")"; then
                echo "roundtrip: $name: $(basename "$f") differs from the export" >&2
                rc=1
            fi
        done
        n_out=$(find "$tmp/$name" -name '*.patch' | wc -l)
        n_in=$(find "$dir" -maxdepth 1 -name '*.patch' | wc -l)
        [ "$n_out" = "$n_in" ] ||
            { echo "roundtrip: $name: $n_in patches stored, export gives $n_out" >&2; rc=1; }
        # The series file names every patch but the cover letter, in order.
        if ! diff <(cd "$dir" && ls -1 ./*.patch | sed 's|^\./||' |
                    grep -v -- '-cover-letter.patch$') "$dir/series" >&2; then
            echo "roundtrip: $name: its series file does not list the patches in order" >&2
            rc=1
        fi
        total=$((total + n_in))
    done
    rm -rf "$tmp"
    if [ $rc = 0 ]; then
        echo "roundtrip: git am + format-patch reproduce all $total mails of ${#SERIES_ORDER[@]} series"
    else
        echo "roundtrip: FAILED"
    fi
    return $rc
}

# The targets of the build the cross compiles take their flags from.
CROSS_TARGETS=aarch64-softmmu,s390x-softmmu,riscv64-softmmu

# configure_once SRC DIR TARGETS: configure DIR for TARGETS from SRC with
# the arguments of scripts/build.sh, unless it is configured already.
configure_once() {
    local src=$1 dir=$2 targets=$3
    [ ! -f "$dir/build.ninja" ] || return 0
    mkdir -p "$dir"
    (cd "$dir" && "$src/configure" --target-list="$targets" \
        "${QEMU_CONFIGURE_ARGS[@]}" >"$dir/configure.log" 2>&1) ||
        { tail -20 "$dir/configure.log" >&2; return 1; }
}

# touched_objects TREE BDIR FROM TO: the objects (outputs in BDIR's
# compile_commands.json) of the C files that differ between FROM and TO.
touched_objects() {
    local tree=$1 bdir=$2
    git -C "$tree" diff --name-only "$3" "$4" -- '*.c' > "$bdir/touched" &&
    python3 -c '
import json, os, sys
db = json.load(open(sys.argv[1]))
tree = os.path.realpath(sys.argv[2])
want = set(l.strip() for l in open(sys.argv[3]) if l.strip())
for e in db:
    f = os.path.realpath(os.path.join(e["directory"], e["file"]))
    if os.path.relpath(f, tree) in want:
        print(e["output"])
' "$bdir/compile_commands.json" "$tree" "$bdir/touched"
}

# touched_tests TREE BDIR FROM TO: the test programs (tests/qtest,
# tests/unit) whose sources differ between FROM and TO, as ninja targets.
touched_tests() {
    local tree=$1 bdir=$2 t
    for t in $(git -C "$tree" diff --name-only "$3" "$4" -- 'tests/qtest/*.c' 'tests/unit/*.c'); do
        t=${t%.c}
        if grep -q "^build $t: " "$bdir/build.ninja"; then echo "$t"; fi
    done
}

# The series the README calls independent (SERIES_ALONE in
# scripts/lib.sh) apply on the base alone, and there build the objects of
# the C files they touch and link the test programs they touch, in the
# bisect's checkout (TREE, BDIR).  Prints one line per series.
check_alone() {
    local tree=$1 bdir=$2 s from rc=0 t0 objs
    for s in "${SERIES_ALONE[@]}"; do
        t0=$(date +%s)
        from=$(series_start "$s")
        git -C "$tree" fetch -q "$WORK" "+refs/heads/$s:refs/heads/$s" \
            "+refs/heads/$from:refs/heads/$from"
        git -C "$tree" checkout -q --detach base
        if ! git -C "$tree" "${GIT_ID[@]}" cherry-pick "$from..$s" >"$bdir/alone-$s.log" 2>&1; then
            git -C "$tree" cherry-pick --abort 2>/dev/null || true
            echo "bisect: FAILED: series $s does not apply on the base alone" >&2
            rc=1
            continue
        fi
        if ! ninja -C "$bdir" build.ninja >>"$bdir/alone-$s.log" 2>&1 ||
           ! touched_objects "$tree" "$bdir" base HEAD > "$bdir/objs-alone-$s"; then
            echo "bisect: FAILED: series $s alone: no build files" >&2
            rc=1
            continue
        fi
        mapfile -t objs < "$bdir/objs-alone-$s"
        mapfile -t -O ${#objs[@]} objs < <(touched_tests "$tree" "$bdir" base HEAD)
        if [ ${#objs[@]} = 0 ] ||
           ! ninja -C "$bdir" "${objs[@]}" >>"$bdir/alone-$s.log" 2>&1; then
            { grep -E 'error|FAILED' "$bdir/alone-$s.log" | head -20; } >&2 || true
            echo "bisect: FAILED: series $s alone on the base does not build" >&2
            rc=1
            continue
        fi
        log "series $s alone on the base: applies, ${#objs[@]} objects and test programs build, $(( $(date +%s) - t0 )) s"
    done
    return $rc
}

# The bisect: every prefix of every series (base..applied, the series
# stacked in SERIES_ORDER), in one checkout in build/bisect/qemu built
# forward in build/bisect/qemu-build, laid out like build/qemu and
# build/qemu-build and configured with the same arguments, so that ccache
# serves every file a patch leaves alone from the main build (see
# CCACHE_BASEDIR in scripts/lib.sh).  At every prefix the KVM files of
# the other hosts the series touch (ppc64, aarch64, s390x, riscv64)
# cross compile (scripts/kvm-cross-compile.sh, flags and generated
# headers from build/bisect/cross-build).
#   full     every prefix builds the whole configured tree: ninja with no
#            target (all three system emulators, every unit test and
#            qtest, linked, -Werror), after removing outputs the build no
#            longer names (ninja -t cleandead).  About an hour on two
#            cores: run it before sending.
#   quick    every prefix builds the objects of the C files it touches;
#            the last prefix of each earlier series also links the test
#            programs (tests/qtest, tests/unit) that series touches; the
#            last prefix of the stack (every series applied) builds the
#            whole tree, which ccache serves from the main build.
#            What the test command runs, to stay inside CI's time: the
#            end of an earlier series differs from the main build in
#            include/hw/core/cpu.h, so its whole tree is a cold rebuild
#            of about 1100 objects (in CI, the first 17 prefixes, three
#            series' ends among them, took about 29 minutes), left to
#            full.
# Both then apply each independent series alone on the base and build
# what it touches (check_alone).
check_bisect() {
    local mode=$1
    local tree=$TOP/build/bisect/qemu bdir=$TOP/build/bisect/qemu-build
    local xdir=$TOP/build/bisect/cross-build rc=0 n=0 t0 t1 total0 c name a
    local commits ends=() want=0 s whole objs what
    total0=$(date +%s)
    # A checkout of the old layout (build/bisect itself a clone) goes.
    if [ -d "$TOP/build/bisect/.git" ]; then
        rm -rf "$TOP/build/bisect" "$TOP/build/bisect-build"
    fi
    if [ ! -d "$tree/.git" ]; then
        mkdir -p "$(dirname "$tree")"
        git clone -q --no-checkout "$WORK" "$tree"
    fi
    git -C "$tree" fetch -q "$WORK" "+refs/heads/applied:refs/heads/applied" "+refs/tags/base:refs/tags/base"
    for s in "${SERIES_ORDER[@]}"; do
        want=$((want + $(grep -c -v -E '^(#|$)' "$(series_dir "$s")/series")))
        ends+=("$(git -C "$WORK" rev-parse "applied-$s")")
    done
    mapfile -t commits < <(git -C "$tree" rev-list --reverse base..applied)
    [ "${commits[-1]:-}" = "$(git -C "$tree" rev-parse applied)" ] &&
        [ "${ends[-1]}" = "$(git -C "$WORK" rev-parse applied)" ] ||
        { echo "bisect: FAILED: applied-${SERIES_ORDER[-1]} is not the tip of applied" >&2
          echo "bisect: FAILED"; return 1; }
    [ "${#commits[@]}" = "$want" ] && [ "$want" -gt 0 ] ||
        { echo "bisect: FAILED: ${#commits[@]} commits in base..applied, the series files list $want" >&2
          echo "bisect: FAILED"; return 1; }
    for c in "${commits[@]}"; do
        n=$((n + 1))
        t0=$(date +%s)
        name="patch $n of ${#commits[@]} ($(git -C "$tree" log -1 --format=%s "$c"))"
        git -C "$tree" checkout -q --detach "$c"
        if ! configure_once "$tree" "$bdir" x86_64-softmmu,ppc64-softmmu,ppc-softmmu ||
           ! configure_once "$tree" "$xdir" "$CROSS_TARGETS"; then
            echo "bisect: configure failed at $name" >&2
            echo "bisect: FAILED"
            return 1
        fi
        whole=
        if [ "$mode" = full ] || [ "$n" = "${#commits[@]}" ]; then
            whole=1
        fi
        # Regenerate build files if a meson.build changed.
        if ! ninja -C "$bdir" build.ninja >"$bdir/ninja-$n.log" 2>&1; then
            objs=()
        elif [ -n "$whole" ]; then
            ninja -C "$bdir" -t cleandead >/dev/null
            objs=(all)
        else
            # The objects of the C files the patch touches.
            if ! touched_objects "$tree" "$bdir" "$c^" "$c" > "$bdir/objs-$n"; then
                echo "bisect: $name: cannot list the objects it touches" >&2
                rc=1
            fi
            mapfile -t objs < "$bdir/objs-$n"
            # At an earlier series' end, the test programs it touches.
            if printf '%s\n' "${ends[@]}" | grep -qx "$c"; then
                mapfile -t -O ${#objs[@]} objs < <(touched_tests "$tree" "$bdir" base "$c")
            fi
            [ ${#objs[@]} -gt 0 ] || objs=(build.ninja)
        fi
        what=${whole:+the whole tree}
        [ "${objs[*]}" != build.ninja ] || what="no C file touched"
        what=${what:-${#objs[@]} touched objects}
        if [ ${#objs[@]} = 0 ] ||
           ! ninja -C "$bdir" "${objs[@]}" >>"$bdir/ninja-$n.log" 2>&1; then
            { grep -E 'error|FAILED' "$bdir/ninja-$n.log" | head -20; } >&2 || true
            echo "bisect: $name does not build" >&2
            what="FAILED to build"
            rc=1
        fi
        for a in ppc64 aarch64 s390x riscv64; do
            if ! "$TOP/scripts/kvm-cross-compile.sh" "$a" "$tree" \
                    "$([ $a = ppc64 ] && echo "$bdir" || echo "$xdir")" \
                    >"$bdir/cross-$a-$n.log" 2>&1; then
                { grep -v ': ok ' "$bdir/cross-$a-$n.log" | head -20; } >&2 || true
                echo "bisect: $name: the $a KVM files do not cross compile" >&2
                what="$what, $a cross compile FAILED"
                rc=1
            fi
        done
        t1=$(date +%s)
        log "$name: $what ($(grep -c '^\[' "$bdir/ninja-$n.log" || true) ninja steps), cross compiles done, $((t1 - t0)) s"
    done
    check_alone "$tree" "$bdir" || rc=1
    if [ $rc = 0 ]; then
        if [ "$mode" = full ]; then
            what="build the whole tree"
        else
            what="build what they touch, the whole tree at the stack's end,"
        fi
        echo "bisect ($mode): all $n prefixes of ${#SERIES_ORDER[@]} series $what and cross compile; the independent series build alone on the base; $(( $(date +%s) - total0 )) s"
    else
        echo "bisect: FAILED"
    fi
    return $rc
}

case "$1" in
    checkpatch) [ $# = 2 ] || usage; check_checkpatch "$2" ;;
    roundtrip) check_roundtrip ;;
    new-files) "$TOP/scripts/new-files.sh" check ;;
    bisect) [ $# -le 2 ] || usage
            case "${2:-full}" in full|quick) check_bisect "${2:-full}" ;; *) usage ;; esac ;;
    kvm-cross) rc=0
               for a in ppc64 aarch64 s390x riscv64; do
                   if [ $a = ppc64 ]; then d=$BUILD; else d=$TOP/build/cross-build; fi
                   if [ $a != ppc64 ]; then
                       configure_once "$WORK" "$d" "$CROSS_TARGETS" ||
                           die "cannot configure $d"
                   fi
                   "$TOP/scripts/kvm-cross-compile.sh" "$a" "$WORK" "$d" || rc=1
               done
               if [ $rc = 0 ]; then echo "kvm-cross: the KVM files of ppc64, aarch64, s390x and riscv64 cross compile"
               else echo "kvm-cross: FAILED"; fi
               exit $rc ;;
    kvm-generic) "$TOP/scripts/kvm-generic-compile.sh" ;;
    *) usage ;;
esac
