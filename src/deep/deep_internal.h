/* deep_internal.h - what the files of src/deep/ share: the reference's layout, the view in MPFR (not public). */
#ifndef MPIFRACTAL_DEEP_INTERNAL_H
#define MPIFRACTAL_DEEP_INTERNAL_H

#include <mpfr.h>
#include <stddef.h>
#include <stdint.h>

#include "deep.h"
#include "floatexp.h"

/* Orbit entries (other than entry 0) with both parts below 2^-400 end the
 * orbit: such an entry is kept in extended range (tiny_end, end) and samples
 * rebase there, so no interior entry is too small for a double. Deltas below
 * the same bound are kept in extended range. */
#define DEEP_TINY 0x1p-400
#define DEEP_TINY2 0x1p-800

/* One reference orbit: entries 0..last as doubles (struct of arrays). When
 * tiny_end is set, entry last is too small for a double and its value is end
 * (the doubles hold it rounded). */
struct deep_orbit {
    double *re, *im;
    uint64_t last;
    int tiny_end;
    struct fec end;
};

/* The reference: Mandelbrot: orbit[0] from Z_0 = 0 at the centre (norbits 1).
 * Julia: orbit[0] from Z_0 = the centre, orbit[1] the critical orbit from 0
 * (norbits 2). */
struct deep_reference {
    enum fractal_kind fractal;
    double c_re, c_im;    /* Julia constant (0 for the Mandelbrot set) */
    double stop_radius;   /* orbits stop after |Z| > stop_radius */
    uint32_t itermax;     /* orbits hold at most itermax + 1 entries */
    long precision;       /* bits */
    char *center_re, *center_im;
    int norbits;
    struct deep_orbit orbit[2];
};

/* The radius reference orbits are followed to for a location. */
double deep_stop_radius(const struct deep_location *loc);

/* 1 if s is a decimal number: [+-]digits[.digits][(e|E)[+-]digits], at least
 * one digit in the mantissa, at most 9 exponent digits, no spaces. */
int deep_decimal_valid(const char *s);

/* Sets x (already initialised, with its precision) to the decimal s rounded
 * to nearest. s must be valid (deep_decimal_valid). */
void deep_decimal_to_mpfr(mpfr_t x, const char *s);

/* The spacing d = 4 / (Z (H - 1)) of a checked location as a real floatexp
 * (53-bit mantissa). */
struct fec deep_spacing(const struct deep_location *loc);

/* The extended-range value of (re, im) (MPFR numbers, rounded to 53 bits). */
struct fec deep_fec_from_mpfr(const mpfr_t re, const mpfr_t im);

/* ---- bilinear approximation (bla.c) ----------------------------------------
 * A skip of 2^l steps from reference index m: z_{m + 2^l} = A z_m + B c,
 * valid while |z_m| < R (Fraktaler-3's model and radii; see bla.c). */
struct bla_step {
    struct fec a, b; /* A and B (B = 0 for Julia sets: no c term) */
    double r2;       /* R^2 rounded to a double (0 below the double range) */
    double r2m;      /* R^2 = r2m 2^r2e exactly, r2m in [0.5, 1) (0 when R = 0) */
    int64_t r2e;
};

#define BLA_LEVELS_MAX 64

/* The skips along one orbit: level l (1 <= l < levels) holds count[l] skips
 * of 2^l steps, skip j starting at index base + j 2^l. No skip passes an
 * entry whose full value could escape; a skip may end on the orbit's last
 * entry (the walk then rebases, as after a step). */
struct bla_table {
    uint64_t base;                          /* 1 for orbits from Z_0 = 0, else 0 */
    int levels;                             /* 0: no skips */
    uint64_t count[BLA_LEVELS_MAX];
    struct bla_step *level[BLA_LEVELS_MAX]; /* level[0] is NULL (a single step is a plain step) */
};

/* Builds t for orbit o: c_max is the largest |c| of the view's samples (real,
 * ignored when with_c is 0: Julia sets), escape2 the squared escape radius.
 * Returns 0, or -1 when out of memory (t then has no levels). */
int bla_table_build(struct bla_table *t, const struct deep_orbit *o, struct fec c_max, int with_c, double escape2);

/* Frees t's levels (t itself is the caller's). */
void bla_table_free(struct bla_table *t);

/* 1 if |z|^2 < R^2 for the skip s, z given as x 2^xe with x = |z|^2 scaled
 * (any normal double): the exact comparison of the two values, whatever the
 * scaling of x. */
static inline int bla_valid_scaled(const struct bla_step *s, double x, int64_t xe)
{
    if (!(s->r2m > 0.0))
        return 0;
    int64_t d = s->r2e - xe; /* compare x with r2m 2^d */
    if (d > 300)
        return 1;
    if (d < -300)
        return 0;
    return x < s->r2m * fe_pow2(d);
}

#endif
