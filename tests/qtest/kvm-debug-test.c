/*
 * gdbstub breakpoints, watchpoints and stepping under KVM and TCG
 *
 * Boots a few instructions of guest code with -S, speaks the gdb remote
 * protocol to the gdbstub over a UNIX socket (Z0/Z1/Z2, z, c, s, m, M)
 * and asserts the stop replies and registers.  Each case runs under KVM
 * where this host's /dev/kvm and the binary support it (else it is
 * skipped with the reason) and under TCG.  A KVM case asserts that QEMU
 * runs under KVM (query-kvm), and no byte of a reply is awaited for more
 * than 30 s.
 * Fails when: a reply, stop or register differs from what the case
 * expects, QEMU falls back from KVM, or a reply does not come.
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#ifdef CONFIG_LINUX
#include <sys/ioctl.h>
#include <linux/kvm.h>
#endif
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "elf.h"
#include "qobject/qdict.h"
#include "libqtest.h"
#include "tpm-emu.h"

typedef struct Guest {
    const char *arch;
    int pc_regnum;              /* gdb register number of the pc */
    unsigned pc_bytes;          /* its size on the wire */
    bool big_endian;            /* register byte order on the wire */
    uint64_t loop;              /* first instruction of the loop */
    uint64_t store;             /* the store of the counter */
    uint64_t nop;               /* an instruction after the store */
    uint64_t next_after_nop;    /* where a step from nop lands */
    uint64_t pc_offset;         /* register pc = address - pc_offset */
    unsigned insn_len_store;    /* length of the store instruction */
    uint64_t data;              /* the counter the loop stores */
    unsigned data_len;
    bool loads_data;            /* the loop also reads the counter */
    const uint8_t *code;        /* x86: the code, at code_off in the */
    size_t code_len, code_off;  /* 64 KiB BIOS image, entered from */
    const uint8_t *reset;       /* the reset vector's 3-byte jmp */
    int smp;                    /* x86: vCPUs (-smp), when more than 1 */
    int maxcpus;                /* x86: -smp maxcpus, when more than smp */
    const uint8_t *ap_code;     /* x86: where the SIPI starts the APs, */
    size_t ap_code_len, ap_code_off;    /* at ap_code_off */
} Guest;

/*
 * x86: the last 256 bytes of a 64 KiB BIOS image, entered at the reset
 * vector.  Flat 32-bit protected mode, because KVM's instruction emulator
 * delivers an int3 executed in real mode straight to the guest's IVT.
 * The GDT lives in ROM, so its descriptors have the accessed bit preset.
 *   ff00: cli; lgdtl %cs:0xff48; cr0.PE = 1; ljmpl $8, $0xffffff1a
 *   ff1a: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss; xor %eax, %eax
 *   ff24: inc %eax                  <- loop
 *   ff25: mov %eax, 0x2000          <- store
 *   ff2a: nop
 *   ff2b: jmp ff24
 *   ff30: GDT: null, code 0x00cf9b000000ffff, data 0x00cf93000000ffff
 *   ff48: GDT descriptor { 23, 0xffffff30 }
 *   fff0: jmp ff00                  <- reset vector
 */
static const uint8_t x86_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x48, 0xff, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0xff, 0xff, 0xff,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0x31, 0xc0,
    0x40, 0xa3, 0x00, 0x20, 0x00, 0x00, 0x90, 0xeb, 0xf7, 0x8d, 0x74, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    0x00, 0x9b, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    0x17, 0x00, 0x30, 0xff, 0xff, 0xff,
};
static const uint8_t x86_reset[] = { 0xe9, 0x0d, 0xff };

static const Guest x86_guest = {
    .arch = "x86_64", .pc_regnum = 16, .pc_bytes = 8, .big_endian = false,
    .loop = 0xffffff24, .store = 0xffffff25, .nop = 0xffffff2a,
    .next_after_nop = 0xffffff2b, .pc_offset = 0,
    .insn_len_store = 5, .data = 0x2000, .data_len = 4,
    .code = x86_code, .code_len = sizeof(x86_code),
    .code_off = 64 * KiB - 256, .reset = x86_reset,
};

/*
 * x86 with four vCPUs: the BSP starts the three APs (INIT and SIPI to all
 * but itself, vector 0xff), then runs the usual loop; each AP enters the
 * same flat protected mode and loops at its own address, incrementing its
 * own counter.  At 0xfffffe00:
 *   fe00: cli; lgdtl %cs:0xfea8; cr0.PE = 1; ljmpl $8, $0xfffffe1a
 *   fe1a: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss
 *   fe22: movl $0x1ff, 0xfee000f0         <- APIC on (SVR)
 *   fe2c: movl $0xc4500, 0xfee00300       <- INIT to all but self
 *   fe36: movl $0xc46ff, 0xfee00300 (twice) <- SIPI, vector 0xff
 *   fe4a: xor %eax, %eax
 *   fe4c: inc %eax; mov %eax, 0x2000; nop; jmp fe4c   <- BSP loop
 *   fe55: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss  <- APs, from ff000
 *   fe5d: mov $1, %eax; cpuid; shr $24, %ebx          <- APIC ID
 *   fe67: APIC ID 1 to fe81, 2 to fe79, else:
 *   fe71: incl 0x200c; jmp fe71                       <- APIC ID 3
 *   fe79: incl 0x2008; jmp fe79                       <- APIC ID 2
 *   fe81: incl 0x2004; jmp fe81                       <- APIC ID 1
 *   fe90: GDT as above; fea8: its descriptor
 *   fff0: jmp fe00
 * At 0xff000 (offset 0xf000 of the image, in its alias below 1 MiB),
 * where the SIPI starts the APs, in real mode with CS base 0xff000:
 *   cli; lgdtl %cs:0xea8; cr0.PE = 1; ljmpl $8, $0xfffffe55
 */
static const uint8_t x86_smp_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xa8, 0xfe, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0xfe, 0xff, 0xff,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xc7, 0x05,
    0xf0, 0x00, 0xe0, 0xfe, 0xff, 0x01, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x03,
    0xe0, 0xfe, 0x00, 0x45, 0x0c, 0x00, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe,
    0xff, 0x46, 0x0c, 0x00, 0xc7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0xff, 0x46,
    0x0c, 0x00, 0x31, 0xc0, 0x40, 0xa3, 0x00, 0x20, 0x00, 0x00, 0x90, 0xeb,
    0xf7, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xb8, 0x01, 0x00,
    0x00, 0x00, 0x0f, 0xa2, 0xc1, 0xeb, 0x18, 0x83, 0xfb, 0x01, 0x74, 0x15,
    0x83, 0xfb, 0x02, 0x74, 0x08, 0xff, 0x05, 0x0c, 0x20, 0x00, 0x00, 0xeb,
    0xf8, 0xff, 0x05, 0x08, 0x20, 0x00, 0x00, 0xeb, 0xf8, 0xff, 0x05, 0x04,
    0x20, 0x00, 0x00, 0xeb, 0xf8, 0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    0x00, 0x9b, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    0x17, 0x00, 0x90, 0xfe, 0xff, 0xff,
};
static const uint8_t x86_smp_ap_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xa8, 0x0e, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x55, 0xfe, 0xff, 0xff,
    0x08, 0x00,
};
static const uint8_t x86_smp_reset[] = { 0xe9, 0x0d, 0xfe };
/* Each AP's loop, by gdb thread (cpu_index + 1) */
static const struct {
    int thread;
    uint64_t loop;
} x86_smp_aps[] = {
    { 2, 0xfffffe81 },
    { 3, 0xfffffe79 },
    { 4, 0xfffffe71 },
};

static const Guest x86_smp_guest = {
    .arch = "x86_64", .pc_regnum = 16, .pc_bytes = 8, .big_endian = false,
    .loop = 0xfffffe4c, .store = 0xfffffe4d, .nop = 0xfffffe52,
    .next_after_nop = 0xfffffe53, .data = 0x2000, .data_len = 4,
    .code = x86_smp_code, .code_len = sizeof(x86_smp_code),
    .code_off = 64 * KiB - 512, .reset = x86_smp_reset,
    .smp = 4, .ap_code = x86_smp_ap_code,
    .ap_code_len = sizeof(x86_smp_ap_code), .ap_code_off = 0xf000,
};

/*
 * x86 with paging: the same start, then long mode with a PML4 at 0x1000
 * whose tables map virtual 0 to 2 MiB and the top 2 MiB below 4 GiB
 * identically, each with one 2 MiB page (the page directory for the
 * first GiB at 0x3000), a nop at 0x10000, and a 64-bit loop.
 * At 0xfffffe00:
 *   fe00: cli; lgdtl %cs:0xfeb0; cr0.PE = 1; ljmpl $8, $0xfffffe1a
 *   fe1a: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss
 *   fe22: PML4[0] = 0x2003; PDPT[0] = 0x3003, PDPT[3] = 0x4003;
 *         PD 0x3000[0] = 0x83; PD 0x4000[511] = 0xffe00083
 *   fe54: movb $0x90, 0x10000
 *   fe5b: cr3 = 0x1000; cr4.PAE = 1; EFER.LME = 1; cr0.PG = 1
 *   fe85: ljmpl $0x18, $0xfffffe8c
 *   fe8c: jmp fe8c                  <- loop, 64-bit
 *   fe90: GDT as above, and a 64-bit code segment; feb0: its descriptor
 *   fff0: jmp fe00
 */
static const uint8_t x86_paging_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xb0, 0xfe, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0xfe, 0xff, 0xff,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xc7, 0x05,
    0x00, 0x10, 0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x20,
    0x00, 0x00, 0x03, 0x30, 0x00, 0x00, 0xc7, 0x05, 0x18, 0x20, 0x00, 0x00,
    0x03, 0x40, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x30, 0x00, 0x00, 0x83, 0x00,
    0x00, 0x00, 0xc7, 0x05, 0xf8, 0x4f, 0x00, 0x00, 0x83, 0x00, 0xe0, 0xff,
    0xc6, 0x05, 0x00, 0x00, 0x01, 0x00, 0x90, 0xb8, 0x00, 0x10, 0x00, 0x00,
    0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0,
    0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00,
    0x0f, 0x30, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22,
    0xc0, 0xea, 0x8c, 0xfe, 0xff, 0xff, 0x18, 0x00, 0xeb, 0xfe, 0x66, 0x90,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    0x00, 0x9b, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xaf, 0x00, 0x1f, 0x00, 0x90, 0xfe,
    0xff, 0xff,
};
#define X86_PAGING_PDE0     UINT64_C(0x3000)    /* maps virtual 0..2 MiB */
#define X86_PAGING_NOP      UINT64_C(0x10000)

static const Guest x86_paging_guest = {
    .arch = "x86_64", .pc_regnum = 16, .pc_bytes = 8, .big_endian = false,
    .loop = 0xfffffe8c,
    .code = x86_paging_code, .code_len = sizeof(x86_paging_code),
    .code_off = 64 * KiB - 512, .reset = x86_smp_reset,
};

