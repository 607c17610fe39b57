# Removing a software breakpoint after the guest's page tables changed
# restores the byte where the trap was planted, not at whatever physical
# page the virtual address maps to now.  The test guest identity-maps its
# first GiB with 2 MiB pages (page directory at 0x3000).  With a
# breakpoint inserted at tick_body (0x100074), the first 2 MiB are
# remapped to physical 2 MiB, the breakpoint removed, and the mapping put
# back.  Raw packets control exactly when Z0/z0 are sent; each reply is
# matched on the line right after its packet.
# Fails when: a reply differs, the breakpoint does not hit afterwards (or
# hits through another KVM exit than kvm-path names), or
# QEMU dies.
# kvm-path: 1 hw start64
# kvm-path: 1 sw tick_body
# machine: x86
# expect: Breakpoint 1, .* in start64
# expect: ^sending: Z0,100074,1$
# next: received: "OK"
# expect: ^sending: m100074,1$
# next: received: "90"
# expect: ^sending: M3000,8:8300200000000000$
# next: received: "OK"
# expect: ^sending: m100074,1$
# next: received: "55"
# expect: ^sending: z0,100074,1$
# next: received: "OK"
# expect: ^sending: m100074,1$
# next: received: "90"
# expect: ^sending: m300074,1$
# next: received: "55"
# expect: Breakpoint 2, .* in tick_body
# reject: SIGABRT|SIGSEGV|SIGILL|Remote connection closed|internal error
hbreak start64
continue
delete
maint packet Z0,100074,1
maint packet m100074,1
set *(unsigned char *)0x300074 = 0x55
maint packet Qqemu.PhyMemMode:1
maint packet M3000,8:8300200000000000
maint packet Qqemu.PhyMemMode:0
maint packet m100074,1
maint packet z0,100074,1
maint packet Qqemu.PhyMemMode:1
maint packet m100074,1
maint packet m300074,1
maint packet M3000,8:8300000000000000
maint packet Qqemu.PhyMemMode:0
break tick_body
continue
kill
