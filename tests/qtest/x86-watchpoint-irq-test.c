/*
 * QTest testcase for a gdb watchpoint hit while TCG delivers an interrupt
 *
 * Copyright (c) 2026 The QEMU KVM debug series authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * TCG delivers interrupts and exceptions with the BQL held, and an x86
 * interrupt writes its frame onto the stack.  With a gdb access
 * watchpoint over that stack, the write hits the watchpoint inside the
 * delivery: TCG leaves the CPU loop, comes back, delivers the interrupt
 * again and re-enters cpu_check_watchpoint(), which must raise the debug
 * interrupt without taking the BQL a second time.
 *
 * The guest is a real-mode BIOS image that points vector 0x20 at a
 * handler counting its calls, sets up a stack at 0:0x7000 and runs
 * "int $0x20" in a loop.  The test speaks the gdb remote protocol to
 * QEMU's gdbstub over a UNIX socket, sets a write watchpoint over the
 * top of the stack and continues: gdb must get the watchpoint stop at
 * the handler's first instruction, with the frame pushed, and once the
 * watchpoint is removed the guest must go on counting.  Only the
 * delivery writes there; the handler's iret only reads.
 *
 * Fails when: QEMU aborts (the BQL taken twice), the stop is not the
 * watchpoint's at the handler with the frame pushed, or the guest stops
 * counting once the watchpoint is gone.
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/units.h"
#include "libqtest.h"

#define INT_COUNT   0x1000      /* incremented by the guest's handler */
#define WATCH_START 0x6ff0      /* 16 bytes below the guest's stack top */

static const uint8_t guest_code[] = {
    0xfa,                               /* fe00: cli */
    0x31, 0xc0,                         /* fe01: xor %ax,%ax */
    0x8e, 0xd8,                         /* fe03: mov %ax,%ds */
    0x8e, 0xd0,                         /* fe05: mov %ax,%ss */
    0xbc, 0x00, 0x70,                   /* fe07: mov $0x7000,%sp */
    0xc7, 0x06, 0x80, 0x00, 0x20, 0xfe, /* fe0a: movw $0xfe20,0x80 */
    0xc7, 0x06, 0x82, 0x00, 0x00, 0xf0, /* fe10: movw $0xf000,0x82 */
    0xcd, 0x20,                         /* fe16: int $0x20 */
    0xeb, 0xfc,                         /* fe18: jmp fe16 */
    0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
    0xff, 0x06, 0x00, 0x10,             /* fe20: incw 0x1000 (vector 0x20) */
    0xcf,                               /* fe24: iret */
};

/* At f000:fff0, the reset vector: jmp fe00 */
static const uint8_t reset_vector[] = { 0xe9, 0x0d, 0xfe };

typedef struct Gdb {
    int fd;
    char reply[4096];
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

/* The next packet from the stub; fails if none comes within the timeout. */
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
        g_assert_cmpuint(n, <, sizeof(g->reply) - 1);
        g->reply[n++] = c;
    }
    g->reply[n] = '\0';
    g_assert_cmpint(read(g->fd, &c, 1), ==, 1);
    g_assert_cmpint(read(g->fd, &c, 1), ==, 1);
    g_assert_cmpint(write(g->fd, "+", 1), ==, 1);
    return g->reply;
}

static const char *gdb_cmd(Gdb *g, const char *pkt)
{
    gdb_send(g, pkt);
    return gdb_recv(g);
}

static void test_watch_during_interrupt(void)
{
    g_autofree char *dir = g_dir_make_tmp("watchpoint-irq-XXXXXX", NULL);
    g_autofree char *bios = NULL;
    g_autofree char *sock = NULL;
    g_autofree char *reason = NULL;
    g_autofree uint8_t *img = g_malloc0(64 * KiB);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct timeval tv = { .tv_sec = 30 };
    gint64 deadline;
    QTestState *qts;
    uint16_t count;
    Gdb g;

    g_assert_nonnull(dir);
    bios = g_build_filename(dir, "bios.bin", NULL);
    sock = g_build_filename(dir, "gdb.sock", NULL);
    memcpy(img + 0xfe00, guest_code, sizeof(guest_code));
    memcpy(img + 0xfff0, reset_vector, sizeof(reset_vector));
    g_assert_true(g_file_set_contents(bios, (char *)img, 64 * KiB, NULL));

    qts = qtest_initf("-M pc -accel tcg -nodefaults -m 16 -bios %s "
                      "-global apic-common.vapic=false "
                      "-chardev socket,id=gdb,path=%s,server=on,wait=off "
                      "-gdb chardev:gdb", bios, sock);

    /* Let the guest reach its loop. */
    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (qtest_readw(qts, INT_COUNT) == 0) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }

    /* Connecting the debugger stops the VM. */
    g.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(g.fd, >=, 0);
    g_strlcpy(addr.sun_path, sock, sizeof(addr.sun_path));
    g_assert_cmpint(connect(g.fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_assert_cmpint(setsockopt(g.fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    gdb_cmd(&g, "?");

    /* A write watchpoint over the frame the next "int" pushes. */
    g_assert_cmpstr(gdb_cmd(&g, "Z2,6ff0,10"), ==, "OK");
    gdb_send(&g, "c");

    /*
     * The stop reply names the watchpoint, e.g.
     * "T05thread:p01.01;watch:6ff0;".  Without the fix QEMU aborts on
     * the BQL instead, and the socket closes.
     */
    gdb_recv(&g);
    g_assert_true(g_str_has_prefix(g.reply, "T05"));
    reason = g_strdup_printf(";watch:%x;", WATCH_START);
    g_assert_nonnull(strstr(g.reply, reason));
    /* Stopped once the interrupt was delivered, before its handler ran. */
    g_assert_cmpstr(gdb_cmd(&g, "p10"), ==, "20fe000000000000");
    g_assert_cmphex(qtest_readw(qts, 0x6ffa), ==, 0xfe18);
    count = qtest_readw(qts, INT_COUNT);

    /* Without the watchpoint, the guest's handler runs again. */
    g_assert_cmpstr(gdb_cmd(&g, "z2,6ff0,10"), ==, "OK");
    gdb_send(&g, "c");
    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while ((uint16_t)(qtest_readw(qts, INT_COUNT) - count) < 2) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }

    close(g.fd);
    qtest_quit(qts);
    unlink(sock);
    unlink(bios);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    if (qtest_has_accel("tcg") && qtest_has_machine("pc")) {
        qtest_add_func("/x86/tcg/watchpoint/during-interrupt",
                       test_watch_during_interrupt);
    }
    return g_test_run();
}
