# Single steps on Book3S, and continue from a breakpoint (gdb steps over
# it first).  Book3S HV has no single step (KVM_CAP_PPC_GUEST_DEBUG_SSTEP
# is 0; kvm_hv ignores KVM_GUESTDBG_SINGLESTEP), so under HV the first
# stepi never returns: this runs under TCG and PR only.
# Fails when: a step ends elsewhere or never, the breakpoint is not hit
# twice, or QEMU dies.
# machine: book3s
# expect: ^stepped to loop=1$
# expect: ^stepped to loop\+4=1$
# expect: Breakpoint 1, .* in after_hcall
# expect: Breakpoint 1, .* in after_hcall
# expect: ^twice ticks=2 r3=-2$
# expect: ^stepped to after_nop=1$
# reject: SIGABRT|SIGSEGV|SIGILL|SIGINT|Remote connection closed|Remote failure
stepi
printf "stepped to loop=%d\n", $pc == (long)&loop
stepi
printf "stepped to loop+4=%d\n", $pc == (long)&loop + 4
break after_hcall
continue
continue
printf "twice ticks=%d r3=%d\n", *(int *)&ticks, (long)$r3
stepi
printf "stepped to after_nop=%d\n", $pc == (long)&after_nop
kill
