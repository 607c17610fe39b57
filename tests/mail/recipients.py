#!/usr/bin/python3
"""Dry run of scripts/send-series.sh for one series (argument: its name
in SERIES_ORDER, scripts/lib.sh): every mail goes To qemu-devel, each
patch is Cc'd to the maintainers and lists MAINTAINERS names for the files
it touches (checked against the MAINTAINERS sections directly: KVM, PPC
KVM, x86 KVM, TCG, x86 TCG, gdbstub), and the cover letter, if the series
has one, to all of them.  Every mail is From the sender's identity (git
config user.name/user.email, set here through the environment, non-ASCII
on purpose), never the placeholder the stored patches carry; and --send
refuses, before any mail, while the identity is unset or the placeholder.
Fails when: a mail lacks a recipient MAINTAINERS names or has one it
does not, is From anyone but the sender, or --send goes ahead without
an identity.
Exit 0 pass, 1 fail."""

import email.header
import email.utils
import os
import re
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(TOP, "build", "qemu")
LIST = "qemu-devel@nongnu.org"
PLACEHOLDER = "kvm-debug-fork@invalid"
SENDER = ("Zoë Tester-Ångström", "zoe.tester@example.org")
# A name that needs quoting in a header: a comma, quotes, an apostrophe.
SENDER2 = ('Pat "PJ" O\'Brien, Jr.', "pat.obrien@example.org")


def identity_env(name, addr):
    """The environment of a git whose user.name/user.email are these,
    above any the machine or the checkout configures."""
    return dict(os.environ, GIT_CONFIG_COUNT="2",
                GIT_CONFIG_KEY_0="user.name", GIT_CONFIG_VALUE_0=name,
                GIT_CONFIG_KEY_1="user.email", GIT_CONFIG_VALUE_1=addr)


