/* reference.c - reference orbits in MPFR, stored as doubles, and their flat bytes (validated: a --reference file is untrusted). */
#include "deep_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A malloc'ed copy of s, or NULL. */
static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* ---- computing ------------------------------------------------------------ */

/* Progress is reported every this many reference iterations. */
#define PROGRESS_EVERY 4096u
/* First capacity of an orbit's arrays; they double as the orbit grows. */
#define FIRST_CAPACITY 4096u

/* 1 if |x| < 2^-400 (DEEP_TINY). */
static int mpfr_tiny(const mpfr_t x)
{
    return mpfr_zero_p(x) || mpfr_get_exp(x) <= DEEP_TINY_EXP;
}

/* The scratch numbers of one orbit computation (allocated once). */
struct orbit_work {
    mpfr_t zr, zi, zr2, zi2, t;
};

struct progress_sink {
    void (*fn)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    uint64_t done, total;
};

/* Fills o with the orbit Z_0 = (w->zr, w->zi), Z_{m+1} = Z_m^2 + (cr, ci), up
 * to the first entry m >= 1 with both parts below 2^-400 (kept as o->end), the
 * first with |Z_m| > stop_radius, or m = itermax. Returns 0, or -1 when out of
 * memory. The loop allocates no MPFR numbers; the arrays double when full. */
static int compute_orbit(struct deep_orbit *o, struct orbit_work *w, const mpfr_t cr, const mpfr_t ci,
                         uint32_t itermax, double stop_radius, struct progress_sink *p)
{
    const double stop2 = stop_radius * stop_radius;
    uint64_t cap = (uint64_t)itermax + 1 < FIRST_CAPACITY ? (uint64_t)itermax + 1 : FIRST_CAPACITY;
    o->re = malloc(cap * sizeof *o->re);
    o->im = malloc(cap * sizeof *o->im);
    o->tiny_end = 0;
    o->end = fec_norm(0.0, 0.0, 0);
    if (!o->re || !o->im)
        return -1;
    for (uint64_t m = 0;; m++) {
        if (m == cap) {
            uint64_t ncap = cap * 2 < (uint64_t)itermax + 1 ? cap * 2 : (uint64_t)itermax + 1;
            double *nre = realloc(o->re, ncap * sizeof *nre);
            if (nre)
                o->re = nre;
            double *nim = nre ? realloc(o->im, ncap * sizeof *nim) : NULL;
            if (!nim)
                return -1;
            o->im = nim;
            cap = ncap;
        }
        double re = mpfr_get_d(w->zr, MPFR_RNDN), im = mpfr_get_d(w->zi, MPFR_RNDN);
        o->re[m] = re;
        o->im[m] = im;
        o->last = m;
        /* entry 0 of the Julia centre's orbit may be tiny too: samples then
         * start on the critical orbit (perturb.c) */
        if ((m > 0 || !mpfr_zero_p(w->zr) || !mpfr_zero_p(w->zi)) && mpfr_tiny(w->zr) && mpfr_tiny(w->zi)) {
            o->tiny_end = 1;
            o->end = deep_fec_from_mpfr(w->zr, w->zi);
            return 0;
        }
        if (re * re + im * im > stop2 || m == itermax)
            return 0;
        /* Z = (zr^2 - zi^2 + cr) + i (2 zr zi + ci): two squares, one product */
        mpfr_sqr(w->zr2, w->zr, MPFR_RNDN);
        mpfr_sqr(w->zi2, w->zi, MPFR_RNDN);
        mpfr_mul(w->t, w->zr, w->zi, MPFR_RNDN);
        mpfr_mul_2ui(w->t, w->t, 1, MPFR_RNDN);
        mpfr_sub(w->zr, w->zr2, w->zi2, MPFR_RNDN);
        mpfr_add(w->zr, w->zr, cr, MPFR_RNDN);
        mpfr_add(w->zi, w->t, ci, MPFR_RNDN);
        if (p->fn && ++p->done % PROGRESS_EVERY == 0)
            p->fn(p->ctx, p->done, p->total);
    }
}

