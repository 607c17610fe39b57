#!/usr/bin/python3
"""Mail round trip of one series (argument: its name in SERIES_ORDER,
scripts/lib.sh): send it through a real SMTP server on 127.0.0.1
(aiosmtpd, storing into a Maildir) as a sender whose identity (git config
user.name/user.email, here non-ASCII) is not the placeholder the stored
patches carry, collect what arrived, check threading, git am it onto the
series it builds on and compare every commit with the series applied
directly: same trees and messages, but author and Signed-off-by the
sender's, and the placeholder nowhere.
Fails when: a mail does not arrive or is not threaded to its cover
letter, git am fails, a tree or message differs, or the placeholder
survives anywhere.  Exit 0 pass, 1 fail, 77 skip."""

import email.header
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
PLACEHOLDER = ("QEMU KVM debug fork", "kvm-debug-fork@invalid")
SENDER = ("Zoë Tester-Ångström", "zoe.tester@example.org")


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
    if len(sys.argv) != 2:
        fail("usage: roundtrip.py SERIES")
    series = sys.argv[1]
    listing = subprocess.run([os.path.join(TOP, "scripts", "series.sh")],
                             capture_output=True, text=True,
                             check=True).stdout
    for line in listing.splitlines():
        name, pdir, branch, start = line.split()
        if name == series:
            break
    else:
        fail("no series %s in scripts/series.sh" % series)
    pdir = os.path.join(TOP, pdir)
    n_series = len([x for x in open(os.path.join(pdir, "series"))
                    if x.strip()])
    cover = 1 if n_series > 1 else 0

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
            env = dict(os.environ, GIT_CONFIG_COUNT="2",
                       GIT_CONFIG_KEY_0="user.name",
                       GIT_CONFIG_VALUE_0=SENDER[0],
                       GIT_CONFIG_KEY_1="user.email",
                       GIT_CONFIG_VALUE_1=SENDER[1])
            sent = subprocess.run(
                [os.path.join(TOP, "scripts", "send-series.sh"), "--send",
                 "--series", series,
                 "--no-cc", "--to", "series@roundtrip.invalid",
                 "--smtp-server", "127.0.0.1", "--smtp-port", str(port)],
                capture_output=True, text=True, env=env)
            if sent.returncode:
                print(sent.stdout + sent.stderr)
                fail("send-series.sh --send failed")
            # Mail is delivered once the client has finished.
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(10)

        msgs = list(mailbox.Maildir(maildir, create=False))
        if len(msgs) != n_series + cover:
            fail("%d mails arrived, expected %d"
                 % (len(msgs), n_series + cover))

        def number(m):
            subj = " ".join(str(m["Subject"]).split())
            if not cover:
                if not subj.startswith("[PATCH] "):
                    fail("bad subject: " + subj)
                return 1
            hit = re.match(r"\[PATCH (\d+)/(\d+)\]", subj)
            if not hit or int(hit.group(2)) != n_series:
                fail("bad subject: " + subj)
            return int(hit.group(1))

        msgs.sort(key=number)
        for m in msgs:
            frm = str(email.header.make_header(
                email.header.decode_header(m["From"])))
            if frm != "%s <%s>" % SENDER:
                fail("%s is From %r" % (m["Subject"], frm))
            # Nothing of the placeholder anywhere, cover letter included,
            # and no in-body From: (git send-email adds one when it does
            # not take the author for the sender).
            raw = m.as_bytes().decode("utf-8", "replace")
            if PLACEHOLDER[0] in raw or PLACEHOLDER[1] in raw:
                fail("%s carries the placeholder identity" % m["Subject"])
            body = m.get_payload(decode=True).decode("utf-8", "replace")
            if body.lstrip("\n").startswith("From:"):
                fail("%s has an in-body From: line" % m["Subject"])
        if cover:
            if number(msgs[0]) != 0:
                fail("no cover letter [PATCH 0/%d]" % n_series)
            for m in msgs[1:]:
                if m["In-Reply-To"] != msgs[0]["Message-Id"]:
                    fail("%s is not threaded under the cover letter"
                         % m["Subject"])
            msgs = msgs[1:]

        # git am what arrived onto the series it builds on
        # (scripts/series.sh), in a scratch clone.
        scratch = os.path.join(tmp, "qemu")
        git("clone", "-q", "--no-checkout", WORK, scratch)
        start_ref = "base" if start == "base" else "origin/" + start
        git("checkout", "-q", "-b", "roundtrip", start_ref, cwd=scratch)
        env = dict(os.environ, GIT_COMMITTER_NAME="roundtrip",
                   GIT_COMMITTER_EMAIL="roundtrip@invalid")
        for m in msgs:
            path = os.path.join(tmp, "mail-%02d" % number(m))
            with open(path, "wb") as f:
                f.write(m.as_bytes())
            am = subprocess.run(["git", "am", "-q", path], cwd=scratch,
                                env=env, capture_output=True, text=True)
            if am.returncode:
                fail("git am of %s: %s" % (m["Subject"], am.stderr))

        # git send-email stamps each mail with the time it is sent, which
        # git am takes as the author date: trees and messages must
        # survive, dates cannot; author and sign-off are the sender's.
        fmt = "%T%n%an%n%ae%n%B"
        got = git("log", "--reverse", "--format=" + fmt + "%x00",
                  "%s..roundtrip" % start_ref, cwd=scratch).split("\0")
        want = git("log", "--reverse", "--format=" + fmt + "%x00",
                   "%s..%s" % (start, branch)).split("\0")
        if len(got) != len(want):
            fail("%d commits after git am, %d in the series"
                 % (len(got) - 1, len(want) - 1))
        old_id = "%s <%s>" % PLACEHOLDER
        new_id = "%s <%s>" % SENDER
        for i, (g, w) in enumerate(zip(got, want)):
            if w.strip() and ("Signed-off-by: " + old_id) not in w:
                fail("commit %d of the series has no placeholder sign-off"
                     % (i + 1))
            w = w.replace("\n%s\n%s\n" % PLACEHOLDER,
                          "\n%s\n%s\n" % SENDER, 1)
            w = w.replace("Signed-off-by: " + old_id,
                          "Signed-off-by: " + new_id)
            if g != w or PLACEHOLDER[1] in g:
                print("---- series, as the sender\n" + w +
                      "\n---- after the mail\n" + g)
                fail("commit %d differs after the mail round trip" % (i + 1))
        print("PASS: %s: %d mails over SMTP from %s%s; git am reproduces "
              "all %d commits (trees, messages), authored and signed off "
              "by the sender" % (series, len(msgs) + cover, new_id,
                                 ", threaded under the cover letter"
                                 if cover else "", n_series))


if __name__ == "__main__":
    main()
