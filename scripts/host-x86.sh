#!/bin/bash
# A real x86 KVM to test on: boot Debian's amd64 kernel under the
# project's own QEMU with TCG (-cpu max has SVM with nested paging), load
# kvm_amd in it, and run COMMAND there, chrooted into this machine's root
# (shared read-only over 9p), so the host's QEMU builds, python3 and
# gdb-multiarch run unchanged against a real KVM (L1) and its guests (L2).
#   scripts/host-x86.sh [--timeout S] [--smp N] [--] COMMAND [ARGS...]
# COMMAND runs in the caller's working directory (this machine's root is
# shared), with /tmp a fresh tmpfs and /dev/kvm the real kvm_amd.  Its
# stdout and stderr are printed here, then this script exits with
# COMMAND's exit status.  Exit 77 (skip) only when the host
# cannot be had here: its Debian packages cannot be downloaded.  A host
# that does not boot or load kvm_amd is a failure (exit 1).
# Cached (rebuilt when absent): $CACHE/hosts/x86 (kernel, initramfs,
# firmware for L0), about 80 MB.  L0 is build/qemu-build (scripts/build.sh)
# or $HOST_X86_L0 (e.g. a stock build, to show what the TCG fix changes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,17p' "$0" >&2; exit 2; }
tmo=1200
smp=2
while [ $# -gt 0 ]; do
    case "$1" in
        --timeout) [ $# -ge 2 ] || usage; tmo=$2; shift 2 ;;
        --smp) [ $# -ge 2 ] || usage; smp=$2; shift 2 ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage

skip() { echo "host-x86: SKIP: $*" >&2; exit 77; }

HOSTS=$CACHE/hosts/x86
L0=${HOST_X86_L0:-$BUILD/qemu-system-x86_64}

# Debian packages: the kernel (modules are plain .ko files), busybox for
# the initramfs, SeaBIOS and the linuxboot option ROM for L0 (the +ds
# source of the base ships no firmware).
fetch_debs() {
    local dl=$HOSTS/debs kpkg
    mkdir -p "$dl"
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
           sed -n 's/^ *Depends: \(linux-image-6\.[0-9.]*-[0-9]*-amd64\)$/\1/p' | head -n 1)
    [ -n "$kpkg" ] || return 1
    (cd "$dl" && apt-get download -q "$kpkg" busybox-static seabios \
        qemu-system-data >/dev/null 2>&1) || return 1
    rm -rf "$HOSTS/root" && mkdir -p "$HOSTS/root"
    for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$HOSTS/root"; done
}

build_initramfs() {
    local r=$HOSTS/root ir=$HOSTS/ir kver bb
    kver=$(ls "$r/lib/modules" | head -n 1)
    bb=$r/bin/busybox
    rm -rf "$ir" && mkdir -p "$ir"/{bin,dev,proc,sys,mnt,scratch,tmp}
    cp "$bb" "$ir/bin/busybox"
    # Only what kvm_amd and virtio 9p need, with their dependencies.
    (cd "$r" && find "lib/modules/$kver" \
        \( -path '*/arch/x86/kvm/*' -o -path '*/drivers/virtio/*' \
           -o -path '*/net/9p/*' -o -path '*/fs/9p/*' -o -path '*/fs/netfs/*' \
           -o -path '*/fs/fscache/*' -o -path '*/drivers/crypto/ccp/*' \
           -o -path '*/virt/lib/*' -o -name 'modules.order' \
           -o -name 'modules.builtin*' \) -type f | tar -cf - -T -) |
        tar -xf - -C "$ir"
    "$bb" depmod -b "$ir" "$kver"
    cat > "$ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
say() { echo "host-x86: $*" > /dev/ttyS0; }
fail() { say "HOST-FAILED: $*"; poweroff -f; }
for m in virtio_pci 9pnet_virtio 9p kvm_amd; do
    modprobe $m 2>/dev/ttyS0 || fail "modprobe $m"
done
[ -c /dev/kvm ] || fail "no /dev/kvm after modprobe kvm_amd"
ip link set lo up || fail "loopback"
o=trans=virtio,version=9p2000.L,msize=512000,cache=loose
mount -t 9p -o $o,ro hostroot /mnt || fail "mount hostroot"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 scratch /scratch ||
    fail "mount scratch"
mount -t proc proc /mnt/proc; mount -t sysfs sys /mnt/sys
mount -o bind /dev /mnt/dev
mount -t tmpfs -o mode=1777 tmp /mnt/tmp
mkdir -p /mnt/dev/shm /mnt/dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 shm /mnt/dev/shm 2>/dev/null
mount -t devpts devpts /mnt/dev/pts 2>/dev/null
say "HOST-UP: $(uname -r), kvm_amd loaded, $(grep -c ^processor /proc/cpuinfo) CPUs"
cp /scratch/cmd /mnt/tmp/.host-cmd
chroot /mnt /bin/sh /tmp/.host-cmd > /dev/ttyS0 2>&1
echo $? > /scratch/rc
sync
poweroff -f
EOF
    chmod +x "$ir/init"
    (cd "$ir" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1) \
        > "$HOSTS/initramfs.gz.tmp"
    mv "$HOSTS/initramfs.gz.tmp" "$HOSTS/initramfs.gz"
    cp "$r/boot/vmlinuz-$kver" "$HOSTS/vmlinuz"
    echo "$kver" > "$HOSTS/kernel-version"
}

