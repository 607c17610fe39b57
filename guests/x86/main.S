/*
 * x86 test guest, part 2: the 64-bit payload, run from RAM at 1 MiB.
 *
 * A loop gdb can break in, plus the guest's own debug traffic: each pass
 * single-steps one instruction with EFLAGS.TF, and the guest's #DB handler
 * counts the trap, so tests can prove that re-injected traps reach the
 * guest.  A test may also turn on, by writing guest memory before it
 * continues, the guest's own DR0 execute breakpoint (own_dr7 = 1: DR7
 * L0, on dr0_target) and its own int3 (own_int3 = 1, at guest_int3),
 * each counted by its handler; they are off by default, as KVM's
 * instruction emulator, which runs guest code on some hosts, can execute
 * neither.  With check_dr6 = 1 the #DB handler also checks the DR6 it is
 * given: a value whose always-one bits (0xffff0ff0: reserved, and the
 * active-low BLD and RTM) are not all set counts in bad_dr6, the last
 * such value in last_bad_dr6.  own_tf_emul = 1 makes it also step an
 * OUT, a CPUID and a store with TF on each pass (tf_emul).
 * Progress is written to COM1.  Symbols are global for gdb scripts.
 */
    .equ COM1, 0x3f8

/* Set TF: the guest single-steps the instruction after the next one */
    .macro set_tf
    pushfq
    orq $0x100, (%rsp)
    popfq
    .endm

    .text
    .code64
    .globl start64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq $0x80000, %rsp
    call setup_idt
    leaq msg_hello(%rip), %rsi
    call puts

    xorl %ebx, %ebx
    .globl main_loop
main_loop:
    incq %rbx
    movq %rbx, counter(%rip)
    call tick
    pushfq
    orq $0x100, (%rsp)              /* the guest's own single step */
    .globl guest_set_tf
guest_set_tf:
    popfq
    .globl guest_step_insn
guest_step_insn:
    nop                             /* #DB after this one */
    .globl after_guest_step
after_guest_step:
    movq db_count(%rip), %rax
    cmpq %rbx, %rax
    jne bad_count
    cmpq $3, %rbx
    jne main_loop
    leaq msg_three(%rip), %rsi
    call puts
    jmp main_loop

    .globl bad_count
bad_count:
    leaq msg_bad(%rip), %rsi
    call puts
1:  hlt
    jmp 1b

    .globl tick
tick:
    incq ticks(%rip)
    .globl tick_body
tick_body:
    nop
    nop
    call own_debug
    ret

/* puts: write the NUL-terminated string at %rsi to COM1. */
    .globl puts
puts:
    movw $COM1, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

/* 64-bit IDT at 0x4000: #DB and #BP count and return, the rest stops. */
    .equ IDT, 0x4000
    .globl setup_idt
setup_idt:
    movl $IDT, %edi
    xorl %ecx, %ecx
1:  leaq unexpected(%rip), %rax
    leaq db_handler(%rip), %rdx
    cmpl $1, %ecx
    cmoveq %rdx, %rax
    leaq bp_handler(%rip), %rdx
    cmpl $3, %ecx
    cmoveq %rdx, %rax
    movw %ax, (%rdi)                /* offset 15:0 */
    movw $0x18, 2(%rdi)             /* selector */
    movw $0x8e00, 4(%rdi)           /* present, DPL0, interrupt gate */
    shrq $16, %rax
    movw %ax, 6(%rdi)               /* offset 31:16 */
    shrq $16, %rax
    movl %eax, 8(%rdi)              /* offset 63:32 */
    movl $0, 12(%rdi)
    addl $16, %edi
    incl %ecx
    cmpl $32, %ecx
    jne 1b
    lidt idt_desc(%rip)
    ret

/*
 * #DB: count it in db_count and clear TF.  With check_dr6 set (by a
 * test), read DR6 instead: count a single step (BS) in db_count and
 * clear TF, a DR0 hit (B0) in dr0_count and resume with RF; check DR6,
 * then reset it.  (Off by default: on a KVM that emulates guest code,
 * this machine's, a guest touching DR6 can stall.)
 */
    .globl db_handler
