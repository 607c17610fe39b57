#!/bin/bash
# Run a command on a real POWER KVM host: L0 is this project's own x86
# build of qemu-system-ppc64 under TCG (-M powernv9 -cpu POWER9), L1 is
# booted from a busybox initramfs this script builds (and caches):
#   hv  Book3S HV: Debian's ppc64el kernel, kvm_hv loaded
#   pr  Book3S PR: Debian's linux source of the same version built by
#       scripts/kernel-pr.sh (Debian's kernels cannot load kvm_pr), hash
#       MMU, kvm_pr loaded
# Inside L1:
#   - the checkout is mounted read-only at its own path (so build outputs
#     and scripts have the same names as on the host),
#   - the ppc64el sysroot of scripts/ppc64el-sysroot.sh provides /lib,
#     /lib64 and /usr, so cross-built binaries run with its loader and
#     libraries,
#   - /tmp is a tmpfs and $HOST_PPC_SCRATCH (/out) a writable 9p directory
#     that is shown on the host as HOST_PPC_SCRATCH_DIR when set, else a
#     temporary directory removed afterwards.
#
#   scripts/host-ppc.sh hv|pr [--] COMMAND [ARGS...]
#
# Prints the command's stdout and stderr and exits with its status.
# Exits 77, with the reason on stderr, only when the host cannot be had
# here (its packages cannot be fetched); an L1 that does not
# boot or load its KVM module is a failure (exit 1), and so is a PR
# kernel that does not build; a command that does not
# finish within its time limit exits 124.
# Environment: QEMU_L0 (L0 binary, default build/qemu-build's),
# HOST_PPC_BOOT_TIMEOUT (s, until the command starts, default 240),
# HOST_PPC_TIMEOUT (s, for the command, default 900), HOST_PPC_SMP (L0
# vCPUs, default 1), HOST_PPC_VERBOSE=1 (copy L1's console to stderr),
# HOST_PPC_GDB=1 (a gdb channel: this script's standard input and output
# are carried to and from a virtio-serial port of L1, /dev/gdb-port there,
# so that gdb can run "target remote | host-ppc.sh ... -- QEMU ...
# -chardev pipe,id=gdb,path=/dev/gdb-port -gdb chardev:gdb"; the
# command's own output then goes to standard error).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
exec 3<&0   # for the gdb channel: a background job's stdin is /dev/null

usage() { echo "usage: $0 hv|pr [--] COMMAND [ARGS...]" >&2; exit 2; }
unavailable() { echo "host-ppc.sh: host unavailable: $*" >&2; exit 77; }
# The packages are here and L0 is ours: a host that does not come up is a
# failure, never a skip.
broken() { echo "host-ppc.sh: FAILED: $*" >&2; exit 1; }

[ $# -ge 1 ] || usage
flavour=$1; shift
case "$flavour" in
    hv|pr) ;;
    *) usage ;;