/*
 * x86 in SMM: the same start, then the guest moves SMBASE to 0xa0000,
 * where i440fx keeps SMRAM, puts a handler that loops for ever at its
 * entry (0xa8000, rip 0x8000 with CS base 0xa0000), closes SMRAM (then
 * seen only in SMM: outside it, 0xa0000 is the VGA window) and enters
 * SMM for good.  APM control writes (port 0xb2) raise the SMI once
 * PIIX4 PM config byte 0x5b has bit 1 set.  At 0xfffffe00:
 *   fe00: cli; lgdtl %cs:0xfea0; cr0.PE = 1; ljmpl $8, $0xfffffe1a
 *   fe1a: mov $0x10, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %ss; cld
 *   fe25: PCI config 00:01.3 byte 0x5b |= 2
 *   fe37: copy the relocation handler (fe78) to 0x38000; outb 0, $0xb2
 *   fe4c: PCI config 00:00.0 byte 0x72 = 0x4a (SMRAM open, enabled)
 *   fe5d: copy the loop (fe84) to 0xa8000
 *   fe6e: byte 0x72 = 0x0a (closed); outb 0, $0xb2; 1: hlt; jmp 1b
 *   fe78: movl $0xa0000, %cs:0xff00; rsm   (0x8000 + 0x7f00 is SMBASE
 *         in the save state's 64-bit layout, QEMU's for a CPU with long
 *         mode, as the default x86_64 model has)
 *   fe84: jmp fe84 (run at 0xa8000)
 *   fe88: GDT as above; fea0: its descriptor
 *   fff0: jmp fe00
 */
static const uint8_t x86_smm_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0xa0, 0xfe, 0x0f, 0x20, 0xc0, 0x66,
    0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0xfe, 0xff, 0xff,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0,
    0xfc, 0xb8, 0x58, 0x0b, 0x00, 0x80, 0x66, 0xba, 0xf8, 0x0c, 0xef, 0x66,
    0xba, 0xff, 0x0c, 0xec, 0x0c, 0x02, 0xee, 0xbe, 0x78, 0xfe, 0xff, 0xff,
    0xbf, 0x00, 0x80, 0x03, 0x00, 0xb9, 0x0c, 0x00, 0x00, 0x00, 0xf3, 0xa4,
    0x31, 0xc0, 0xe6, 0xb2, 0xb8, 0x70, 0x00, 0x00, 0x80, 0x66, 0xba, 0xf8,
    0x0c, 0xef, 0x66, 0xba, 0xfe, 0x0c, 0xb0, 0x4a, 0xee, 0xbe, 0x84, 0xfe,
    0xff, 0xff, 0xbf, 0x00, 0x80, 0x0a, 0x00, 0xb9, 0x02, 0x00, 0x00, 0x00,
    0xf3, 0xa4, 0xb0, 0x0a, 0xee, 0x31, 0xc0, 0xe6, 0xb2, 0xf4, 0xeb, 0xfd,
    0x2e, 0x66, 0xc7, 0x06, 0x00, 0xff, 0x00, 0x00, 0x0a, 0x00, 0x0f, 0xaa,
    0xeb, 0xfe, 0x66, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00,
    0x00, 0x93, 0xcf, 0x00, 0x17, 0x00, 0x88, 0xfe, 0xff, 0xff,
};
#define X86_SMM_LOOP        UINT64_C(0xa8000)  /* linear; rip 0x8000 */
#define X86_SMM_LOOP_RIP    UINT64_C(0x8000)

static const Guest x86_smm_guest = {
    .arch = "x86_64", .pc_regnum = 16, .pc_bytes = 8, .big_endian = false,
    .code = x86_smm_code, .code_len = sizeof(x86_smm_code),
    .code_off = 64 * KiB - 512, .reset = x86_smp_reset,
};

/*
 * x86, a guest that single-steps itself: the same start, with an IDT
 * whose #DB handler counts the guest's own single-step traps at 0x2004.
 * It drops its frame and jumps back rather than iret, which the
 * instruction emulator of some KVMs cannot run in protected mode; the
 * gate cleared TF.  At 0xfffffe00:
 *   fe00: cli; lgdtl %cs:0xfe68; lidtl %cs:0xfe7e; cr0.PE = 1;
 *         ljmpl $8, $0xfffffe21
 *   fe21: mov $0x10, %ax; mov %ax, %ds; mov %ax, %ss; mov $0x3000, %esp;
 *         xor %eax, %eax
 *   fe30: inc %eax; mov %eax, 0x2000; pushf; orl $0x100, (%esp)
 *   fe3e: popf                      <- sets TF
 *   fe3f: nop                       <- the guest's single step
 *   fe40: jmp fe30
 *   fe42: incl 0x2004; add $12, %esp; jmp fe40     <- #DB handler
 *   fe50: GDT as above; fe68: its descriptor
 *   fe6e: IDT: vector 0 absent, vector 1 an interrupt gate to fe42
 *   fe7e: IDT descriptor { 15, 0xfffffe6e }
 *   fff0: jmp fe00
 */
static const uint8_t x86_tf_code[] = {
    0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x68, 0xfe, 0x2e, 0x66, 0x0f, 0x01,
    0x1e, 0x7e, 0xfe, 0x0f, 0x20, 0xc0, 0x66, 0x83, 0xc8, 0x01, 0x0f, 0x22,
    0xc0, 0x66, 0xea, 0x21, 0xfe, 0xff, 0xff, 0x08, 0x00, 0x66, 0xb8, 0x10,
    0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x30, 0x00, 0x00, 0x31, 0xc0,
    0x40, 0xa3, 0x00, 0x20, 0x00, 0x00, 0x9c, 0x81, 0x0c, 0x24, 0x00, 0x01,
    0x00, 0x00, 0x9d, 0x90, 0xeb, 0xee, 0xff, 0x05, 0x04, 0x20, 0x00, 0x00,
    0x83, 0xc4, 0x0c, 0xeb, 0xf3, 0x8d, 0x76, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, 0x17, 0x00, 0x50, 0xfe,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42, 0xfe,
    0x08, 0x00, 0x00, 0x8e, 0xff, 0xff, 0x0f, 0x00, 0x6e, 0xfe, 0xff, 0xff,
};
static const uint8_t x86_tf_reset[] = { 0xe9, 0x0d, 0xfe };
#define X86_TF_POPF     0xfffffe3eull
#define X86_TF_STEPPED  0xfffffe3full
#define X86_TF_HANDLER  0xfffffe42ull
#define X86_TF_COUNT    0x2004

static const Guest x86_tf_guest = {
    .arch = "x86_64", .pc_regnum = 16, .pc_bytes = 8, .big_endian = false,
    .loop = 0xfffffe30, .data = 0x2000, .data_len = 4,
    .code = x86_tf_code, .code_len = sizeof(x86_tf_code),
    .code_off = 64 * KiB - 512, .reset = x86_tf_reset,
};

/*
 * ppc64: an e5500 (64-bit BookE, the KVM flavour with hardware debug
 * resources) on the ppce500 board, booted from a minimal big-endian
 * ELF32 written by the test and passed as -bios.
 *   100000: 38600000  li   r3, 0
 *   100004: 38630001  addi r3, r3, 1         <- loop
 *   100008: 90602000  stw  r3, 0x2000(0)     <- store
 *   10000c: 80802000  lwz  r4, 0x2000(0)     <- reads the counter back
 *   100010: 4bfffff4  b    100004
 */
static const uint32_t ppc_code[] = {
    0x38600000, 0x38630001, 0x90602000, 0x80802000, 0x4bfffff4,
};
#define PPC_LOAD 0x100000

static const Guest ppc64_guest = {
    .arch = "ppc64", .pc_regnum = 64, .pc_bytes = 8, .big_endian = true,
    .loop = 0x100004, .store = 0x100008, .nop = 0x10000c,
    .next_after_nop = 0x100010, .pc_offset = 0,
    .insn_len_store = 4, .data = 0x2000, .data_len = 4, .loads_data = true,
};

static void write_ppc_elf(const char *path)
{
    struct {
        Elf32_Ehdr eh;
        Elf32_Phdr ph;
        uint32_t code[ARRAY_SIZE(ppc_code)];
    } QEMU_PACKED f = { 0 };
    int i;

    memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
    f.eh.e_ident[EI_CLASS] = ELFCLASS32;
    f.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    f.eh.e_ident[EI_VERSION] = EV_CURRENT;
    f.eh.e_type = cpu_to_be16(ET_EXEC);
    f.eh.e_machine = cpu_to_be16(EM_PPC);
    f.eh.e_version = cpu_to_be32(EV_CURRENT);
    f.eh.e_entry = cpu_to_be32(PPC_LOAD);
    f.eh.e_phoff = cpu_to_be32(offsetof(typeof(f), ph));
    f.eh.e_ehsize = cpu_to_be16(sizeof(f.eh));
    f.eh.e_phentsize = cpu_to_be16(sizeof(f.ph));
    f.eh.e_phnum = cpu_to_be16(1);
    f.ph.p_type = cpu_to_be32(PT_LOAD);
    f.ph.p_offset = cpu_to_be32(offsetof(typeof(f), code));
    f.ph.p_vaddr = cpu_to_be32(PPC_LOAD);
    f.ph.p_paddr = cpu_to_be32(PPC_LOAD);
    f.ph.p_filesz = cpu_to_be32(sizeof(f.code));
    f.ph.p_memsz = cpu_to_be32(sizeof(f.code));
    f.ph.p_flags = cpu_to_be32(PF_R | PF_X);
    for (i = 0; i < ARRAY_SIZE(ppc_code); i++) {
        f.code[i] = cpu_to_be32(ppc_code[i]);
    }
    g_assert_true(g_file_set_contents(path, (char *)&f, sizeof(f), NULL));
}

typedef struct Session {
    QTestState *qts;
    const Guest *g;
    int fd;
    char *dir;
    char *trace;                /* the trace log, when one was asked for */
    char buf[4096];
} Session;

/* The gdb remote protocol, just enough of it */

/* How long a read from the gdbstub waits for each byte (SO_RCVTIMEO) */
#define RSP_READ_TIMEOUT_S 30

