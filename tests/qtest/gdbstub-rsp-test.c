/*
 * QTest testcase for the gdbstub over the gdb remote protocol
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Packets a debugger sends, checked under KVM (where /dev/kvm is
 * accessible) and TCG against a tiny x86 guest:
 * - 'p' and 'P' after a stop see the registers the vCPU stopped with
 *   (under KVM they live in the kernel until synchronized);
 * - an 'M' packet whose data is not hex is refused and writes nothing,
 *   and so are 'P' and 'G' packets, and 'P' and 'G' packets whose data
 *   does not fit the registers.
 *
 * Fails when: 'p' after a stop returns another value than the vCPU
 * stopped with, a value written with 'P' is not what 'g' reads back, an
 * 'M', 'P' or 'G' packet with data that is not hex (or, for 'P' and 'G',
 * of odd length, or longer or shorter than the register 'P' names, or
 * ending inside a register for 'G', or empty) gets any reply but E22 or
 * changes guest memory or a register, a 'P' of a register that does not
 * exist gets any reply but E14, or well-formed data does not write; a
 * 'p' or 'P' of a register number beyond the vCPU's gets any reply but
 * E14 (or crashes QEMU).
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/units.h"
#include "qobject/qdict.h"
#include "libqtest.h"

/*
 * The last 256 bytes of a 64 KiB BIOS image, entered at the reset
 * vector, in flat 32-bit protected mode (the GDT, in ROM, has its
 * accessed bits preset).  The loop stores a counter at 0x2000.
 */
static const uint8_t guest_code[] = {
    0xfa,                                       /* ff00: cli */
    0x2e, 0x66, 0x0f, 0x01, 0x16, 0x48, 0xff,   /* ff01: lgdtl %cs:0xff48 */
    0x0f, 0x20, 0xc0,                           /* ff08: mov %cr0,%eax */
    0x66, 0x83, 0xc8, 0x01,                     /* ff0b: or $1,%eax */
    0x0f, 0x22, 0xc0,                           /* ff0f: mov %eax,%cr0 */
    0x66, 0xea, 0x1a, 0xff, 0xff, 0xff, 0x08, 0x00,
                                        /* ff12: ljmpl $8,$0xffffff1a */
    0x66, 0xb8, 0x10, 0x00,                     /* ff1a: mov $0x10,%ax */
    0x8e, 0xd8,                                 /* ff1e: mov %eax,%ds */
    0x8e, 0xd0,                                 /* ff20: mov %eax,%ss */
    0x31, 0xc0,                                 /* ff22: xor %eax,%eax */
    0x40,                                       /* ff24: inc %eax (LOOP) */
    0xa3, 0x00, 0x20, 0x00, 0x00,               /* ff25: mov %eax,0x2000 */
    0x90,                                       /* ff2a: nop (NOP) */
    0xeb, 0xf7,                                 /* ff2b: jmp ff24 */
    0x90, 0x90, 0x90,
    /* ff30: GDT: null, flat code, flat data */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    0x17, 0x00, 0x30, 0xff, 0xff, 0xff,         /* ff48: GDT descriptor */
};
/* At 0xfffffff0, the reset vector: jmp ff00 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xff };

#define LOOP        0xffffff24
#define NOP         0xffffff2a
#define PC_REGNUM   16          /* rip, 8 bytes on the wire */
#define RAX_REGNUM  0
#define SCRATCH     0x1000      /* RAM the guest never touches */

typedef struct Gdb {
    QTestState *qts;
    int fd;
    char *dir;
    char buf[4096];
} Gdb;

static void gdb_send(Gdb *g, const char *pkt)
{
    g_autofree char *frame = NULL;
    uint8_t sum = 0;
    const char *p;
    char ack;

    for (p = pkt; *p; p++) {
        sum += (uint8_t)*p;
    }
    frame = g_strdup_printf("$%s#%02x", pkt, sum);
    g_assert_cmpint(write(g->fd, frame, strlen(frame)), ==, strlen(frame));
    g_assert_cmpint(read(g->fd, &ack, 1), ==, 1);
    g_assert_cmpint(ack, ==, '+');
}

