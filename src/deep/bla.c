/* bla.c - bilinear approximation tables: skips of 2^l perturbation steps along a reference orbit. */
#include "deep_internal.h"

#include <math.h>
#include <stdlib.h>

/* The model (Fraktaler-3 README and src/bla.cc, after Zhuoran): a step
 * z -> 2 Z_m z + z^2 + c is linear, z -> A z + B c with A = 2 Z_m and B = 1
 * (B = 0 for Julia sets), while |z| < R = max(0, eps |A| - |B| |c| / |A|),
 * |c| the largest delta of the view. Skip x then skip y merge into
 * A = A_y A_x, B = A_y B_x + B_y, R = max(0, min(R_x, (R_y - |B_x| |c|) / |A_x|)).
 * eps bounds the neglected z^2 relative to the linear term, per step.
 * Fraktaler-3 takes 2^-24; here it is the rounding of a double, 2^-53, so
 * that a skip errs no more than the steps it replaces: near Julia sets an
 * error of 2^-40 per step already changes 0.7% of the counts (c = -0.8 +
 * 0.156i at 1e100), and deep views lose little (z starts near 1e-300). */
#define BLA_EPS 0x1p-53

/* Loops of fewer entries run on one thread (starting threads costs more). */
#define BLA_THREADED(n) ((n) >= 65536)

/* Real floatexp helpers (struct fec with im = 0, re >= 0 for magnitudes). */
static struct fec real_abs(struct fec a)
{
    return fec_norm(sqrt(a.re * a.re + a.im * a.im), 0.0, a.e);
}

static struct fec real_sub(struct fec a, struct fec b)
{
    b.re = -b.re;
    return fec_add(a, b);
}

static struct fec real_div(struct fec a, struct fec b)
{
    return fec_norm(a.re / b.re, 0.0, a.e - b.e);
}

/* max(0, x) */
static struct fec real_positive(struct fec x)
{
    return x.re > 0.0 ? x : fec_norm(0.0, 0.0, 0);
}

static void set_radius(struct bla_step *s, struct fec r)
{
    struct fec r2 = fec_mul(r, r);
    if (!(r2.re > 0.0)) {
        s->r2 = s->r2m = 0.0;
        s->r2e = 0;
        return;
    }
    s->r2m = r2.re;
    s->r2e = r2.e;
    s->r2 = fe_scale(r2.re, r2.e);
}

static struct fec radius(const struct bla_step *s)
{
    if (!(s->r2m > 0.0))
        return fec_norm(0.0, 0.0, 0);
    struct fec r2 = {s->r2m, 0.0, s->r2e};
    if (r2.e & 1) { /* sqrt of m 2^e with e odd: (2m) 2^(e-1) */
        r2.re *= 2.0;
        r2.e -= 1;
    }
    return fec_norm(sqrt(r2.re), 0.0, r2.e / 2);
}

/* Skip x (first) then y, of |c| = c_max. */
static struct bla_step merge(const struct bla_step *x, const struct bla_step *y, struct fec c_max)
{
    struct bla_step s;
    s.a = fec_mul(y->a, x->a);
    s.b = fec_add(fec_mul(y->a, x->b), y->b);
    struct fec ax = real_abs(x->a), rx = radius(x);
    struct fec r = fec_norm(0.0, 0.0, 0);
    if (!fec_is_zero(ax) && !fec_is_zero(rx)) {
        struct fec through = real_positive(real_div(real_sub(radius(y), fec_mul(real_abs(x->b), c_max)), ax));
        r = fec_less(through, rx) ? through : rx;
    }
    set_radius(&s, r);
    return s;
}

/* The single step at index m: A = 2 Z_m, B = 1 (0 without c), R as above,
 * or R = 0 where Z_m = 0 or its full value could escape inside a skip. */
static struct bla_step single_step(const struct deep_orbit *o, uint64_t m, struct fec c_max, int with_c,
                                   double escape_safe)
{
    const double Zr = o->re[m], Zi = o->im[m];
    struct bla_step s;
    s.a = fec_from_double(2.0 * Zr, 2.0 * Zi);
    s.b = with_c ? fec_from_double(1.0, 0.0) : fec_norm(0.0, 0.0, 0);
    struct fec r = fec_norm(0.0, 0.0, 0);
    if (!fec_is_zero(s.a) && Zr * Zr + Zi * Zi <= escape_safe) {
        const struct fec abs_a = real_abs(s.a);
        r = fec_mul(fec_from_double(BLA_EPS, 0.0), abs_a);
        if (with_c)
            r = real_positive(real_sub(r, real_div(c_max, abs_a)));
    }
    set_radius(&s, r);
    return s;
}

int bla_table_build(struct bla_table *t, const struct deep_orbit *o, struct fec c_max, int with_c, double escape2)
{
    *t = (struct bla_table){0};
    t->base = o->re[0] == 0.0 && o->im[0] == 0.0 ? 1 : 0;
    /* single steps from m = base .. last - 1 (a skip may land on the orbit's
     * end, where the walk rebases as after a step); level 1 merges them as
     * they are made (no table of single steps) */
    if (o->last < t->base + 2)
        return 0;
    const uint64_t singles = o->last - t->base;
    const double escape_safe = escape2 * (1.0 - 0x1p-20);
    const struct bla_step *below = NULL;
    uint64_t below_count = singles;
    for (int l = 1; l < BLA_LEVELS_MAX && below_count >= 2; l++) {
        const uint64_t n = below_count / 2;
        struct bla_step *level = malloc(n * sizeof *level);
        if (!level) {
            bla_table_free(t);
            return -1;
        }
        if (l == 1) {
#pragma omp parallel for schedule(static) if (BLA_THREADED(n))
            for (uint64_t j = 0; j < n; j++) {
                const struct bla_step x = single_step(o, t->base + 2 * j, c_max, with_c, escape_safe);
                const struct bla_step y = single_step(o, t->base + 2 * j + 1, c_max, with_c, escape_safe);
                level[j] = merge(&x, &y, c_max);
            }
        } else {
#pragma omp parallel for schedule(static) if (BLA_THREADED(n))
            for (uint64_t j = 0; j < n; j++)
                level[j] = merge(&below[2 * j], &below[2 * j + 1], c_max);
        }
        t->level[l] = level;
        t->count[l] = n;
        t->levels = l + 1;
        below = level;
        below_count = n;
    }
    return 0;
}

void bla_table_free(struct bla_table *t)
{
    for (int l = 1; l < BLA_LEVELS_MAX; l++) {
        free(t->level[l]);
        t->level[l] = NULL;
        t->count[l] = 0;
    }
    t->levels = 0;
}