/* One byte from the gdbstub, or the test fails */
static char rsp_getc(Session *s)
{
    ssize_t n;
    char c;

    do {
        n = read(s->fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        g_test_message("the gdbstub closed the connection");
        g_assert_not_reached();
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        g_test_message("no reply from the gdbstub within %d s",
                       RSP_READ_TIMEOUT_S);
        g_assert_not_reached();
    }
    g_assert_cmpint(n, ==, 1);
    return c;
}

static void rsp_send(Session *s, const char *pkt)
{
    g_autofree char *frame = NULL;
    uint8_t sum = 0;
    const char *p;

    for (p = pkt; *p; p++) {
        sum += (uint8_t)*p;
    }
    frame = g_strdup_printf("$%s#%02x", pkt, sum);
    g_assert_cmpint(write(s->fd, frame, strlen(frame)), ==, strlen(frame));
    g_assert_cmpint(rsp_getc(s), ==, '+');
}

/* Read one packet into s->buf, acknowledge it and return it. */
static const char *rsp_recv(Session *s)
{
    size_t n = 0;
    char c;

    do {
        c = rsp_getc(s);
    } while (c != '$');
    for (;;) {
        c = rsp_getc(s);
        if (c == '#') {
            break;
        }
        g_assert_cmpuint(n, <, sizeof(s->buf) - 1);
        s->buf[n++] = c;
    }
    s->buf[n] = 0;
    rsp_getc(s);                /* checksum */
    rsp_getc(s);
    g_assert_cmpint(write(s->fd, "+", 1), ==, 1);
    return s->buf;
}

static const char *rsp(Session *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *rsp(Session *s, const char *fmt, ...)
{
    g_autofree char *pkt = NULL;
    va_list ap;

    va_start(ap, fmt);
    pkt = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp_send(s, pkt);
    return rsp_recv(s);
}

static uint64_t rsp_pc(Session *s)
{
    const char *hex = rsp(s, "p%x", s->g->pc_regnum);
    unsigned n = s->g->pc_bytes;
    uint8_t bytes[8];
    uint64_t v = 0;
    int i;

    g_assert_cmpuint(n, <=, sizeof(bytes));
    g_assert_cmpuint(strlen(hex), ==, 2 * n);
    for (i = 0; i < n; i++) {
        unsigned b;

        g_assert_cmpint(sscanf(hex + 2 * i, "%2x", &b), ==, 1);
        bytes[i] = b;
    }
    for (i = 0; i < n; i++) {
        v |= (uint64_t)bytes[s->g->big_endian ? n - 1 - i : i] << (8 * i);
    }
    return v + s->g->pc_offset;
}

/*
 * A SIGTRAP stop at @addr, giving @reason ("swbreak:;", "hwbreak:;"), or
 * no breakpoint reason when @reason is NULL (single steps).
 */
static void assert_stop(Session *s, const char *reply, uint64_t addr,
                        const char *reason)
{
    g_autofree char *copy = g_strdup(reply);

    g_assert_true(g_str_has_prefix(copy, "T05"));
    if (reason) {
        g_assert_nonnull(strstr(copy, reason));
    } else {
        g_assert_null(strstr(copy, "break:"));
    }
    g_assert_cmphex(rsp_pc(s), ==, addr);
}


/* Start and stop QEMU */

static bool kvm_usable(const char *arch, const char **why)
{
    if (!qtest_has_accel("kvm")) {
        *why = "this QEMU binary has no KVM support on this host";
        return false;
    }
    if (access("/dev/kvm", R_OK | W_OK)) {
        *why = "/dev/kvm is missing or not readable and writable";
        return false;
    }
    return true;
}

/*
 * libqtest falls back to another accelerator when the one asked for
 * fails: a KVM case must run under KVM, or fail.
 */
static void assert_kvm_enabled(QTestState *qts)
{
    QDict *kvm = qtest_qmp_assert_success_ref(qts,
                                              "{ 'execute': 'query-kvm' }");

    g_assert_true(qdict_get_bool(kvm, "enabled"));
    qobject_unref(kvm);
}

/*
 * Connect to the gdbstub listening on @sock, as gdb does.  Returns whether
 * it reports swbreak and hwbreak stop reasons.
 */
static bool session_connect(Session *s, const char *sock)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    /* A reply that never comes fails the read, and the test */
    struct timeval tv = { .tv_sec = RSP_READ_TIMEOUT_S };
    bool reasons;

    s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(s->fd, >=, 0);
    g_assert_cmpint(setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    g_strlcpy(addr.sun_path, sock, sizeof(addr.sun_path));
    g_assert_cmpint(connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    reasons = strstr(rsp(s, "qSupported:swbreak+;hwbreak+"),
                     ";swbreak+;hwbreak+") != NULL;
    g_assert_true(g_str_has_prefix(rsp(s, "?"), "T"));
    return reasons;
}

/*
 * Start QEMU for @g under @accel with -S, @extra (if not NULL) at the end
 * of its command line, and connect.  With @trace_events ("-trace a
 * -trace b"), QEMU logs them to s->trace.  Returns false when the case
 * is skipped.
 */
static bool session_start_opts(Session *s, const Guest *g, const char *accel,
                               const char *extra, const char *trace_events)
{
    g_autofree char *sock = NULL;
    g_autofree char *machine = NULL;
    g_autofree char *trace_args = NULL;
    const char *why;

    if (strcmp(qtest_get_arch(), g->arch)) {
        g_test_skip("guest for another architecture");
        return false;
    }
    if (!strcmp(accel, "kvm") && !kvm_usable(g->arch, &why)) {
        g_test_skip(why);
        return false;
    }
    if (!strcmp(accel, "kvm") && !strcmp(g->arch, "ppc64") &&
        (!access("/sys/module/kvm_hv", F_OK) ||
         !access("/sys/module/kvm_pr", F_OK))) {
        g_test_skip("the e5500 guest needs BookE KVM, this host has Book3S");
        return false;
    }
    if (!strcmp(accel, "tcg") && !qtest_has_accel("tcg")) {
        g_test_skip("this QEMU binary has no TCG");
        return false;
    }

    s->g = g;
    s->dir = g_dir_make_tmp("kvm-debug-test-XXXXXX", NULL);
    g_assert_nonnull(s->dir);
    sock = g_build_filename(s->dir, "gdb.sock", NULL);

    if (!strcmp(g->arch, "x86_64")) {
        g_autofree char *bios = g_build_filename(s->dir, "bios.bin", NULL);
        g_autofree uint8_t *img = g_malloc0(64 * KiB);

        memcpy(img + g->code_off, g->code, g->code_len);
        if (g->ap_code) {
            memcpy(img + g->ap_code_off, g->ap_code, g->ap_code_len);
        }
        memcpy(img + 64 * KiB - 16, g->reset, 3);
        g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB,
                                          NULL));
        machine = g_strdup_printf("-M pc -nodefaults -m 64 -bios %s "
                                  "-global apic-common.vapic=false "
                                  "-smp %d,maxcpus=%d", bios, MAX(g->smp, 1),
                                  MAX(g->maxcpus, MAX(g->smp, 1)));
    } else {
        g_autofree char *bios = g_build_filename(s->dir, "bios.bin", NULL);

        write_ppc_elf(bios);
        machine = g_strdup_printf("-M ppce500 -cpu e5500 -m 256 -nodefaults "
                                  "-bios %s", bios);
    }

    if (trace_events) {
        s->trace = g_build_filename(s->dir, "trace.log", NULL);
        trace_args = g_strdup_printf("%s -D %s", trace_events, s->trace);
    }
    s->qts = qtest_initf("%s -accel %s -S -gdb unix:%s,server=on,wait=off "
                         "%s %s", machine, accel, sock,
                         trace_args ? trace_args : "", extra ? extra : "");
    if (!strcmp(accel, "kvm")) {
        assert_kvm_enabled(s->qts);
    }
    g_assert_true(session_connect(s, sock));
    return true;
}

static bool session_start(Session *s, const Guest *g, const char *accel)
{
    return session_start_opts(s, g, accel, NULL, NULL);
}

static void session_end(Session *s)
{
    g_autofree char *sock = g_build_filename(s->dir, "gdb.sock", NULL);
    g_autofree char *bios = g_build_filename(s->dir, "bios.bin", NULL);

    close(s->fd);
    qtest_quit(s->qts);
    unlink(sock);
    unlink(bios);
    if (s->trace) {
        unlink(s->trace);
        g_free(s->trace);
    }
    rmdir(s->dir);
    g_free(s->dir);
}

/* The cases */

typedef struct Case {
    const Guest *guest;
    const char *accel;
} Case;

static void test_sw_breakpoint(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    int i;

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", c->guest->nop,
                        c->guest->big_endian ? 4 : 1), ==, "OK");
    /* Hit it on several passes, stepping over it as gdb does. */
    for (i = 0; i < 5; i++) {
        assert_stop(&s, rsp(&s, "c"), c->guest->nop, "swbreak:;");
        g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop,
                            c->guest->big_endian ? 4 : 1), ==, "OK");
        assert_stop(&s, rsp(&s, "s"), c->guest->next_after_nop, NULL);
        g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", c->guest->nop,
                            c->guest->big_endian ? 4 : 1), ==, "OK");
    }
    /* Removing an absent breakpoint is an error; gdb expects E.. */
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop,
                        c->guest->big_endian ? 4 : 1), ==, "OK");
    g_assert_true(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop,
                      c->guest->big_endian ? 4 : 1)[0] == 'E');
    session_end(&s);
}

/*
 * A software breakpoint inserted twice and removed once is still there,
 * and its stop still says swbreak.
 */
static void test_sw_breakpoint_use_count(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    int len = c->guest->big_endian ? 4 : 1;

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", c->guest->nop, len), ==,
                    "OK");
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", c->guest->nop, len), ==,
                    "OK");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop, len), ==,
                    "OK");
    assert_stop(&s, rsp(&s, "c"), c->guest->nop, "swbreak:;");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop, len), ==,
                    "OK");
    g_assert_true(rsp(&s, "z0,%" PRIx64 ",%d", c->guest->nop, len)[0] ==
                  'E');
    session_end(&s);
}

/*
 * x86 under KVM: with a software and a hardware breakpoint at the same
 * instruction, the debug register matches before the int3 executes, and
 * the stop says so.
 */
static void test_sw_and_hw_breakpoint(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), c->guest->nop, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    session_end(&s);
}

/*
 * x86 under KVM: a software breakpoint is planted only in RAM or ROM.  At
 * the local APIC's MMIO page and at an address no memory backs (in the
 * empty PCI hole above the 64 MiB of RAM) the insert is refused, as gdb
 * expects, with an E reply, and nothing is left inserted: a breakpoint
 * in the guest's loop still stops it, and removing one of the refused
 * ones fails.  (TCG plants nothing in memory and accepts them.)
 */
static void test_sw_breakpoint_refused(const void *opaque)
{
    static const uint64_t refused[] = { 0xfee00030, 0x8000000 };
    const Case *c = opaque;
    Session s = { 0 };
    int i;

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(refused); i++) {
        g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", refused[i]), ==, "E22");
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), c->guest->nop, "swbreak:;");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    for (i = 0; i < ARRAY_SIZE(refused); i++) {
        g_assert_true(rsp(&s, "z0,%" PRIx64 ",1", refused[i])[0] == 'E');
    }
    session_end(&s);
}

/* Where tpm-tis maps its Physical Presence Interface page (a ram_device) */
#define TPM_PPI_ADDR    UINT64_C(0xfed45000)

/*
 * x86 under KVM: the TPM's PPI page is host memory mapped like RAM, but
 * it belongs to the device (its ACPI methods read it): a software
 * breakpoint there is refused and the page keeps its bytes.  The TPM is
 * tpm-tis on the TPM emulator of tests/qtest/tpm-emu.c.
 */
static void test_sw_breakpoint_tpm_ppi(const void *opaque)
{
    const Case *c = opaque;
    g_autofree char *dir = NULL;
    g_autofree char *extra = NULL;
    g_autofree char *before = NULL;
    TPMTestState tpm = { .tpm_version = TPM_VERSION_2_0 };
    GThread *thread;
    Session s = { 0 };

    if (!qtest_has_device("tpm-tis")) {
        g_test_skip("this QEMU binary has no tpm-tis");
        return;
    }
    dir = g_dir_make_tmp("kvm-debug-tpm-XXXXXX", NULL);
    g_assert_nonnull(dir);
    tpm.addr = g_new0(SocketAddress, 1);
    tpm.addr->type = SOCKET_ADDRESS_TYPE_UNIX;
    tpm.addr->u.q_unix.path = g_build_filename(dir, "sock", NULL);
    g_mutex_init(&tpm.data_mutex);
    g_cond_init(&tpm.data_cond);
    thread = g_thread_new(NULL, tpm_emu_ctrl_thread, &tpm);
    tpm_emu_test_wait_cond(&tpm);
    extra = g_strdup_printf("-chardev socket,id=chr,path=%s "
                            "-tpmdev emulator,id=dev,chardev=chr "
                            "-device tpm-tis,tpmdev=dev",
                            tpm.addr->u.q_unix.path);

    if (session_start_opts(&s, c->guest, c->accel, extra, NULL)) {
        before = g_strdup(rsp(&s, "m%" PRIx64 ",4", TPM_PPI_ADDR));
        g_assert_cmpuint(strlen(before), ==, 8);
        g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", TPM_PPI_ADDR), ==, "E22");
        g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",4", TPM_PPI_ADDR), ==, before);
        g_assert_true(rsp(&s, "z0,%" PRIx64 ",1", TPM_PPI_ADDR)[0] == 'E');
        session_end(&s);
    }
    g_thread_join(thread);
    unlink(tpm.addr->u.q_unix.path);
    qapi_free_SocketAddress(tpm.addr);
    g_mutex_clear(&tpm.data_mutex);
    g_cond_clear(&tpm.data_cond);
    rmdir(dir);
}