/* Read one packet into g->buf, acknowledge it and return it. */
static const char *gdb_recv(Gdb *g)
{
    size_t n = 0;
    char c;

    do {
        g_assert_cmpint(read(g->fd, &c, 1), ==, 1);
    } while (c != '$');
    for (;;) {
        g_assert_cmpint(read(g->fd, &c, 1), ==, 1);
        if (c == '#') {
            break;
        }
        g_assert_cmpuint(n, <, sizeof(g->buf) - 1);
        g->buf[n++] = c;
    }
    g->buf[n] = 0;
    g_assert_cmpint(read(g->fd, &c, 1), ==, 1);   /* checksum */
    g_assert_cmpint(read(g->fd, &c, 1), ==, 1);
    g_assert_cmpint(write(g->fd, "+", 1), ==, 1);
    return g->buf;
}

static const char *gdb(Gdb *g, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *gdb(Gdb *g, const char *fmt, ...)
{
    g_autofree char *pkt = NULL;
    va_list ap;

    va_start(ap, fmt);
    pkt = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gdb_send(g, pkt);
    return gdb_recv(g);
}

/* @n little-endian bytes of @hex */
static uint64_t le_hex(const char *hex, unsigned n)
{
    uint64_t v = 0;
    unsigned i, b;

    for (i = 0; i < n; i++) {
        g_assert_cmpint(sscanf(hex + 2 * i, "%2x", &b), ==, 1);
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static uint64_t gdb_reg(Gdb *g, int regnum)
{
    const char *hex = gdb(g, "p%x", regnum);

    g_assert_cmpuint(strlen(hex), ==, 16);
    return le_hex(hex, 8);
}

static bool gdb_start(Gdb *g, const char *accel)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct timeval tv = { .tv_sec = 60 };
    g_autofree char *sock = NULL;
    g_autofree char *bios = NULL;
    g_autofree uint8_t *img = g_malloc0(64 * KiB);

    if (!qtest_has_accel(accel)) {
        g_test_skip(!strcmp(accel, "kvm") ?
                    "/dev/kvm is not accessible, or no KVM for this target" :
                    "this QEMU binary lacks the accelerator");
        return false;
    }
    g->dir = g_dir_make_tmp("gdbstub-rsp-test-XXXXXX", NULL);
    g_assert_nonnull(g->dir);
    sock = g_build_filename(g->dir, "gdb.sock", NULL);
    bios = g_build_filename(g->dir, "bios.bin", NULL);
    memcpy(img + 64 * KiB - 256, guest_code, sizeof(guest_code));
    memcpy(img + 64 * KiB - 16, reset_vector, sizeof(reset_vector));
    g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB, NULL));

    g->qts = qtest_initf("-M pc -nodefaults -m 64 -bios %s "
                         "-global apic-common.vapic=false -accel %s -S "
                         "-gdb unix:%s,server=on,wait=off",
                         bios, accel, sock);
    if (!strcmp(accel, "kvm")) {
        /* libqtest adds a fallback accelerator: insist on KVM. */
        QDict *rsp = qtest_qmp(g->qts, "{ 'execute': 'query-kvm' }");

        g_assert_true(qdict_get_bool(qdict_get_qdict(rsp, "return"),
                                     "enabled"));
        qobject_unref(rsp);
    }
    g->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(g->fd, >=, 0);
    g_assert_cmpint(setsockopt(g->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    g_strlcpy(addr.sun_path, sock, sizeof(addr.sun_path));
    g_assert_cmpint(connect(g->fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_assert_true(g_str_has_prefix(gdb(g, "?"), "T"));
    return true;
}

static void gdb_end(Gdb *g)
{
    g_autofree char *sock = g_build_filename(g->dir, "gdb.sock", NULL);
    g_autofree char *bios = g_build_filename(g->dir, "bios.bin", NULL);

    close(g->fd);
    qtest_quit(g->qts);
    unlink(sock);
    unlink(bios);
    rmdir(g->dir);
    g_free(g->dir);
}

/*
 * Two stops at different hardware breakpoints: 'p' must read the pc of
 * the second one, not the pc QEMU fetched at the first; a register 'P'
 * writes must be what 'g' reads back, and what the guest runs with.
 */
static void test_single_register(const void *opaque)
{
    const char *accel = opaque;
    Gdb g;

    if (!gdb_start(&g, accel)) {
        return;
    }
    g_assert_cmpstr(gdb(&g, "Z1,%x,1", LOOP), ==, "OK");
    g_assert_true(g_str_has_prefix(gdb(&g, "c"), "T05"));
    g_assert_cmphex(gdb_reg(&g, PC_REGNUM), ==, LOOP);
    g_assert_cmpstr(gdb(&g, "z1,%x,1", LOOP), ==, "OK");

    /*
     * At the second stop, 'P' comes first, before any packet that reads
     * the registers: the value must survive the 'g' that follows.
     */
    g_assert_cmpstr(gdb(&g, "Z1,%x,1", NOP), ==, "OK");
    g_assert_true(g_str_has_prefix(gdb(&g, "c"), "T05"));
    g_assert_cmpstr(gdb(&g, "P%x=4000000000000000", RAX_REGNUM), ==, "OK");
    g_assert_cmphex(le_hex(gdb(&g, "g"), 8), ==, 0x40);
    g_assert_cmphex(gdb_reg(&g, PC_REGNUM), ==, NOP);
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x40);
    /* The guest had stored its counter, 1, before this stop. */
    g_assert_cmphex(qtest_readl(g.qts, 0x2000), ==, 1);

    /*
     * The guest runs on with it (moving the breakpoint, as gdb steps over
     * one it continues from): its next pass stores 0x41.
     */
    g_assert_cmpstr(gdb(&g, "z1,%x,1", NOP), ==, "OK");
    g_assert_cmpstr(gdb(&g, "Z1,%x,1", LOOP), ==, "OK");
    g_assert_true(g_str_has_prefix(gdb(&g, "c"), "T05"));
    g_assert_cmphex(gdb_reg(&g, PC_REGNUM), ==, LOOP);
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x40);
    g_assert_cmpstr(gdb(&g, "z1,%x,1", LOOP), ==, "OK");
    g_assert_cmpstr(gdb(&g, "Z1,%x,1", NOP), ==, "OK");
    g_assert_true(g_str_has_prefix(gdb(&g, "c"), "T05"));
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x41);
    g_assert_cmphex(qtest_readl(g.qts, 0x2000), ==, 0x41);
    gdb_end(&g);
}

/* 'M' with data that is not hex is refused and leaves memory alone. */
static void test_write_not_hex(const void *opaque)
{
    const char *accel = opaque;
    Gdb g;

    if (!gdb_start(&g, accel)) {
        return;
    }
    qtest_writeb(g.qts, SCRATCH, 0xa5);
    g_assert_cmpstr(gdb(&g, "M%x,1:zz", SCRATCH), ==, "E22");
    g_assert_cmpstr(gdb(&g, "M%x,2:5a5", SCRATCH), ==, "E22");
    g_assert_cmpstr(gdb(&g, "M%x,2:5ag5", SCRATCH), ==, "E22");
    g_assert_cmphex(qtest_readb(g.qts, SCRATCH), ==, 0xa5);
    g_assert_cmpstr(gdb(&g, "m%x,1", SCRATCH), ==, "a5");
    /* Well-formed data, either case, still writes. */
    g_assert_cmpstr(gdb(&g, "M%x,2:5Ac3", SCRATCH), ==, "OK");
    g_assert_cmphex(qtest_readb(g.qts, SCRATCH), ==, 0x5a);
    g_assert_cmphex(qtest_readb(g.qts, SCRATCH + 1), ==, 0xc3);
    gdb_end(&g);
}

/* 'P' and 'G' with data that is not hex are refused and change nothing. */
static void test_write_reg_not_hex(const void *opaque)
{
    const char *accel = opaque;
    g_autofree char *regs = NULL;
    g_autofree char *bad = NULL;
    Gdb g;

    if (!gdb_start(&g, accel)) {
        return;
    }
    g_assert_cmpstr(gdb(&g, "P%x=4000000000000000", RAX_REGNUM), ==, "OK");
    g_assert_cmpstr(gdb(&g, "P%x=zz00000000000000", RAX_REGNUM), ==, "E22");
    g_assert_cmpstr(gdb(&g, "P%x=4100000000000g00", RAX_REGNUM), ==, "E22");
    g_assert_cmpstr(gdb(&g, "P%x=410000000000000", RAX_REGNUM), ==, "E22");
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x40);

    regs = g_strdup(gdb(&g, "g"));
    g_assert_cmphex(le_hex(regs, 8), ==, 0x40);
    bad = g_strdup(regs);
    bad[1] = 'x';
    g_assert_cmpstr(gdb(&g, "G%s", bad), ==, "E22");
    g_assert_cmpstr(gdb(&g, "G%s", regs + 1), ==, "E22");
    g_assert_cmpstr(gdb(&g, "g"), ==, regs);
    /*
     * Well-formed data still writes: rax 0x41, the rest as it was.  At
     * reset, in real mode, the control registers read as 8 bytes and
     * write 4: each is still written from its own place.
     */
    regs[1] = '1';
    g_assert_cmpstr(gdb(&g, "G%s", regs), ==, "OK");
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x41);
    g_assert_cmpstr(gdb(&g, "g"), ==, regs);
    gdb_end(&g);
}

