/* floatexp.h - extended-exponent complex numbers (double mantissas, one shared 64-bit exponent) for deltas below 1e-300. */
#ifndef MPIFRACTAL_DEEP_FLOATEXP_H
#define MPIFRACTAL_DEEP_FLOATEXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The complex number (re + i im) 2^e. Normalised: max(|re|, |im|) in [0.5, 1),
 * or re = im = 0 with e = FEC_ZERO_EXP. Both parts share the exponent, so the
 * smaller part is kept to 53 bits relative to the larger one, as in double
 * complex arithmetic; the exponent range is practically unlimited. All
 * operations are plain double operations on the mantissas (no fused
 * multiply-add, the build has -ffp-contract=off) and exact scalings by powers
 * of two: results are the same on every machine. */
struct fec {
    double re, im;
    int64_t e;
};

#define FEC_ZERO_EXP (-((int64_t)1 << 40))

/* 2^k for k in [-1022, 1023] (a normal double, built from its bits). */
static inline double fe_pow2(int64_t k)
{
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* x 2^k for |x| < 2 and any k: 0 below the subnormals, infinity above
 * DBL_MAX. Without library calls for every k below 1024 (results in the
 * subnormal range may round twice). */
static inline double fe_scale(double x, int64_t k)
{
    if (k >= -1022 && k <= 1023)
        return x * fe_pow2(k);
    if (k < -1076) /* |x 2^k| < 2^-1075: rounds to 0 */
        return 0.0 * x;
    if (k < -1022)
        return x * fe_pow2(k + 64) * fe_pow2(-64);
    return ldexp(x, k > 2200 ? 2200 : (int)k);
}

/* The normalised form of (re + i im) 2^e. Infinite or NaN parts are kept as
 * they are (they only arise from overflowed doubles and propagate). */
static inline struct fec fec_norm(double re, double im, int64_t e)
{
    struct fec r;
    double ar = fabs(re), ai = fabs(im);
    double a = ar > ai ? ar : ai;
    if (!(a > 0.0) || !(a <= 1.79769313486231570815e308)) {
        r.re = re;
        r.im = im;
        r.e = a == 0.0 ? FEC_ZERO_EXP : e;
        if (a == 0.0)
            r.re = r.im = 0.0;
        return r;
    }
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int64_t biased = (int64_t)(bits >> 52);
    int64_t k;
    if (biased == 0) { /* subnormal */
        int kk;
        (void)frexp(a, &kk);
        k = kk;
    } else {
        k = biased - 1022; /* a 2^-k in [0.5, 1) */
    }
    r.re = fe_scale(re, -k);
    r.im = fe_scale(im, -k);
    r.e = e + k;
    return r;
}

static inline struct fec fec_from_double(double re, double im)
{
    return fec_norm(re, im, 0);
}

static inline int fec_is_zero(struct fec a)
{
    return a.re == 0.0 && a.im == 0.0;
}

/* The value rounded to doubles (0 below the subnormals). */
static inline void fec_to_double(struct fec a, double *re, double *im)
{
    *re = fe_scale(a.re, a.e);
    *im = fe_scale(a.im, a.e);
}

/* a + b. A term below 2^-64 of the other (relative to the larger part) is
 * dropped: it is far below the sum's rounding. */
static inline struct fec fec_add(struct fec a, struct fec b)
{
    if (a.e < b.e) {
        struct fec t = a;
        a = b;
        b = t;
    }
    int64_t s = b.e - a.e;
    if (s < -64)
        return a;
    double f = fe_pow2(s);
    return fec_norm(a.re + b.re * f, a.im + b.im * f, a.e);
}

/* a b. */
static inline struct fec fec_mul(struct fec a, struct fec b)
{
    return fec_norm(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re, a.e + b.e);
}

/* a (xr + i xi) for a double complex x (|x| below ~1e300). */
static inline struct fec fec_mul_double(struct fec a, double xr, double xi)
{
    return fec_norm(a.re * xr - a.im * xi, a.re * xi + a.im * xr, a.e);
}

/* a^2. */
static inline struct fec fec_sqr(struct fec a)
{
    double ri = a.re * a.im;
    return fec_norm(a.re * a.re - a.im * a.im, ri + ri, a.e + a.e);
}

/* 1 if |a| < |b|. */
static inline int fec_less(struct fec a, struct fec b)
{
    double na = a.re * a.re + a.im * a.im, nb = b.re * b.re + b.im * b.im;
    if (nb == 0.0)
        return 0;
    if (na == 0.0)
        return 1;
    int64_t d = a.e - b.e; /* na, nb in [0.25, 2) */
    if (d >= 2)
        return 0;
    if (d <= -2)
        return 1;
    return na * fe_pow2(2 * d) < nb;
}

/* |a|^2 as a double (0 below the subnormals, infinity above DBL_MAX). */
static inline double fec_norm2_double(struct fec a)
{
    return fe_scale(a.re * a.re + a.im * a.im, 2 * a.e);
}

/* 1 if max(|Re a|, |Im a|) >= 2^-400 (DEEP_TINY_EXP), i.e. a is safely
 * inside the double range together with its square. */
#define DEEP_TINY_EXP (-400)
static inline int fec_fits_double(struct fec a)
{
    return a.e > DEEP_TINY_EXP;
}

#endif