# Tests run in parallel: one of them builds the cache, the others wait.
mkdir -p "$HOSTS"
exec 9> "$HOSTS.lock"
flock 9
if [ ! -s "$HOSTS/initramfs.gz" ] || [ ! -s "$HOSTS/vmlinuz" ]; then
    fetch_debs || skip "could not download Debian's amd64 kernel, busybox-static, seabios and qemu-system-data (apt-get download)"
    build_initramfs ||
        { echo "host-x86: FAILED: could not build the L1 initramfs" >&2; exit 1; }
fi
fw=$HOSTS/fw
if [ ! -e "$fw/bios-256k.bin" ]; then
    mkdir -p "$fw"
    for f in bios-256k.bin linuxboot_dma.bin; do
        src=$(find "$HOSTS/root/usr/share" -name "$f" | head -n 1)
        [ -n "$src" ] || skip "no $f in Debian's seabios/qemu-system-data"
        cp -L "$src" "$fw/$f" 2>/dev/null ||
            cp "$HOSTS/root$(readlink -f "$src" | sed "s|^$HOSTS/root||")" "$fw/$f"
    done
fi

flock -u 9
exec 9>&-
[ -x "$L0" ] || { echo "host-x86: FAILED: no L0 QEMU at build/qemu-build (run scripts/build.sh)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
{
    # L1 puts a tmpfs on /tmp: a checkout under /tmp is mounted back over
    # it, from a bind mount of the host's root without its submounts.
    case "$TOP/" in
        /tmp/*)
            q=$(printf '%q' "$TOP")
            echo "mkdir -p /tmp/.hostroot $q &&"
            echo "mount -o bind / /tmp/.hostroot &&"
            echo "mount -o bind /tmp/.hostroot$q $q || exit 125" ;;
    esac
    echo "cd $(printf '%q' "$PWD") || exit 125"
    echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    echo "export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 HOST_KVM=kvm_amd"
    printf '%q ' "$@"
    echo
} > "$scratch/cmd"

run_l0() {
    timeout --kill-after=10 "$tmo" "$L0" -L "$fw" -accel tcg -cpu max -smp "$smp" \
        -m 2G -nographic -no-reboot -nic none -vga none \
        -kernel "$HOSTS/vmlinuz" -initrd "$HOSTS/initramfs.gz" \
        -append "console=ttyS0 quiet loglevel=1 panic=-1" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
        -virtfs "local,path=$scratch,mount_tag=scratch,security_model=none" \
        < /dev/null 2>"$scratch/l0.err" | stdbuf -oL tr -d '\r' | tee "$scratch/console" |
        sed -u -n -e '/host-x86: HOST-UP/,$ {' \
            -e 's/^.*host-x86: HOST-UP/# host-x86: HOST-UP/' \
            -e 's/^\[ *[0-9.]*\] /# &/' -e p -e '}'
    l0rc=${PIPESTATUS[0]}
}

start=$(date +%s)
set +e
run_l0
# L0 (TCG booting L1's kernel) crashed (SIGILL, SIGABRT, SIGBUS, SIGFPE
# or SIGSEGV) before L1 came up, so before the command ran: seen once in about thirty boots here, not
# reproduced.  Say so, keep its output, and boot once more; a second
# crash fails.
case $l0rc in 132|134|135|136|139) crashed=1 ;; *) crashed=0 ;; esac
if [ ! -f "$scratch/rc" ] && [ $crashed = 1 ] &&
   ! grep -q '^host-x86: HOST-UP' "$scratch/console"; then
    echo "host-x86: L0 died (exit $l0rc) before the host came up; its stderr and console follow, booting once more" >&2
    cat "$scratch/l0.err" "$scratch/console" >&2
    run_l0
fi
set -e
if [ ! -f "$scratch/rc" ]; then
    cat "$scratch/l0.err" "$scratch/console" >&2
    why=$(sed -n 's/^host-x86: HOST-FAILED: //p' "$scratch/console" | head -n 1)
    if grep -q '^host-x86: HOST-UP' "$scratch/console"; then
        echo "host-x86: the command did not finish (L0 exit $l0rc after $(($(date +%s) - start)) s)" >&2
        exit 1
    fi
    # The packages are here and L0 is ours: a host that does not come up
    # is a failure, never a skip.
    echo "host-x86: FAILED: the x86 KVM host did not come up (L0 exit $l0rc${why:+: $why})" >&2
    exit 1
fi
rc=$(cat "$scratch/rc")
echo "host-x86: command exited $rc, $(($(date +%s) - start)) s in L0" >&2
exit "$rc"