esac
[ "${1:-}" = "--" ] && shift
[ $# -ge 1 ] || usage

l0=${QEMU_L0:-$QEMU_PPC64}
boot_timeout=${HOST_PPC_BOOT_TIMEOUT:-240}
cmd_timeout=${HOST_PPC_TIMEOUT:-900}
[ -x "$l0" ] || broken "no L0 binary $l0 (run scripts/build.sh)"
command -v python3 >/dev/null || unavailable "python3 missing"

# The PR kernel has a lock of its own: an HV test does not wait for it.
# (scripts/test.sh builds it before the tests.)
if [ "$flavour" = pr ]; then
    rc=0
    kernel=$("$TOP/scripts/kernel-pr.sh") || rc=$?
    [ $rc = 77 ] && unavailable "the linux source package could not be fetched (scripts/kernel-pr.sh)"
    [ $rc = 0 ] || broken "the Book3S PR kernel did not build (scripts/kernel-pr.sh)"
fi
# Tests run in parallel: one of them builds the caches, the others wait.
mkdir -p "$CACHE"
exec 9> "$CACHE/host-ppc.lock"
flock 9
ppc=$("$TOP/scripts/ppc64el-sysroot.sh") ||
    unavailable "the ppc64el packages could not be fetched (scripts/ppc64el-sysroot.sh)"
[ "$flavour" = pr ] || kernel=$ppc/kernel
kdir=$(find "$kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)
kver=$(basename "$kdir")
vmlinux=$kernel/boot/vmlinux-$kver
if [ ! -f "$vmlinux" ]; then
    [ "$flavour" = pr ] && broken "no kernel image in $kernel"
    unavailable "no kernel image in $kernel"
fi
firmware=$ppc/firmware/usr/share/qemu
[ -f "$firmware/skiboot.lid" ] || unavailable "no skiboot.lid in $firmware"

# The L1 init: modules, 9p mounts, the KVM module, then the command.  Markers on
# the console tell the host how far it got.
read -r -d '' INIT <<'EOF' || true
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
fail() { echo "HOST-PPC-FAIL: $*"; poweroff -f; sleep 10; }
arg() { sed -n "s/.*hostppc\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
for m in $(cat /modules/order); do
    insmod /modules/$m.ko >/dev/null 2>&1 || grep -q "^$m " /proc/modules ||
        fail "insmod $m failed"
done
top=$(arg top)
o=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /out /sysroot "$top"
mount -t 9p -o $o out /out || fail "cannot mount the scratch directory"
mount -t 9p -o $o,ro sysroot /sysroot || fail "cannot mount the sysroot"
mount -t 9p -o $o,ro top "$top" || fail "cannot mount the checkout"
for d in lib lib64 usr; do ln -s /sysroot/$d /$d; done
[ -c /dev/kvm ] || fail "no /dev/kvm after loading $(arg kvm): $(dmesg | grep -i kvm | tail -3)"
if [ "$(arg gdb)" = 1 ]; then
    i=0
    while [ ! -e /dev/gdb-port ] && [ $i -lt 50 ]; do
        for d in /sys/class/virtio-ports/*; do
            [ "$(cat $d/name 2>/dev/null)" = gdb ] && [ -c /dev/${d##*/} ] &&
                ln -s /dev/${d##*/} /dev/gdb-port
        done
        i=$((i + 1))
        sleep 0.1
    done
    [ -e /dev/gdb-port ] || fail "no virtio-serial port for gdb"
fi
echo "HOST-PPC-RUN: $(uname -r), $(grep -m1 '^cpu' /proc/cpuinfo)"
cd "$(arg cwd)"
HOST_PPC_SCRATCH=/out TMPDIR=/tmp sh /out/cmd.sh >/out/stdout 2>/out/stderr
echo $? > /out/rc
echo "HOST-PPC-DONE: $(cat /out/rc)"
sync
poweroff -f
EOF

# Modules to load, dependencies first: 9p over virtio-pci (built into
# the PR kernel), and KVM.
WANT="virtio_pci 9pnet_virtio 9p virtio_console kvm_$flavour"

# Keyed by the kernel's directory too: PR kernels of one release differ
# by their configuration.
initramfs=$ppc/initramfs-$flavour-$kver-$( (echo "$INIT"; echo "$WANT"; echo "$kernel") | sha1sum | cut -c1-12).cpio.gz
if [ ! -f "$initramfs" ]; then
    log "building $initramfs"
    # shellcheck disable=SC2086
    INIT="$INIT" python3 - "$kdir" "$ppc/busybox/bin/busybox" "$initramfs" $WANT <<'PY' ||
import gzip, os, re, stat, sys

kdir, busybox, out, want = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
mods = {}
for root, _, files in os.walk(os.path.join(kdir, "kernel")):
    for f in files:
        if f.endswith(".ko"):
            mods[f[:-3].replace("-", "_")] = os.path.join(root, f)
builtin = set()
with open(os.path.join(kdir, "modules.builtin")) as f:
    for line in f:
        builtin.add(os.path.basename(line.strip())[:-3].replace("-", "_"))

def depends(name):
    data = open(mods[name], "rb").read()
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d.replace("-", "_") for d in m.group(1).decode().split(",") if d] if m else []

order = []
def visit(name):
    if name in order or name in builtin:
        return
    if name not in mods:
        sys.exit("module %s not found" % name)
    for d in depends(name):
        visit(d)
    order.append(name)
for w in want:
    visit(w)

entries = []      # (name, mode, data)
def add_dir(name):
    entries.append((name, stat.S_IFDIR | 0o755, b""))
for d in ("bin", "dev", "proc", "sys", "tmp", "etc", "modules", "root"):
    add_dir(d)
entries.append(("bin/busybox", stat.S_IFREG | 0o755, open(busybox, "rb").read()))
entries.append(("init", stat.S_IFREG | 0o755, os.environ["INIT"].encode() + b"\n"))
entries.append(("etc/passwd", stat.S_IFREG | 0o644, b"root:x:0:0:root:/root:/bin/sh\n"))
entries.append(("etc/group", stat.S_IFREG | 0o644, b"root:x:0:\n"))
entries.append(("modules/order", stat.S_IFREG | 0o644, ("\n".join(order) + "\n").encode()))
for m in order:
    entries.append(("modules/%s.ko" % m, stat.S_IFREG | 0o644, open(mods[m], "rb").read()))

def newc(ino, name, mode, data):
    n = name.encode() + b"\0"
    hdr = "070701" + "".join("%08x" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0))
    rec = hdr.encode() + n
    rec += b"\0" * (-len(rec) % 4) + data
    return rec + b"\0" * (-len(rec) % 4)