static void test_hw_breakpoint(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    int i;

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->store), ==, "OK");
    for (i = 0; i < 3; i++) {
        assert_stop(&s, rsp(&s, "c"), c->guest->store, "hwbreak:;");
        g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", c->guest->store), ==,
                        "OK");
        assert_stop(&s, rsp(&s, "s"),
                    c->guest->store + c->guest->insn_len_store, NULL);
        g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->store), ==,
                        "OK");
    }
    session_end(&s);
}

static void test_single_step(const void *opaque)
{
    const Case *c = opaque;
    const Guest *g = c->guest;
    Session s = { 0 };

    if (!session_start(&s, g, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", g->loop), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), g->loop, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", g->loop), ==, "OK");
    assert_stop(&s, rsp(&s, "s"), g->store, NULL);
    assert_stop(&s, rsp(&s, "s"), g->nop, NULL);
    assert_stop(&s, rsp(&s, "s"), g->next_after_nop, NULL);
    assert_stop(&s, rsp(&s, "s"), g->loop, NULL);
    session_end(&s);
}

/*
 * The pcs of the @event lines of s->trace ("... at 0x<pc>"), in order,
 * from line @from on; *@next (if not NULL) is where the next call goes on.
 */
static GArray *trace_pcs(Session *s, const char *event, unsigned from,
                         unsigned *next)
{
    GArray *pcs = g_array_new(false, false, sizeof(uint64_t));
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned i;

    g_assert_true(g_file_get_contents(s->trace, &log, NULL, NULL));
    /* QEMU may be writing the last line still */
    *(strrchr(log, '\n') ? strrchr(log, '\n') + 1 : log) = '\0';
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p = strstr(lines[i], event);
        const char *at;
        uint64_t pc;

        if (i < from || !p || p[strlen(event)] != ' ') {
            continue;
        }
        at = strstr(p, " at 0x");
        g_assert_nonnull(at);
        pc = g_ascii_strtoull(at + strlen(" at 0x"), NULL, 16);
        g_array_append_val(pcs, pc);
    }
    if (next) {
        *next = i;
    }
    return pcs;
}

/* How many times s->trace shows the VM entering the debug run state */
static unsigned trace_debug_stops(Session *s)
{
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned i, n = 0;

    g_assert_true(g_file_get_contents(s->trace, &log, NULL, NULL));
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p = strstr(lines[i], "runstate_set ");

        if (p && g_str_has_suffix(p, "(debug)")) {
            n++;
        }
    }
    return n;
}

static void assert_pcs(GArray *pcs, const uint64_t *want, unsigned n)
{
    unsigned i;

    g_assert_cmpuint(pcs->len, ==, n);
    for (i = 0; i < n; i++) {
        g_assert_cmphex(g_array_index(pcs, uint64_t, i), ==, want[i]);
    }
}

/* Wait until s->trace has more than @n range steps from line @from on */
static unsigned wait_range_steps(Session *s, unsigned from, unsigned n)
{
    gint64 deadline = g_get_monotonic_time() +
                      RSP_READ_TIMEOUT_S * G_USEC_PER_SEC;
    g_autoptr(GArray) pcs = NULL;

    do {
        g_usleep(20 * 1000);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_clear_pointer(&pcs, g_array_unref);
        pcs = trace_pcs(s, "gdbstub_range_step_continue", from, NULL);
    } while (pcs->len <= n);
    return pcs->len;
}

/* The instruction after @pc in the guest's loop */
static uint64_t loop_next(const Guest *g, uint64_t pc)
{
    if (pc == g->loop) {
        return g->store;
    } else if (pc == g->store) {
        return g->nop;
    } else if (pc == g->nop) {
        return g->next_after_nop;
    }
    g_assert_cmphex(pc, ==, g->next_after_nop);
    return g->loop;
}

/* Range-step with @pkt, expecting a stop at @stop and steps on at @want */
static void range_step(Session *s, bool kvm, const char *pkt, uint64_t stop,
                       const char *reason, const uint64_t *want, unsigned n,
                       unsigned *line, unsigned *kvm_line)
{
    g_autoptr(GArray) pcs = NULL;
    g_autoptr(GArray) kvm_pcs = NULL;
    unsigned stops = trace_debug_stops(s);
    const char *reply = rsp(s, "%s", pkt);

    if (reason) {
        g_assert_true(g_str_has_prefix(reply, "T05"));
        g_assert_nonnull(strstr(reply, reason));
        g_assert_cmphex(rsp_pc(s), ==, stop);
    } else {
        assert_stop(s, reply, stop, NULL);
    }
    /* One stop of the VM, whatever the steps in between */
    g_assert_cmpuint(trace_debug_stops(s), ==, stops + 1);
    pcs = trace_pcs(s, "gdbstub_range_step_continue", *line, line);
    assert_pcs(pcs, want, n);
    kvm_pcs = trace_pcs(s, "kvm_debug_range_step", *kvm_line, kvm_line);
    assert_pcs(kvm_pcs, want, kvm ? n : 0);
}

/*
 * Range stepping, vCont;rSTART,END, in the form gdb sends it (the
 * thread, then ";c" for the others).  The trace shows each step that
 * went on (gdbstub_range_step_continue), under KVM each after a KVM
 * step exit (kvm_debug_range_step, at the same pcs, none under TCG), and
 * one stop of the VM (runstate_set to debug) per range step:
 * - from the loop's first instruction, [loop, next_after_nop) steps on
 *   at the store and the nop and stops at next_after_nop;
 * - from there (its branch back to the loop is the first step, outside
 *   the range), with a hardware breakpoint at the nop, it stops at the
 *   nop; with a software breakpoint at the store and the whole loop as
 *   the range, at the store;
 * - of two 'r' actions for the vCPU the first counts; START == END is a
 *   single step;
 * - under TCG, from the store with a write watchpoint on the counter, at
 *   the instruction after the store, with the watch reason (this
 *   machine's KVM never fires data watchpoints: a plain step there);
 * - a range over the whole loop never ends by itself: gdb's ^C stops it,
 *   and a plain 's' afterwards is one step, with no step going on;
 * - a malformed range is refused, and the vCont? reply offers 'r'.
 */
static void test_range_step(const void *opaque)
{
    const Case *c = opaque;
    const Guest *g = c->guest;
    const uint64_t first[] = { g->store, g->nop };
    const uint64_t second[] = { g->loop, g->store };
    const uint64_t third[] = { g->next_after_nop, g->loop };
    const uint64_t fourth[] = { g->nop, g->next_after_nop };
    g_autofree char *pkt = NULL;
    g_autoptr(GArray) pcs = NULL;
    Session s = { 0 };
    unsigned line = 0, kvm_line = 0;
    bool kvm = !strcmp(c->accel, "kvm");
    int bp_kind = g->big_endian ? 4 : 1;
    uint64_t pc;

    if (!session_start_opts(&s, g, c->accel, NULL,
                            "-trace gdbstub_range_step_continue "
                            "-trace kvm_debug_range_step "
                            "-trace runstate_set")) {
        return;
    }
    g_assert_nonnull(strstr(rsp(&s, "vCont?"), ";r"));
    g_assert_cmpstr(rsp(&s, "vCont;r%" PRIx64, g->loop), ==, "E22");
    g_assert_cmpstr(rsp(&s, "vCont;rzz,%" PRIx64, g->loop), ==, "E22");
    g_assert_cmpstr(rsp(&s, "vCont;r-1,%" PRIx64, g->loop), ==, "E22");
    g_assert_cmpstr(rsp(&s, "vCont;r 1,%" PRIx64, g->loop), ==, "E22");
    g_assert_cmpstr(rsp(&s, "vCont;r0x1,%" PRIx64, g->loop), ==, "E22");

    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", g->loop), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), g->loop, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", g->loop), ==, "OK");

    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1;c", g->loop,
                          g->next_after_nop);
    range_step(&s, kvm, pkt, g->next_after_nop, NULL, first, ARRAY_SIZE(first),
               &line, &kvm_line);

    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", g->nop), ==, "OK");
    range_step(&s, kvm, pkt, g->nop, NULL, second, ARRAY_SIZE(second), &line,
               &kvm_line);
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", g->nop), ==, "OK");

    /* From the nop, the whole loop, a software breakpoint at the store */
    g_free(pkt);
    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1;c", g->loop,
                          g->next_after_nop + 1);
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", g->store, bp_kind), ==,
                    "OK");
    range_step(&s, kvm, pkt, g->store, NULL, third, ARRAY_SIZE(third), &line,
               &kvm_line);
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", g->store, bp_kind), ==,
                    "OK");

    /* From the store: the first 'r' for the vCPU counts, not the second */
    g_free(pkt);
    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1;r0,1:1",
                          g->store, g->next_after_nop + 1);
    range_step(&s, kvm, pkt, g->loop, NULL, fourth, ARRAY_SIZE(fourth),
               &line, &kvm_line);
    /* START == END: one step */
    g_free(pkt);
    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1", g->loop,
                          g->loop);
    range_step(&s, kvm, pkt, g->store, NULL, NULL, 0, &line, &kvm_line);

    if (!kvm) {
        /* The store is the first step: the watchpoint stops it. */
        g_assert_cmpstr(rsp(&s, "Z2,%" PRIx64 ",%d", g->data, g->data_len),
                        ==, "OK");
        g_free(pkt);
        pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1", g->loop,
                              g->next_after_nop + 1);
        range_step(&s, kvm, pkt, g->nop, "watch:", NULL, 0, &line,
                   &kvm_line);
        g_assert_cmpstr(rsp(&s, "z2,%" PRIx64 ",%d", g->data, g->data_len),
                        ==, "OK");
    } else {
        /* This machine's KVM never fires data watchpoints: a plain step */
        assert_stop(&s, rsp(&s, "s"), g->nop, NULL);
    }

    /*
     * The whole loop: only ^C ends it.  Last: under TCG the first step
     * after the watchpoint's stop raises its debug exception without
     * executing anything (an exact count of steps would see one more
     * step at the same pc), which this case's count absorbs.
     */
    g_free(pkt);
    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1", g->loop,
                          g->next_after_nop + 1);
    rsp_send(&s, pkt);
    wait_range_steps(&s, line, 8);
    g_assert_cmpint(write(s.fd, "\x03", 1), ==, 1);
    g_assert_true(g_str_has_prefix(rsp_recv(&s), "T02"));
    g_clear_pointer(&pcs, g_array_unref);
    pcs = trace_pcs(&s, "gdbstub_range_step_continue", line, &line);
    g_assert_cmpuint(pcs->len, >, 8);
    pc = rsp_pc(&s);
    assert_stop(&s, rsp(&s, "s"), loop_next(g, pc), NULL);
    g_clear_pointer(&pcs, g_array_unref);
    pcs = trace_pcs(&s, "gdbstub_range_step_continue", line, &line);
    g_assert_cmpuint(pcs->len, ==, 0);
    session_end(&s);
}