def series_info(name):
    """(directory, number of patches) of one series, from scripts/series.sh."""
    out = subprocess.run([os.path.join(TOP, "scripts", "series.sh")],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f[0] == name:
            d = os.path.join(TOP, f[1])
            n = len([x for x in open(os.path.join(d, "series")) if x.strip()])
            return d, n
    fail("no series %s in scripts/series.sh" % name)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def addresses(text):
    return {a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+\w", text)}


def maintainers_sections():
    """MAINTAINERS as {section title: (set of M:/L: addresses, [F: globs])}."""
    sections, title, body = {}, None, []
    lines = open(os.path.join(WORK, "MAINTAINERS"), encoding="utf-8").read()
    for line in lines.splitlines() + [""]:
        if re.match(r"^[A-Z]: ", line):
            body.append(line)
        elif line.strip():
            title, body = line.strip(), []
            sections[title] = body
    out = {}
    for t, b in sections.items():
        who = set()
        globs = []
        for line in b:
            if line[:2] in ("M:", "L:"):
                who |= addresses(line)
            elif line[:2] == "F:":
                globs.append(line[3:].strip())
        out[t] = (who, globs)
    return out


def check_refusal(series):
    """--send with the placeholder, or with no identity, refuses and names
    the fix; the SMTP port given is closed, so nothing could be sent."""
    for name, addr in (("QEMU KVM debug fork", PLACEHOLDER), ("", "")):
        run = subprocess.run(
            [os.path.join(TOP, "scripts", "send-series.sh"), "--series",
             series, "--send", "--smtp-server", "127.0.0.1",
             "--smtp-port", "9"],
            capture_output=True, text=True, env=identity_env(name, addr))
        out = run.stdout + run.stderr
        if run.returncode == 0 or \
                "send-series.sh: error: no sender identity" not in out or \
                "git config --global user.email" not in out or \
                "Subject:" in out or "SMTP" in out:
            print(run.stdout + run.stderr)
            fail("--send with identity %r did not refuse before sending"
                 % ((name, addr),))


def dry_run(series, ident):
    """The mails of a dry run as ident: [(subject, To, Cc)]."""
    run = subprocess.run([os.path.join(TOP, "scripts", "send-series.sh"),
                          "--series", series],
                         capture_output=True, text=True,
                         env=identity_env(*ident))
    if run.returncode:
        print(run.stdout + run.stderr)
        fail("dry run as %r failed" % (ident,))
    sender = "%s <%s>" % ident
    if "identity: " + sender not in run.stderr:
        print(run.stderr)
        fail("the dry run does not say it sends as " + sender)
    if PLACEHOLDER in run.stdout or "QEMU KVM debug fork" in run.stdout:
        fail("the placeholder identity appears in the dry run as %r"
             % (ident,))
    # One block per mail: headers after "Dry-OK. Log says:".
    mails = []
    for block in run.stdout.split("Dry-OK. Log says:")[1:]:
        head = block.split("\nResult:")[0]
        fields, key = {}, None
        for line in head.splitlines():
            if re.match(r"^[A-Za-z-]+: ", line):
                key, val = line.split(": ", 1)
                fields[key] = val
            elif key and line[:1] in (" ", "\t"):
                fields[key] += " " + line.strip()
        subj = str(email.header.make_header(
            email.header.decode_header(fields.get("Subject", ""))))
        frm = email.utils.parseaddr(str(email.header.make_header(
            email.header.decode_header(fields.get("From", "")))))
        if frm != ident:
            fail("%s: From is %r, not the sender %r" % (subj, frm, ident))
        to, cc = (addresses(fields.get("To", "")),
                  addresses(fields.get("Cc", "")))
        # git send-email Cc's an author it does not take for the sender.
        if ident[1] in cc | to:
            fail("%s: the sender %s is also a recipient" % (subj, ident[1]))
        mails.append((subj, to, cc))
    return mails


def main():
    if len(sys.argv) != 2:
        fail("usage: recipients.py SERIES")
    series = sys.argv[1]
    pdir, n = series_info(series)
    check_refusal(series)
    for ident in (SENDER2, SENDER):
        mails = dry_run(series, ident)
    sender = "%s <%s>" % SENDER
    cover = 1 if n > 1 else 0
    if len(mails) != n + cover:
        fail("dry run listed %d mails, expected %d" % (len(mails), n + cover))

    sections = maintainers_sections()
    needed = {
        "target/ppc/kvm.c": "PPC KVM CPUs",
        "target/i386/kvm/kvm.c": "X86 KVM CPUs",
        "accel/kvm/kvm-all.c": "Overall KVM CPUs",
        "gdbstub/gdbstub.c": "GDB stub",
        "accel/tcg/watchpoint.c": "Overall TCG CPUs",
        "target/i386/tcg/system/svm_helper.c": "X86 TCG CPUs",
    }
    for title in needed.values():
        if title not in sections or not sections[title][0]:
            fail("MAINTAINERS has no section %r with people" % title)

    patches = sorted(p for p in os.listdir(pdir)
                     if p.endswith(".patch") and not p.startswith("0000"))
    union = set()
    for (subj, to, cc), name in zip(mails[cover:], patches):
        if to != {LIST}:
            fail("%s: To is %s" % (subj, to))
        text = open(os.path.join(pdir, name)).read()
        touched = set(re.findall(r"^\+\+\+ b/(\S+)", text, re.M))
        for path, title in needed.items():
            if path in touched and not sections[title][0] <= cc | to:
                fail("%s touches %s but is not Cc'd to %s (%s)"
                     % (subj, path, title, sorted(sections[title][0])))
        gm = subprocess.run(
            ["./scripts/get_maintainer.pl", "--noroles", "--norolestats",
             "--nogit", "--nogit-fallback",
             os.path.join(pdir, name)],
            cwd=WORK, capture_output=True, text=True, check=True).stdout
        if not addresses(gm) <= cc | to:
            fail("%s: get_maintainer.pl gives %s, Cc has %s"
                 % (subj, sorted(addresses(gm)), sorted(cc)))
        if not cc:
            fail("%s has no Cc" % subj)
        union |= cc
        print("ok  %-70s Cc %d" % (subj[:70], len(cc)))
    if cover and not union <= mails[0][2]:
        fail("cover letter misses %s" % sorted(union - mails[0][2]))
    print("PASS: %s: %d mails From %s To %s, every patch Cc'd to its "
          "maintainers%s; --send refuses the placeholder and no identity"
          % (series, len(mails), sender, LIST,
             ", cover letter to all %d" % len(union) if cover else ""))


if __name__ == "__main__":
    main()
