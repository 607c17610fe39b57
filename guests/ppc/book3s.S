/*
 * Book3S test guest: a pseries firmware image of our own (-bios, loaded
 * at 0 in place of SLOF), entered at 0x100 in big-endian real mode.
 * Each pass counts in memory and makes an hcall that neither KVM nor QEMU
 * implements (QEMU answers H_FUNCTION, -2, in r3), so the kvm_run union
 * holds that answer when the pass reaches after_hcall, where gdb breaks.
 * Under Book3S HV the debug exit of a software breakpoint there carries
 * it as a stale debug.arch.status.
 */
    .text
    .org 0x100
    .globl _start
_start:
    li 31, 0
    .globl loop
loop:
    addi 31, 31, 1
    stw 31, ticks@l(0)          /* ticks is below 32 KiB */
    li 3, 0x1000                /* an hcall no one implements */
    sc 1
    .globl after_hcall
after_hcall:
    nop
    .globl after_nop
after_nop:
    b loop

    /* A program interrupt (a trap given to the guest) spins here. */
    .org 0x700
    .globl program_check
program_check:
    b program_check

    .org 0x2000
    .globl ticks
ticks:
    .long 0