static uint32_t rsp_u32(Session *s, const char *fmt, uint64_t arg)
{
    const char *hex = rsp(s, fmt, arg);
    uint32_t v = 0;
    unsigned b;
    int i;

    g_assert_cmpuint(strlen(hex), ==, 8);
    for (i = 0; i < 4; i++) {
        g_assert_cmpint(sscanf(hex + 2 * i, "%2x", &b), ==, 1);
        v |= b << (8 * i);
    }
    return v;
}

/* One kvm_update_guest_debug trace line */
typedef struct DebugCall {
    int cpu;
    uint32_t control;
    bool applied;       /* false: KVM already held this state, no call */
} DebugCall;

/* The kvm_update_guest_debug lines of s->trace, in order */
static GArray *debug_calls(Session *s)
{
    GArray *calls = g_array_new(false, false, sizeof(DebugCall));
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    int i;

    g_assert_true(g_file_get_contents(s->trace, &log, NULL, NULL));
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *p = strstr(lines[i], "kvm_update_guest_debug ");
        DebugCall c;
        int applied;

        if (!p) {
            continue;
        }
        g_assert_cmpint(sscanf(p, "kvm_update_guest_debug cpu %d control "
                               "0x%" SCNx32 " applied %d", &c.cpu,
                               &c.control, &applied), ==, 3);
        c.applied = applied;
        g_array_append_val(calls, c);
    }
    return calls;
}

/*
 * Send the Z or z packet @pkt while the VM is stopped, expecting OK.
 * Under KVM (s->trace set), the change must reach KVM on the vCPU gdb
 * addresses (cpu_index @cpu) alone, once, before the reply: the other
 * vCPUs apply it before they next run.  Returns whether that call was
 * made (false: KVM already held that state).  Under TCG returns false.
 */
static bool rsp_debug_change(Session *s, int cpu, const char *pkt)
{
    g_autoptr(GArray) before = NULL;
    g_autoptr(GArray) after = NULL;
    DebugCall *c;

    if (!s->trace) {
        g_assert_cmpstr(rsp(s, "%s", pkt), ==, "OK");
        return false;
    }
    before = debug_calls(s);
    g_assert_cmpstr(rsp(s, "%s", pkt), ==, "OK");
    after = debug_calls(s);
    g_assert_cmpuint(after->len, ==, before->len + 1);
    c = &g_array_index(after, DebugCall, before->len);
    g_assert_cmpint(c->cpu, ==, cpu);
    return c->applied;
}

/* The thread a stop reply names ("thread:NN;"), as gdb numbers them */
static int stop_thread(const char *reply)
{
    const char *t = strstr(reply, "thread:");
    const char *end;
    int n;

    g_assert_nonnull(t);
    g_assert_cmpint(qemu_strtoi(t + strlen("thread:"), &end, 16, &n), ==, 0);
    g_assert_cmpint(*end, ==, ';');
    return n;
}

/*
 * Four vCPUs, the APs not yet started: qfThreadInfo lists them all, and
 * a hardware breakpoint in AP 3's loop, a software one in AP 2's, a
 * hardware one in AP 1's, then in the BSP's, each inserted while the VM
 * is stopped, stops the vCPU that runs there, named in the stop reply
 * and read by 'p'.  Under KVM each vCPU applies the guest-debug state
 * itself before it runs, so a point inserted while the VM is stopped
 * must reach vCPUs other than the one gdb addresses; the first is
 * inserted before any AP has run.  (The counters are not checked: an AP
 * stopped at its loop's first instruction may not have counted yet.)
 * Under KVM the kvm_update_guest_debug trace shows that each Z and z
 * packet reaches KVM on the vCPU gdb addresses (the one that stopped
 * last, vCPU 0 at first) alone, and that a second software breakpoint,
 * which changes nothing KVM sees, costs no call.
 */
static void test_x86_smp(const void *opaque)
{
    /* In the padding after the APs' loops, never executed */
    const uint64_t unused = 0xfffffe89;
    const Case *c = opaque;
    Session s = { 0 };
    const char *reply;
    int cpu = 0;
    int i, t;

#ifdef CONFIG_TRACE_LOG
    const char *trace = strcmp(c->accel, "kvm") ? NULL :
                        "-trace kvm_update_guest_debug";
#else
    const char *trace = NULL;   /* the checks read the log backend's lines */
#endif

    if (!session_start_opts(&s, &x86_smp_guest, c->accel, NULL, trace)) {
        return;
    }
    reply = rsp(&s, "qfThreadInfo");
    for (t = 1; t <= x86_smp_guest.smp; t++) {
        g_autofree char *want = g_strdup_printf("m%02x", t);

        g_assert_cmpstr(reply, ==, want);
        reply = rsp(&s, "qsThreadInfo");
    }
    g_assert_cmpstr(reply, ==, "l");

    for (i = ARRAY_SIZE(x86_smp_aps) - 1; i >= 0; i--) {
        const char *type = i == 1 ? "0" : "1";
        g_autofree char *insert = g_strdup_printf("Z%s,%" PRIx64 ",1", type,
                                                  x86_smp_aps[i].loop);
        g_autofree char *remove = g_strdup_printf("z%s,%" PRIx64 ",1", type,
                                                  x86_smp_aps[i].loop);
        g_autofree char *extra = g_strdup_printf("Z0,%" PRIx64 ",1", unused);
        g_autofree char *stop = NULL;

        g_assert_true(rsp_debug_change(&s, cpu, insert) == !!s.trace);
        if (i == 1) {
            g_assert_false(rsp_debug_change(&s, cpu, extra));
            extra[0] = 'z';
            g_assert_false(rsp_debug_change(&s, cpu, extra));
        }
        stop = g_strdup(rsp(&s, "c"));
        g_assert_cmpint(stop_thread(stop), ==, x86_smp_aps[i].thread);
        assert_stop(&s, stop, x86_smp_aps[i].loop,
                    i == 1 ? "swbreak:;" : "hwbreak:;");
        cpu = x86_smp_aps[i].thread - 1;
        g_assert_true(rsp_debug_change(&s, cpu, remove) == !!s.trace);
    }
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_smp_guest.nop), ==,
                    "OK");
    reply = rsp(&s, "c");
    g_assert_cmpint(stop_thread(reply), ==, 1);
    assert_stop(&s, reply, x86_smp_guest.nop, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", x86_smp_guest.nop), ==,
                    "OK");
    session_end(&s);
}

/*
 * x86, four vCPUs: while the BSP range-steps over its whole loop, in
 * gdb's form ("vCont;rSTART,END:1;c"), the APs run: AP 1's counter
 * moves while the trace shows the BSP stepping on, before and after,
 * and the VM does not stop for gdb until its ^C, whose stop reply names
 * the BSP.  A breakpoint in AP 1's loop ends the next range step, and
 * that stop ends the BSP's step: a 'c' then stops at a breakpoint in
 * AP 2's loop, not after one more instruction of the BSP.
 */
static void test_x86_smp_range_step(const void *opaque)
{
    const Case *c = opaque;
    const Guest *g = &x86_smp_guest;
    const uint64_t ap1_counter = 0x2004;
    g_autofree char *pkt = NULL;
    const char *reply;
    Session s = { 0 };
    unsigned stops, steps;
    uint32_t before;
    gint64 deadline;

    if (!session_start_opts(&s, g, c->accel, NULL,
                            "-trace gdbstub_range_step_continue "
                            "-trace runstate_set")) {
        return;
    }
    /* AP 1 is started and counting, then the BSP is in its loop */
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_smp_aps[0].loop), ==,
                    "OK");
    g_assert_cmpint(stop_thread(rsp(&s, "c")), ==, x86_smp_aps[0].thread);
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", x86_smp_aps[0].loop), ==,
                    "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", g->loop), ==, "OK");
    g_assert_cmpint(stop_thread(rsp(&s, "c")), ==, 1);
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", g->loop), ==, "OK");

    stops = trace_debug_stops(&s);
    pkt = g_strdup_printf("vCont;r%" PRIx64 ",%" PRIx64 ":1;c", g->loop,
                          g->next_after_nop + 1);
    rsp_send(&s, pkt);
    steps = wait_range_steps(&s, 0, 8);
    before = qtest_readl(s.qts, ap1_counter);
    deadline = g_get_monotonic_time() + RSP_READ_TIMEOUT_S * G_USEC_PER_SEC;
    while (qtest_readl(s.qts, ap1_counter) == before) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    wait_range_steps(&s, 0, steps);
    g_assert_cmpint(write(s.fd, "\x03", 1), ==, 1);
    reply = rsp_recv(&s);
    g_assert_true(g_str_has_prefix(reply, "T02"));
    g_assert_cmpint(stop_thread(reply), ==, 1);
    /* ^C pauses the VM; no step stopped it for gdb in between */
    g_assert_cmpuint(trace_debug_stops(&s), ==, stops);

    /*
     * AP 1's breakpoint ends the BSP's range step; the stop ends the
     * BSP's step too: a 'c' then stops at a breakpoint in AP 2's loop,
     * not after one more instruction of the BSP.
     */
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_smp_aps[0].loop), ==,
                    "OK");
    reply = rsp(&s, "%s", pkt);
    g_assert_cmpint(stop_thread(reply), ==, x86_smp_aps[0].thread);
    g_assert_nonnull(strstr(reply, "hwbreak:;"));
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", x86_smp_aps[0].loop), ==,
                    "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_smp_aps[1].loop), ==,
                    "OK");
    reply = rsp(&s, "c");
    g_assert_cmpint(stop_thread(reply), ==, x86_smp_aps[1].thread);
    g_assert_nonnull(strstr(reply, "hwbreak:;"));
    session_end(&s);
}

/*
 * x86 under KVM: a vCPU plugged in while gdb has a breakpoint inserted
 * must have it when it first runs: it applies the guest-debug state
 * then, as KVM creates it with guest debugging off.  The four-vCPU guest
 * with -smp 1,maxcpus=2: a hardware breakpoint in the loop of the AP
 * with APIC ID 1, then the second vCPU plugged in (device_add of what
 * query-hotpluggable-cpus offers) before the guest runs.  The BSP's INIT
 * and SIPI start it, and it must stop there.  (Under TCG a plugged vCPU
 * misses the breakpoints inserted before it existed: TCG gives them to
 * the vCPUs there are at insertion.)
 */
static void test_x86_cpu_hotplug(const void *opaque)
{
    const Case *c = opaque;
    Guest g = x86_smp_guest;
    Session s = { 0 };
    g_autofree char *stop = NULL;
    QDict *resp;
    QList *cpus;
    QObject *e;
    bool plugged = false;

    g.smp = 1;
    g.maxcpus = 2;
    if (!session_start(&s, &g, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_smp_aps[0].loop), ==,
                    "OK");

    resp = qtest_qmp(s.qts, "{ 'execute': 'query-hotpluggable-cpus' }");
    cpus = qdict_get_qlist(resp, "return");
    g_assert_nonnull(cpus);
    while (!plugged && (e = qlist_pop(cpus))) {
        QDict *cpu = qobject_to(QDict, e);

        if (!qdict_haskey(cpu, "qom-path")) {
            qtest_qmp_device_add_qdict(s.qts, qdict_get_str(cpu, "type"),
                                       qdict_get_qdict(cpu, "props"));
            plugged = true;
        }
        qobject_unref(e);
    }
    qobject_unref(resp);
    g_assert_true(plugged);

    stop = g_strdup(rsp(&s, "c"));
    g_assert_cmpint(stop_thread(stop), ==, x86_smp_aps[0].thread);
    assert_stop(&s, stop, x86_smp_aps[0].loop, "hwbreak:;");
    session_end(&s);
}

