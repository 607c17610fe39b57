#!/usr/bin/python3
"""Mail round trip: send the series through a real SMTP server on
127.0.0.1 (aiosmtpd, storing into a Maildir), collect what arrived, check
threading, git am it onto the pristine base and compare every commit with
the series applied directly: same trees, same authorship, same messages.
Exit 0 pass, 1 fail, 77 skip."""

import mailbox
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(TOP, "build", "qemu")


def git(*args, cwd=WORK):
    return subprocess.run(["git", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        print("SKIP: python3-aiosmtpd is not installed (scripts/deps.sh)")
        sys.exit(77)
    if not os.path.isdir(os.path.join(WORK, ".git")):
        fail("no work tree: run scripts/prepare.sh")

    with tempfile.TemporaryDirectory() as tmp:
        maildir = os.path.join(tmp, "Maildir")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l",
             "127.0.0.1:%d" % port, "-c", "aiosmtpd.handlers.Mailbox",
             maildir],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                fail("SMTP server did not start")
            sent = subprocess.run(
                [os.path.join(TOP, "scripts", "send-series.sh"), "--send",
                 "--no-cc", "--to", "series@roundtrip.invalid",
                 "--smtp-server", "127.0.0.1", "--smtp-port", str(port)],
                capture_output=True, text=True)
            if sent.returncode:
                print(sent.stdout + sent.stderr)
                fail("send-series.sh --send failed")
            # Mail is delivered once the client has finished.
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(10)

        msgs = list(mailbox.Maildir(maildir, create=False))
        n_series = len([line for line in
                        open(os.path.join(TOP, "patches", "series"))
                        if line.strip()])
        if len(msgs) != n_series + 1:
            fail("%d mails arrived, expected %d" % (len(msgs), n_series + 1))

        def number(m):
            subj = " ".join(str(m["Subject"]).split())
            hit = re.match(r"\[PATCH (\d+)/(\d+)\]", subj)
            if not hit or int(hit.group(2)) != n_series:
                fail("bad subject: " + subj)
            return int(hit.group(1))

        msgs.sort(key=number)
        cover = msgs[0]
        if number(cover) != 0:
            fail("no cover letter [PATCH 0/%d]" % n_series)
        for m in msgs[1:]:
            if m["In-Reply-To"] != cover["Message-Id"]:
                fail("%s is not threaded under the cover letter"
                     % m["Subject"])

        # git am what arrived onto the series it builds on (the base plus
        # the tcg-fixes series, scripts/lib.sh), in a scratch clone.
        scratch = os.path.join(tmp, "qemu")
        git("clone", "-q", "--no-checkout", WORK, scratch)
        git("fetch", "-q", WORK, "tcg-fixes:tcg-fixes", cwd=scratch)
        git("checkout", "-q", "-b", "roundtrip", "tcg-fixes", cwd=scratch)
        env = dict(os.environ, GIT_COMMITTER_NAME="roundtrip",
                   GIT_COMMITTER_EMAIL="roundtrip@invalid")
        for m in msgs[1:]:
            path = os.path.join(tmp, "mail-%02d" % number(m))
            with open(path, "wb") as f:
                f.write(m.as_bytes())
            am = subprocess.run(["git", "am", "-q", path], cwd=scratch,
                                env=env, capture_output=True, text=True)
            if am.returncode:
                fail("git am of %s: %s" % (m["Subject"], am.stderr))

        # git send-email stamps each mail with the time it is sent, which
        # git am takes as the author date: names, addresses, trees and
        # messages must survive, dates cannot.
        fmt = "%T%n%an%n%ae%n%B"
        got = git("log", "--reverse", "--format=" + fmt + "%x00",
                  "tcg-fixes..roundtrip", cwd=scratch).split("\0")
        want = git("log", "--reverse", "--format=" + fmt + "%x00",
                   "tcg-fixes..fork").split("\0")
        if len(got) != len(want):
            fail("%d commits after git am, %d in the series"
                 % (len(got) - 1, len(want) - 1))
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                print("---- series\n" + w + "\n---- after the mail\n" + g)
                fail("commit %d differs after the mail round trip" % (i + 1))
        print("PASS: %d mails over SMTP, threaded under the cover letter; "
              "git am reproduces all %d commits (trees, authors, messages)"
              % (len(msgs), n_series))


if __name__ == "__main__":
    main()
