"""A minimal gdb remote serial protocol client for the project's tests."""

import socket
import time


class RSP:
    def __init__(self, port, timeout=60):
        for _ in range(100):
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gdbstub on port %d did not answer" % port)
        self.sock.settimeout(timeout)
        # Small packets both ways: without this, Nagle's algorithm and
        # delayed acknowledgements add ~40 ms to every exchange.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, packet):
        """Send one packet and return the reply packet."""
        self.sock.sendall(b"$%s#%02x" % (packet.encode(),
                                         sum(packet.encode()) & 0xff))
        return self.reply()

    def reply(self):
        """Read one packet (acks before it skipped), check it, ack it."""
        while b"$" not in self.buf or b"#" not in \
                self.buf[self.buf.index(b"$"):] or \
                len(self.buf) < self.buf.index(b"#", self.buf.index(b"$")) + 3:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("gdbstub closed the connection")
            self.buf += chunk
        start = self.buf.index(b"$")
        end = self.buf.index(b"#", start)
        data = self.buf[start + 1:end]
        if int(self.buf[end + 1:end + 3], 16) != sum(data) & 0xff:
            raise RuntimeError("bad checksum in %r" % self.buf[start:end + 3])
        self.buf = self.buf[end + 3:]
        self.sock.sendall(b"+")
        return data.decode()

    def close(self):
        self.sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