blob = b"".join(newc(i + 1, *e) for i, e in enumerate(entries))
blob += newc(0, "TRAILER!!!", 0, b"")
tmp = out + ".tmp"
with gzip.open(tmp, "wb") as f:
    f.write(blob)
os.rename(tmp, out)
print("modules: " + " ".join(order), file=sys.stderr)
PY
        broken "cannot build the L1 initramfs"
fi
flock -u 9
exec 9>&-

if [ -n "${HOST_PPC_SCRATCH_DIR:-}" ]; then
    scratch=$HOST_PPC_SCRATCH_DIR
    mkdir -p "$scratch"
    rm -f "$scratch"/{cmd.sh,stdout,stderr,rc,console.log}
    keep=1
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/host-ppc.XXXXXX")
    keep=
fi
l0pid=
relay=
cleanup() {
    [ -n "$relay" ] && kill "$relay" 2>/dev/null
    [ -n "$l0pid" ] && kill "$l0pid" 2>/dev/null
    [ -n "$keep" ] || rm -rf "$scratch"
}
trap cleanup EXIT
# Killed (meson's timeout): show what the command had printed first.
on_signal() {
    cat "$scratch/stdout" 2>/dev/null
    cat "$scratch/stderr" >&2 2>/dev/null
    console_tail 2>/dev/null
    exit 130
}
trap on_signal INT TERM

