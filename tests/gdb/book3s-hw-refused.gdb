# Book3S KVM has no hardware breakpoints or watchpoints for QEMU (BookE
# has them): gdb's hbreak and watch are refused when gdb inserts them, at
# continue, and the session goes on with software breakpoints.
# Fails when: hbreak or watch is accepted, the session does not go on
# to the software breakpoint, or QEMU dies.
# machine: book3s
# expect: Hardware assisted breakpoint 1 at 0x104
# expect: Cannot insert hardware breakpoint 1\.
# expect: ^hbreak refused: Command aborted\.$
# expect: Hardware watchpoint 2: \*\(int \*\)&ticks
# expect: Could not insert hardware watchpoint 2\.
# expect: ^watch refused: Command aborted\.$
# expect: Breakpoint 3 at 0x114
# expect: Breakpoint 3, .* in after_hcall
# expect: ^then break at after_hcall=1$
# reject: SIGABRT|SIGSEGV|SIGILL|SIGINT|Remote connection closed|Remote failure|not refused
hbreak loop
python
try:
    gdb.execute("continue")
    print("hbreak not refused")
except gdb.error as e:
    print("hbreak refused: %s" % str(e).replace("\n", " "))
end
delete
watch *(int *)&ticks
python
try:
    gdb.execute("continue")
    print("watch not refused")
except gdb.error as e:
    print("watch refused: %s" % str(e).replace("\n", " "))
end
delete
break after_hcall
continue
printf "then break at after_hcall=%d\n", $pc == (long)&after_hcall
kill
