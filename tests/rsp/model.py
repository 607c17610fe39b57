#!/usr/bin/python3
"""Model-based random test of the debug path over RSP.

A seeded, reproducible sequence of thousands of operations (Z0/z0,
Z1/z1, Z2-Z4/z2-z4, m, M, c, s, detach and reconnect, with valid and
invalid arguments mixed) is sent to the x86 test guest, and every reply
is checked against a simple model of what guest memory and the point
tables should be:

- the tables: software breakpoints with use counts; hardware points with
  the accelerator's policy (KVM on x86: 4 shared debug registers, ranges
  split into aligned 1/2/4/8-byte pieces, duplicates refused, Z3 left to
  gdb; TCG: QEMU's unbounded lists);
- memory: the guest's code and a scratch area it never writes, as first
  read plus the M packets sent; m must return it, breakpoints or not;
- stops: a c or s must stop at a breakpoint or watchpoint the model has,
  at a step, or at gdb's interrupt; an s must end (after the instruction,
  unless a point is there), and a c must stop when the model has a point
  the guest's loop hits on every pass (a breakpoint on an instruction
  each pass runs; under TCG or a KVM whose watchpoints fire, a write or
  access watchpoint over the counter each pass increments);
- at each detach, guest memory read by QEMU itself (QMP pmemsave, traps
  and all) must hash identically to the same regions of a run of the
  same guest with no debugger, with the model's M writes applied; the
  guest must keep running, and its own checks (serial output) must not
  report a lost #DB or an unexpected exception.

  model.py QEMU GUEST_BIN kvm|tcg [SEED [OPS]]
Exit 0 pass, 1 fail, 77 skip (KVM unusable).
Fails when: a reply differs from the model's, a required stop does not
come or comes elsewhere, memory differs from the reference at a detach,
or the guest reports an unexpected exception or (under KVM) a lost #DB."""

import hashlib
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Guest, finish, skip_unless_usable  # noqa: E402

SCRATCH, SCRATCH_LEN = 0x300000, 0x1000
CONTINUE_WAIT = 0.25
# How long a resume may take when the model says it must stop: a step, or
# a continue with a point on code that every pass of the loop runs.
REQUIRED_WAIT = 20
TRACE = os.environ.get("MODEL_TRACE")
KVM_PVM = os.path.exists("/sys/module/kvm_pvm")


def insn_starts(elf, end):
    out = subprocess.run(["objdump", "-d", elf], capture_output=True,
                         text=True, check=True).stdout
    starts = []
    for line in out.splitlines():
        f = line.split(":", 1)
        try:
            a = int(f[0], 16)
        except ValueError:
            continue
        # An instruction longer than objdump's seven bytes a line goes on
        # in a line with no mnemonic: not a start.
        if line.startswith("  ") and 0x100000 <= a < end and \
                len(line.split("\t")) >= 3:
            starts.append(a)
    return starts


def x86_pieces(addr, length):
    """How many debug registers the series' x86 split uses."""
    if length > 32:
        return 5                        # more than 4, whatever the start
    n = 0
    while length:
        size = next(s for s in (8, 4, 2, 1)
                    if addr % s == 0 and s <= length)
        addr += size
        length -= size
        n += 1
    return n


class Model:
    def __init__(self, accel, mem):
        self.accel = accel
        self.mem = mem                  # {addr: byte}
        self.writes = {}                # M writes since the start
        self.clear()

    def clear(self):
        self.sw = {}                    # addr -> use count
        self.hw = []                    # [type, addr, len]

    def slots(self):
        return sum(1 if t == 1 else x86_pieces(a, n) for t, a, n in self.hw)

    def _find(self, t, a, n):
        for i, (pt, pa, pn) in enumerate(self.hw):
            if pt == t and pa == a and (t == 1 or pn == n):
                return i
        return -1

    def insert(self, t, a, n):
        """The reply the model expects for Z<t>,<a>,<n>, and apply it."""
        if t == 0 or (t == 1 and self.accel == "tcg"):
            # TCG keeps gdb's software and hardware breakpoints in one
            # list, where z0 and z1 remove either
            if self.accel == "kvm" and not self.plantable(a):
                return "E22"
            self.sw[a] = self.sw.get(a, 0) + 1
            return "OK"
        if t > 4:
            return ""
        if t >= 2 and (n == 0 or a + n - 1 >= 1 << 64):
            return "E22"
        if self.accel == "tcg":
            self.hw.append([t, a, n])
            return "OK"
        if t == 3:
            return ""
        if self._find(t, a, n) >= 0:
            return "E22"
        need = 1 if t == 1 else x86_pieces(a, n)
        if self.slots() + need > 4:
            return "E22"
        self.hw.append([t, a, n])
        return "OK"

    def remove(self, t, a, n):
        if t == 0 or (t == 1 and self.accel == "tcg"):
            if not self.sw.get(a):
                return "E22"
            self.sw[a] -= 1
            if not self.sw[a]:
                del self.sw[a]
            return "OK"
        if t > 4:
            return "E22" if self.accel == "kvm" else ""
        if self.accel == "tcg":
            for i, (pt, pa, pn) in enumerate(self.hw):
                if pt == t and pa == a and (t == 1 or pn == n):
                    del self.hw[i]
                    return "OK"
            return "E22"
        i = self._find(t, a, n)
        if i < 0:
            return "E22"
        del self.hw[i]
        return "OK"

    def plantable(self, a):
        return a in self.mem

    def write(self, a, data):
        for i, b in enumerate(data):
            self.mem[a + i] = b
            self.writes[a + i] = b

    def read(self, a, n):
        return bytes(self.mem[a + i] for i in range(n))

    def stop_ok(self, pc, watch):
        if watch is not None:
            return any(t >= 2 and pa <= watch < pa + max(pn, 1)
                       for t, pa, pn in self.hw)
        return pc in self.sw or any(t == 1 and pa == pc
                                    for t, pa, pn in self.hw)