/*
 * 'P' data must be as long as the register and 'G' data must end where
 * a register ends; a register that does not exist is refused, and so is
 * an empty 'G'.  Nothing is written by what is refused.
 */
static void test_write_reg_size(const void *opaque)
{
    const char *accel = opaque;
    g_autofree char *regs = NULL;
    g_autofree char *part = NULL;
    Gdb g;

    if (!gdb_start(&g, accel)) {
        return;
    }
    /* Upper-case digits are hex digits too. */
    g_assert_cmpstr(gdb(&g, "P%x=4A00000000000000", RAX_REGNUM), ==, "OK");
    g_assert_cmpstr(gdb(&g, "P%x=41", RAX_REGNUM), ==, "E22");
    g_assert_cmpstr(gdb(&g, "P%x=410000000000000000", RAX_REGNUM), ==,
                    "E22");
    g_assert_cmpstr(gdb(&g, "P%x=41000000", 0xfff), ==, "E14");
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x4a);

    regs = g_strdup(gdb(&g, "g"));
    g_assert_cmpstr(gdb(&g, "G"), ==, "E22");
    /* Six bytes: the data ends inside rax */
    part = g_strndup(regs, 12);
    part[1] = '1';
    g_assert_cmpstr(gdb(&g, "G%s", part), ==, "E22");
    g_assert_cmpstr(gdb(&g, "g"), ==, regs);
    /* Eight bytes end with rax: rax alone is written. */
    g_free(part);
    part = g_strndup(regs, 16);
    part[1] = '1';
    g_assert_cmpstr(gdb(&g, "G%s", part), ==, "OK");
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x41);
    regs[1] = '1';
    g_assert_cmpstr(gdb(&g, "g"), ==, regs);
    gdb_end(&g);
}

