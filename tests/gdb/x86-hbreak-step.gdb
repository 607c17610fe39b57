# Hardware breakpoints, continue many times, and single steps on x86_64.
# Fails when: a stop or step is missing or elsewhere, the guest's own
# #DB count is wrong, a stop came through another KVM exit, or QEMU dies.
# kvm-path: 5 hw tick
# kvm-path: 5 step tick_body
# kvm-path: 1 step tick_body+1
# kvm-path: 1 step tick_body+2
# kvm-path: 2 hw main_loop
# machine: x86
# expect: Hardware assisted breakpoint 1 at 0x[0-9a-f]+: file|Hardware assisted breakpoint 1 at 0x[0-9a-f]+
# expect: Breakpoint 1, .* in tick
# expect: ^pass 1 ticks=1$
# expect: Breakpoint 1, .* in tick
# expect: ^pass 2 ticks=2$
# expect: Breakpoint 1, .* in tick
# expect: ^pass 3 ticks=3$
# expect: Breakpoint 1, .* in tick
# expect: ^pass 4 ticks=4$
# expect: Breakpoint 1, .* in tick
# expect: ^pass 5 ticks=5$
# expect: ^step 1 at tick_body=1$
# expect: ^step 2 at tick_body\+1=1$
# expect: ^step 3 at tick_body\+2=1$
# expect: ^guest own traps 6$
# reject: SIGABRT|SIGSEGV|signal SIGILL|Remote connection closed
# serial: guest: hello
# serial: own #DB handled each time
hbreak tick
set $i = 1
while $i <= 5
  continue
  printf "pass %d ticks=%d\n", $i, *(long *)&ticks + 1
  set $i = $i + 1
end
delete
stepi
printf "step 1 at tick_body=%d\n", $pc == &tick_body
stepi
printf "step 2 at tick_body+1=%d\n", $pc == (char *)&tick_body + 1
stepi
printf "step 3 at tick_body+2=%d\n", $pc == (char *)&tick_body + 2
hbreak main_loop
continue
continue
printf "guest own traps %d\n", *(long *)&db_count
kill
