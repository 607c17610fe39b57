# Software breakpoints: stop with SIGTRAP at the breakpoint's pc, step over
# it, hit it again on every pass of the loop; then hardware breakpoint and
# software breakpoint together, and the guest's own traps still reach it.
# Under emulating KVM (kvm_pvm here) the int3 fails emulation: the series
# routes that to gdb as the breakpoint it is.  The payload is copied to RAM
# by the guest's boot code, so the breakpoint is set once it runs there.
# The last stop's packet must say swbreak (gdb's remote debug output).
# Fails when: a stop is missing or elsewhere, a count is wrong, memory
# shows the trap, the stop reason is not swbreak, a stop came through
# another KVM exit than kvm-path names, or QEMU dies.
# kvm-path: 1 hw start64
# kvm-path: 7 sw tick_body
# kvm-path: 6 step tick_body+1
# kvm-path: 1 hw main_loop
# machine: x86
# expect: Breakpoint 1, .* in start64
# expect: Breakpoint 2 at 0x[0-9a-f]+
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^hit 1 at tick_body=1 ticks=1$
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^hit 2 at tick_body=1 ticks=2$
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^hit 3 at tick_body=1 ticks=3$
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^hit 4 at tick_body=1 ticks=4$
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^hit 5 at tick_body=1 ticks=5$
# expect: ^stepped to tick_body\+1=1$
# expect: Hardware assisted breakpoint 3 at
# expect: Breakpoint 3, .* in main_loop
# expect: Breakpoint [0-9]+, .* in tick_body
# expect: ^both kinds ticks=6 db=5$
# expect: ^memory byte at tick_body 0x90$
# expect: Packet received: T05[^ ]*swbreak:
# expect: ^Breakpoint [0-9]+, 
# expect: 0x0*100074 in tick_body \(\)$
# expect: => 0x[0-9a-f]+ <tick_body>:\s+nop
# expect: ^sending: m100074,1$
# next: received: "90"
# reject: SIGABRT|SIGSEGV|SIGILL|Remote connection closed|internal error
# serial: own #DB handled each time
hbreak start64
continue
delete
break tick_body
set $i = 1
while $i <= 5
  continue
  printf "hit %d at tick_body=%d ticks=%d\n", $i, $pc == &tick_body, *(long *)&ticks
  set $i = $i + 1
end
stepi
printf "stepped to tick_body+1=%d\n", $pc == (char *)&tick_body + 1
hbreak main_loop
continue
continue
printf "both kinds ticks=%d db=%d\n", *(long *)&ticks, *(long *)&db_count
delete
printf "memory byte at tick_body 0x%x\n", *(unsigned char *)&tick_body
# Keep the breakpoint inserted while stopped: what QEMU returns for its
# memory is the guest's instruction, not the trap.
set breakpoint always-inserted on
break tick_body
set debug remote 1
continue
set debug remote 0
x/i $pc
maint packet m100074,1
kill