#define X86_EFLAGS_REGNUM   0x11
#define X86_TF              0x100

/*
 * The guest single-steps a nop with its own EFLAGS.TF, and gdb steps the
 * popf that sets TF and then that nop: after the popf the guest's TF
 * reads set, the nop's step ends where the guest's #DB handler begins
 * (TF clear, as the gate left it), and each of the guest's traps reaches
 * it once.  Under KVM, which hides TF while it steps for gdb and clears
 * it after, as under TCG.
 */
static void test_x86_guest_tf_step(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    int pass;

    if (!session_start(&s, &x86_tf_guest, c->accel)) {
        return;
    }
    for (pass = 0; pass < 3; pass++) {
        g_assert_cmpstr(rsp(&s, "Z1,%llx,1", X86_TF_POPF), ==, "OK");
        assert_stop(&s, rsp(&s, "c"), X86_TF_POPF, "hwbreak:;");
        g_assert_cmpstr(rsp(&s, "z1,%llx,1", X86_TF_POPF), ==, "OK");
        g_assert_cmpuint(rsp_u32(&s, "m%" PRIx64 ",4", X86_TF_COUNT), ==,
                         pass);
        g_assert_cmphex(rsp_u32(&s, "p%" PRIx64, X86_EFLAGS_REGNUM) &
                        X86_TF, ==, 0);
        assert_stop(&s, rsp(&s, "s"), X86_TF_STEPPED, NULL);
        g_assert_cmphex(rsp_u32(&s, "p%" PRIx64, X86_EFLAGS_REGNUM) &
                        X86_TF, ==, X86_TF);
        assert_stop(&s, rsp(&s, "s"), X86_TF_HANDLER, NULL);
        g_assert_cmphex(rsp_u32(&s, "p%" PRIx64, X86_EFLAGS_REGNUM) &
                        X86_TF, ==, 0);
    }
    /* Once more around the loop: the last trap has been taken too. */
    g_assert_cmpstr(rsp(&s, "Z1,%llx,1", X86_TF_POPF), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), X86_TF_POPF, "hwbreak:;");
    g_assert_cmpuint(rsp_u32(&s, "m%" PRIx64 ",4", X86_TF_COUNT), ==, pass);
    session_end(&s);
}

static void test_memory(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "M3000,4:deadbeef"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m3000,4"), ==, "deadbeef");
    g_assert_cmpstr(rsp(&s, "M3002,1:42"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m3000,4"), ==, "dead42ef");
    session_end(&s);
}

/* Z2 (write), Z3 (read) or Z4 (access): the loop must report "@reason:" */
static void check_watchpoint(const Case *c, int type, const char *reason)
{
    const Guest *g = c->guest;
    Session s = { 0 };
    g_autofree char *expect = NULL;
    int i;

    if (!session_start(&s, g, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z%d,%" PRIx64 ",%u", type, g->data,
                        g->data_len), ==, "OK");
    expect = g_strdup_printf("%s:%" PRIx64 ";", reason, g->data);
    for (i = 0; i < 3; i++) {
        g_assert_nonnull(strstr(rsp(&s, "c"), expect));
        g_assert_true(g_str_has_prefix(s.buf, "T05"));
    }
    g_assert_cmpstr(rsp(&s, "z%d,%" PRIx64 ",%u", type, g->data,
                        g->data_len), ==, "OK");
    session_end(&s);
}

static void test_write_watchpoint(const void *opaque)
{
    check_watchpoint(opaque, 2, "watch");
}

static void test_access_watchpoint(const void *opaque)
{
    check_watchpoint(opaque, 4, "awatch");
}

static void test_read_watchpoint(const void *opaque)
{
    check_watchpoint(opaque, 3, "rwatch");
}

/*
 * x86 under KVM: gdb's watch ranges are split over the four debug
 * registers, a range that does not fit in the slots left is refused with
 * an error, and a read watchpoint is reported unsupported so that gdb
 * emulates it.  The breakpoint in the last slot still stops the guest.
 */
static void test_x86_debug_slots(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    /* 0x3003/1, 0x3004/2 and 0x3006/1: three slots. */
    g_assert_cmpstr(rsp(&s, "Z2,3003,4"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z4,4000,a"), ==, "E22");
    g_assert_cmpstr(rsp(&s, "Z3,4000,4"), ==, "");
    g_assert_cmpstr(rsp(&s, "Z2,4000,0"), ==, "E22");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->store), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->nop), ==, "E22");
    assert_stop(&s, rsp(&s, "c"), c->guest->store, "hwbreak:;");

    g_assert_cmpstr(rsp(&s, "z2,3003,4"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "z2,3003,4"), ==, "E22");
    g_assert_cmpstr(rsp(&s, "Z4,4000,a"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    g_assert_cmpstr(rsp(&s, "z4,4000,a"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", c->guest->nop), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), c->guest->store, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", c->guest->store), ==, "OK");
    session_end(&s);
}

/* The guest's own bytes at @addr, as hex, from the code the test loaded. */
static char *guest_hex(const Guest *g, uint64_t addr, int n)
{
    GString *hex = g_string_new("");
    int i;

    for (i = 0; i < n; i++) {
        uint64_t a = addr + i;
        uint8_t b;

        if (!strcmp(g->arch, "x86_64")) {
            g_assert_cmphex(a - 0xffffff00, <, sizeof(x86_code));
            b = x86_code[a - 0xffffff00];
        } else {
            g_assert_cmphex((a - PPC_LOAD) / 4, <, ARRAY_SIZE(ppc_code));
            b = ppc_code[(a - PPC_LOAD) / 4] >> (8 * (3 - (a - PPC_LOAD) % 4));
        }
        g_string_append_printf(hex, "%02x", b);
    }
    return g_string_free(hex, false);
}

/*
 * gdb sees the guest's bytes at a software breakpoint, its writes over
 * one keep the breakpoint working, and removal restores what gdb wrote.
 */
static void test_sw_breakpoint_hidden(const void *opaque)
{
    const Case *c = opaque;
    const Guest *g = c->guest;
    int kind = g->big_endian ? 4 : 1;
    Session s = { 0 };
    g_autofree char *orig = guest_hex(g, g->store, g->nop + 4 - g->store);
    g_autofree char *at_nop = guest_hex(g, g->nop, kind);

    if (!session_start(&s, g, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", g->nop, kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",%" PRIx64, g->store,
                        g->nop + 4 - g->store), ==, orig);
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",%d", g->nop, kind), ==, at_nop);

    /* Physical memory mode: the same bytes (no paging in these guests). */
    g_assert_cmpstr(rsp(&s, "Qqemu.PhyMemMode:1"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",%d", g->nop, kind), ==, at_nop);
    g_assert_cmpstr(rsp(&s, "Qqemu.PhyMemMode:0"), ==, "OK");

    /* gdb rewrites the code around the breakpoint: it still hits. */
    g_assert_cmpstr(rsp(&s, "M%" PRIx64 ",%" PRIx64 ":%s", g->store,
                        g->nop + 4 - g->store, orig), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), g->nop, "swbreak:;");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",%d", g->nop, kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",%" PRIx64, g->store,
                        g->nop + 4 - g->store), ==, orig);

    /* A write over a breakpoint becomes what removal restores. */
    g_assert_cmpstr(rsp(&s, "Z0,3000,%d", kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "M3000,4:a1b2c3d4"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m3000,4"), ==, "a1b2c3d4");
    g_assert_cmpstr(rsp(&s, "z0,3000,%d", kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m3000,4"), ==, "a1b2c3d4");
    session_end(&s);
}

/*
 * A software breakpoint is removed where it was planted, even after the
 * guest's page tables moved its virtual address: with paging on, Z0 at
 * virtual 0x10000 (physical 0x10000), then the page directory entry for
 * the first 2 MiB pointed at physical 2 MiB (as a guest remapping its
 * memory would), z0 at 0x10000.  Physical 0x10000 must hold the guest's
 * nop again, not the trap, and physical 0x210000, where 0x10000 points
 * now, its own byte.  Memory is read and written physically with
 * qemu.PhyMemMode.
 */
static void test_x86_sw_breakpoint_remapped(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    uint64_t moved = X86_PAGING_NOP + 2 * MiB;

    if (!session_start(&s, &x86_paging_guest, c->accel)) {
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", x86_paging_guest.loop), ==,
                    "OK");
    assert_stop(&s, rsp(&s, "c"), x86_paging_guest.loop, "hwbreak:;");
    g_assert_cmpstr(rsp(&s, "z1,%" PRIx64 ",1", x86_paging_guest.loop), ==,
                    "OK");

    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", X86_PAGING_NOP), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",1", X86_PAGING_NOP), ==, "90");
    g_assert_cmpstr(rsp(&s, "Qqemu.PhyMemMode:1"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "M%" PRIx64 ",1:55", moved), ==, "OK");
    /* PDE 0: a 2 MiB page at 0x200000, present, writable */
    g_assert_cmpstr(rsp(&s, "M%" PRIx64 ",4:83002000", X86_PAGING_PDE0), ==,
                    "OK");
    g_assert_cmpstr(rsp(&s, "Qqemu.PhyMemMode:0"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",1", X86_PAGING_NOP), ==, "55");

    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",1", X86_PAGING_NOP), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Qqemu.PhyMemMode:1"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",1", X86_PAGING_NOP), ==, "90");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",1", moved), ==, "55");
    session_end(&s);
}

/* Whether this host's KVM runs guests in SMM, as QEMU asks it */
static bool kvm_has_smm(void)
{
#ifdef CONFIG_LINUX
    int fd = open("/dev/kvm", O_RDWR);
    int r;

    if (fd < 0) {
        return false;
    }
    r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM);
    close(fd);
    return r > 0;
#else
    return false;
#endif
}

/*
 * Let the guest run for @ms, then interrupt it as gdb's ^C does; returns
 * the pc of the stop.
 */
static uint64_t rsp_run_for(Session *s, int ms)
{
    rsp_send(s, "c");
    g_usleep(ms * 1000);
    g_assert_cmpint(write(s->fd, "\x03", 1), ==, 1);
    g_assert_true(g_str_has_prefix(rsp_recv(s), "T02"));
    return rsp_pc(s);
}

/*
 * A software breakpoint gdb inserts while the vCPU is in SMM is planted
 * in SMRAM, through the vCPU's SMM view, and must be removed from there:
 * outside SMM the same guest-physical address is the VGA window.  The
 * guest loops in SMRAM at 0xa8000; Z0 there, a stop, z0: SMRAM reads
 * the guest's loop again, and the guest keeps looping.  Removing through
 * the non-SMM view leaves the int3 in SMRAM, which the guest then takes
 * as its own #BP, in SMM.
 */
static void test_x86_smm_breakpoint(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    int i;

    uint64_t pc = 0;

    if (!qtest_has_device("VGA")) {
        g_test_skip("this QEMU binary has no VGA");
        return;
    }
    if (!strcmp(c->accel, "kvm") && !kvm_has_smm()) {
        g_test_skip("this host's KVM has no SMM (KVM_CAP_X86_SMM)");
        return;
    }
    /* smm=on: QEMU refuses to start where KVM has no SMM */
    if (!session_start_opts(&s, &x86_smm_guest, c->accel,
                            "-machine smm=on -device VGA,romfile=", NULL)) {
        return;
    }
    /*
     * In the loop: rip 0x8000 and the loop in SMRAM, which the guest puts
     * there after the relocation handler (also entered at rip 0x8000) ran.
     */
    for (i = 0; i < 50; i++) {
        pc = rsp_run_for(&s, 100);
        if (pc == X86_SMM_LOOP_RIP &&
            !strcmp(rsp(&s, "m%" PRIx64 ",2", X86_SMM_LOOP), "ebfe")) {
            break;
        }
    }
    if (i == 50) {
        g_test_message("not in the SMRAM loop after 5 s: rip 0x%" PRIx64, pc);
    }
    g_assert_cmpint(i, <, 50);

    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",1", X86_SMM_LOOP), ==, "OK");
    assert_stop(&s, rsp(&s, "c"), X86_SMM_LOOP_RIP, "swbreak:;");
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",1", X86_SMM_LOOP), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",2", X86_SMM_LOOP), ==, "ebfe");
    g_assert_cmphex(rsp_run_for(&s, 200), ==, X86_SMM_LOOP_RIP);
    g_assert_cmpstr(rsp(&s, "m%" PRIx64 ",2", X86_SMM_LOOP), ==, "ebfe");
    session_end(&s);
}