{
    printf '%q ' "$@"
    echo
} > "$scratch/cmd.sh"
cwd=$PWD
case "$cwd/" in "$TOP"/*) ;; *) cwd=$TOP ;; esac

fsdev() {
    echo "-fsdev local,id=$1,path=$2,security_model=none$3"
    echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$1,bus=$4"
}
# shellcheck disable=SC2207
args=(-M powernv9 -cpu POWER9 -smp "${HOST_PPC_SMP:-1}" -m 2G -accel tcg
      -nographic -no-reboot -nic none -L "$firmware"
      -kernel "$vmlinux" -initrd "$initramfs"
      -append "console=hvc0 quiet panic=-1 hostppc.top=$TOP hostppc.cwd=$cwd hostppc.kvm=kvm_$flavour hostppc.gdb=${HOST_PPC_GDB:-0}"
      $(fsdev out "$scratch" "" pcie.0)
      $(fsdev sysroot "$ppc/sysroot" ",readonly=on" pcie.1)
      $(fsdev top "$TOP" ",readonly=on" pcie.2))

gdb_sock=$scratch/gdb.sock
if [ "${HOST_PPC_GDB:-}" = 1 ]; then
    args+=(-device "virtio-serial-pci,id=vs,bus=pcie.3"
           -chardev "socket,id=gdbio,path=$gdb_sock,server=on,wait=off"
           -device "virtserialport,bus=vs.0,chardev=gdbio,name=gdb")
fi

ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
secs() { printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10)); }
start=$(ms)
"$l0" "${args[@]}" </dev/null >"$scratch/console.log" 2>&1 &
l0pid=$!
# The gdb channel: this script's standard input and output to and from
# L0's end of the port, until L0 closes it.
if [ "${HOST_PPC_GDB:-}" = 1 ]; then
    python3 -c '
import os, select, socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(600):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("host-ppc.sh: no gdb channel from L0")
fds = [0, s.fileno()]
while True:
    for fd in select.select(fds, [], [])[0]:
        if fd == 0:
            data = os.read(0, 65536)
            if not data:
                fds.remove(0)
            else:
                s.sendall(data)
        else:
            data = s.recv(65536)
            if not data:
                sys.exit(0)
            os.write(1, data)
' "$gdb_sock" <&3 &
    relay=$!
fi
if [ "${HOST_PPC_VERBOSE:-}" = 1 ]; then
    tail -f --pid=$l0pid "$scratch/console.log" >&2 &
fi

elapsed() { echo $(( $(ms) - start )); }
console_tail() { tail -n 15 "$scratch/console.log" | tr -d '\r' | sed 's/^/  L1: /' >&2; }

# Wait for the command to start.
while ! grep -q '^HOST-PPC-RUN' "$scratch/console.log" 2>/dev/null; do
    if grep -q '^HOST-PPC-FAIL' "$scratch/console.log"; then
        console_tail
        broken "$(grep -m1 '^HOST-PPC-FAIL' "$scratch/console.log" | tr -d '\r')"
    fi
    if ! kill -0 $l0pid 2>/dev/null; then
        console_tail
        broken "L0 QEMU exited before L1 was up"
    fi
    if [ "$(elapsed)" -ge $((boot_timeout * 1000)) ]; then
        console_tail
        broken "L1 did not come up within ${boot_timeout}s"
    fi
    sleep 0.5
done
booted=$(elapsed)
log "L1 up after $(secs "$booted")s: $(grep -m1 '^HOST-PPC-RUN' "$scratch/console.log" | tr -d '\r' | cut -d' ' -f2-)"

# Wait for it to finish and L0 to power off.
status=0
while kill -0 $l0pid 2>/dev/null; do
    if [ $(( $(elapsed) - booted )) -gt $((cmd_timeout * 1000)) ]; then
        kill $l0pid
        status=124
        break
    fi
    sleep 0.5
done
wait $l0pid 2>/dev/null || true
l0pid=
[ -z "$relay" ] || wait "$relay" || true
if [ -n "$relay" ]; then
    [ -f "$scratch/stdout" ] && cat "$scratch/stdout" >&2
else
    [ -f "$scratch/stdout" ] && cat "$scratch/stdout"
fi
[ -f "$scratch/stderr" ] && cat "$scratch/stderr" >&2
if [ $status = 124 ]; then
    log "command did not finish within ${cmd_timeout}s"
    exit 124
fi
if [ ! -f "$scratch/rc" ]; then
    console_tail
    log "command did not complete (L1 went down)"
    exit 125
fi
total=$(elapsed)
log "command exit status $(cat "$scratch/rc"); boot $(secs "$booted")s, command and power-off $(secs $((total - booted)))s"
exit "$(cat "$scratch/rc")"
