"""The x86 test guest under QEMU, driven over RSP and QMP, for the
project's RSP tests: start it stopped (-S), reach its 64-bit payload,
read guest-physical memory through QMP (pmemsave: the raw bytes, traps
and all, independent of the gdbstub's view)."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from rsp import RSP, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


# The x86 decoder's trace point (-trace kvm_x86_handle_debug): one line
# per debug exit.
TRACE_X86 = re.compile(r"kvm_x86_handle_debug exception (\d+) pc 0x([0-9a-f]+)"
                       r" dr6 0x([0-9a-f]+): (\S+) guest (\d) dr6 0x([0-9a-f]+)")


def x86_debug_exits(log_text):
    """The debug exits in a log: (exception, pc, DR6, verdict, whether the
    guest got its part, the DR6 it got) each."""
    return [(int(e), int(pc, 16), int(d6, 16), v, gp == "1", int(gd6, 16))
            for e, pc, d6, v, gp, gd6 in TRACE_X86.findall(log_text)]


def le64(hexstr):
    """A little-endian value of a gdb reply, m or p"""
    return int.from_bytes(bytes.fromhex(hexstr), "little")


def die_with_parent():
    """In the child before exec: QEMU gets SIGKILL when the test dies, so
    a test killed by its timeout leaves no guest running."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, 9)     # PR_SET_PDEATHSIG


def kvm_unusable(qemu):
    """None when KVM here is usable and runs @qemu's target, else the
    reason.  The kernel is asked, not the QEMU under test (see
    kvm-usable.sh)."""
    r = subprocess.run([os.path.join(HERE, "..", "gdb", "kvm-usable.sh"),
                        qemu],
                       capture_output=True, text=True)
    return r.stdout.strip() or "KVM unusable" if r.returncode else None


def skip_unless_usable(qemu, accel):
    """Exit 77 (skipped), saying why, when @accel is kvm and KVM is not
    usable here."""
    if accel == "kvm":
        why = kvm_unusable(qemu)
        if why:
            print("SKIP: KVM unusable: " + why)
            sys.exit(77)


def require_accel(qemu, accel):
    """On a real-KVM test host (HOST_KVM set by scripts/host-*.sh), a
    /dev/kvm that is not usable fails the test; elsewhere an unusable KVM
    skips it (skip_unless_usable)."""
    if os.environ.get("HOST_KVM"):
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            finish(["no usable /dev/kvm on the %s host"
                    % os.environ["HOST_KVM"]])
    else:
        skip_unless_usable(qemu, accel)


def finish(fail, qemu_stderr="", reproduce=None):
    """A test's verdict: a sanitizer report in QEMU's stderr fails it too;
    print each failure (and how to reproduce) and exit 1, or PASS."""
    if "runtime error" in qemu_stderr or "Sanitizer" in qemu_stderr:
        fail.append("sanitizer report: " + qemu_stderr[-2000:])
    for f in fail:
        print("FAIL: " + f)
    if fail:
        if reproduce:
            print("reproduce: " + reproduce)
        sys.exit(1)
    print("PASS")


# The x86 test guest's machine, for every test and benchmark that boots
# it (tests/gdb/run.sh and scripts/demo.sh read the same file).
X86_MACHINE = open(os.path.join(HERE, "..", "..", "guests", "x86",
                                "qemu-args")).read().split()


def x86_qemu(qemu, bios, accel, smp=1):
    """The command line that boots the x86 test guest from BIOS image
    @bios under @accel with @smp vCPUs, no display and no monitor."""
    return ([qemu] + X86_MACHINE +
            ["-smp", str(smp), "-bios", bios, "-accel", accel,
             "-display", "none", "-monitor", "none"])


def symbols(elf):
    out = subprocess.run(["nm", elf], capture_output=True, text=True,
                         check=True).stdout
    return {f[2]: int(f[0], 16) for f in
            (line.split() for line in out.splitlines()) if len(f) == 3}


class QMP:
    def __init__(self, path):
        for _ in range(100):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("QMP socket %s did not answer" % path)
        self.sock.settimeout(60)
        self.buf = b""
        self._read()                    # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name,
                                      "arguments": args}).encode() + b"\n")
        while True:
            r = self._read()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError("QMP %s: %s" % (name, r["error"]))