/*
 * An M packet that fails part way leaves what TCG leaves, breakpoints
 * or not: the pages before the failure written, the rest untouched; a
 * breakpoint's removal restores exactly that.  x86 at reset (no
 * paging): the BIOS ends at 4 GiB with the PCI hole below it, RAM ends
 * at 64 MiB with the hole above it; writes to the hole fail.
 */
static void test_sw_breakpoint_failed_write(const void *opaque)
{
    const Case *c = opaque;
    Session s = { 0 };
    g_autofree char *bios = NULL;

    if (!session_start(&s, c->guest, c->accel)) {
        return;
    }
    bios = g_strdup(rsp(&s, "mffff0000,2"));

    /* Fails on its first page: nothing written, not even gdb's 44. */
    g_assert_cmpstr(rsp(&s, "Z0,ffff0001,1"), ==, "OK");
    g_assert_true(rsp(&s, "Mfffefffe,4:11223344")[0] == 'E');
    g_assert_cmpstr(rsp(&s, "z0,ffff0001,1"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "mffff0000,2"), ==, bios);

    /* Fails on its second page: the first one is written, a3 and all. */
    g_assert_cmpstr(rsp(&s, "Z0,3fffffe,1"), ==, "OK");
    g_assert_true(rsp(&s, "M3fffffc,8:a1a2a3a4a5a6a7a8")[0] == 'E');
    g_assert_cmpstr(rsp(&s, "m3fffffc,4"), ==, "a1a2a3a4");
    g_assert_cmpstr(rsp(&s, "z0,3fffffe,1"), ==, "OK");
    g_assert_cmpstr(rsp(&s, "m3fffffc,4"), ==, "a1a2a3a4");
    session_end(&s);
}

/*
 * After breakpoints of every kind were inserted, hit, stepped over and
 * left in place, detaching leaves the guest's code exactly as it was.
 */
static void test_detach_restores(const void *opaque)
{
    const Case *c = opaque;
    const Guest *g = c->guest;
    int kind = g->big_endian ? 4 : 1;
    uint64_t start = g->loop;
    int len = g->next_after_nop + 2 - g->loop;
    g_autofree char *orig = guest_hex(g, start, len);
    g_autofree uint8_t *mem = g_malloc(len);
    GString *now = g_string_new("");
    Session s = { 0 };
    int i;

    if (!session_start(&s, g, c->accel)) {
        g_string_free(now, true);
        return;
    }
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", g->nop, kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",%d", g->store, kind), ==, "OK");
    g_assert_cmpstr(rsp(&s, "Z1,%" PRIx64 ",1", g->loop), ==, "OK");
    for (i = 0; i < 3; i++) {
        rsp(&s, "c");
        g_assert_true(g_str_has_prefix(s.buf, "T05"));
    }
    /* Detach with all three still inserted; the guest runs on. */
    rsp_send(&s, "D");
    g_assert_cmpstr(rsp_recv(&s), ==, "OK");

    qtest_memread(s.qts, start, mem, len);
    for (i = 0; i < len; i++) {
        g_string_append_printf(now, "%02x", mem[i]);
    }
    g_assert_cmpstr(now->str, ==, orig);
    g_string_free(now, true);
    session_end(&s);
}

/*
 * Book3S: a guest of our own, passed as -bios, whose loop makes exits that
 * leave a value in kvm_run's union where debug.arch.status lies, then runs
 * into a software breakpoint.  Three times, the stop must be gdb's, with
 * the breakpoint moved between the instruction after those exits and the
 * loop's entry.  QEMU's trace points prove which path ran: one
 * KVM_EXIT_DEBUG per stop, the side exits before it, and the decision
 * with the status the kernel reported.  The cases also run against a
 * QEMU without this series (KVM_DEBUG_TEST_STOCK set, no stop reasons,
 * no decision trace point): under HV they fail there, within a bounded
 * time, on the missing stop; under PR they pass.
 *
 * ppc64 pseries, under HV or PR: in place of SLOF, entered at 0x100 in
 * big-endian real mode.  The hcall is one neither the kernel nor QEMU
 * implements, so QEMU answers H_FUNCTION (-2) through the union.  HV
 * reports the breakpoint with KVM_EXIT_DEBUG and debug.arch.address but
 * leaves status as the hcall's return left it (0xfffffffe on a
 * little-endian host); QEMU without this series takes that for a
 * hardware breakpoint that is not its own and resumes the guest at the
 * trap, which exits again: the vCPU spins on debug exits and gdb waits
 * forever.  PR emulates the trap instruction and clears status.
 *   100: 38601000  li   r3, 0x1000       <- hcall number
 *   104: 44000022  sc   1                <- H_FUNCTION
 *   108: 60000000  nop                   <- software breakpoint
 *   10c: 4bfffff4  b    100
 */
static const uint32_t book3s_code[] = {
    0x38601000, 0x44000022, 0x60000000, 0x4bfffff4,
};

/*
 * 32-bit PowerMac G3 (g3beige, a machine that always asks for PR), in
 * qemu-system-ppc and qemu-system-ppc64.  The 750 resets in real mode at
 * 0xfff00100 (its exception prefix is 0xfff00000), in the 4 MiB ROM at
 * 0xffc00000 that holds our image.  The guest selects fw_cfg's signature
 * and reads its first byte ('Q') through MMIO, which leaves 0x51 in the
 * first byte of status.
 *   fff00100: 3c80f000  lis  r4, 0xf000
 *   fff00104: 38a00000  li   r5, 0
 *   fff00108: b0a40510  sth  r5, 0x510(r4)   <- fw_cfg selector: 0
 *   fff0010c: 88640512  lbz  r3, 0x512(r4)   <- fw_cfg data: 'Q'
 *   fff00110: 60000000  nop                  <- software breakpoint
 *   fff00114: 4bffffec  b    fff00100
 */
static const uint32_t g3beige_code[] = {
    0x3c80f000, 0x38a00000, 0xb0a40510, 0x88640512, 0x60000000, 0x4bffffec,
};

#define BOOK3S_STOP_TIMEOUT_MS 30000
#define KVM_EXIT_DEBUG_NR 4
#define KVM_EXIT_MMIO_NR 6
#define KVM_EXIT_PAPR_HCALL_NR 19

typedef struct Book3SCase {
    const char *module;         /* the KVM flavour's module */
    const char *machine;        /* the machine... */
    const char *args;           /* ...and its -M, -cpu options */
    const uint32_t *code;       /* the loop, at entry */
    size_t code_len;
    uint64_t image_base;        /* where -bios loads the image */
    size_t image_size;
    uint64_t entry;             /* the reset pc, the loop's start */
    uint64_t after_exits;       /* the instruction after the side exits */
    int side_exit;              /* their exit reason... */
    int side_exits;             /* ...and how many in one pass */
    uint64_t r3;                /* what the guest's r3 holds at a stop */
    bool stale_status;          /* status is the side exits' leftover */
} Book3SCase;

/*
 * The cache flush, indirect branch and count cache flush assist
 * capabilities default to levels that KVM on a POWER9 without those
 * mitigations (such as QEMU's own powernv9) refuses.
 */
#define BOOK3S_MITIGATIONS "cap-cfpc=broken,cap-ibs=broken,cap-ccf-assist=off"

static const Book3SCase book3s_hv = {
    .module = "kvm_hv",
    .machine = "pseries",
    .args = "-M pseries,kvm-type=HV," BOOK3S_MITIGATIONS " -cpu host",
    .code = book3s_code, .code_len = ARRAY_SIZE(book3s_code),
    .image_base = 0, .image_size = 4 * KiB,
    .entry = 0x100, .after_exits = 0x108,
    .side_exit = KVM_EXIT_PAPR_HCALL_NR, .side_exits = 1,
    .r3 = (uint64_t)-2, .stale_status = true,
};

/* PR has neither the large decrementer, nor FWNMI, nor AIL mode 3 */
static const Book3SCase book3s_pr = {
    .module = "kvm_pr",
    .machine = "pseries",
    .args = "-M pseries,kvm-type=PR,cap-large-decr=off,cap-fwnmi=off,"
            "cap-ail-mode-3=off," BOOK3S_MITIGATIONS " -cpu host",
    .code = book3s_code, .code_len = ARRAY_SIZE(book3s_code),
    .image_base = 0, .image_size = 4 * KiB,
    .entry = 0x100, .after_exits = 0x108,
    .side_exit = KVM_EXIT_PAPR_HCALL_NR, .side_exits = 1,
    .r3 = (uint64_t)-2,
};

static const Book3SCase book3s_g3beige = {
    .module = "kvm_pr",
    .machine = "g3beige", .args = "-M g3beige",
    .code = g3beige_code, .code_len = ARRAY_SIZE(g3beige_code),
    .image_base = 0xffc00000, .image_size = 4 * MiB,
    .entry = 0xfff00100, .after_exits = 0xfff00110,
    .side_exit = KVM_EXIT_MMIO_NR, .side_exits = 2,
    .r3 = 'Q',
};

/* How many lines of @log contain @needle */
static int count_lines(const char *log, const char *needle)
{
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    int i, n = 0;

    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], needle) != NULL;
    }
    return n;
}

/* How many exits for @reason the kvm_run_exit trace lines of @log show */
static int count_exits(const char *log, int reason)
{
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    g_autofree char *end = g_strdup_printf(", reason %d", reason);
    int i, n = 0;

    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], "kvm_run_exit cpu_index 0") &&
             g_str_has_suffix(lines[i], end);
    }
    return n;
}

/* Show the start of the trace log of @path, one message a line */
static void show_trace(const char *path)
{
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;
    int i;

    if (!g_file_get_contents(path, &log, NULL, NULL)) {
        g_test_message("no trace log");
        return;
    }
    lines = g_strsplit(log, "\n", -1);
    for (i = 0; lines[i] && *lines[i]; i++) {
        if (i == 20) {
            g_test_message("trace: ... %u lines in all",
                           g_strv_length(lines) - 1);
            break;
        }
        g_test_message("trace: %s", lines[i]);
    }
}

/*
 * Continue and return the stop reply, or fail when none comes within
 * @timeout_ms: a KVM debug exit QEMU does not recognise as its own is
 * given to the guest and gdb would wait forever.
 */
