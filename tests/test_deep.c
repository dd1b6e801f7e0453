/* test_deep.c - the deep zoom core: reference orbits, their bytes, counts against the double kernel and a direct MPFR iteration. */
#include <mpfr.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channels.h"
#include "deep/deep.h"
#include "deep/deep_internal.h" /* the orbit layout, for the reference checks */
#include "kernel.h"
#include "tap.h"

static struct deep_location location(enum fractal_kind fractal, const char *cre, const char *cim, const char *zoom,
                                     uint64_t width, uint64_t height, uint32_t itermax)
{
    struct deep_location loc = {fractal, cre, cim, zoom, -0.8, 0.156, width, height, itermax, 2.0};
    return loc;
}

/* ---- reference orbits ---------------------------------------------------- */

static struct deep_reference *reference(const struct deep_location *loc)
{
    char err[256];
    struct deep_reference *ref = deep_reference_compute(loc, NULL, NULL, err, sizeof err);
    if (!ref) {
        diag("deep_reference_compute: %s", err);
        exit(1);
    }
    return ref;
}

/* 1 if orbit o holds exactly the n entries (re[m], im[m]). */
static int orbit_is(const struct deep_orbit *o, const double *re, const double *im, uint64_t n)
{
    if (o->last + 1 != n)
        return 0;
    for (uint64_t m = 0; m < n; m++)
        if (o->re[m] != re[m] || o->im[m] != im[m])
            return 0;
    return 1;
}

static void check_reference_values(void)
{
    /* c = -1: 0, -1, 0: the orbit ends at the exact 0 (kept in extended range) */
    struct deep_location loc = location(FRACTAL_MANDELBROT, "-1", "0", "1e300", 24, 16, 100);
    struct deep_reference *ref = reference(&loc);
    const struct deep_orbit *o = &ref->orbit[0];
    ok(orbit_is(o, (double[]){0, -1, 0}, (double[]){0, 0, 0}, 3) && o->tiny_end && fec_is_zero(o->end),
       "reference c = -1: 0, -1, 0, ending at the exact 0 (%llu entries, tiny end %d)",
       (unsigned long long)(o->last + 1), o->tiny_end);
    deep_reference_free(ref);

    /* c = i: 0, i, -1+i, -i, -1+i, -i, ... up to itermax */
    loc = location(FRACTAL_MANDELBROT, "0", "1", "1e20", 24, 16, 8);
    ref = reference(&loc);
    o = &ref->orbit[0];
    ok(orbit_is(o, (double[]){0, 0, -1, 0, -1, 0, -1, 0, -1}, (double[]){0, 1, 1, -1, 1, -1, 1, -1, 1}, 9) &&
       !o->tiny_end,
       "reference c = i: 0, i, -1+i, -i, ... (9 entries for itermax 8)");
    deep_reference_free(ref);

    /* c = 1: 0, 1, 2, 5, 26, 677, 458330 > 65536 ends it */
    loc = location(FRACTAL_MANDELBROT, "1.0", "-0.0", "1e5", 24, 16, 100);
    ref = reference(&loc);
    ok(orbit_is(&ref->orbit[0], (double[]){0, 1, 2, 5, 26, 677, 458330}, (double[]){0, 0, 0, 0, 0, 0, 0}, 7),
       "reference c = 1: 0, 1, 2, 5, 26, 677, 458330, then it stops (past 65536)");
    deep_reference_free(ref);

    /* Julia c = 0 from 0.5: 0.5, 0.25, 0.0625, ...; the critical orbit 0, 0 (its end) */
    loc = location(FRACTAL_JULIA, "0.5", "0", "1e30", 24, 16, 4);
    loc.c_re = loc.c_im = 0.0;
    ref = reference(&loc);
    ok(orbit_is(&ref->orbit[0], (double[]){0.5, 0.25, 0.0625, 0x1p-8, 0x1p-16}, (double[]){0, 0, 0, 0, 0}, 5) &&
       ref->orbit[1].last == 1 && ref->orbit[1].tiny_end,
       "reference Julia c = 0 from 0.5: squares; its critical orbit 0, 0 ends at once");
    deep_reference_free(ref);

    /* a deep reference's precision follows the rule */
    loc = location(FRACTAL_MANDELBROT, "-1.75", "0", "1e1000", 96, 64, 10);
    long bits = deep_precision_bits(&loc);
    ok(bits >= 3350 && bits <= 3420, "precision at zoom 1e1000, 64 rows: %ld bits (24 + log2(Z H) + centre + 32)",
       bits);
}

