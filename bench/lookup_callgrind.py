#!/usr/bin/python3
"""Software-breakpoint lookup cost against the number of breakpoints N,
stock QEMU (the unpatched base) beside the patched build, in instructions
counted by callgrind, which are repeatable on a shared machine.

For each build and each N it starts QEMU under callgrind (KVM, 1 vCPU,
stopped with -S), inserts N software breakpoints over RSP, then zeroes
the counters and sends K pairs of Z0/z0 at breakpoints already inserted,
spread over the whole set: each packet only looks the breakpoint up and
changes its use count, so the instructions counted inside
kvm_insert_breakpoint and kvm_remove_breakpoint are the lookup and a
constant.  Prints Ir per packet and the stock/patched ratio, and writes
the figures as TSV for the plot.  A benchmark: it asserts nothing.
  lookup_callgrind.py STOCK_QEMU PATCHED_QEMU BIOS OUT.tsv [--n 1,10,...]"""

import glob
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "rsp"))
from rsp import RSP, free_port  # noqa: E402
from guest import x86_qemu  # noqa: E402

K = 50
BASE = 0x200000


def measure(qemu, bios, n, tmp):
    port = free_port()
    out = os.path.join(tmp, "callgrind.%d.out" % n)
    q = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--collect-atstart=no",
         "--toggle-collect=kvm_insert_breakpoint",
         "--toggle-collect=kvm_remove_breakpoint",
         "--callgrind-out-file=" + out] +
        x86_qemu(qemu, bios, "kvm") +
        ["-gdb", "tcp:127.0.0.1:%d" % port, "-S"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                r = RSP(port)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("QEMU under callgrind did not start")
        r.send("qSupported")
        for i in range(n):
            if r.send("Z0,%x,1" % (BASE + 16 * i)) != "OK":
                raise RuntimeError("Z0 refused")
        subprocess.run(["callgrind_control", "-z", str(q.pid)],
                       stdout=subprocess.DEVNULL, check=True)
        for k in range(K):
            a = BASE + 16 * (k * n // K)
            r.send("Z0,%x,1" % a)
            r.send("z0,%x,1" % a)
        subprocess.run(["callgrind_control", "-d", str(q.pid)],
                       stdout=subprocess.DEVNULL, check=True)
        r.close()
    finally:
        q.terminate()
        q.wait()
    total = None
    for f in glob.glob(out + ".*"):
        m = re.search(r"^(?:totals|summary): (\d+)", open(f).read(), re.M)
        if m and int(m.group(1)):
            total = int(m.group(1))
    if total is None:
        raise RuntimeError("no callgrind dump with counts")
    return total / (2 * K)


def main():
    args = sys.argv[1:]
    ns = [1, 10, 100, 1000, 10000]
    if "--n" in args:
        i = args.index("--n")
        ns = [int(v) for v in args[i + 1].split(",")]
        del args[i:i + 2]
    if len(args) != 4:
        print(__doc__)
        sys.exit(2)
    stock, patched, bios, tsv = args
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns:
            for name, qemu in (("stock", stock), ("patched", patched)):
                res[(name, n)] = measure(qemu, bios, n, tmp)
    print("%-8s %14s %14s %8s" % ("N", "stock Ir/pkt", "patched Ir/pkt",
                                   "ratio"))
    with open(tsv, "w") as f:
        f.write("N\tstock\tpatched\n")
        for n in ns:
            s, p = res[("stock", n)], res[("patched", n)]
            print("%-8d %14.0f %14.0f %8.2f" % (n, s, p, s / p))
            f.write("%d\t%.0f\t%.0f\n" % (n, s, p))
    for name in ("stock", "patched"):
        print("%s: lookup at N=%d costs %.2f x N=%d" %
              (name, ns[-1], res[(name, ns[-1])] / res[(name, ns[0])], ns[0]))


if __name__ == "__main__":
    main()
