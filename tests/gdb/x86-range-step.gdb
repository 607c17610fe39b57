# Range stepping with real gdb on x86_64.  main_loop has no line table,
# so "step" steps until it leaves the function, which gdb asks for with
# vCont;r over main_loop: the vCPU steps on inside QEMU at the movq and
# the call, stops once in tick, gdb steps over tick with a breakpoint at
# the return and range-steps again from there to guest_set_tf.
# Fails when: gdb does not send vCont;r (the stub does not offer 'r'),
# a stop is missing or elsewhere, an internal step goes through another
# path, or QEMU dies.
# kvm-path: 1 hw main_loop
# kvm-path: 1 step main_loop+3
# kvm-path: 1 range main_loop+3
# kvm-path: 1 step main_loop+10
# kvm-path: 1 range main_loop+10
# kvm-path: 1 step tick
# kvm-path: 0 range tick
# kvm-path: 1 sw main_loop+15
# kvm-path: 1 step main_loop+16
# kvm-path: 1 range main_loop+16
# kvm-path: 1 step guest_set_tf
# kvm-path: 0 range guest_set_tf
# machine: x86
# expect: Breakpoint 1, .* in main_loop
# expect: Sending packet: \$vCont;r100024,10003c:p1\.1;c:p1\.-1
# expect: ^stop at guest_set_tf$
# reject: SIGABRT|SIGSEGV|signal SIGILL|Remote connection closed
hbreak main_loop
continue
delete
set debug remote 1
step
set debug remote 0
if $pc == guest_set_tf
  echo stop at guest_set_tf\n
else
  printf "stop at %p\n", $pc
end
kill