/* ---- bytes ------------------------------------------------------------------ */

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Rewrites the checksum of a flat reference of n bytes after an edit. */
static void fix_checksum(unsigned char *b, size_t n)
{
    uint64_t h = fnv1a(b, n - 8);
    for (int i = 0; i < 8; i++)
        b[n - 8 + i] = (unsigned char)(h >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Checks that from_bytes refuses the n bytes, printing its reason. */
static void refused(const unsigned char *b, size_t n, const char *what, const char *want_in_reason)
{
    char err[256] = "";
    struct deep_reference *ref = deep_reference_from_bytes(b, n, err, sizeof err);
    ok(ref == NULL && strstr(err, want_in_reason) != NULL, "from_bytes refuses %s: %s", what, err);
    deep_reference_free(ref);
}

static void check_bytes(void)
{
    struct deep_location loc = location(FRACTAL_JULIA, "0.0857626299024053162707752453497537636677421163",
                                        "0.609410365222666218733754181847600171023846716", "4.65e20", 24, 16, 470);
    struct deep_reference *ref = reference(&loc);
    size_t n = deep_reference_size(ref);
    unsigned char *b = malloc(n + 16), *b2 = malloc(n + 16);
    deep_reference_to_bytes(ref, b);
    char err[256] = "";
    struct deep_reference *back = deep_reference_from_bytes(b, n, err, sizeof err);
    int same = back && deep_reference_size(back) == n;
    if (same) {
        deep_reference_to_bytes(back, b2);
        same = memcmp(b, b2, n) == 0;
    }
    ok(same, "reference bytes round trip (%zu bytes, %llu + %llu entries) %s", n,
       (unsigned long long)(ref->orbit[0].last + 1), (unsigned long long)(ref->orbit[1].last + 1), err);
    /* the engine gives the same counts from the copy */
    if (back) {
        struct deep_engine *e1 = deep_engine_new(ref, &loc, 65536.0, 1, err, sizeof err);
        struct deep_engine *e2 = deep_engine_new(back, &loc, 65536.0, 1, err, sizeof err);
        double u[24];
        uint32_t c1[24], c2[24];
        for (int i = 0; i < 24; i++)
            u[i] = i - 11.5;
        int equal = e1 && e2;
        for (int j = 0; equal && j < 16; j++) {
            deep_engine_row(e1, u, 7.5 - j, 24, c1, NULL, NULL, NULL);
            deep_engine_row(e2, u, 7.5 - j, 24, c2, NULL, NULL, NULL);
            equal = memcmp(c1, c2, sizeof c1) == 0;
        }
        ok(equal, "the engine counts the same from the bytes' copy");
        deep_engine_free(e1);
        deep_engine_free(e2);
    } else {
        ok(0, "the engine counts the same from the bytes' copy");
    }
    deep_reference_free(back);

    refused(b, n - 1, "one byte less", "checksum");
    refused(b, n / 2, "half of the bytes", "checksum");
    refused(b, 40, "40 bytes", "truncated");
    memcpy(b2, b, n);
    b2[n / 2] ^= 0x10;
    refused(b2, n, "one flipped bit", "checksum");
    memcpy(b2, b, n);
    b2[n] = 0;
    refused(b2, n + 1, "one byte more", "checksum");
    /* the same with a valid checksum: the structure itself is checked */
    memcpy(b2, b, n);
    memmove(b2 + n, b2 + n - 8, 8);
    memset(b2 + n - 8, 0, 8);
    fix_checksum(b2, n + 8);
    refused(b2, n + 8, "8 bytes more (checksum fixed)", "unexpected bytes");
    memcpy(b2, b, n);
    b2[0] = 'X';
    refused(b2, n, "a wrong magic", "magic");
    size_t orbit0 = 72 + strlen(loc.center_re) + strlen(loc.center_im); /* the first orbit's header */
    memcpy(b2, b, n);
    put64(b2 + orbit0, 1ull << 40);
    fix_checksum(b2, n);
    refused(b2, n, "an oversized orbit length (checksum fixed)", "length");
    memcpy(b2, b, n);
    put64(b2 + orbit0, ref->orbit[0].last + 2);
    fix_checksum(b2, n);
    refused(b2, n, "an orbit length one too long (checksum fixed)", "reference orbit: ");
    memcpy(b2, b, n);
    double nan = NAN;
    memcpy(b2 + orbit0 + 40 + 8, &nan, 8);
    fix_checksum(b2, n);
    refused(b2, n, "a NaN entry (checksum fixed)", "not finite");
    memcpy(b2, b, n);
    b2[72] = 'x';
    fix_checksum(b2, n);
    refused(b2, n, "a centre that is no number (checksum fixed)", "centre");
    memcpy(b2, b, n);
    b2[12] = 7;
    fix_checksum(b2, n);
    refused(b2, n, "an unknown fractal (checksum fixed)", "fractal");
    /* random damage with a valid checksum: refused, or a reference the engine
     * runs on without fault (the sanitizer build watches) */
    unsigned seed = 12345;
    int accepted = 0, tries = 300;
    for (int t = 0; t < tries; t++) {
        memcpy(b2, b, n);
        for (int f = 0; f < 1 + t % 4; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % (n - 8);
            seed = seed * 1103515245u + 12345u;
            b2[at] ^= (unsigned char)(1u << ((seed >> 16) % 8));
        }
        fix_checksum(b2, n);
        struct deep_reference *r = deep_reference_from_bytes(b2, n, err, sizeof err);
        if (r) {
            accepted++;
            struct deep_engine *e = deep_engine_new(r, &loc, 65536.0, 1, err, sizeof err);
            if (e) {
                double u[4] = {-1.5, -0.5, 0.5, 1.5};
                uint32_t c[4];
                float sm[4], di[4];
                deep_engine_row(e, u, 0.5, 4, c, sm, di, NULL);
            }
            deep_engine_free(e);
            deep_reference_free(r);
        }
    }
    ok(1, "%d randomly damaged copies (checksums fixed): %d refused, %d accepted and run", tries, tries - accepted,
       accepted);
    free(b);
    free(b2);
    deep_reference_free(ref);
}

/* ---- locations ------------------------------------------------------------------ */

static void check_location(void)
{
    char err[256];
    struct {
        const char *cre, *cim, *zoom;
        uint64_t height;
        const char *option;
    } bad[] = {
        {"abc", "0", "1e10", 16, "--center-re"},   {"0", "1e", "1e10", 16, "--center-im"},
        {"1.2.3", "0", "1e10", 16, "--center-re"}, {"", "0", "1e10", 16, "--center-re"},
        {"--1", "0", "1e10", 16, "--center-re"},   {"0", "0", "0", 16, "--zoom"},
        {"0", "0", "-1e5", 16, "--zoom"},          {"0", "0", "1e9999999", 16, "--zoom"},
        {"0", "0", " 1e5", 16, "--zoom"},          {"0", "0", "1e-999999999", 16, "between"},
        {"0", "0", "0.000e5", 16, "positive"},          {"0", "1e400", "1e5", 16, "--center-im"},
        {"0", "0", "1e5", 1, "--resolution"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct deep_location loc =
            location(FRACTAL_MANDELBROT, bad[i].cre, bad[i].cim, bad[i].zoom, 24, bad[i].height, 100);
        err[0] = '\0';
        int r = deep_location_check(&loc, err, sizeof err);
        ok(r == -1 && strstr(err, bad[i].option) != NULL, "location (%s, %s, zoom %s, %llu rows) refused: %s",
           bad[i].cre, bad[i].cim, bad[i].zoom, (unsigned long long)bad[i].height, err);
    }
    struct deep_location good = location(FRACTAL_MANDELBROT, "+.5", "-3.", "4.5E+300", 24, 16, 100);
    ok(deep_location_check(&good, err, sizeof err) == 0, "location (+.5, -3., zoom 4.5E+300) accepted");

    /* which references serve which views */
    struct deep_location loc = location(FRACTAL_MANDELBROT, "-1.75", "0.001", "1e50", 24, 16, 500);
    struct deep_reference *ref = reference(&loc);
    struct deep_location other = loc;
    other.zoom = "1e20";
    other.itermax = 300;
    other.center_re = "-1.750000";
    ok(deep_reference_fits(ref, &other, err, sizeof err), "a reference serves a shallower view at the same centre");
    other = loc;
    other.zoom = "1e60";
    ok(!deep_reference_fits(ref, &other, err, sizeof err), "not a deeper one: %s", err);
    other = loc;
    other.itermax = 501;
    ok(!deep_reference_fits(ref, &other, err, sizeof err), "nor one with more iterations: %s", err);
    other = loc;
    other.center_im = "0.0010000000000000000000000000000000000000000000000000000000000000001";
    ok(!deep_reference_fits(ref, &other, err, sizeof err), "nor another centre: %s", err);
    other = loc;
    other.fractal = FRACTAL_JULIA;
    ok(!deep_reference_fits(ref, &other, err, sizeof err), "nor a Julia set: %s", err);
    deep_reference_free(ref);
}

static uint32_t direct_count(const struct deep_location *loc, double u, double v, mpfr_prec_t prec,
                             double *smooth);
/* ---- shallow views: the double kernel's counts ------------------------------------ */

/* Counts of the W x H grid of loc with the deep engine (bla: with skips) into
 * counts (row-major); returns the iterations. */
static uint64_t deep_grid(const struct deep_location *loc, const struct deep_reference *ref, int bla,
                          uint32_t *counts, float *smooth, float *distance)
{
    char err[256];
    struct deep_engine *e = deep_engine_new(ref, loc, CHANNEL_DEFAULT_RADIUS, bla, err, sizeof err);
    if (!e) {
        diag("deep_engine_new: %s", err);
        exit(1);
    }
    const size_t w = loc->width, h = loc->height;
    double *u = malloc(w * sizeof *u);
    for (size_t i = 0; i < w; i++)
        u[i] = (double)i - (double)(w - 1) / 2;
    uint64_t iterations = 0;
    for (size_t j = 0; j < h; j++)
        iterations += deep_engine_row(e, u, (double)(h - 1) / 2 - (double)j, w, counts + j * w,
                                      smooth ? smooth + j * w : NULL, distance ? distance + j * w : NULL, NULL);
    free(u);
    deep_engine_free(e);
    return iterations;
}

/* Reports the differing samples of two count grids; returns the number equal. */
static size_t compare_counts(const uint32_t *deep, const uint32_t *want, size_t w, size_t h, const char *wantname)
{
    size_t equal = 0, shown = 0;
    for (size_t k = 0; k < w * h; k++) {
        if (deep[k] == want[k]) {
            equal++;
        } else if (shown++ < 5) {
            diag("  sample (%zu, %zu): deep %u, %s %u", k % w, k / w, deep[k], wantname, want[k]);
        }
    }
    return equal;
}

/* Distinct values among n counts (to show a view has structure). */
static size_t distinct(const uint32_t *c, size_t n)
{
    size_t d = 0;
    for (size_t k = 0; k < n; k++) {
        size_t l = 0;
        while (l < k && c[l] != c[k])
            l++;
        d += l == k;
    }
    return d;
}

/* Shallow views: the counts must equal the double kernel's, or, where they
 * differ, a direct MPFR iteration's, in at least this many samples per 1000.
 * Not 999: near the boundary, orbits of hundreds of iterations drift in double
 * precision, and both the kernel and perturbation (whose deltas are doubles)
 * miss the true count on a few samples (a direct iteration at 120, 200, 640 and
 * 1280 bits agrees on them; the kernel misses more: it also rounds the
 * sample's position). */
#define SHALLOW_AGREE_PER_1000 995

static void check_shallow(enum fractal_kind fractal, const char *cre, const char *cim, const char *zoom,
                          uint32_t itermax)
{
    const size_t w = 64, h = 48;
    struct deep_location loc = location(fractal, cre, cim, zoom, w, h, itermax);
    struct deep_reference *ref = reference(&loc);
    uint32_t *deep = malloc(w * h * sizeof *deep), *kern = malloc(w * h * sizeof *kern);
    float *smooth = malloc(w * h * sizeof *smooth), *dist = malloc(w * h * sizeof *dist);
    float *ksmooth = malloc(w * h * sizeof *smooth), *kdist = malloc(w * h * sizeof *dist);
    deep_grid(&loc, ref, 1, deep, smooth, dist);
    uint32_t *plain = malloc(w * h * sizeof *plain);
    deep_grid(&loc, ref, 1, plain, NULL, NULL);
    int same_counts = memcmp(plain, deep, w * h * sizeof *plain) == 0;
    free(plain);

    struct kernel_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.fractal = fractal;
    spec.c_re = loc.c_re;
    spec.c_im = loc.c_im;
    spec.escape2 = 4.0;
    spec.itermax = itermax;
    spec.path = KERNEL_SCALAR;
    spec.interior_check = 1;
    spec.periodicity_check = 1;
    struct channel_spec cspec = {fractal, loc.c_re, loc.c_im, 4.0, CHANNEL_DEFAULT_RADIUS * CHANNEL_DEFAULT_RADIUS,
                                 itermax};
    const double d = 4.0 / (atof(zoom) * (double)(h - 1)), x0 = atof(cre), y0 = atof(cim);
    double *x = malloc(w * sizeof *x);
    for (size_t i = 0; i < w; i++)
        x[i] = x0 + ((double)i - (double)(w - 1) / 2) * d;
    for (size_t j = 0; j < h; j++) {
        double y = y0 + ((double)(h - 1) / 2 - (double)j) * d;
        kernel_row(&spec, x, y, w, kern + j * w);
        channel_row(&cspec, x, y, w, kern + j * w, ksmooth + j * w, kdist + j * w);
    }
    size_t equal = compare_counts(deep, kern, w, h, "kernel");
    /* where they differ, a direct MPFR iteration at 640 bits decides */
    size_t deep_right = 0, kernel_right = 0, neither = 0;
    for (size_t k = 0; k < w * h; k++) {
        if (deep[k] == kern[k])
            continue;
        uint32_t m = direct_count(&loc, (double)(k % w) - (double)(w - 1) / 2, (double)(h - 1) / 2 - (double)(k / w),
                                  640, NULL);
        deep_right += m == deep[k];
        kernel_right += m == kern[k];
        neither += m != deep[k] && m != kern[k];
    }
    /* channels where the counts agree: smooth within 0.01 and distance (in
     * spacings = plane distance / d) within 1% of the double ones, or, where
     * the smooth values differ, the deep one within 0.01 of a direct MPFR
     * iteration's (640 bits) */
    size_t channel_ok = 0, channel_n = 0, channel_mpfr = 0;
    for (size_t k = 0; k < w * h; k++) {
        if (deep[k] != kern[k] || deep[k] == itermax)
            continue;
        channel_n++;
        double ds = fabs((double)smooth[k] - (double)ksmooth[k]);
        double dd = fabs((double)dist[k] * d / (double)kdist[k] - 1.0);
        if (ds < 0.01 && dd < 0.01) {
            channel_ok++;
        } else if (ds >= 0.01) {
            double s_mpfr;
            direct_count(&loc, (double)(k % w) - (double)(w - 1) / 2, (double)(h - 1) / 2 - (double)(k / w), 640,
                         &s_mpfr);
            if (fabs((double)smooth[k] - s_mpfr) < 0.01) {
                channel_ok++;
                channel_mpfr++;
            }
        }
    }
    ok((equal + deep_right) * 1000 >= w * h * SHALLOW_AGREE_PER_1000,
       "%s at %s, %s zoom %s, itermax %u: %zu samples (%zu distinct counts), %zu equal to the double kernel's; "
       "of the %zu that differ a direct MPFR iteration (640 bits) agrees with deep in %zu, with the kernel in %zu, "
       "with neither in %zu", fractal_name(fractal), cre, cim, zoom, itermax, w * h, distinct(kern, w * h), equal,
       w * h - equal, deep_right, kernel_right, neither);
    ok(same_counts, "  counts with the channels (the derivative's loop) equal those without (the plain-double runs)");
    ok(channel_ok * 1000 >= channel_n * SHALLOW_AGREE_PER_1000,
       "  its smooth and distance channels agree with the double ones (or the smooth one with MPFR's) in %zu of "
       "%zu escaped samples (%zu by MPFR)", channel_ok, channel_n, channel_mpfr);
    free(deep); free(kern); free(smooth); free(dist); free(ksmooth); free(kdist); free(x);
    deep_reference_free(ref);
}

/* ---- deep views: a direct MPFR iteration of every sample ------------------------------ */

/* The count of the sample at pixel offsets (u, v) of loc, iterated directly in
 * MPFR at prec bits: x = cre + u d, y = cim + v d, d = 4 / (Z (H - 1)). With
 * smooth not NULL, also the smooth count m - log2(log2 |z_m|) at the first m
 * past the escape with |z_m| > 65536 (NaN if none within 1000 steps or no escape). */
static uint32_t direct_count(const struct deep_location *loc, double u, double v, mpfr_prec_t prec,
                             double *smooth)
{
    mpfr_t d, x, y, zr, zi, zr2, zi2, t, cr, ci;
    mpfr_inits2(prec, d, x, y, zr, zi, zr2, zi2, t, cr, ci, (mpfr_ptr)0);
    mpfr_set_str(d, loc->zoom, 10, MPFR_RNDN);
    mpfr_mul_ui(d, d, (unsigned long)(loc->height - 1), MPFR_RNDN);
    mpfr_ui_div(d, 4, d, MPFR_RNDN);
    mpfr_set_str(x, loc->center_re, 10, MPFR_RNDN);
    mpfr_set_str(y, loc->center_im, 10, MPFR_RNDN);
    mpfr_mul_d(t, d, u, MPFR_RNDN);
    mpfr_add(x, x, t, MPFR_RNDN);
    mpfr_mul_d(t, d, v, MPFR_RNDN);
    mpfr_add(y, y, t, MPFR_RNDN);
    if (loc->fractal == FRACTAL_MANDELBROT) {
        mpfr_set(cr, x, MPFR_RNDN);
        mpfr_set(ci, y, MPFR_RNDN);
        mpfr_set_zero(zr, 1);
        mpfr_set_zero(zi, 1);
    } else {
        mpfr_set_d(cr, loc->c_re, MPFR_RNDN);
        mpfr_set_d(ci, loc->c_im, MPFR_RNDN);
        mpfr_set(zr, x, MPFR_RNDN);
        mpfr_set(zi, y, MPFR_RNDN);
    }
    const double escape2 = loc->threshold * loc->threshold;
    mpfr_sqr(zr2, zr, MPFR_RNDN);
    mpfr_sqr(zi2, zi, MPFR_RNDN);
    const double radius2 = CHANNEL_DEFAULT_RADIUS * CHANNEL_DEFAULT_RADIUS;
    uint32_t k = loc->itermax;
    uint64_t limit = loc->itermax;
    int escaped = 0;
    if (smooth)
        *smooth = NAN;
    for (uint64_t j = 0; j < limit; j++) { /* z_j -> z_{j+1} */
        mpfr_mul(t, zr, zi, MPFR_RNDN);
        mpfr_sub(zr, zr2, zi2, MPFR_RNDN);
        mpfr_add(zr, zr, cr, MPFR_RNDN);
        mpfr_mul_2ui(zi, t, 1, MPFR_RNDN);
        mpfr_add(zi, zi, ci, MPFR_RNDN);
        mpfr_sqr(zr2, zr, MPFR_RNDN);
        mpfr_sqr(zi2, zi, MPFR_RNDN);
        mpfr_add(t, zr2, zi2, MPFR_RNDN);
        if (!escaped && mpfr_cmp_d(t, escape2) > 0) {
            k = (uint32_t)j;
            escaped = 1;
            if (!smooth)
                break;
            limit = j + 1 + CHANNEL_EXTRA_STEPS_MAX;
        }
        if (escaped && mpfr_cmp_d(t, radius2) > 0) {
            double norm2 = mpfr_get_d(t, MPFR_RNDN);
            *smooth = (double)(j + 1) - log2(0.5 * log2(norm2));
            break;
        }
    }
    mpfr_clears(d, x, y, zr, zi, zr2, zi2, t, cr, ci, (mpfr_ptr)0);
    return k;
}

/* Bits for the direct iteration: the precision rule (24 + log2(Z H), plus the
 * centre's integer bits) and 64 more, computed here from the strings. */
static mpfr_prec_t direct_precision(const struct deep_location *loc)
{
    mpfr_t z;
    mpfr_init2(z, 64);
    mpfr_set_str(z, loc->zoom, 10, MPFR_RNDN);
    mpfr_mul_ui(z, z, (unsigned long)loc->height, MPFR_RNDN);
    long bits = 24 + (long)mpfr_get_exp(z) + 2 + 64;
    mpfr_clear(z);
    return bits;
}

struct deep_view {
    enum fractal_kind fractal;
    const char *zoom;
    int period; /* Mandelbrot: the nucleus's period (minus the cycle's at a Misiurewicz point); Julia: the preimage's depth */
    uint32_t itermax;
    size_t width, height;
    const char *cre, *cim;
};

/* The views' centres, found once with short MPFR / mpmath scripts:
 * Mandelbrot: nuclei near the Misiurewicz point c = i. The lowest period in the
 * disk of radius r = m 10^-k (10^-11 for k = 10) around i + m 10^-k (1 + i) (the ball method:
 * iterate z and dz/dc from 0 until |z| < |dz| r), then Newton's method on
 * f_c^p(0) = 0 with dz_{k+1} = 2 z_k dz_k + 1 from that centre, 40 steps at
 * 8k + 300 bits (k, m = 10, 1; 50, 1; 150, 1; 500, 3); the size estimate
 * 1 / |b l^2| (mathr) gave 7.3e-23, 4.3e-101, 4.6e-301 and 1.9e-999; zooms
 * near 0.5 / size show the minibrot with decorations around it (itermax
 * chosen from the counts seen: exterior samples there take 3 to 30 times the
 * period). Digits: the zoom's exponent + 25.
 * Julia (c = -0.8 + 0.156i, whose critical orbit escapes at 251): points whose
 * orbit lands on 0 after n steps, by backward iteration z -> +-sqrt(z - c)
 * from 0 (mpmath at 1100 digits, branches from Python's random.Random(12)),
 * stopped at the first n where |(f^n)'| passes 10^20, 10^100, 10^300, 10^1000;
 * zoom 4 |(f^n)'| spreads the view over about 0.5 around 0 at step n. */
static const struct deep_view deep_views[] = {
    /* mandelbrot, zoom 6.8e21, nucleus of period 34 */
    {FRACTAL_MANDELBROT, "6.8e21", 34, 1000, 24, 16,
        "0.00000000009026348820862335606264352493184223196068442725",
        "1.000000000111920710234803556638510295668550668"},
    /* mandelbrot, zoom 1e100, nucleus of period 135 */
    {FRACTAL_MANDELBROT, "1e100", 135, 3000, 24, 16,
        "-4.794357577070157100725407212267819018574062133462329576055275771969705846133784560142679837131"
        "1208330334094223609005469981909e-51",
        "1.0000000000000000000000000000000000000000000000000023923271004077707276714428869498720479079045"
        "754560958164638856074777197202"},
    /* mandelbrot, zoom 1e100, the same nucleus 3.3 spacings left of and 2.6 above the centre: the
     * reference escapes at 1090 and samples near the nucleus rebase when |Z + z| < |z| */
    {FRACTAL_MANDELBROT, "1e100", 135, 3000, 24, 16,
        "-4.794357577070157100725407212267819018574062133462241576055275771974442797705518561381820665581"
        "6416663667427556942338803315242e-51",
        "1.0000000000000000000000000000000000000000000000000023923271004077707276714428869498720479079045"
        "754560264831305522741420179111"},
    /* mandelbrot, zoom 1e300, nucleus of period 402 */
    {FRACTAL_MANDELBROT, "1e300", 402, 10000, 12, 8,
        "9.4041029268835617600351275767550294711537255992450195890104975401907375410493620438634879682876"
        "000814840586863595902041592256393973175221982957927001942180619156380590038558961383444902037801"
        "315783721826001062676416130000906462926053190507201622172215559694764606025452427107083510473312"
        "60981833131408226923794002445977216584e-151",
        "0.9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999991993911525714103624890500176580006007233"
        "824576125101338335897863355698036631463175665779201967440054316657751767558984917794553498272996"
        "938309123447732333441740100132456981329"},
    /* mandelbrot, zoom 1e999, nucleus of period 1330 */
    {FRACTAL_MANDELBROT, "1e999", 1330, 40000, 6, 4,
        "6.0051298624258396571346393693453531934839019888846441718118076415344371751194285763363670247747"
        "779655888053422537068208715846080446212099295048770639813357820735938613171007333005597808134085"
        "636322574935881746123409052233898440612855983841882594419398934785471623401319969215480895678928"
        "865808872150992372324382147231303230627573215239822783679623709703842492244895486172801885950830"
        "829034658703395506047078063769193038763036866297949241380732177980453204429076432669437251964523"
        "812980262029930911618154385613310070719147245461882978130285500770656740182336168585652177331849"
        "713029594555413808584448665593973448357108920208209302497358497928045173867550299170090741409890"
        "711647071045337804242590810417933222840890409708483199976928938926792230582853265196511275849167"
        "432893951616472384834661336891411903855921094634827224859755089918359657831188146268298953316184"
        "573278379367366792837355812078778407086084972535876877864794171220919511705908284751665981194192"
        "66473197388270388369308289053665103194284029117674966315135145427e-500",
        "0.9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999488759306954011977463184677220215023633154809303767254604886126116908206584"
        "927539525325607931845242235409920770220503434812354479094627675807827943104090854749905478797175"
        "550561009459265704775312084397416153147753084887968130763750937319390294676673189501684513272158"
        "941178111750170703691814544546500678354427458571350535972812755864748029431240996382637450537076"
        "239635817247769972991110866974532238896189523891625984272923857046182393283387633181737107254266"
        "151858904767402338980318403953680573157259337385450123267134576551"},
    /* julia, zoom 4.65e20, preimage of 0 at depth 70 */
    {FRACTAL_JULIA, "4.65e20", 70, 470, 24, 16,
        "0.0857626299024053162707752453497537636677421163",
        "0.609410365222666218733754181847600171023846716"},
    /* julia, zoom 7.8e100, preimage of 0 at depth 336 */
    {FRACTAL_JULIA, "7.8e100", 336, 736, 24, 16,
        "1.4570846878055036260342752308605006208511959670245509005199223433967325843704866713215911546290"
        "278567575983449440176599092975",
        "-0.025945970168174670410152327681355384173816649182240624544555308456025841259229797476597080972"
        "268257472695103107382454550521836"},
    /* julia, zoom 5.77e300, preimage of 0 at depth 1001 */
    {FRACTAL_JULIA, "5.77e300", 1001, 1401, 24, 16,
        "-1.293445362628703264051002805026347434946343739858680733738523866421737388331746439060054351328"
        "983870946378291381134609817344015179423698533573115081020695901504643798021674745322553875496203"
        "412510991129275946055712677739251081231458232807671777691538190067551544705355336811997510407359"
        "422251015254843382483399668039384607943",
        "-0.069573178396838997385483594103750480444946275808609431400286857337229438712494930410285514991"
        "806710440633527030807654882138884361208830130371858601770754240284364298357517062174470479228756"
        "698789630333142414252846600747020150018215446475871337563121171109315463787874434475579553663676"
        "68957133109702121217658778058805175446248"},
    /* julia, zoom 5.94e1000, preimage of 0 at depth 3301 */
    {FRACTAL_JULIA, "5.94e1000", 3301, 3701, 12, 8,
        "0.0468870969422412944276431360304129761200881389273575068453257045351062294925603346929683924400"
        "282168055353606890962224645384208865342109857197714594053052426526830723849511661572025429318663"
        "111672081224818711968117086389830096814098638741945974130689164557543155658784423744167345629050"
        "211921934639015452843688943154059300581373559567079131845981120153953176333136167084377909276954"
        "031245689067690161451625644634674504821506375877482709051127533524765967816662234172584422440164"
        "675952477139926497076198371437470737982105503650346711865995986531602902223787182914289809744821"
        "613860185659518019133362613861594660421154624814901488836763665652265028998587392775554094855118"
        "157094139045494002654128391006548693729970847830538712126722644564576477351329045197993117972506"
        "588925799093033924935455636780364325082596034727114012162131574419429456938429111128143416165954"
        "605777923926415937289857458174750562833010533663130331506410206824617067590851065419943170116472"
        "70645397765617803106417704599519756936490056576799350039725659151914",
        "-0.854175663293611452165034032561844823654066186276752864014454581088886058534018723374381889447"
        "605621580543765101324819396277120158096530412091411845250123795729970653519396874319378861619458"
        "316854973263515127625058275493448745092375797153399412653485956281903411809650862293461601468333"
        "618136067829302766791685935633229385841436903949444104543750500034068965699603963866862160105050"
        "334859298738664309306971712055306490541408544322281627345671178910641865550175912320435456085827"
        "905348624714073668899839650631535009480380925423872360010245031302543731245139292306660655203109"
        "974330436676304158887686160278992023455058219830827167441641429267930090554238459162114426713490"
        "060473679814648638044367706436745145710789737516510016058575855921776797477355935138432189527847"
        "653431604989330098961141514476104485490171871294649470100566066853858993712625710458000477503397"
        "194511009697253184970781502067349145791831581415443762500438937040188199442260527634929742323828"
        "69970126368444057234057435342130497450886143896541499852083397492304"},
};

static void check_deep(const struct deep_view *view, size_t w, size_t h, int bla)
{
    const uint32_t itermax = view->itermax;
    struct deep_location loc = location(view->fractal, view->cre, view->cim, view->zoom, w, h, itermax);
    struct deep_reference *ref = reference(&loc);
    uint32_t *deep = malloc(w * h * sizeof *deep), *direct = calloc(w * h, sizeof *direct);
    deep_grid(&loc, ref, bla, deep, NULL, NULL);
    mpfr_prec_t prec = direct_precision(&loc);
    for (size_t j = 0; j < h; j++)
        for (size_t i = 0; i < w; i++)
            direct[j * w + i] =
                direct_count(&loc, (double)i - (double)(w - 1) / 2, (double)(h - 1) / 2 - (double)j, prec, NULL);
    size_t equal = compare_counts(deep, direct, w, h, "MPFR");
    size_t at_max = 0;
    for (size_t k = 0; k < w * h; k++)
        at_max += direct[k] == itermax;
    ok(equal * 1000 >= w * h * 999,
       "%s%s zoom %s (%s %d), itermax %u: %zu samples, %zu equal to a direct MPFR iteration at %ld bits (%zu differ; "
       "%zu distinct counts, %zu at itermax; reference %llu entries, %ld bits)",
       bla ? "" : "no BLA: ", fractal_name(view->fractal), view->zoom,
       view->fractal == FRACTAL_JULIA ? "preimage of 0, depth"
       : view->period > 0           ? "nucleus of period"
                                    : "Misiurewicz point, cycle of period",
       abs(view->period), itermax, w * h, equal, (long)prec, w * h - equal, distinct(direct, w * h), at_max,
       (unsigned long long)deep_reference_length(ref), deep_reference_precision(ref));
    free(deep);
    free(direct);
    deep_reference_free(ref);
}

/* ---- bilinear approximation ------------------------------------------------------------ */

/* A skip of the table equals the plain steps it replaces: at the 1e100 nucleus
 * of period 135 (deep_views[1]), from z_1 = c at index 1, the longest skip valid
 * for |c| gives A c + B c within 2^-40 of 2^l perturbation steps in doubles. */
static void check_bla_table(const struct deep_view *view)
{
    struct deep_location loc = location(view->fractal, view->cre, view->cim, view->zoom, 24, 16, view->itermax);
    struct deep_reference *ref = reference(&loc);
    const struct deep_orbit *o = &ref->orbit[0];
    const double c_re = 3e-101, c_im = -2e-101; /* a sample's delta, inside the view */
    const struct fec c = fec_from_double(c_re, c_im);
    struct bla_table t;
    int built = bla_table_build(&t, o, fec_from_double(4e-101, 0.0), 1, 4.0) == 0;
    int level = 0;
    for (int l = 1; built && l < t.levels; l++)
        if (t.count[l] > 0 && bla_valid_scaled(&t.level[l][0], c.re * c.re + c.im * c.im, 2 * c.e))
            level = l;
    double zr = c_re, zi = c_im; /* z_1 = c */
    for (uint64_t m = 1; m < 1 + (UINT64_C(1) << level); m++) {
        const double Zr = o->re[m], Zi = o->im[m];
        const double nzr = 2.0 * (Zr * zr - Zi * zi) + (zr * zr - zi * zi) + c_re;
        zi = 2.0 * (Zr * zi + Zi * zr) + 2.0 * (zr * zi) + c_im;
        zr = nzr;
    }
    double sr = 0.0, si = 0.0, error = INFINITY;
    if (level > 0) {
        const struct bla_step *st = &t.level[level][0];
        fec_to_double(fec_add(fec_mul(st->a, c), fec_mul(st->b, c)), &sr, &si);
        error = hypot(sr - zr, si - zi) / hypot(zr, zi);
    }
    ok(built && t.levels >= 8 && level >= 6 && error < 0x1p-40,
       "BLA table along %llu entries: %d levels; the longest skip valid from z = c at index 1 is level %d (%d steps), "
       "relative error %.2g against the steps", (unsigned long long)o->last + 1, t.levels, level, 1 << level, error);
    bla_table_free(&t);
    deep_reference_free(ref);
}

/* BLA against plain perturbation on the same grid: counts equal in at least
 * 999 of 1000 samples; with the channels the same counts as without; smooth
 * within 0.01 and distance within 1% of the plain ones in 999 of 1000 escaped
 * samples (the derivative goes through the skips). */
static void check_bla_against_plain(const struct deep_view *view, size_t w, size_t h)
{
    struct deep_location loc = location(view->fractal, view->cre, view->cim, view->zoom, w, h, view->itermax);
    struct deep_reference *ref = reference(&loc);
    const size_t n = w * h;
    uint32_t *bla = malloc(n * sizeof *bla), *plain = malloc(n * sizeof *plain), *bare = malloc(n * sizeof *bare);
    float *bs = malloc(n * sizeof *bs), *bd = malloc(n * sizeof *bd), *ps = malloc(n * sizeof *ps),
          *pd = malloc(n * sizeof *pd);
    uint64_t it_bla = deep_grid(&loc, ref, 1, bla, bs, bd);
    deep_grid(&loc, ref, 1, bare, NULL, NULL);
    deep_grid(&loc, ref, 0, plain, ps, pd);
    size_t equal = compare_counts(bla, plain, w, h, "plain");
    size_t channel_n = 0, channel_ok = 0;
    for (size_t k = 0; k < n; k++) {
        if (bla[k] != plain[k] || isnan(ps[k]))
            continue;
        channel_n++;
        channel_ok += fabs((double)bs[k] - (double)ps[k]) < 0.01 && fabs((double)bd[k] / (double)pd[k] - 1.0) < 0.01;
    }
    ok(equal * 1000 >= n * 999 && memcmp(bla, bare, n * sizeof *bla) == 0 && channel_ok * 1000 >= channel_n * 999,
       "BLA vs plain, %s zoom %s, itermax %u, %zu samples (%.3g iterations): %zu equal counts; the same counts without "
       "channels: %s; smooth and distance agree in %zu of %zu", fractal_name(view->fractal), view->zoom,
       view->itermax, n, (double)it_bla, equal, memcmp(bla, bare, n * sizeof *bla) == 0 ? "yes" : "no", channel_ok,
       channel_n);
    free(bla); free(plain); free(bare); free(bs); free(bd); free(ps); free(pd);
    deep_reference_free(ref);
}

/* The engine stops early when asked. */
static void check_stop(void)
{
    struct deep_location loc = location(FRACTAL_MANDELBROT, "-1", "0", "1e100", 24, 16, 1000000);
    struct deep_reference *ref = reference(&loc);
    char err[256];
    struct deep_engine *e = deep_engine_new(ref, &loc, 65536.0, 1, err, sizeof err);
    double u[24];
    uint32_t c[24];
    for (int i = 0; i < 24; i++)
        u[i] = i;
    volatile int stop = 1;
    uint64_t it = deep_engine_row(e, u, 0.0, 24, c, NULL, NULL, &stop);
    ok(it < 100000, "a set stop flag ends the row early (%llu iterations done)", (unsigned long long)it);
    deep_engine_free(e);
    deep_reference_free(ref);
}

int main(void)
{
    /* reference values 5, bytes 2 + 13, locations 13 + 1 + 5, stop 1, shallow 7 x 3, deep 9 + 2 with BLA
     * and 4 without, BLA table 1, BLA vs plain 9 + 2 */
    plan(5 + 15 + 19 + 1 + 21 + 11 + 4 + 1 + 11);
    check_reference_values();
    check_bytes();
    check_location();
    check_stop();

    /* shallow: the double kernel */
    const char *zooms[] = {"1e3", "1e6", "1e10"};
    check_shallow(FRACTAL_MANDELBROT, "-0.75", "0.1", "1e3", 2000);
    for (int z = 0; z < 3; z++)
        check_shallow(FRACTAL_MANDELBROT, "-0.743643887037151", "0.131825904205330", zooms[z], 2000);
    for (int z = 0; z < 3; z++)
        check_shallow(FRACTAL_JULIA, "0.0857626299024053", "0.609410365222666", zooms[z], 1000);

    /* deep: a direct MPFR iteration; minibrots (Mandelbrot) and preimages of 0 (Julia).
     * MPIFRACTAL_TEST_SLOW=1 doubles the grids (the deepest minibrot's takes a minute) */
    const size_t scale = getenv("MPIFRACTAL_TEST_SLOW") && strcmp(getenv("MPIFRACTAL_TEST_SLOW"), "1") == 0 ? 2 : 1;
    for (size_t v = 0; v < sizeof deep_views / sizeof deep_views[0]; v++)
        check_deep(&deep_views[v], scale * deep_views[v].width, scale * deep_views[v].height, 1);
    /* the period-2 nucleus, exactly: the reference ends at an exact 0, every sample rebases there */
    struct deep_view bulb = {FRACTAL_MANDELBROT, "1e300", 2, 300, 24, 16, "-1", "0"};
    check_deep(&bulb, bulb.width, bulb.height, 1);
    /* the Misiurewicz point i at 1e1000: the reference never escapes nor ends; samples leave it after ~1330 steps */
    struct deep_view misiurewicz = {FRACTAL_MANDELBROT, "1e1000", -2, 3000, 12, 8, "0", "1"};
    check_deep(&misiurewicz, misiurewicz.width, misiurewicz.height, 1);
    /* plain perturbation (--no-bla) against MPFR as well: Mandelbrot and Julia, 1e100 and 1e300 */
    const int plain_views[] = {1, 3, 6, 7};
    for (size_t v = 0; v < sizeof plain_views / sizeof plain_views[0]; v++)
        check_deep(&deep_views[plain_views[v]], deep_views[plain_views[v]].width, deep_views[plain_views[v]].height,
                   0);

    /* bilinear approximation: a skip against its steps; whole grids against plain perturbation */
    check_bla_table(&deep_views[1]);
    for (size_t v = 0; v < sizeof deep_views / sizeof deep_views[0]; v++)
        check_bla_against_plain(&deep_views[v], 2 * deep_views[v].width, 2 * deep_views[v].height);
    check_bla_against_plain(&bulb, 48, 32);
    check_bla_against_plain(&misiurewicz, 48, 32);
    return done_testing();
}
