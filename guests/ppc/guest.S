/*
 * ppc test guest: an e5500 (64-bit BookE) on the ppce500 board, started
 * in 32-bit mode at _start by QEMU's ELF firmware loader (-bios).  A loop
 * gdb can break in; each pass calls tick, which counts in memory.
 */
    .text
    .globl _start
_start:
    lis 1, 0x80                 /* stack at 8 MiB */
    li 3, 0
    .globl main_loop
main_loop:
    addi 3, 3, 1
    lis 4, counter@ha
    stw 3, counter@l(4)
    bl tick
    b main_loop

    .globl tick
tick:
    lis 5, ticks@ha
    lwz 6, ticks@l(5)
    addi 6, 6, 1
    stw 6, ticks@l(5)
    .globl tick_body
tick_body:
    nop
    nop
    blr

    .data
    .balign 4
    .globl counter, ticks
counter:    .long 0
ticks:      .long 0
