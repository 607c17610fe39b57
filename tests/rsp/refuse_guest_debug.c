/*
 * LD_PRELOAD shim for the project's tests: KVM_SET_GUEST_DEBUG fails
 * with EINVAL, as from a kernel that refuses the guest-debug state, while
 * the file named by $REFUSE_GUEST_DEBUG holds a rule the call's control
 * word matches:
 *
 *   set MASK     refuse when control & MASK is not 0
 *   clear MASK   refuse when control & MASK is 0
 *
 * (MASK in hex; no file, or an empty one: refuse nothing).  A third word
 * "partial" makes the refusal change what KVM holds first, as s390 and
 * BookE do when they refuse: guest debugging off.  Each refusal
 * appends "refused control 0x..." to $REFUSE_GUEST_DEBUG_LOG, so that a
 * test can tell a refusal it caused from one it did not.  Every other
 * ioctl goes to the C library unchanged.
 *
 * Copyright (c) 2026 The QEMU KVM debug fork authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

/* 0: no rule matches; 1: refuse; 2: refuse after turning debugging off. */
static int refused(const struct kvm_guest_debug *dbg)
{
    const char *rules = getenv("REFUSE_GUEST_DEBUG");
    const char *log = getenv("REFUSE_GUEST_DEBUG_LOG");
    char line[128], word[16], how[16];
    unsigned long mask;
    int hit = 0;
    FILE *f;

    if (!rules || !(f = fopen(rules, "r"))) {
        return 0;
    }
    while (!hit && fgets(line, sizeof(line), f)) {
        how[0] = 0;
        if (sscanf(line, "%15s %lx %15s", word, &mask, how) < 2) {
            continue;
        }
        if (!strcmp(word, "set")) {
            hit = (dbg->control & mask) != 0;
        } else if (!strcmp(word, "clear")) {
            hit = (dbg->control & mask) == 0;
        }
        if (hit && !strcmp(how, "partial")) {
            hit = 2;
        }
    }
    fclose(f);
    if (hit && log && (f = fopen(log, "a"))) {
        fprintf(f, "refused control 0x%x\n", dbg->control);
        fclose(f);
    }
    return hit;
}

int ioctl(int fd, unsigned long request, ...)
{
    static int (*next)(int, unsigned long, ...);
    va_list ap;
    void *arg;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (!next) {
        next = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    }
    if (request == KVM_SET_GUEST_DEBUG) {
        int how = refused(arg);

        if (how == 2) {
            struct kvm_guest_debug off = { 0 };

            next(fd, request, &off);
        }
        if (how) {
            errno = EINVAL;
            return -1;
        }
    }
    return next(fd, request, arg);
}
