# A hardware breakpoint set before the guest copies its code into place
# (here: at -S, before the boot code copies the payload to RAM, as a boot
# loader copies a kernel over "b start_kernel") hits, under KVM too: it
# lives in a debug register, not in the guest's memory.  Then step over it
# and hit it again.
# Fails when: one of the three hits or the step is missing or elsewhere,
# a stop came through another KVM exit, or QEMU dies.
# kvm-path: 3 hw tick_body
# kvm-path: 2 step tick_body+1
# machine: x86
# expect: Hardware assisted breakpoint 1 at 0x[0-9a-f]+
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 1 at tick_body=1 ticks=1$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 2 at tick_body=1 ticks=2$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 3 at tick_body=1 ticks=3$
# expect: ^memory byte at tick_body 0x90$
# reject: SIGABRT|SIGSEGV|SIGILL|Remote connection closed|internal error
hbreak tick_body
set $i = 1
while $i <= 3
  continue
  printf "hit %d at tick_body=%d ticks=%d\n", $i, $pc == &tick_body, *(long *)&ticks
  set $i = $i + 1
end
delete
printf "memory byte at tick_body 0x%x\n", *(unsigned char *)&tick_body
kill