struct deep_reference *deep_reference_compute(const struct deep_location *loc,
        void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
        char *err, size_t errlen)
{
    if (deep_location_check(loc, err, errlen))
        return NULL;
    struct deep_reference *ref = calloc(1, sizeof *ref);
    if (!ref) {
        snprintf(err, errlen, "out of memory for the reference orbit");
        return NULL;
    }
    const int julia = loc->fractal == FRACTAL_JULIA;
    ref->fractal = julia ? FRACTAL_JULIA : FRACTAL_MANDELBROT;
    ref->c_re = julia ? loc->c_re : 0.0;
    ref->c_im = julia ? loc->c_im : 0.0;
    ref->stop_radius = deep_stop_radius(loc);
    ref->itermax = loc->itermax;
    ref->precision = deep_precision_bits(loc);
    ref->norbits = julia ? 2 : 1;
    ref->center_re = copy_string(loc->center_re);
    ref->center_im = copy_string(loc->center_im);
    int failed = !ref->center_re || !ref->center_im;

    mpfr_t cr, ci;
    struct orbit_work w;
    mpfr_inits2((mpfr_prec_t)ref->precision, cr, ci, w.zr, w.zi, w.zr2, w.zi2, w.t, (mpfr_ptr)0);
    struct progress_sink sink = {progress, ctx, 0, (uint64_t)loc->itermax * (uint64_t)ref->norbits};
    /* orbit 0: Mandelbrot from 0 at C = the centre; Julia from the centre at C = c */
    deep_decimal_to_mpfr(julia ? w.zr : cr, loc->center_re);
    deep_decimal_to_mpfr(julia ? w.zi : ci, loc->center_im);
    if (julia) {
        mpfr_set_d(cr, loc->c_re, MPFR_RNDN); /* exact */
        mpfr_set_d(ci, loc->c_im, MPFR_RNDN);
    } else {
        mpfr_set_zero(w.zr, 1);
        mpfr_set_zero(w.zi, 1);
    }
    if (!failed)
        failed = compute_orbit(&ref->orbit[0], &w, cr, ci, loc->itermax, ref->stop_radius, &sink);
    if (!failed && julia) { /* the critical orbit, from 0, onto which samples rebase */
        mpfr_set_zero(w.zr, 1);
        mpfr_set_zero(w.zi, 1);
        sink.done = loc->itermax;
        failed = compute_orbit(&ref->orbit[1], &w, cr, ci, loc->itermax, ref->stop_radius, &sink);
    }
    mpfr_clears(cr, ci, w.zr, w.zi, w.zr2, w.zi2, w.t, (mpfr_ptr)0);
    mpfr_free_cache();
    if (failed) {
        deep_reference_free(ref);
        snprintf(err, errlen, "out of memory for the reference orbit (%u iterations)", loc->itermax);
        return NULL;
    }
    if (progress)
        progress(ctx, sink.total, sink.total);
    return ref;
}

uint64_t deep_reference_length(const struct deep_reference *ref)
{
    return ref->orbit[0].last + 1;
}

long deep_reference_precision(const struct deep_reference *ref)
{
    return ref->precision;
}

void deep_reference_free(struct deep_reference *ref)
{
    if (!ref)
        return;
    for (int i = 0; i < 2; i++) {
        free(ref->orbit[i].re);
        free(ref->orbit[i].im);
    }
    free(ref->center_re);
    free(ref->center_im);
    free(ref);
}

/* ---- flat bytes ------------------------------------------------------------
 * Little-endian, in this order:
 *   "MPFXDEEP" (8 bytes), u32 version (1), u32 fractal, u32 itermax, u32 norbits,
 *   i64 precision, f64 c_re, f64 c_im, f64 stop_radius,
 *   u64 length of center_re, u64 length of center_im, the two strings (no NUL),
 *   per orbit: u64 entries (last + 1), u32 tiny_end, u32 0, f64 end.re,
 *              f64 end.im, i64 end.e, f64 re[entries], f64 im[entries],
 *   u64 FNV-1a checksum of all the bytes before it. */