static const char *rsp_continue(Session *s, const char *trace, int timeout_ms)
{
    struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

    rsp_send(s, "c");
    if (poll(&pfd, 1, timeout_ms) != 1) {
        g_autofree char *log = NULL;

        show_trace(trace);
        g_file_get_contents(trace, &log, NULL, NULL);
        g_test_message("no stop reply within %d ms, after %d KVM_EXIT_DEBUG "
                       "(4) exits", timeout_ms,
                       log ? count_exits(log, KVM_EXIT_DEBUG_NR) : 0);
        g_assert_not_reached();
    }
    return rsp_recv(s);
}

/*
 * Continue to a stop at @addr.  A QEMU without this series (no stop
 * reasons) answers 'p' alone from the registers of the previous stop
 * under KVM ("gdbstub: synchronize vCPU state before single-register
 * access" fixes that): there, read all registers first ('g'), as gdb
 * does, which fetches them from KVM.
 */
static void book3s_continue_to(Session *s, const char *trace, uint64_t addr,
                               const char *reason)
{
    g_autofree char *reply = g_strdup(rsp_continue(s, trace,
                                                   BOOK3S_STOP_TIMEOUT_MS));

    if (!reason) {
        rsp(s, "g");
    }
    assert_stop(s, reply, addr, reason);
}

/* Whether the running kernel is at least @major.@minor */
static bool kernel_at_least(int major, int minor)
{
    struct utsname u;
    int ma, mi;

    g_assert_cmpint(uname(&u), ==, 0);
    g_assert_cmpint(sscanf(u.release, "%d.%d", &ma, &mi), ==, 2);
    return ma > major || (ma == major && mi >= minor);
}

static void test_kvm_book3s(const void *opaque)
{
    const Book3SCase *c = opaque;
    const char *arch = qtest_get_arch();
    bool stock = getenv("KVM_DEBUG_TEST_STOCK") != NULL;
    g_autofree char *module = g_strdup_printf("/sys/module/%s", c->module);
    g_autofree char *sock = NULL;
    g_autofree char *bios = NULL;
    g_autofree char *trace = NULL;
    g_autofree char *log = NULL;
    g_autofree char *after_exits = NULL;
    g_autofree char *at_entry = NULL;
    g_autofree char *r3 = NULL;
    uint64_t r3_value;
    g_autofree uint8_t *img = g_malloc0(c->image_size);
    Guest g = {
        .arch = arch, .pc_regnum = 64, .big_endian = true,
        .pc_bytes = !strcmp(arch, "ppc") ? 4 : 8,
    };
    Session s = { 0 };
    const char *why, *reason;
    uint32_t status = 0;
    int i, passes = 3;

    if (!kvm_usable(arch, &why)) {
        g_test_skip(why);
        return;
    }
    if (access(module, F_OK)) {
        g_autofree char *msg = g_strdup_printf("needs %s, not loaded here",
                                               c->module);

        g_test_skip(msg);
        return;
    }
    if (!c->stale_status && !kernel_at_least(5, 4)) {
        /* "KVM: PPC: Book3S PR: Fix software breakpoints" (3bda7f0ae0f7) */
        g_test_skip("Book3S PR clears the debug status since Linux 5.4");
        return;
    }
    if (!qtest_has_machine(c->machine)) {
        g_test_skip("this QEMU binary lacks the machine");
        return;
    }

    s.g = &g;
    s.dir = g_dir_make_tmp("kvm-debug-test-XXXXXX", NULL);
    g_assert_nonnull(s.dir);
    sock = g_build_filename(s.dir, "gdb.sock", NULL);
    bios = g_build_filename(s.dir, "bios.bin", NULL);
    trace = g_build_filename(s.dir, "trace.log", NULL);
    for (i = 0; i < c->code_len; i++) {
        stl_be_p(img + c->entry - c->image_base + 4 * i, c->code[i]);
    }
    g_assert_true(g_file_set_contents(bios, (char *)img, c->image_size,
                                      NULL));

    s.qts = qtest_initf("%s -m 256M -nodefaults -bios %s -accel kvm -S "
                        "-gdb unix:%s,server=on,wait=off "
                        "-trace kvm_handle_debug_decision -trace kvm_run_exit "
                        "-D %s", c->args, bios, sock, trace);
    assert_kvm_enabled(s.qts);
    /*
     * A program interrupt (the trap given to the guest) lands at 0x700 in
     * RAM: in HV's real mode, and under PR at HIOR + 0x700, QEMU setting
     * HIOR to 0 (KVM_REG_PPC_HIOR; PR's own default for a 32-bit CPU is 0
     * too).  Our images need not be loaded there.
     */
    qtest_writel(s.qts, 0x700, 0x48000000);     /* b . */
    reason = session_connect(&s, sock) ? "swbreak:;" : NULL;
    if (stock) {
        g_assert_null(reason);
    } else {
        g_assert_nonnull(reason);
    }

    g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",4", c->after_exits), ==, "OK");
    for (i = 0; i < passes; i++) {
        /* After the side exits: the union holds what they left */
        book3s_continue_to(&s, trace, c->after_exits, reason);
        g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",4", c->after_exits), ==,
                        "OK");
        g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",4", c->entry), ==, "OK");
        /* After the previous debug exit */
        book3s_continue_to(&s, trace, c->entry, reason);
        g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",4", c->entry), ==, "OK");
        g_assert_cmpstr(rsp(&s, "Z0,%" PRIx64 ",4", c->after_exits), ==,
                        "OK");
    }
    g_assert_cmpstr(rsp(&s, "z0,%" PRIx64 ",4", c->after_exits), ==, "OK");

    /* The guest ran its side exits: r3 holds what they returned */
    r3_value = g.pc_bytes == 4 ? (uint32_t)c->r3 : c->r3;
    r3 = g_strdup_printf("%0*" PRIx64, (int)(2 * g.pc_bytes), r3_value);
    g_assert_cmpstr(rsp(&s, "p3"), ==, r3);

    close(s.fd);
    qtest_quit(s.qts);
    show_trace(trace);
    g_assert_true(g_file_get_contents(trace, &log, NULL, NULL));
    /* One KVM_EXIT_DEBUG for each stop, and no other */
    g_assert_cmpint(count_exits(log, KVM_EXIT_DEBUG_NR), ==, 2 * passes);
    /* The side exits before each stop after them */
    g_assert_cmpint(count_exits(log, c->side_exit), ==,
                    c->side_exits * passes);
    if (stock) {
        g_assert_cmpint(count_lines(log, "kvm_handle_debug_decision"), ==, 0);
    } else {
        /*
         * HV leaves the first four bytes of the hcall's return value
         * (H_FUNCTION), which status overlays
         */
        if (c->stale_status) {
            status = HOST_BIG_ENDIAN ? 0xffffffffu : 0xfffffffeu;
        }
        after_exits = g_strdup_printf("kvm_handle_debug_decision pc 0x%"
                                      PRIx64 " status 0x%x: sw-breakpoint",
                                      c->after_exits, status);
        at_entry = g_strdup_printf("kvm_handle_debug_decision pc 0x%" PRIx64
                                   " status 0x%x: sw-breakpoint",
                                   c->entry, status);
        g_assert_cmpint(count_lines(log, after_exits), ==, passes);
        g_assert_cmpint(count_lines(log, at_entry), ==, passes);
        g_assert_cmpint(count_lines(log, "kvm_handle_debug_decision"), ==,
                        2 * passes);
    }

    unlink(sock);
    unlink(bios);
    unlink(trace);
    rmdir(s.dir);
    g_free(s.dir);
}

static void add_cases(const Guest *g, const char *accel)
{
    static const struct {
        const char *name;
        GTestDataFunc fn;
        bool tcg_only;
        bool needs_load;
        bool kvm_x86_only;
        bool x86_only;
    } tests[] = {
        { "sw-breakpoint", test_sw_breakpoint },
        { "sw-breakpoint-use-count", test_sw_breakpoint_use_count },
        { "sw-breakpoint-hidden", test_sw_breakpoint_hidden },
        { "detach-restores", test_detach_restores },
        { "hw-breakpoint", test_hw_breakpoint },
        { "single-step", test_single_step },
        { "range-step", test_range_step },
        { "memory", test_memory },
        /*
         * Under KVM data watchpoints need the CPU to run the store; the
         * emulating KVM this is developed on never fires them.
         */
        { "write-watchpoint", test_write_watchpoint, true },
        { "access-watchpoint", test_access_watchpoint, true },
        { "read-watchpoint", test_read_watchpoint, true, true },
        { "x86-debug-slots", test_x86_debug_slots, false, false, true },
        { "sw-and-hw-breakpoint", test_sw_and_hw_breakpoint, false, false,
          true },
        { "sw-breakpoint-refused", test_sw_breakpoint_refused, false, false,
          true },
        { "sw-breakpoint-tpm-ppi", test_sw_breakpoint_tpm_ppi, false, false,
          true },
        { "sw-breakpoint-failed-write", test_sw_breakpoint_failed_write,
          false, false, false, true },
        { "guest-tf-step", test_x86_guest_tf_step, false, false, false,
          true },
        { "smp", test_x86_smp, false, false, false, true },
        { "smp-range-step", test_x86_smp_range_step, false, false, false,
          true },
        { "cpu-hotplug", test_x86_cpu_hotplug, false, false, true },
        { "sw-breakpoint-remapped", test_x86_sw_breakpoint_remapped, false,
          false, false, true },
        { "smm-breakpoint", test_x86_smm_breakpoint, false, false, false,
          true },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++) {
        Case *c = g_new0(Case, 1);
        g_autofree char *path = NULL;

        if ((tests[i].tcg_only && strcmp(accel, "tcg")) ||
            (tests[i].kvm_x86_only &&
             (strcmp(accel, "kvm") || strcmp(g->arch, "x86_64"))) ||
            (tests[i].x86_only && strcmp(g->arch, "x86_64")) ||
            (tests[i].needs_load && !g->loads_data)) {
            continue;
        }
        c->guest = g;
        c->accel = accel;
        path = g_strdup_printf("/kvm-debug/%s/%s", accel, tests[i].name);
        qtest_add_data_func_full(path, c, tests[i].fn, g_free);
    }
}

int main(int argc, char **argv)
{
    const char *arch = qtest_get_arch();
    const Guest *g;

    /* The TPM emulator's socket channels are QOM objects */
    module_call_init(MODULE_INIT_QOM);
    g_test_init(&argc, &argv, NULL);

    if (!strcmp(arch, "x86_64")) {
        g = &x86_guest;
    } else if (!strcmp(arch, "ppc64")) {
        g = &ppc64_guest;
        qtest_add_data_func("/kvm-debug/kvm-book3s", &book3s_hv,
                            test_kvm_book3s);
        qtest_add_data_func("/kvm-debug/kvm-book3s-pr/pseries", &book3s_pr,
                            test_kvm_book3s);
        qtest_add_data_func("/kvm-debug/kvm-book3s-pr/g3beige",
                            &book3s_g3beige, test_kvm_book3s);
    } else if (!strcmp(arch, "ppc")) {
        qtest_add_data_func("/kvm-debug/kvm-book3s-pr/g3beige",
                            &book3s_g3beige, test_kvm_book3s);
        return g_test_run();
    } else {
        g_test_skip("no guest for this architecture");
        return g_test_run();
    }
    add_cases(g, "kvm");
    add_cases(g, "tcg");

    return g_test_run();
}
