#!/usr/bin/python3
"""Side-by-side cost of gdb's breakpoint traffic under KVM, stock QEMU
(the unpatched base) against the patched build, in one run.

For 1, 8 and 32 vCPUs it times over RSP:
  floor     an 'm' packet round trip (the cost of talking to the stub)
  Z0+z0     inserting and removing a software breakpoint while 5 others
            are inserted (gdb removes and re-inserts all of them at every
            stop)
  cycle1000 the stop/resume cycle gdb does at every stop with 1000
            breakpoints: remove all, insert all (ms per cycle)
  hit       a hardware-breakpoint hit round trip ('c' until the stop)
  step      a single step round trip ('s')
  stopcont  with gdb detached, a QMP 'stop' + 'cont' pair: the generic
            all-stop pause and resume of every vCPU that a hit or a step
            also pays, with no debugger involved
and prints microseconds per operation and the stock/patched ratio.
Wall-clock figures on a shared machine are noisy: each is the median of
several repetitions.  A benchmark, not a test: it asserts nothing.
  rsp_bench.py STOCK_QEMU PATCHED_QEMU GUEST_ELF [--vcpus 1,8,32]
               [--tsv OUT.tsv]"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "rsp"))
from rsp import RSP, free_port  # noqa: E402
from guest import QMP, symbols, x86_qemu  # noqa: E402


def median_us(fn, n, reps=5):
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(samples)


def measure(qemu, elf, vcpus):
    sym = symbols(elf)
    port = free_port()
    tmp = tempfile.TemporaryDirectory()
    qmp_path = os.path.join(tmp.name, "qmp")
    q = subprocess.Popen(
        x86_qemu(qemu, elf[:-4] + ".bin", "kvm", vcpus) +
        ["-gdb", "tcp:127.0.0.1:%d" % port,
         "-qmp", "unix:%s,server=on,wait=off" % qmp_path, "-S"],
        stderr=subprocess.DEVNULL)
    try:
        r = RSP(port)
        r.send("qSupported")
        # Run to the payload so that code addresses are in RAM.
        r.send("Z1,%x,1" % sym["start64"])
        r.send("c")
        r.send("z1,%x,1" % sym["start64"])
        res = {}
        res["floor"] = median_us(lambda: r.send("m%x,1" % sym["tick"]), 200)
        others = [sym["puts"] + i for i in range(5)]
        for a in others:
            r.send("Z0,%x,1" % a)

        def pair():
            r.send("Z0,%x,1" % sym["bad_count"])
            r.send("z0,%x,1" % sym["bad_count"])
        res["Z0+z0"] = median_us(pair, 50) / 2
        for a in others:
            r.send("z0,%x,1" % a)

        many = [0x180000 + 16 * i for i in range(1000)]
        for a in many:
            r.send("Z0,%x,1" % a)

        def cycle():
            for a in many:
                r.send("z0,%x,1" % a)
            for a in many:
                r.send("Z0,%x,1" % a)
        res["cycle1000"] = median_us(cycle, 1, reps=3) / 1000
        for a in many:
            r.send("z0,%x,1" % a)

        r.send("Z1,%x,1" % sym["tick"])
        res["hit"] = median_us(lambda: r.send("c"), 20, reps=3)
        r.send("z1,%x,1" % sym["tick"])
        res["step"] = median_us(lambda: r.send("s"), 50, reps=3)
        r.send("D")
        r.close()
        qmp = QMP(qmp_path)

        def stopcont():
            qmp.cmd("stop")
            qmp.cmd("cont")
        res["stopcont"] = median_us(stopcont, 50, reps=3)
        return res
    finally:
        q.kill()
        q.wait()
        tmp.cleanup()


def main():
    args = sys.argv[1:]
    vcpus = [1, 8, 32]
    tsv = None
    if "--tsv" in args:
        i = args.index("--tsv")
        tsv = args[i + 1]
        del args[i:i + 2]
    if "--vcpus" in args:
        i = args.index("--vcpus")
        vcpus = [int(v) for v in args[i + 1].split(",")]
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__)
        sys.exit(2)
    stock, patched, elf = args
    here = os.path.dirname(os.path.abspath(__file__))
    usable = subprocess.run([os.path.join(here, "..", "tests", "gdb",
                                          "kvm-usable.sh")],
                            capture_output=True, text=True)
    if usable.returncode:
        print("KVM unusable, nothing measured: " + usable.stdout.strip())
        return
    keys = ["floor", "Z0+z0", "cycle1000", "hit", "step", "stopcont"]
    results = {}
    for n in vcpus:
        for name, qemu in (("stock", stock), ("patched", patched)):
            results[(name, n)] = measure(qemu, elf, n)
    print("%-9s %6s %12s %12s %8s" % ("op", "vCPUs", "stock", "patched",
                                       "ratio"))
    print("(microseconds per packet; cycle1000 in milliseconds per cycle)")
    for k in keys:
        for n in vcpus:
            s, p = results[("stock", n)][k], results[("patched", n)][k]
            print("%-9s %6d %12.1f %12.1f %8.2f" % (k, n, s, p, s / p))
    if tsv:
        with open(tsv, "w") as f:
            f.write("vcpus\t" + "\t".join("%s_%s" % (b, k) for k in keys
                                         for b in ("stock", "patched"))
                    + "\n")
            for n in vcpus:
                f.write("%d\t" % n + "\t".join(
                    "%.1f" % results[(b, n)][k] for k in keys
                    for b in ("stock", "patched")) + "\n")
    for name in ("stock", "patched"):
        r1, rn = results[(name, vcpus[0])], results[(name, vcpus[-1])]
        print("%s: Z0 at %d vCPUs = %.2f x Z0 at %d, %.2f x floor; "
              "hit %.2f x, step %.2f x, stop+cont %.2f x their %d-vCPU "
              "cost"
              % (name, vcpus[-1], rn["Z0+z0"] / r1["Z0+z0"], vcpus[0],
                 rn["Z0+z0"] / rn["floor"], rn["hit"] / r1["hit"],
                 rn["step"] / r1["step"], rn["stopcont"] / r1["stopcont"],
                 vcpus[0]))


if __name__ == "__main__":
    main()