class Guest:
    """QEMU running the x86 test guest, with gdb and QMP sockets."""

    def __init__(self, qemu, bios, accel, smp=1, gdb=True, stopped=True,
                 serial=None, extra=(), env=None):
        self.sym = symbols(os.path.splitext(bios)[0] + ".elf")
        self.tmp = tempfile.TemporaryDirectory()
        qmp_path = os.path.join(self.tmp.name, "qmp")
        self.port = free_port()
        args = x86_qemu(qemu, bios, accel, smp) + [
            "-qmp", "unix:%s,server=on,wait=off" % qmp_path]
        if accel == "tcg":
            args += ["-cpu", "qemu64"]
        if serial:
            args += ["-serial", "file:" + serial]
        if gdb:
            args += ["-gdb", "tcp:127.0.0.1:%d" % self.port]
        if stopped:
            args.append("-S")
        args += list(extra)
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE,
                                     env=dict(os.environ, **(env or {})),
                                     preexec_fn=die_with_parent)
        self.qmp = QMP(qmp_path)
        self.rsp = RSP(self.port) if gdb else None

    def pid(self):
        return self.proc.pid

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def phys(self, addr, size):
        """Guest-physical memory, read by QEMU itself (QMP pmemsave)."""
        path = os.path.join(self.tmp.name, "mem")
        self.qmp.cmd("pmemsave", val=addr, size=size, filename=path)
        with open(path, "rb") as f:
            return f.read()

    def status(self):
        return self.qmp.cmd("query-status")["status"]

    def run_to_payload(self):
        """From reset to start64 (long mode, identity-mapped RAM)."""
        r = self.rsp
        assert r.send("Z1,%x,1" % self.sym["start64"]) == "OK"
        stop = r.send("c")
        assert stop.startswith("T05"), stop
        assert r.send("z1,%x,1" % self.sym["start64"]) == "OK"

    def trace_log(self):
        """Send QEMU's log (its -trace events) to a file; return a function
        that reads all of it so far."""
        path = os.path.join(self.tmp.name, "trace")
        self.qmp.cmd("human-monitor-command",
                     **{"command-line": "logfile " + path})

        def read():
            with open(path, errors="replace") as f:
                return f.read()
        return read

    def pc(self):
        return int.from_bytes(bytes.fromhex(self.rsp.send("p10")), "little")

    def poke(self, name, value, fail):
        """Set the guest's 8-byte variable @name to @value through gdb's M
        packet; say so in @fail when refused."""
        if self.rsp.send("M%x,8:%s" % (self.sym[name],
                                       value.to_bytes(8, "little").hex())) \
                != "OK":
            fail.append("could not set the guest's %s" % name)

    def expect_stop(self, packet, expect_pc, what, fail):
        """Send @packet (c or s) and expect a T05 stop at @expect_pc; say
        otherwise in @fail.  A stop that never comes ends the test.
        Returns the stop reply."""
        try:
            reply = self.rsp.send(packet)
        except TimeoutError:
            fail.append("%s: no stop within %d s"
                        % (what, self.rsp.sock.gettimeout()))
            finish(fail, self.close())
        pc = self.pc()
        if not reply.startswith("T05") or pc != expect_pc:
            fail.append("%s: stop %s at %#x, expected T05 at %#x"
                        % (what, reply[:3], pc, expect_pc))
        return reply

    def resume(self, packet="c", wait=1.0):
        """Send @packet (c or s); when no stop reply comes within @wait
        seconds, interrupt the guest (^C).  Returns the stop reply."""
        import socket
        r = self.rsp
        r.sock.sendall(b"$%s#%02x" % (packet.encode(),
                                      sum(packet.encode()) & 0xff))
        r.sock.settimeout(wait)
        try:
            reply = r.reply()
        except socket.timeout:
            r.sock.settimeout(60)
            r.sock.sendall(b"\x03")
            reply = r.reply()
        r.sock.settimeout(60)
        return reply

    def reconnect(self):
        self.rsp = RSP(self.port)

    def close(self):
        if self.rsp:
            self.rsp.close()
        self.proc.kill()
        self.proc.wait()
        err = self.proc.stderr.read().decode(errors="replace")
        self.tmp.cleanup()
        return err
