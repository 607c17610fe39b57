#!/bin/bash
# Send one series to qemu-devel with git send-email: the cover letter
# first, every patch threaded under it, each with the Cc that QEMU's
# scripts/get_maintainer.pl gives for it (scripts/cc-cmd.sh).  A dry run
# unless --send is given: it lists every mail with its recipients.
#   scripts/send-series.sh [--series NAME] [--send] [--version N] [--to ADDR]
#                          [--no-cc] [--smtp-server HOST] [--smtp-port PORT]
# --series NAME    which series of SERIES_ORDER (scripts/lib.sh) to send;
#                  default kvm-debug (patches/), e.g. tcg-fixes
# --version N      subject prefix [PATCH vN n/m]; keep the changes of each
#                  version in the series' cover-letter.txt
# --no-cc          only To: (for tests against a local SMTP server)
#
# The stored patches carry a placeholder author and Signed-off-by (GIT_ID
# in scripts/lib.sh).  The mails carry the sender's: git config user.name
# and user.email of this checkout (or the global ones).  The author
# and every Signed-off-by of the placeholder become the sender, who by
# sending certifies the DCO (docs/devel/submitting-a-patch.rst).  --send
# refuses while no identity of the sender's own is configured; a dry run
# says which identity the mails would carry.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
send=
series=kvm-debug
version=
to=qemu-devel@nongnu.org
cc=1
smtp=()
while [ $# -gt 0 ]; do
    case "$1" in
        --send) send=1; shift ;;
        --series) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
        --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
        --to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
        --no-cc) cc=; shift ;;
        --smtp-server) [ $# -ge 2 ] || usage; smtp+=(--smtp-server="$2"); shift 2 ;;
        --smtp-port) [ $# -ge 2 ] || usage; smtp+=(--smtp-server-port="$2"); shift 2 ;;
        *) usage ;;
    esac
done
git send-email --help >/dev/null 2>&1 || die "git send-email missing: run scripts/deps.sh"
[ -d "$WORK/.git" ] || "$TOP/scripts/prepare.sh"

# The sender's identity, and never the placeholder.
placeholder_name=$(git "${GIT_ID[@]}" config user.name)
placeholder_email=$(git "${GIT_ID[@]}" config user.email)
name=$(git -C "$TOP" config user.name || true)
email=$(git -C "$TOP" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ] ||
   [ "$email" = "$placeholder_email" ] || [ "$name" = "$placeholder_name" ]; then
    msg="no sender identity: the mails would go out as the placeholder
    \"$placeholder_name <$placeholder_email>\", which cannot certify the DCO.
    Set your own: git config --global user.name \"Your Name\"
                  git config --global user.email you@example.org"
    [ -z "$send" ] || die "$msg"
    log "dry run without an identity; --send would refuse: $msg"
    name=$placeholder_name email=$placeholder_email
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -n "$version" ]; then
    "$TOP/scripts/export.sh" --series "$series" --version "$version" --out "$out"
else
    "$TOP/scripts/export.sh" --series "$series" --out "$out"
fi
# The sender as a header wants it: a name with RFC 5322 specials goes in
# quotes (for git send-email's --from and the mails' From: line).
from=$(python3 -c 'import re, sys
n, a = sys.argv[1:3]
if re.search(r"[()<>@,;:\\\".\[\]]", n):
    n = "\"%s\"" % n.replace("\\", "\\\\").replace("\"", "\\\"")
print("%s <%s>" % (n, a))' "$name" "$email")
# Author and sign-off become the sender's: the From: line (written as
# plain UTF-8, which git send-email encodes itself; a pre-encoded one it
# would not recognise as the sender and would repeat in the body), every
# Signed-off-by of the placeholder, and the cover letter's shortlog
# heading.  Nothing of the placeholder may be left in any mail.
[ "$email" = "$placeholder_email" ] || python3 - "$placeholder_name" "$placeholder_email" "$name" "$email" "$from" "$out"/*.patch <<'PY'
import re, sys
old_name, old_email, name, addr, header = sys.argv[1:6]
old = "%s <%s>" % (old_name, old_email)
new = "%s <%s>" % (name, addr)
for path in sys.argv[6:]:
    text = open(path, encoding="utf-8").read()
    head, sep, body = text.partition("\n\n")
    head = head.replace("\nFrom: " + old + "\n", "\nFrom: " + header + "\n",
                        1)
    body = re.sub(r"^Signed-off-by: " + re.escape(old) + "$",
                  lambda m: "Signed-off-by: " + new, body, flags=re.M)
    body = re.sub(r"^" + re.escape(old_name) + r" \((\d+)\):$",
                  lambda m: "%s (%s):" % (name, m.group(1)), body,
                  flags=re.M)
    # The placeholder anywhere in the mail but a patch's diff is an error.
    message = head + "\n" + body.split("\ndiff --git ")[0]
    if old_email in message or old_name in message:
        sys.exit("%s: the placeholder identity is left in it" % path)
    open(path, "w", encoding="utf-8").write(head + sep + body)
PY
log "identity: $name <$email> (author and Signed-off-by of every mail)"

args=(--to="$to" --from="$from" --thread --no-chain-reply-to
      --confirm=never --suppress-cc=self --8bit-encoding=UTF-8
      --transfer-encoding=8bit "${smtp[@]}")
if [ -n "$cc" ]; then
    args+=(--cc-cmd="$TOP/scripts/cc-cmd.sh")
else
    args+=(--suppress-cc=all)
fi
if [ -z "$send" ]; then
    args+=(--dry-run)
    log "dry run: nothing is sent (use --send)"
fi
# git send-email can give up on a mail and still exit 0: count results.
n=$(ls "$out"/*.patch | wc -l)
SERIES_TO=$to git -C "$WORK" send-email "${args[@]}" "$out"/*.patch 2>&1 |
    tee "$out/send.log"
ok=$(grep -c -E '^Result: (OK|250)' "$out/send.log" || true)
[ "$ok" = "$n" ] || die "only $ok of $n mails were accepted (see above)"
log "$n mails $([ -n "$send" ] && echo sent || echo checked)"