/*
 * A register number beyond the vCPU's, however large, is refused by 'p'
 * and 'P' before any register is read or written.
 */
static void test_reg_number(const void *opaque)
{
    const char *accel = opaque;
    Gdb g;

    if (!gdb_start(&g, accel)) {
        return;
    }
    g_assert_cmpstr(gdb(&g, "P%x=4000000000000000", RAX_REGNUM), ==, "OK");
    g_assert_cmpstr(gdb(&g, "pffffffff"), ==, "E14");
    g_assert_cmpstr(gdb(&g, "Pffffffff=4100000000000000"), ==, "E14");
    g_assert_cmpstr(gdb(&g, "p100000000"), ==, "E14");
    g_assert_cmpstr(gdb(&g, "P100000000=4100000000000000"), ==, "E14");
    g_assert_cmphex(gdb_reg(&g, RAX_REGNUM), ==, 0x40);
    gdb_end(&g);
}

int main(int argc, char **argv)
{
    static const char *const accels[] = { "kvm", "tcg" };
    int i;

    g_test_init(&argc, &argv, NULL);
    if (!qtest_has_machine("pc")) {
        return g_test_run();
    }
    for (i = 0; i < ARRAY_SIZE(accels); i++) {
        g_autofree char *reg = NULL;
        g_autofree char *mem = NULL;
        g_autofree char *regs = NULL;
        g_autofree char *size = NULL;
        g_autofree char *num = NULL;

        reg = g_strdup_printf("/gdbstub/%s/single-register", accels[i]);
        qtest_add_data_func(reg, accels[i], test_single_register);
        mem = g_strdup_printf("/gdbstub/%s/write-not-hex", accels[i]);
        qtest_add_data_func(mem, accels[i], test_write_not_hex);
        regs = g_strdup_printf("/gdbstub/%s/write-reg-not-hex", accels[i]);
        qtest_add_data_func(regs, accels[i], test_write_reg_not_hex);
        size = g_strdup_printf("/gdbstub/%s/write-reg-size", accels[i]);
        qtest_add_data_func(size, accels[i], test_write_reg_size);
        num = g_strdup_printf("/gdbstub/%s/reg-number", accels[i]);
        qtest_add_data_func(num, accels[i], test_reg_number);
    }
    return g_test_run();
}
