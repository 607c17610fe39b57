# Software breakpoints on Book3S (the pseries guest of guests/ppc/book3s.S):
# each pass makes an hcall QEMU answers with H_FUNCTION, then reaches
# after_hcall; under HV that breakpoint's exit carries the stale status
# the hcall left.  Three times, gdb breaks there and then at loop, each
# breakpoint deleted before the next continue, so gdb never steps (Book3S
# HV cannot single-step; book3s-step.gdb steps where KVM can).  gdb reads
# the guest's own instructions at both places meanwhile.
# Fails when: a stop is missing or elsewhere, r3 or a count is wrong,
# gdb reads a trap instead of the guest's instruction, or QEMU dies.
# machine: book3s
# expect: Breakpoint 1 at 0x114
# expect: Breakpoint 1, .* in after_hcall
# expect: ^hit 1 at after_hcall=1 ticks=1 r3=-2$
# expect: Breakpoint 2, .* in loop
# expect: ^hit 1 at loop=1 ticks=1$
# expect: ^hit 2 at after_hcall=1 ticks=2 r3=-2$
# expect: ^hit 2 at loop=1 ticks=2$
# expect: ^hit 3 at after_hcall=1 ticks=3 r3=-2$
# expect: ^hit 3 at loop=1 ticks=3$
# expect: ^memory at after_hcall 0x60000000 loop 0x3bff0001$
# reject: SIGABRT|SIGSEGV|SIGILL|SIGINT|Remote connection closed|Remote failure
set $i = 1
while $i <= 3
  break after_hcall
  continue
  printf "hit %d at after_hcall=%d ticks=%d r3=%d\n", $i, $pc == (long)&after_hcall, *(int *)&ticks, (long)$r3
  delete
  break loop
  continue
  printf "hit %d at loop=%d ticks=%d\n", $i, $pc == (long)&loop, *(int *)&ticks
  set $i = $i + 1
  delete
end
break after_hcall
printf "memory at after_hcall 0x%08x loop 0x%08x\n", *(unsigned int *)&after_hcall, *(unsigned int *)&loop
kill
