# Software and hardware breakpoints, continue many times and single steps
# on ppc64 (e5500 on ppce500).
# Fails when: a stop is missing or elsewhere, a count is wrong, a step
# ends elsewhere, memory shows the trap, or QEMU dies.
# machine: ppc64
# expect: Breakpoint 1 at 0x[0-9a-f]+
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 1 at tick_body=1 ticks=1$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 2 at tick_body=1 ticks=2$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 3 at tick_body=1 ticks=3$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 4 at tick_body=1 ticks=4$
# expect: Breakpoint 1, .* in tick_body
# expect: ^hit 5 at tick_body=1 ticks=5$
# expect: ^stepped to tick_body\+4=1$
# expect: Hardware assisted breakpoint 2 at
# expect: Breakpoint 2, .* in main_loop
# expect: Breakpoint 1, .* in tick_body
# expect: ^both kinds ticks=6$
# expect: ^memory word at tick_body 0x60000000$
# reject: SIGABRT|SIGSEGV|SIGILL|Remote connection closed
break tick_body
set $i = 1
while $i <= 5
  continue
  printf "hit %d at tick_body=%d ticks=%d\n", $i, $pc == (long)&tick_body, *(int *)&ticks
  set $i = $i + 1
end
stepi
printf "stepped to tick_body+4=%d\n", $pc == (long)&tick_body + 4
hbreak main_loop
continue
continue
printf "both kinds ticks=%d\n", *(int *)&ticks
delete
printf "memory word at tick_body 0x%x\n", *(unsigned int *)&tick_body
kill