def stop_info(reply):
    watch = None
    for field in reply[3:].split(";"):
        k, _, v = field.partition(":")
        if k in ("watch", "rwatch", "awatch"):
            watch = int(v, 16)
    return watch


class Runner:
    def __init__(self, g, model, rnd, code, fail):
        self.g, self.m, self.rnd, self.code, self.fail = g, model, rnd, \
            code, fail
        self.ops = 0
        self.last_stop = None
        self.stops = {}
        self.detaches = 0
        # Where the guest's own step #DB may be lost for a known reason
        # (see the end of main()): the resumes that did it; and the
        # resume after which the guest first reported a lost one.
        self.pvm_b0_only = []
        self.resumes = []
        self.bad_at = None
        # Instructions every pass of the guest's loop runs
        sym = g.sym
        self.hot = {a for a in code
                    if sym["main_loop"] <= a <= sym["after_guest_step"] or
                    sym["tick"] <= a < sym["puts"]}
        assert len(self.hot) > 10

    def expect(self, packet, want):
        got = self.g.rsp.send(packet)
        if TRACE:
            print("op %d: %s -> %r" % (self.ops, packet, got[:40]))
        if got != want:
            self.fail.append("op %d: %s answered %r, model says %r"
                             % (self.ops, packet, got, want))

    def addr(self, watch=False):
        """An instruction of the guest's (never a data address for a
        software breakpoint: the guest would execute its own variable's
        trap), scratch RAM, a variable the guest writes (watchpoints), or
        an address outside RAM."""
        r = self.rnd.random()
        if r < 0.45:
            return self.rnd.choice(self.code)
        if r < 0.9:
            return SCRATCH + self.rnd.randrange(SCRATCH_LEN)
        if r < 0.95 and watch:
            return self.g.sym["ticks"]
        return self.rnd.choice([0x40000000, 0xfed00000, (1 << 64) - 1])

    def length(self):
        r = self.rnd.random()
        if r < 0.8:
            return self.rnd.choice([1, 2, 4, 8])
        if r < 0.9:
            return self.rnd.randrange(1, 40)
        return self.rnd.choice([0, 0xffffffff, (1 << 64) - 1])

    def hot_point(self):
        """A point the loop must hit on its next pass: a breakpoint on an
        instruction every pass runs, or (where data watchpoints fire) a
        write or access watchpoint over ticks, which every pass
        increments."""
        m, ticks = self.m, self.g.sym["ticks"]
        if any(a in self.hot for a in m.sw) or \
                any(t == 1 and a in self.hot for t, a, n in m.hw):
            return True
        if m.accel == "kvm" and KVM_PVM:
            return False
        return any(t in (2, 4) and a < ticks + 8 and ticks < a + n
                   for t, a, n in m.hw)

    def resume(self, packet):
        r = self.g.rsp
        sym = self.g.sym

        def halted(pc):
            """Where the guest halts for good, after reporting a failure"""
            return sym["bad_count"] <= pc < sym["tick"] or \
                sym["unexpected"] <= pc < sym["own_debug"]

        before = self.g.pc()
        need = (packet == "s" or self.hot_point()) and \
            not halted(before) and self.bad_at is None
        reply = self.g.resume(packet, REQUIRED_WAIT if need else
                              CONTINUE_WAIT)
        kind = reply[:3]
        pc = self.g.pc()
        if halted(pc):
            need = False
        if need and kind == "T02":
            self.fail.append(
                "op %d: %s did not stop within %d s (at %#x), though %s"
                % (self.ops, packet, REQUIRED_WAIT, pc,
                   "a step must end" if packet == "s" else
                   "the model has a point the loop hits on every pass"))
        elif need and packet == "s" and kind == "T05" and pc == before and \
                not self.m.stop_ok(before, None):
            self.fail.append("op %d: s stopped at %#x, where it started"
                             % (self.ops, pc))
        if TRACE:
            print("op %d: %s -> %r at %#x" % (self.ops, packet, reply, pc))
        if kind == "T05":
            watch = stop_info(reply)
            if packet == "s" and watch is None:
                kind = "step"
            elif self.m.accel == "tcg" and watch is None and \
                    self.last_stop == ("s", "watch", pc):
                # Upstream TCG: a step that hit a watchpoint leaves the
                # step's own trap pending, and the next resume reports it
                # at once, with no reason.  Not the series' code.
                kind = "tcg-pending-step"
            elif not self.m.stop_ok(pc, watch):
                self.fail.append("op %d: %s stopped (%s) at %#x, where the "
                                 "model has no point" % (self.ops, packet,
                                                         reply, pc))
            else:
                kind = "watch" if watch is not None else "break"
            if pc == self.g.sym["after_guest_step"] and KVM_PVM and \
                    self.m.accel == "kvm":
                self.pvm_b0_only.append(self.ops)
        elif kind != "T02":
            self.fail.append("op %d: %s got %r" % (self.ops, packet, reply))
        self.stops[kind] = self.stops.get(kind, 0) + 1
        self.last_stop = (packet, kind, pc)
        self.resumes.append(self.ops)
        # After its third pass the guest calls puts only to report a
        # lost #DB, in bad_count, and then halts there.
        sym = self.g.sym
        if self.bad_at is None and \
                (sym["bad_count"] <= pc < sym["tick"] or
                 sym["puts"] <= pc < sym["setup_idt"]) and \
                int.from_bytes(bytes.fromhex(r.send("m%x,8" % sym["counter"])),
                               "little") > 3:
            self.bad_at = self.ops

    def bad_known(self):
        """The known cases among the last eight resumes up to the one
        after which the guest was seen reporting the loss: it checks its
        count four instructions after its step, which gdb may step one
        by one."""
        near = {r for r in self.resumes if r <= self.bad_at}
        near = set(sorted(near)[-8:])
        why = []
        if near & set(self.pvm_b0_only):
            why.append("kvm_pvm stopped at after_guest_step (op %d)"
                       % max(near & set(self.pvm_b0_only)))
        return why

    def detach(self, reference):
        g = self.g
        self.expect("D", "OK")
        g.rsp.close()
        self.m.clear()
        time.sleep(0.2)
        status = g.status()
        g.qmp.cmd("stop")
        got = {a: b for a, n in regions(g.sym) for a, b in
               zip(range(a, a + n), g.phys(a, n))}
        want = dict(reference)
        want.update(self.m.writes)
        diff = sum(got[a] != want[a] for a in want)
        h_got = digest(got)
        h_want = digest(want)
        self.detaches += 1
        print("detach %d after %d ops: guest %s, memory sha256 %s, "
              "expected %s, %d bytes differ" % (self.detaches, self.ops,
                                                status, h_got[:16],
                                                h_want[:16], diff))
        if status == "debug" and self.m.accel == "tcg" and \
                self.last_stop and self.last_stop[:2] == ("s", "watch"):
            # Upstream TCG, as in resume(): the step's pending trap stops
            # the VM right after detach.  Shown, not checked.
            print("upstream TCG finding: pending step trap stopped the "
                  "guest after detach")
        elif status != "running":
            self.fail.append("detach %d: guest %s" % (self.detaches, status))
        if diff or h_got != h_want:
            self.fail.append("detach %d: %d bytes of guest memory differ"
                             % (self.detaches, diff))
        g.reconnect()
        g.rsp.send("qSupported:swbreak+;hwbreak+")
        return diff

    def step(self):
        m, rnd = self.m, self.rnd
        self.ops += 1
        op = rnd.random()
        if op < 0.22:
            a = self.addr()
            self.expect("Z0,%x,1" % a, m.insert(0, a, 1))
        elif op < 0.40:
            # mostly remove one that is there
            if m.sw and rnd.random() < 0.8:
                a = rnd.choice(sorted(m.sw))
            else:
                a = self.addr()
            self.expect("z0,%x,1" % a, m.remove(0, a, 1))
        elif op < 0.55:
            t = rnd.choice([1, 1, 2, 3, 4, 5])
            a = self.addr(watch=t > 1)
            n = 1 if t == 1 else self.length()
            self.expect("Z%d,%x,%x" % (t, a, n), m.insert(t, a, n))
        elif op < 0.68:
            if m.hw and rnd.random() < 0.8:
                t, a, n = rnd.choice(m.hw)
            else:
                t = rnd.choice([1, 2, 3, 4, 5])
                a, n = self.addr(watch=t > 1), self.length()
            self.expect("z%d,%x,%x" % (t, a, n), m.remove(t, a, n))
        elif op < 0.80:
            a = rnd.choice(self.code + [SCRATCH + rnd.randrange(SCRATCH_LEN)
                                        for _ in range(4)])
            n = rnd.randrange(1, 64)
            n = min(n, max(1, self.g.sym["counter"] - a)) \
                if a < SCRATCH else min(n, SCRATCH + SCRATCH_LEN - a)
            want = m.read(a, n).hex()
            self.expect("m%x,%x" % (a, n), want)
        elif op < 0.90:
            a = SCRATCH + rnd.randrange(SCRATCH_LEN)
            n = min(rnd.randrange(1, 32), SCRATCH + SCRATCH_LEN - a)
            data = bytes(rnd.randrange(256) for _ in range(n))
            if rnd.random() < 0.05:
                # malformed data: refused, nothing written
                self.expect("M%x,%x:%sz" % (a, n, data.hex()[:-1]), "E22")
            else:
                self.expect("M%x,%x:%s" % (a, n, data.hex()), "OK")
                m.write(a, data)
        elif op < 0.95:
            self.resume("s")
        else:
            self.resume("c")


