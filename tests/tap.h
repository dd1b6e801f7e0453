/* tap.h - a tiny Test Anything Protocol emitter for the C unit tests. */
#ifndef MPIFRACTAL_TAP_H
#define MPIFRACTAL_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_count, tap_failed;

/* Announces how many checks follow. */
static inline void plan(int n)
{
    printf("1..%d\n", n);
}

/* Records one check; prints "ok N - what" or "not ok N - what". Returns cond. */
static inline int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (!cond)
        tap_failed++;
    return cond;
}

/* Prints a diagnostic line, after a failed check for instance. */
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* The exit status of the test program: 0 when every check passed. */
static inline int done_testing(void)
{
    return tap_failed ? 1 : 0;
}

#endif
