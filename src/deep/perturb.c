/* perturb.c - the per-sample loop of deep views: deltas from the reference orbit, rebasing, double or floatexp, channels. */
#include "deep_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "channels.h"

struct deep_engine {
    int julia;
    const struct deep_orbit *start;  /* the orbit samples begin on (the centre's) */
    const struct deep_orbit *rebase; /* the orbit through 0 that samples rebase onto */
    struct fec d;                    /* the pixel spacing (real) */
    double escape2, radius2;
    uint32_t itermax;
    int use_bla;                     /* skips by bilinear approximation */
    struct bla_table bla[2];         /* along orbit[0] and (Julia) orbit[1] */
    double bla_seconds;              /* building them */
};

/* The skips along orbit o (NULL without BLA). */
static const struct bla_table *table_of(const struct deep_engine *e, const struct deep_orbit *o)
{
    if (!e->use_bla)
        return NULL;
    return o == e->start ? &e->bla[0] : &e->bla[1];
}

/* The level-1 skips of t (count1 = 0 without them) and t's first index. */
static inline void level_one(const struct bla_table *t, const struct bla_step **one, uint64_t *count1,
                             uint64_t *base)
{
    *one = NULL;
    *count1 = *base = 0;
    if (t && t->levels > 1) {
        *one = t->level[1];
        *count1 = t->count[1];
        *base = t->base;
    }
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct deep_engine *deep_engine_new(const struct deep_reference *ref, const struct deep_location *loc,
                                    double smooth_radius, int bla, char *err, size_t errlen)
{
    if (!deep_reference_fits(ref, loc, err, errlen))
        return NULL;
    if (!(smooth_radius > 0.0) || !isfinite(smooth_radius * smooth_radius)) {
        snprintf(err, errlen, "the smooth radius must be positive and its square finite (got %g)", smooth_radius);
        return NULL;
    }
    struct deep_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->julia = ref->fractal == FRACTAL_JULIA;
    e->start = &ref->orbit[0];
    e->rebase = &ref->orbit[e->julia ? 1 : 0];
    e->d = deep_spacing(loc);
    e->escape2 = loc->threshold * loc->threshold;
    e->radius2 = smooth_radius * smooth_radius;
    e->itermax = loc->itermax;
    e->use_bla = bla != 0;
    if (e->use_bla) {
        /* |c| of the farthest sample: the half-diagonal plus half a pixel (supersampling offsets) */
        const double half_w = (double)(loc->width - 1) / 2.0 + 0.5, half_h = (double)(loc->height - 1) / 2.0 + 0.5;
        const struct fec c_max = fec_mul(fec_from_double(sqrt(half_w * half_w + half_h * half_h), 0.0), e->d);
        const double start = seconds_now();
        int failed = bla_table_build(&e->bla[0], &ref->orbit[0], c_max, !e->julia, e->escape2) != 0;
        if (e->julia && !failed)
            failed = bla_table_build(&e->bla[1], &ref->orbit[1], c_max, 0, e->escape2) != 0;
        e->bla_seconds = seconds_now() - start;
        if (failed) {
            deep_engine_free(e);
            snprintf(err, errlen, "out of memory for the bilinear approximation tables");
            return NULL;
        }
    }
    return e;
}

double deep_engine_bla_seconds(const struct deep_engine *e)
{
    return e->bla_seconds;
}

void deep_engine_free(struct deep_engine *e)
{
    if (e) {
        bla_table_free(&e->bla[0]);
        bla_table_free(&e->bla[1]);
    }
    free(e);
}

/* The sample's constant term: c minus the reference's C (Mandelbrot), 0 (Julia). */
struct delta {
    double re, im; /* rounded to doubles (possibly 0): used while z is in double range */
    struct fec x;  /* exact to 53 bits: used while z is in extended range */
};

/* Where a sample's orbit is: the full value is Z_m + z on orbit o. */
struct walk {
    const struct deep_orbit *o;
    uint64_t m;                /* < o->last between steps */
    int ext;                   /* z is zx (below 2^-400) rather than (zr, zi) */
    double zr, zi;
    struct fec zx;
    double wr, wi;             /* the full value Z_m + z rounded to doubles */
};

/* The walk arrives at index s->m with the delta nz: the full value w = Z_m + nz
 * in extended range, a rebase when m is the orbit's end or |w| < |nz| (z = w
 * on the rebase orbit at 0), z kept as doubles when it fits. Returns |w|^2
 * rounded to a double. */
static inline double land(const struct deep_engine *e, struct walk *s, struct fec nz)
{
    const struct deep_orbit *o = s->o;
    const uint64_t m = s->m;
    if (m < o->last) {
        /* nz below 2^-64 of the entry (mostly so after a skip): fec_add below
         * would give the entry itself, |w| > |nz| (no rebase) */
        const double Zr = o->re[m], Zi = o->im[m];
        const struct fec entry = fec_from_double(Zr, Zi);
        if (!fec_is_zero(entry) && !fec_is_zero(nz) && nz.e - entry.e < -64) {
            s->ext = !fec_fits_double(nz);
            if (s->ext)
                s->zx = nz;
            else
                fec_to_double(nz, &s->zr, &s->zi);
            s->wr = Zr;
            s->wi = Zi;
            return Zr * Zr + Zi * Zi;
        }
    }
    struct fec entry = m == o->last && o->tiny_end ? o->end : fec_from_double(o->re[m], o->im[m]);
    struct fec w = fec_add(entry, nz);
    if (m == o->last || fec_less(w, nz)) { /* rebase: the orbit through 0, from its start */
        s->o = e->rebase;
        s->m = 0;
        nz = w;
    }
    s->ext = !fec_fits_double(nz);
    if (s->ext)
        s->zx = nz;
    else
        fec_to_double(nz, &s->zr, &s->zi);
    fec_to_double(w, &s->wr, &s->wi);
    return s->wr * s->wr + s->wi * s->wi;
}

/* One step of the walk in extended range, for every case the double path does
 * not take: z or its successor below 2^-400, the end of the orbit (rebase, in
 * extended range when the end entry is tiny), and rebasing with a tiny full
 * value. Returns |w|^2 (rounded to a double) of the new full value w. */
static double step_extended(const struct deep_engine *e, struct walk *s, const struct delta *dc)
{
    const struct deep_orbit *o = s->o;
    struct fec z = s->ext ? s->zx : fec_from_double(s->zr, s->zi);
    double two_zr = 2.0 * o->re[s->m], two_zi = 2.0 * o->im[s->m];
    struct fec nz = fec_add(fec_add(fec_mul_double(z, two_zr, two_zi), fec_sqr(z)), dc->x);
    uint64_t m = ++s->m;
    if (m < o->last && !fec_fits_double(nz) &&
        (fabs(o->re[m]) >= 4 * DEEP_TINY || fabs(o->im[m]) >= 4 * DEEP_TINY)) {
        /* |z| < 1.5 2^-400 <= |Z| - |z| <= |w|: no rebase, and w rounds to Z + z in doubles */
        double zr, zi;
        fec_to_double(nz, &zr, &zi);
        s->ext = 1;
        s->zx = nz;
        s->wr = o->re[m] + zr;
        s->wi = o->im[m] + zi;
        return s->wr * s->wr + s->wi * s->wi;
    }
    return land(e, s, nz);
}

/* One step z -> 2 Z_m z + z^2 + dc, m -> m + 1, then w = Z_m + z and the
 * rebase test (|w| < |z|: z = w on the rebase orbit at m = 0). Plain doubles
 * while z stays at or above 2^-400 and the orbit does not end; otherwise
 * step_extended. Returns |w|^2. */
static inline double step(const struct deep_engine *e, struct walk *s, const struct delta *dc)
{
    const struct deep_orbit *o = s->o;
    if (!s->ext && s->m + 1 < o->last) {
        const double Zr = o->re[s->m], Zi = o->im[s->m];
        const double zr = s->zr, zi = s->zi;
        const double nzr = 2.0 * (Zr * zr - Zi * zi) + (zr * zr - zi * zi) + dc->re;
        const double nzi = 2.0 * (Zr * zi + Zi * zr) + 2.0 * (zr * zi) + dc->im;
        const double z2 = nzr * nzr + nzi * nzi;
        if (z2 >= DEEP_TINY2) {
            const uint64_t m = ++s->m;
            const double wr = o->re[m] + nzr, wi = o->im[m] + nzi;
            const double w2 = wr * wr + wi * wi;
            s->wr = wr;
            s->wi = wi;
            if (w2 < z2) { /* rebase; w = Z + z is exact here (Sterbenz) */
                s->o = e->rebase;
                s->m = 0;
                s->zr = wr;
                s->zi = wi;
                if (w2 < DEEP_TINY2) {
                    s->ext = 1;
                    s->zx = fec_from_double(wr, wi);
                }
            } else {
                s->zr = nzr;
                s->zi = nzi;
            }
            return w2;
        }
    }
    return step_extended(e, s, dc);
}

/* The longest skip valid at the walk's index: level l >= 1 (2^l steps) of
 * table t, aligned there, with 2^l <= remaining, |z| < R; each level up is
 * taken only while valid (radii shrink as skips merge). NULL if none. The
 * first test is the one run_double and run_rescaled make. */
static inline const struct bla_step *bla_find(const struct bla_table *t, const struct walk *s, uint32_t remaining,
                                       int *level)
{
    const struct bla_step *best = NULL;
    if (!t || t->levels < 2)
        return NULL;
    const uint64_t q = s->m - t->base; /* wraps (and fails the count test) below base */
    double x = s->ext ? s->zx.re * s->zx.re + s->zx.im * s->zx.im : s->zr * s->zr + s->zi * s->zi;
    for (int l = 1; l < t->levels; l++) {
        const uint64_t j = q >> l;
        if ((q & ((UINT64_C(1) << l) - 1)) != 0 || j >= t->count[l] || (UINT64_C(1) << l) > remaining)
            break;
        const struct bla_step *st = &t->level[l][j];
        if (!(s->ext ? bla_valid_scaled(st, x, 2 * s->zx.e) : x < st->r2))
            break;
        best = st;
        *level = l;
    }
    return best;
}

/* Takes the skip st of 2^level steps: z -> A z + B c and, where D is not
 * NULL, D -> A D + B add (the derivative through the same linear map). Then
 * lands as a step does (rebase test). Returns |w|^2. */
static inline double bla_skip(const struct deep_engine *e, struct walk *s, const struct delta *dc,
                              const struct bla_step *st, int level, struct fec *D, const struct fec *add)
{
    const struct fec z = s->ext ? s->zx : fec_from_double(s->zr, s->zi);
    const struct fec nz = fec_add(fec_mul(st->a, z), fec_mul(st->b, dc->x));
    if (D)
        *D = fec_add(fec_mul(st->a, *D), fec_mul(st->b, *add));
    s->m += UINT64_C(1) << level;
    return land(e, s, nz);
}

/* The derivative step D -> 2 w D + add, w the current full value (D = dw/du):
 * in extended range Z_m + z (entry m < last is exact in doubles), else the
 * doubles (w is then at least 2^-400). */
static inline struct fec derivative_step(const struct walk *s, struct fec D, struct fec add)
{
    struct fec twice_w = s->ext ? fec_add(fec_from_double(s->o->re[s->m], s->o->im[s->m]), s->zx)
                                : fec_from_double(s->wr, s->wi);
    twice_w.e += 1;
    return fec_add(fec_mul(D, twice_w), add);
}

/* What run_double and run_rescaled stopped at. */
enum run_end {
    RUN_ESCAPED, /* |w|^2 > escape2 after step k (not counted in k) */
    RUN_OTHER,   /* k reached the limit, or the next step needs step_extended */
    RUN_SKIP     /* a level-1 skip is valid before the next step (bla_find) */
};

/* The steps of the count loop while everything stays in plain doubles (the
 * state in registers): exactly step's double path, from step *k up to limit.
 * Stops before a step that needs step_extended, before a step where a BLA
 * skip is valid (RUN_SKIP), after a rebase into extended range (that step
 * counted), or at an escape (then *w2 = |w|^2). */
static enum run_end run_double(const struct deep_engine *e, struct walk *s, const struct delta *dc, uint32_t *k,
                               uint32_t limit, double *w2_out)
{
    const struct deep_orbit *o = s->o;
    const double *Zre = o->re, *Zim = o->im;
    uint64_t last = o->last, m = s->m;
    double zr = s->zr, zi = s->zi, wr = s->wr, wi = s->wi;
    const double dcr = dc->re, dci = dc->im, escape2 = e->escape2;
    const uint32_t itermax = e->itermax;
    uint32_t n = *k;
    enum run_end end = RUN_OTHER;
    const struct bla_step *one;
    uint64_t count1, base;
    level_one(table_of(e, o), &one, &count1, &base);
    double cur2 = zr * zr + zi * zi; /* |z|^2, as bla_find computes it */
    while (n < limit && m + 1 < last) {
        const uint64_t q = m - base;
        if (!(q & 1) && (q >> 1) < count1 && itermax - n >= 2 && cur2 < one[q >> 1].r2) {
            end = RUN_SKIP;
            break;
        }
        const double Zr = Zre[m], Zi = Zim[m];
        const double nzr = 2.0 * (Zr * zr - Zi * zi) + (zr * zr - zi * zi) + dcr;
        const double nzi = 2.0 * (Zr * zi + Zi * zr) + 2.0 * (zr * zi) + dci;
        const double z2 = nzr * nzr + nzi * nzi;
        if (!(z2 >= DEEP_TINY2))
            break;
        m++;
        wr = Zre[m] + nzr;
        wi = Zim[m] + nzi;
        const double w2 = wr * wr + wi * wi;
        if (w2 < z2) {
            o = e->rebase;
            Zre = o->re;
            Zim = o->im;
            last = o->last;
            m = 0;
            zr = wr;
            zi = wi;
            cur2 = w2;
            level_one(table_of(e, o), &one, &count1, &base);
            if (w2 < DEEP_TINY2) {
                s->ext = 1;
                s->zx = fec_from_double(wr, wi);
                n++;
                break;
            }
        } else {
            zr = nzr;
            zi = nzi;
            cur2 = z2;
        }
        if (w2 > escape2) {
            *w2_out = w2;
            end = RUN_ESCAPED;
            break;
        }
        n++;
    }
    s->o = o;
    s->m = m;
    s->zr = zr;
    s->zi = zi;
    s->wr = wr;
    s->wi = wi;
    *k = n;
    return end;
}

/* The steps of the count loop while z stays below 2^-400, by rescaled
 * iterations: z = w 2^ks with w in plain doubles, so
 *   w -> 2 Z_m w + (w^2) 2^ks + c 2^-ks,
 * and ks moves (w renormalised) only when |w| leaves [2^-32, 2^32]. These are
 * step_extended's operations in the same order on mantissas scaled by powers
 * of two, so the values are the same (terms below 2^-64 of the sum drop out
 * in both). A step is taken only where it cannot end the orbit, rebase or
 * escape: m + 1 < last, an entry Z_{m+1} with a part >= 2^-398 (then
 * |Z + z| > |z|) and |Z_{m+1}|^2 <= escape2 (1 - 2^-40). Stops before a step that
 * would bring z to 2^-400 or above, or that it cannot take (step_extended
 * takes it), before a step where a BLA skip is valid (RUN_SKIP), or at limit.
 * The full value s->wr, s->wi is set on return. */
static enum run_end run_rescaled(const struct deep_engine *e, struct walk *s, const struct delta *dc, uint32_t *k,
                                 uint32_t limit)
{
    const struct deep_orbit *o = s->o;
    const double *Zre = o->re, *Zim = o->im;
    const uint64_t last = o->last;
    /* |Z|^2 <= escape_safe and |z| < 2^-399 keep |Z + z|^2, rounded, at most escape2 */
    const double escape_safe = e->escape2 > 0x1p-600 ? e->escape2 * (1.0 - 0x1p-40) : -1.0;
    const double near_tiny = 4 * DEEP_TINY;
    const uint32_t itermax = e->itermax;
    uint64_t m = s->m;
    uint32_t n = *k;
    int64_t ks = s->zx.e;
    double wr = s->zx.re, wi = s->zx.im;
    enum run_end end = RUN_OTHER;
    const struct bla_step *one;
    uint64_t count1, base;
    level_one(table_of(e, o), &one, &count1, &base);
    if (dc->x.e - ks > 900) /* c dominates z: step_extended brings z up to it */
        return RUN_OTHER;
    for (;;) {
        /* per scale: 2^ks for the square (0 where the square is far below the
         * sum's rounding), c 2^-ks, and the bound of |w| that keeps z below 2^-400 */
        const double sq_scale = ks >= -1022 ? fe_pow2(ks) : 0.0;
        const double dr = fe_scale(dc->x.re, dc->x.e - ks), di = fe_scale(dc->x.im, dc->x.e - ks);
        const int64_t fit_exp = DEEP_TINY_EXP - 1 - ks; /* |part of w| >= 2^fit_exp: z fits doubles */
        const int hi_fits = fit_exp <= 32; /* reaching hi means z fits doubles, else a rescale */
        const double hi = hi_fits ? fe_pow2(fit_exp) : 0x1p32, lo = 0x1p-32;
        int rescale = 0;
        while (n < limit && m + 1 < last) {
            const uint64_t q = m - base;
            if (!(q & 1) && (q >> 1) < count1 && itermax - n >= 2 &&
                bla_valid_scaled(&one[q >> 1], wr * wr + wi * wi, 2 * ks)) {
                end = RUN_SKIP;
                break;
            }
            const double nZr = Zre[m + 1], nZi = Zim[m + 1];
            if (!(fabs(nZr) >= near_tiny || fabs(nZi) >= near_tiny) || nZr * nZr + nZi * nZi > escape_safe)
                break;
            const double Zr = Zre[m], Zi = Zim[m];
            const double nwr = 2.0 * (Zr * wr - Zi * wi) + sq_scale * (wr * wr - wi * wi) + dr;
            const double nwi = 2.0 * (Zr * wi + Zi * wr) + sq_scale * (2.0 * (wr * wi)) + di;
            const double ar = fabs(nwr), ai = fabs(nwi), a = ar > ai ? ar : ai;
            if (!(a < hi && a >= lo)) {
                if (a >= hi && hi_fits)
                    break; /* z reaches the double range: step_extended takes this step */
                if (!(a > 0.0) || !isfinite(a))
                    break;
                rescale = 1;
            }
            wr = nwr;
            wi = nwi;
            m++;
            n++;
            if (rescale)
                break;
        }
        if (!rescale)
            break;
        struct fec z = fec_norm(wr, wi, ks);
        wr = z.re;
        wi = z.im;
        ks = z.e;
        if (dc->x.e - ks > 900)
            break;
    }
    s->m = m;
    s->zx = fec_norm(wr, wi, ks);
    double zr, zi;
    fec_to_double(s->zx, &zr, &zi);
    s->wr = Zre[m] + zr;
    s->wi = Zim[m] + zi;
    *k = n;
    return end;
}

/* Iterations between polls of the stop flag (a power of 2). */
#define POLL_EVERY 4096u

/* Count and channels of the sample at pixel-unit offsets (u, v). Returns 0,
 * or -1 when *stop was set. */
static int deep_sample(const struct deep_engine *e, double u, double v, uint32_t *count, float *smooth,
                       float *distance, const volatile int *stop)
{
    const struct fec zero = fec_norm(0.0, 0.0, 0);
    const struct fec offset = fec_norm(u * e->d.re, v * e->d.re, e->d.e); /* (u + i v) d */
    struct delta dc = {0.0, 0.0, zero};
    struct walk s = {.o = e->start, .m = 0, .ext = 1, .zx = zero};
    struct fec D, Dadd; /* the derivative and its step's constant term */
    if (e->julia) {
        /* z_0 = centre + offset: the delta from the centre's orbit, or, when
         * that orbit is a single (tiny) entry, the full value on the critical orbit */
        s.zx = offset;
        if (s.o->last == 0) {
            struct fec entry0 = s.o->tiny_end ? s.o->end : fec_from_double(s.o->re[0], s.o->im[0]);
            s.zx = fec_add(entry0, offset);
            s.o = e->rebase;
        }
        D = e->d;
        Dadd = zero;
    } else {
        dc.x = offset;
        fec_to_double(offset, &dc.re, &dc.im);
        D = zero;
        Dadd = e->d;
    }
    fec_to_double(fec_add(fec_from_double(s.o->re[0], s.o->im[0]), s.zx), &s.wr, &s.wi);
    if (fec_fits_double(s.zx)) {
        s.ext = 0;
        fec_to_double(s.zx, &s.zr, &s.zi);
    }
    const int with_derivative = distance != NULL;
    const uint32_t itermax = e->itermax;
    uint32_t k = 0;
    double w2 = 0.0;
    if (s.o->last == 0) /* itermax 0: no step to take */
        k = itermax;
    const int bla = e->use_bla;
    uint32_t poll_at = k;
    if (with_derivative) {
        /* step by step (or skip by skip), carrying D */
        while (k < itermax) {
            if (k >= poll_at) {
                if (stop && *stop)
                    return -1;
                poll_at = itermax - k > POLL_EVERY ? k + POLL_EVERY : itermax;
            }
            int level = 0;
            const struct bla_step *st = bla ? bla_find(table_of(e, s.o), &s, itermax - k, &level) : NULL;
            if (st) {
                w2 = bla_skip(e, &s, &dc, st, level, &D, &Dadd);
                k += (UINT32_C(1) << level) - 1;
            } else {
                D = derivative_step(&s, D, Dadd);
                w2 = step(e, &s, &dc);
            }
            if (w2 > e->escape2)
                break;
            k++;
        }
    } else {
        /* the same steps and skips, in runs of plain or rescaled doubles between the others */
        while (k < itermax) {
            if (k >= poll_at) {
                if (stop && *stop)
                    return -1;
                poll_at = itermax - k > POLL_EVERY ? k + POLL_EVERY : itermax;
            }
            if (!s.ext) {
                const enum run_end end = run_double(e, &s, &dc, &k, poll_at, &w2);
                if (end == RUN_ESCAPED)
                    break;
                if (k >= poll_at || (end == RUN_OTHER && s.ext))
                    continue;
            } else {
                run_rescaled(e, &s, &dc, &k, poll_at);
                if (k >= poll_at)
                    continue;
            }
            /* a skip, else a step that needs extended range (or ends the orbit) */
            int level = 0;
            const struct bla_step *st = bla ? bla_find(table_of(e, s.o), &s, itermax - k, &level) : NULL;
            if (st) {
                w2 = bla_skip(e, &s, &dc, st, level, NULL, NULL);
                k += (UINT32_C(1) << level) - 1;
            } else {
                w2 = step(e, &s, &dc);
            }
            if (w2 > e->escape2)
                break;
            k++;
        }
    }
    *count = k;
    if (!smooth && !distance)
        return 0;
    float sm = NAN, di = NAN;
    if (k < itermax) {
        /* follow the escaped orbit to |w| > radius, as channel_sample does */
        const uint64_t escaped_at = (uint64_t)k + 1;
        for (uint64_t j = escaped_at;; j++) {
            if (w2 > e->radius2) {
                if (isfinite(w2)) {
                    sm = (float)((double)j - log2(0.5 * log2(w2)));
                    double modulus = sqrt(w2);
                    double dmod = hypot(D.re, D.im);
                    int64_t scale = -D.e < -2200 ? -2200 : -D.e > 2200 ? 2200 : -D.e;
                    di = (float)ldexp(modulus * log(modulus) / dmod, (int)scale);
                }
                break;
            }
            if (j >= escaped_at + CHANNEL_EXTRA_STEPS_MAX || isnan(w2))
                break;
            if (with_derivative)
                D = derivative_step(&s, D, Dadd);
            w2 = step(e, &s, &dc);
        }
    }
    if (smooth)
        *smooth = sm;
    if (distance)
        *distance = di;
    return 0;
}

uint64_t deep_engine_row(const struct deep_engine *e, const double *u, double v, size_t n, uint32_t *counts,
                         float *smooth, float *distance, const volatile int *stop)
{
    uint64_t iterations = 0;
    for (size_t i = 0; i < n; i++) {
        if (stop && *stop)
            return iterations;
        if (deep_sample(e, u[i], v, &counts[i], smooth ? &smooth[i] : NULL, distance ? &distance[i] : NULL,
                        stop))
            return iterations;
        iterations += counts[i];
    }
    return iterations;
}