def regions(sym):
    return [(0x100000, sym["counter"] - 0x100000), (SCRATCH, SCRATCH_LEN)]


def digest(mem):
    h = hashlib.sha256()
    for a in sorted(mem):
        h.update(bytes([mem[a]]))
    return h.hexdigest()


def reference_run(qemu, bios, accel):
    """The same guest with no debugger: run, pause, read the regions."""
    g = Guest(qemu, bios, accel, smp=2, gdb=False, stopped=False)
    try:
        time.sleep(1)
        g.qmp.cmd("stop")
        return {a: b for a, n in regions(g.sym) for a, b in
                zip(range(a, a + n), g.phys(a, n))}
    finally:
        g.close()


def main():
    qemu, bios, accel = sys.argv[1:4]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    nops = int(sys.argv[5]) if len(sys.argv) > 5 else 3000
    skip_unless_usable(qemu, accel)
    fail = []
    reference = reference_run(qemu, bios, accel)
    serial = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                          "model-serial-%d.txt" % os.getpid())
    g = Guest(qemu, bios, accel, smp=2, serial=serial)
    t0 = time.time()
    total_diff = 0
    try:
        g.rsp.send("qSupported:swbreak+;hwbreak+")
        g.run_to_payload()
        mem = {a: b for a, n in regions(g.sym) for a, b in
               zip(range(a, a + n), g.phys(a, n))}
        model = Model(accel, mem)
        code = insn_starts(os.path.splitext(bios)[0] + ".elf",
                           g.sym["counter"])
        run = Runner(g, model, random.Random(seed), code, fail)
        every = max(nops // 4, 1)
        while run.ops < nops and len(fail) < 20:
            run.step()
            if run.ops % every == 0:
                total_diff += run.detach(reference)
                # the guest ran freely; gdb's connection stopped it again
        print("seed %d, accel %s: %d operations in %.1f s; stops %s; "
              "%d detaches, %d bytes differing in all"
              % (seed, accel, run.ops, time.time() - t0,
                 dict(sorted(run.stops.items())), run.detaches, total_diff))
    finally:
        err = g.close()
        out = open(serial, errors="replace").read() \
            if os.path.exists(serial) else ""
        if os.path.exists(serial):
            os.unlink(serial)
    # The guest counts its own single-step traps (EFLAGS.TF) and stops
    # with BAD when one is lost or extra.  Under KVM that fails the test,
    # but for one known loss, let pass when the run did it: on kvm_pvm
    # (this project's emulating KVM), a stop at gdb's point on
    # after_guest_step, whose #DB reports B0 without the guest's BS.
    for line in out.splitlines():
        if "UNEXPECTED" in line:
            fail.append("the guest reported: " + line)
        elif "BAD" in line:
            why = run.bad_known() if run.bad_at is not None else []
            if why:
                print("the guest lost a #DB, in a known case: "
                      + "; ".join(why))
            elif accel == "tcg":
                # Upstream TCG loses it too, in a case not narrowed down
                # yet (README, open finding): shown, not checked.
                print("open finding (TCG), not checked: the guest "
                      "reported: " + line)
            else:
                fail.append("the guest lost its own #DB (seen after op %s): "
                            "%s" % (run.bad_at, line))
    finish(fail, err, "model.py QEMU GUEST_BIN %s %d %d" % (accel, seed, nops))


if __name__ == "__main__":
    main()
