/* test_band_message.c - unit tests of the check that one band fits in one MPI message at the widest images. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "render.h"
#include "tap.h"

#define WIDEST "268435456" /* the largest --resolution */

/* Parses the options of a one-row-high render at the largest width, then
 * checks its band message. Returns the check's result, or 2 if parsing failed. */
static int check(const char *const *args, char *err, size_t errlen)
{
    char *argv[32];
    int argc = 0;
    const char *fixed[] = {"mpifractal", "-f", "mandelbrot", "--height", "2", "-R", WIDEST};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[argc++] = (char *)fixed[i];
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    struct render_params p;
    if (options_parse(argc, argv, &p, err, errlen) != OPTIONS_RENDER)
        return 2;
    return render_check_band_message(&p, err, errlen);
}

/* One case: the encodings of one row take about raw_bytes (uncompressed:
 * counts, channels, PNG scanline); the check must refuse exactly those above
 * INT_MAX, away from the limit by more than the compression bound's slack. */
struct message_case {
    const char *what;
    double raw_bytes;
    const char *args[12];
    const char *names; /* what the refusal must name, or NULL */
};

int main(void)
{
    const double w = 268435456.0;
    const struct message_case cases[] = {
        {"uint8 counts (itermax 100)", w * 1, {NULL}, NULL},
        {"uint16 counts", w * 2, {"--dtype", "uint16", NULL}, NULL},
        {"uint32 counts", w * 4, {"-M", "100000", NULL}, NULL},
        {"counts and an 8-bit grey PNG", w * 2, {"--png", "x.png", NULL}, NULL},
        {"counts and smooth", w * 5, {"--channels", "smooth", NULL}, NULL},
        {"counts, smooth and distance", w * 9, {"--channels", "smooth,distance", NULL}, "drop the channels"},
        {"uint32 counts and distance", w * 8, {"-M", "100000", "--channels", "distance", NULL}, "drop the channels"},
        {"counts, smooth and a viridis PNG", w * 8,
         {"--channels", "smooth", "--png", "x.png", "--colormap", "viridis", NULL},
         "drop the channels or the RGB colour map"},
        {"counts and a 16-bit grey PNG", w * 3, {"--png", "x.png", "--png-depth", "16", NULL}, NULL},
        {"a 16-bit RGB PNG alone", w * 6,
         {"--no-hdf5", "--png", "x.png", "--png-depth", "16", "--colormap", "cyclic", NULL}, NULL},
        {"uint16 counts and a 16-bit RGB PNG", w * 8,
         {"--dtype", "uint16", "--png", "x.png", "--png-depth", "16", "--colormap", "cyclic", NULL},
         "drop the RGB colour map or --png-depth 16"},
    };
    const size_t n = sizeof cases / sizeof cases[0];
    char err[1024];
    plan((int)(2 * n + 3));

    for (size_t i = 0; i < n; i++) {
        const struct message_case *c = &cases[i];
        int want_refused = c->raw_bytes > (double)INT_MAX;
        err[0] = '\0';
        int got = check(c->args, err, sizeof err);
        ok(got == (want_refused ? -1 : 0), "%s at width " WIDEST ": %.2f GiB a row, %s", c->what,
           c->raw_bytes / (1u << 30), want_refused ? "refused" : "accepted");
        if (got != (want_refused ? -1 : 0))
            diag("got %d: %s", got, err);
        ok(want_refused ? strstr(err, c->names) && strstr(err, "use a resolution of at most") : err[0] == '\0',
           "%s: the message names what to drop and a width", c->what);
        if (want_refused)
            diag("%s", err);
    }

    /* the width the message suggests fits, and one sample more does not */
    const char *rgb16[] = {"--dtype", "uint16", "--png", "x.png", "--png-depth", "16", "--colormap", "cyclic", NULL};
    check(rgb16, err, sizeof err);
    const char *at = strstr(err, "at most ");
    unsigned long long suggested = at ? strtoull(at + 8, NULL, 10) : 0;
    ok(suggested > 200000000 && suggested < 268435456, "suggested width %llu is a little under the limit", suggested);
    char width[32], wider[32];
    snprintf(width, sizeof width, "%llu", suggested);
    snprintf(wider, sizeof wider, "%llu", suggested + 1);
    const char *fits[] = {"-R", width, "--dtype", "uint16", "--png", "x.png", "--png-depth", "16", "--colormap", "cyclic", NULL};
    const char *too_wide[] = {"-R", wider, "--dtype", "uint16", "--png", "x.png", "--png-depth", "16", "--colormap", "cyclic", NULL};
    ok(check(fits, err, sizeof err) == 0, "the suggested width %s is accepted", width);
    ok(check(too_wide, err, sizeof err) == -1, "one sample wider (%s) is refused", wider);
    return done_testing();
}
