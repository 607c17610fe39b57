#!/usr/bin/python3
"""Dry run of scripts/send-series.sh: every mail goes To qemu-devel, each
patch is Cc'd to the maintainers and lists MAINTAINERS names for the files
it touches (checked against the MAINTAINERS sections directly: KVM, PPC
KVM, x86 KVM, gdbstub, docs), and the cover letter to all of them.
Exit 0 pass, 1 fail."""

import email.header
import os
import re
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(TOP, "build", "qemu")
LIST = "qemu-devel@nongnu.org"


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


def main():
    run = subprocess.run([os.path.join(TOP, "scripts", "send-series.sh")],
                         capture_output=True, text=True)
    if run.returncode:
        print(run.stdout + run.stderr)
        fail("dry run failed")
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
        mails.append((subj, addresses(fields.get("To", "")),
                      addresses(fields.get("Cc", ""))))
    n = len([x for x in open(os.path.join(TOP, "patches", "series"))
             if x.strip()])
    if len(mails) != n + 1:
        fail("dry run listed %d mails, expected %d" % (len(mails), n + 1))

    sections = maintainers_sections()
    needed = {
        "target/ppc/kvm.c": "PPC KVM CPUs",
        "target/i386/kvm/kvm.c": "X86 KVM CPUs",
        "accel/kvm/kvm-all.c": "Overall KVM CPUs",
        "gdbstub/gdbstub.c": "GDB stub",
    }
    for title in needed.values():
        if title not in sections or not sections[title][0]:
            fail("MAINTAINERS has no section %r with people" % title)

    patches = sorted(p for p in os.listdir(os.path.join(TOP, "patches"))
                     if p.endswith(".patch") and not p.startswith("0000"))
    union = set()
    for (subj, to, cc), name in zip(mails[1:], patches):
        if to != {LIST}:
            fail("%s: To is %s" % (subj, to))
        text = open(os.path.join(TOP, "patches", name)).read()
        touched = set(re.findall(r"^\+\+\+ b/(\S+)", text, re.M))
        for path, title in needed.items():
            if path in touched and not sections[title][0] <= cc | to:
                fail("%s touches %s but is not Cc'd to %s (%s)"
                     % (subj, path, title, sorted(sections[title][0])))
        gm = subprocess.run(
            ["./scripts/get_maintainer.pl", "--noroles", "--norolestats",
             "--nogit", "--nogit-fallback",
             os.path.join(TOP, "patches", name)],
            cwd=WORK, capture_output=True, text=True, check=True).stdout
        if not addresses(gm) <= cc | to:
            fail("%s: get_maintainer.pl gives %s, Cc has %s"
                 % (subj, sorted(addresses(gm)), sorted(cc)))
        if not cc:
            fail("%s has no Cc" % subj)
        union |= cc
        print("ok  %-70s Cc %d" % (subj[:70], len(cc)))
    if not union <= mails[0][2]:
        fail("cover letter misses %s" % sorted(union - mails[0][2]))
    print("PASS: %d mails To %s, every patch Cc'd to its maintainers, "
          "cover letter to all %d" % (len(mails), LIST, len(union)))


if __name__ == "__main__":
    main()
