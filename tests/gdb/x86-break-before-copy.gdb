# A software breakpoint set before the guest copies its code into place
# (here: at -S, before the boot code copies the payload to RAM, as a boot
# loader copies a kernel over "b start_kernel") must still hit.  TCG only:
# under KVM the guest overwrites the int3, and QEMU does not take the
# guest's debug registers for a software breakpoint; there the user sets
# such a breakpoint with hbreak (x86-hbreak-before-copy.gdb).
# Fails when: one of the three hits is missing or elsewhere, memory
# shows the trap, or QEMU dies.
# machine: x86
# expect: Breakpoint 1 at 0x[0-9a-f]+
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 1 at tick_body=1 ticks=1$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 2 at tick_body=1 ticks=2$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 3 at tick_body=1 ticks=3$
# expect: ^memory byte at tick_body 0x90$
# reject: SIGABRT|SIGSEGV|SIGILL|Remote connection closed|internal error
break tick_body
set $i = 1
while $i <= 3
  continue
  printf "hit %d at tick_body=%d ticks=%d\n", $i, $pc == &tick_body, *(long *)&ticks
  set $i = $i + 1
end
delete
printf "memory byte at tick_body 0x%x\n", *(unsigned char *)&tick_body
kill