static const char MAGIC[8] = {'M', 'P', 'F', 'X', 'D', 'E', 'E', 'P'};
#define FORMAT_VERSION 1u
#define HEADER_BYTES 72u
#define ORBIT_HEADER_BYTES 40u
#define CHECKSUM_BYTES 8u
#define CENTER_CHARS_MAX (1u << 24) /* per centre string */
#define PRECISION_MAX (1L << 30)
#define VALUE_MAX 1e300 /* bound on every stored double */

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static unsigned char *put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 8;
}

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 4;
}

static unsigned char *put_f64(unsigned char *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    return put_u64(p, v);
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)get_u64((const unsigned char[8]){p[0], p[1], p[2], p[3], 0, 0, 0, 0});
}

static double get_f64(const unsigned char *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

size_t deep_reference_size(const struct deep_reference *ref)
{
    size_t n = HEADER_BYTES + strlen(ref->center_re) + strlen(ref->center_im) + CHECKSUM_BYTES;
    for (int i = 0; i < ref->norbits; i++)
        n += ORBIT_HEADER_BYTES + 16 * (size_t)(ref->orbit[i].last + 1);
    return n;
}

void deep_reference_to_bytes(const struct deep_reference *ref, void *out)
{
    unsigned char *start = out, *p = out;
    size_t lre = strlen(ref->center_re), lim = strlen(ref->center_im);
    memcpy(p, MAGIC, sizeof MAGIC);
    p += sizeof MAGIC;
    p = put_u32(p, FORMAT_VERSION);
    p = put_u32(p, (uint32_t)ref->fractal);
    p = put_u32(p, ref->itermax);
    p = put_u32(p, (uint32_t)ref->norbits);
    p = put_u64(p, (uint64_t)ref->precision);
    p = put_f64(p, ref->c_re);
    p = put_f64(p, ref->c_im);
    p = put_f64(p, ref->stop_radius);
    p = put_u64(p, lre);
    p = put_u64(p, lim);
    memcpy(p, ref->center_re, lre);
    p += lre;
    memcpy(p, ref->center_im, lim);
    p += lim;
    for (int i = 0; i < ref->norbits; i++) {
        const struct deep_orbit *o = &ref->orbit[i];
        p = put_u64(p, o->last + 1);
        p = put_u32(p, (uint32_t)o->tiny_end);
        p = put_u32(p, 0);
        p = put_f64(p, o->end.re);
        p = put_f64(p, o->end.im);
        p = put_u64(p, (uint64_t)o->end.e);
        for (uint64_t m = 0; m <= o->last; m++)
            p = put_f64(p, o->re[m]);
        for (uint64_t m = 0; m <= o->last; m++)
            p = put_f64(p, o->im[m]);
    }
    put_u64(p, fnv1a(start, (size_t)(p - start)));
}

/* A reader of untrusted bytes: every get checks the remaining length first. */
struct reader {
    const unsigned char *p;
    size_t left;
};

static int take(struct reader *r, size_t n, const unsigned char **out)
{
    if (r->left < n)
        return -1;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return 0;
}

static int finite_bounded(double x)
{
    return isfinite(x) && fabs(x) <= VALUE_MAX;
}

/* Reads and checks orbit o (the fields above). critical: entry 0 must be 0. */
static const char *read_orbit(struct reader *r, struct deep_orbit *o, uint32_t itermax, double stop_radius,
                              int critical)
{
    const unsigned char *h;
    if (take(r, ORBIT_HEADER_BYTES, &h))
        return "truncated (an orbit's header)";
    uint64_t entries = get_u64(h);
    uint32_t tiny_end = get_u32(h + 8), reserved = get_u32(h + 12);
    struct fec end = {get_f64(h + 16), get_f64(h + 24), (int64_t)get_u64(h + 32)};
    if (entries < 1 || entries > (uint64_t)itermax + 1)
        return "an orbit's length is 0 or more than itermax + 1";
    if (entries > r->left / 16)
        return "truncated (an orbit's entries)";
    if (tiny_end > 1 || reserved != 0)
        return "an orbit's flags are invalid";
    if (tiny_end && entries < 2) /* computed orbits end in extended range at an entry m >= 1 */
        return "an orbit that ends in extended range has fewer than 2 entries";
    if (tiny_end) {
        double a = fabs(end.re) > fabs(end.im) ? fabs(end.re) : fabs(end.im);
        int zero = end.re == 0.0 && end.im == 0.0 && end.e == FEC_ZERO_EXP;
        if (!isfinite(end.re) || !isfinite(end.im) ||
            !(zero || (a >= 0.5 && a < 1.0 && end.e <= DEEP_TINY_EXP && end.e > FEC_ZERO_EXP)))
            return "an orbit's extended-range end value is invalid";
    } else if (end.re != 0.0 || end.im != 0.0 || end.e != FEC_ZERO_EXP) {
        return "an orbit's unused end value is not zero";
    }
    const unsigned char *re = NULL, *im = NULL;
    take(r, 8 * entries, &re);
    take(r, 8 * entries, &im);
    o->last = entries - 1;
    o->tiny_end = (int)tiny_end;
    o->end = end;
    o->re = malloc(entries * sizeof *o->re);
    o->im = malloc(entries * sizeof *o->im);
    if (!o->re || !o->im)
        return "out of memory";
    for (uint64_t m = 0; m < entries; m++) {
        o->re[m] = get_f64(re + 8 * m);
        o->im[m] = get_f64(im + 8 * m);
        if (!finite_bounded(o->re[m]) || !finite_bounded(o->im[m]))
            return "an orbit entry is not finite or above 1e300";
        /* interior entries are never tiny: the orbit ends at the first one */
        if (m > 0 && m < o->last && fabs(o->re[m]) < DEEP_TINY && fabs(o->im[m]) < DEEP_TINY)
            return "an orbit entry inside the orbit is below 2^-400";
    }
    if (critical && (o->re[0] != 0.0 || o->im[0] != 0.0))
        return "an orbit that must start at 0 does not";
    if (!tiny_end && o->last < itermax &&
        !(o->re[o->last] * o->re[o->last] + o->im[o->last] * o->im[o->last] > stop_radius * stop_radius))
        return "an orbit ends early without escaping";
    return NULL;
}

/* A NUL-terminated copy of a checked decimal string, or NULL. */
static char *read_decimal(struct reader *r, uint64_t len)
{
    const unsigned char *s;
    if (len > CENTER_CHARS_MAX || take(r, (size_t)len, &s))
        return NULL;
    char *copy = malloc((size_t)len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, (size_t)len);
    copy[len] = '\0';
    if (strlen(copy) != len || !deep_decimal_valid(copy)) {
        free(copy);
        return NULL;
    }
    return copy;
}

struct deep_reference *deep_reference_from_bytes(const void *bytes, size_t n, char *err, size_t errlen)
{
    const unsigned char *b = bytes;
    const char *why = NULL;
    if (n < HEADER_BYTES + CHECKSUM_BYTES)
        why = "truncated (shorter than the header)";
    else if (memcmp(b, MAGIC, sizeof MAGIC) != 0)
        why = "not a deep reference orbit (wrong magic)";
    else if (get_u32(b + 8) != FORMAT_VERSION)
        why = "an unknown format version";
    else if (get_u64(b + n - CHECKSUM_BYTES) != fnv1a(b, n - CHECKSUM_BYTES))
        why = "corrupted or truncated (checksum mismatch)";
    if (why) {
        snprintf(err, errlen, "reference orbit: %s", why);
        return NULL;
    }
    struct deep_reference *ref = calloc(1, sizeof *ref);
    if (!ref) {
        snprintf(err, errlen, "reference orbit: out of memory");
        return NULL;
    }
    struct reader r = {b + HEADER_BYTES, n - HEADER_BYTES - CHECKSUM_BYTES};
    uint32_t fractal = get_u32(b + 12), norbits = get_u32(b + 20);
    ref->itermax = get_u32(b + 16);
    ref->precision = (long)get_u64(b + 24);
    ref->c_re = get_f64(b + 32);
    ref->c_im = get_f64(b + 40);
    ref->stop_radius = get_f64(b + 48);
    uint64_t lre = get_u64(b + 56), lim = get_u64(b + 64);
    ref->fractal = fractal == FRACTAL_JULIA ? FRACTAL_JULIA : FRACTAL_MANDELBROT;
    if (fractal > 1)
        why = "an unknown fractal";
    else if (norbits != (fractal == FRACTAL_JULIA ? 2u : 1u))
        why = "a wrong number of orbits for the fractal";
    else if (get_u64(b + 24) < 64 || get_u64(b + 24) > (uint64_t)PRECISION_MAX)
        why = "a precision outside 64..2^30 bits";
    else if (!finite_bounded(ref->c_re) || !finite_bounded(ref->c_im) ||
             (fractal == FRACTAL_MANDELBROT && (ref->c_re != 0.0 || ref->c_im != 0.0)))
        why = "an invalid Julia constant";
    else if (!(ref->stop_radius >= DEEP_REFERENCE_RADIUS && ref->stop_radius <= DEEP_THRESHOLD_MAX))
        why = "a stop radius outside 65536..1e100";
    else if (!(ref->center_re = read_decimal(&r, lre)) || !(ref->center_im = read_decimal(&r, lim)))
        why = "a centre that is not a decimal number (or truncated)";
    for (uint32_t i = 0; !why && i < norbits; i++) {
        ref->norbits = (int)i + 1; /* what deep_reference_free must release */
        why = read_orbit(&r, &ref->orbit[i], ref->itermax, ref->stop_radius,
                         fractal == FRACTAL_MANDELBROT || i == 1);
    }
    if (!why && r.left != 0)
        why = "unexpected bytes after the last orbit";
    if (why) {
        snprintf(err, errlen, "reference orbit: %s", why);
        deep_reference_free(ref);
        return NULL;
    }
    return ref;
}

/* ---- whether a reference serves a location --------------------------------- */

int deep_reference_fits(const struct deep_reference *ref, const struct deep_location *loc, char *why,
                        size_t whylen)
{
    const int julia = loc->fractal == FRACTAL_JULIA;
    if (deep_location_check(loc, why, whylen))
        return 0;
    if (ref->fractal != (julia ? FRACTAL_JULIA : FRACTAL_MANDELBROT)) {
        snprintf(why, whylen, "the reference orbit is for the %s set, the view is of the %s set",
                 fractal_name(ref->fractal), fractal_name(loc->fractal));
        return 0;
    }
    if (julia && (ref->c_re != loc->c_re || ref->c_im != loc->c_im)) {
        snprintf(why, whylen, "the reference orbit is for the Julia constant %.17g%+.17gi, not %.17g%+.17gi",
                 ref->c_re, ref->c_im, loc->c_re, loc->c_im);
        return 0;
    }
    int same = 1;
    if (strcmp(ref->center_re, loc->center_re) != 0 || strcmp(ref->center_im, loc->center_im) != 0) {
        mpfr_t a, b;
        mpfr_inits2((mpfr_prec_t)ref->precision, a, b, (mpfr_ptr)0);
        deep_decimal_to_mpfr(a, ref->center_re);
        deep_decimal_to_mpfr(b, loc->center_re);
        same = mpfr_equal_p(a, b);
        deep_decimal_to_mpfr(a, ref->center_im);
        deep_decimal_to_mpfr(b, loc->center_im);
        same = same && mpfr_equal_p(a, b);
        mpfr_clears(a, b, (mpfr_ptr)0);
    }
    if (!same) {
        snprintf(why, whylen, "the reference orbit is for another centre (%.30s, %.30s)", ref->center_re,
                 ref->center_im);
        return 0;
    }
    long need = deep_precision_bits(loc);
    if (ref->precision < need) {
        snprintf(why, whylen, "the reference orbit has %ld bits of precision, the view needs %ld (a deeper zoom)",
                 ref->precision, need);
        return 0;
    }
    if (ref->itermax < loc->itermax) {
        snprintf(why, whylen, "the reference orbit was computed for itermax %u, the view has %u", ref->itermax,
                 loc->itermax);
        return 0;
    }
    if (ref->stop_radius < deep_stop_radius(loc)) {
        snprintf(why, whylen, "the reference orbit was computed for a smaller threshold (%g)", ref->stop_radius);
        return 0;
    }
    return 1;
}
