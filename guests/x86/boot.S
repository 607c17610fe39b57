/*
 * x86 test guest, part 1: from the reset vector to 64-bit mode.
 *
 * Real mode -> flat 32-bit protected mode -> copy the payload to RAM ->
 * identity-map the first GiB and the top 2 MiB (this ROM) with 2 MiB pages
 * -> long mode -> payload entry (main.S).  Under KVM the BIOS area is ROM,
 * so the GDT descriptors stored here have their accessed bit preset: the
 * CPU's write of that bit would never complete.
 */
    .equ PML4, 0x1000
    .equ PDPT, 0x2000
    .equ PD, 0x3000
    .equ PD_TOP, 0x5000

    .section .rom, "ax"
    .code16
    .globl entry16
entry16:
    cli
    cld
    lgdtl %cs:(gdt_desc_rom - 0xffff0000)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $entry32

    .code32
entry32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $0x80000, %esp

    /* Payload to RAM. */
    movl $payload_lma, %esi
    movl $0x100000, %edi
    movl $payload_size, %ecx
    rep movsb

    /*
     * Page tables: PML4[0] -> PDPT; PDPT[0] -> PD, 512 pages of 2 MiB from
     * 0; PDPT[3] -> PD_TOP, whose last entry maps this ROM at 4 GiB - 2 MiB.
     */
    movl $PML4, %edi
    movl $(5 * 4096 / 4), %ecx
    xorl %eax, %eax
    rep stosl
    movl $(PDPT | 3), PML4
    movl $(PD | 3), PDPT
    movl $(PD_TOP | 3), PDPT + 3 * 8
    movl $0xffe00083, PD_TOP + 511 * 8
    movl $PD, %edi
    movl $0x83, %eax
    movl $512, %ecx
1:  movl %eax, (%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    movl $PML4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x20, %eax                 /* PAE */
    movl %eax, %cr4
    movl $0xc0000080, %ecx          /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000000, %eax           /* PG */
    movl %eax, %cr0
    ljmpl $0x18, $start64

    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff        /* 0x08: code32, accessed */
    .quad 0x00cf93000000ffff        /* 0x10: data, accessed */
    .quad 0x00af9b000000ffff        /* 0x18: code64, accessed */
gdt_end:
gdt_desc_rom:
    .word gdt_end - gdt - 1
    .long gdt

    .section .reset, "ax"
    .code16
    .globl reset
reset:
    ljmp $0xf000, $(entry16 - 0xffff0000)
    .balign 16, 0xf4