db_handler:
    cmpq $0, check_dr6(%rip)
    jne 4f
    incq db_count(%rip)
    andq $~0x100, 16(%rsp)          /* clear TF in the saved RFLAGS */
    iretq
4:  pushq %rax
    movq %dr6, %rax
    pushq %rax
    andl $0xffff0ff0, %eax
    cmpl $0xffff0ff0, %eax
    je 1f
    incq bad_dr6(%rip)
    movq (%rsp), %rax
    movq %rax, last_bad_dr6(%rip)
1:  popq %rax
    testl $0x4000, %eax
    jz 2f
    incq db_count(%rip)
    andq $~0x100, 24(%rsp)          /* clear TF in the saved RFLAGS */
2:  testl $1, %eax
    jz 3f
    incq dr0_count(%rip)
    orq $0x10000, 24(%rsp)          /* RF: do not fault at DR0 again */
3:  movl $0xffff0ff0, %eax
    movq %rax, %dr6
    popq %rax
    iretq

    .globl bp_handler
bp_handler:
    incq bp_count(%rip)
    iretq

unexpected:
    leaq msg_unexpected(%rip), %rsi
    call puts
1:  hlt
    jmp 1b

/* The guest's own DR0 breakpoint and int3, on each pass, when asked. */
own_debug:
    movq own_dr7(%rip), %rax
    cmpq %rax, cur_dr7(%rip)
    je 1f
    movq %rax, cur_dr7(%rip)
    leaq dr0_target(%rip), %rdx
    movq %rdx, %dr0
    movq %rax, %dr7
1:  cmpq $0, own_int3(%rip)
    je 2f
    .globl guest_int3
guest_int3:
    int3
2:  cmpq $0, own_tf_emul(%rip)
    je 3f
    call tf_emul
3:
    .globl dr0_target
dr0_target:
    nop
    ret

/*
 * With own_tf_emul set (by a test): single-step an OUT, which KVM sends
 * to QEMU, a CPUID, which KVM emulates, and a store to tf_store, which a
 * test may watch, each with its own TF; all three #DBs must arrive.
 * They are counted in emul_db_count, not db_count, which main_loop
 * checks against the passes.
 */
tf_emul:
    pushq %rbx
    movq db_count(%rip), %r8
    set_tf
    .globl guest_step_out
guest_step_out:
    outb %al, $0x80                 /* #DB after this one */
    .globl after_step_out
after_step_out:
    xorl %eax, %eax
    set_tf
    .globl guest_step_cpuid
guest_step_cpuid:
    cpuid                           /* #DB after this one */
    .globl after_step_cpuid
after_step_cpuid:
    popq %rbx
    set_tf
    .globl guest_step_store
guest_step_store:
    movq %rbx, tf_store(%rip)       /* #DB after this one */
    .globl after_step_store
after_step_store:
    addq $3, %r8
    cmpq %r8, db_count(%rip)
    jne bad_count
    subq $3, db_count(%rip)
    addq $3, emul_db_count(%rip)
    ret

    .data
    .balign 8
    .globl counter, ticks, db_count, bp_count
    .globl own_dr7, own_int3, check_dr6, dr0_count, bad_dr6, last_bad_dr6
    .globl own_tf_emul, emul_db_count, tf_store
counter:    .quad 0
ticks:      .quad 0
db_count:   .quad 0
bp_count:   .quad 0
own_dr7:    .quad 0
own_int3:   .quad 0
check_dr6:  .quad 0
own_tf_emul: .quad 0
emul_db_count: .quad 0
tf_store:   .quad 0
cur_dr7:    .quad 0
dr0_count:  .quad 0
bad_dr6:    .quad 0
last_bad_dr6: .quad 0
idt_desc:
    .word 32 * 16 - 1
    .quad IDT
msg_hello:      .asciz "guest: hello\n"
msg_three:      .asciz "guest: three passes, own #DB handled each time\n"
msg_bad:        .asciz "guest: BAD own #DB count\n"
msg_unexpected: .asciz "guest: UNEXPECTED exception\n"
