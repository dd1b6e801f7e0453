/* kernel_avx2.c - the escape-time kernel on AVX2 vectors of 4 doubles. */
#include "kernel_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2")))
#define INLINE static inline __attribute__((always_inline))

enum {
    W = 4,     /* lanes per vector */
    BLOCK = 4  /* steps between escape tests */
};

/* Independent vectors in flight, to hide the latency of a step; FOR_V expands
 * M once per vector. The state lives in plain local variables named by vector
 * (re0, re1, ...) so that it stays in registers as far as 16 allow. */
#ifndef KERNEL_AVX2_NV
#define KERNEL_AVX2_NV 3
#endif
#if KERNEL_AVX2_NV == 3
#define FOR_V(M) M(0) M(1) M(2)
#elif KERNEL_AVX2_NV == 4
#define FOR_V(M) M(0) M(1) M(2) M(3)
#elif KERNEL_AVX2_NV == 5
#define FOR_V(M) M(0) M(1) M(2) M(3) M(4)
#else
#define FOR_V(M) M(0) M(1) M(2) M(3) M(4) M(5)
#endif

/* How it works: as in kernel_avx512.c (see there), with lane masks held as
 * vectors (all ones = lane selected) and as bit masks from movemask. */

/* Lane bit mask of a vector mask. */
#define BITS(m) ((unsigned)_mm256_movemask_pd(m))

/* The state of vector v: z and its squares, c_re, z before the block, the
 * periodicity reference, lanes still iterating (vector mask), lanes waiting
 * for a replay, sample index of lane 0, steps done, step count of the next
 * reference; and the buffers of the lanes waiting for a replay: z before, and
 * steps done before (as a double, exact), their last block. */
#define DECLARE(v)                                                                        \
    __m256d re##v = zero, im##v = zero, re2##v = zero, im2##v = zero, cr##v = zero;       \
    __m256d sre##v = zero, sim##v = zero, pre##v = zero, pim##v = zero, act##v = zero;    \
    unsigned pend##v = 0;                                                                 \
    size_t base##v = 0;                                                                   \
    uint64_t k##v = 0, save##v = KERNEL_PERIOD_FIRST;                                     \
    double bre##v[W] = {0}, bim##v[W] = {0}, bk##v[W] = {0};

/* Gives vector v the next samples of the row that need iterating (samples
 * inside the cardioid or bulb get itermax at once), or makes it idle. */
#define REFILL(v)                                                                         \
    for (;;) {                                                                            \
        if (next >= n) {                                                                  \
            act##v = zero;                                                                \
            break;                                                                        \
        }                                                                                 \
        size_t left_ = n - next;                                                          \
        __m256d valid_ = _mm256_castsi256_pd(                                             \
            _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(left_ >= W ? W : left_)),   \
                               lane_index));                                              \
        base##v = next;                                                                   \
        next += left_ >= W ? W : left_;                                                   \
        __m256d xv_ = _mm256_maskload_pd(x + base##v, _mm256_castpd_si256(valid_));       \
        if (interior) {                                                                   \
            __m256d in_ = _mm256_and_pd(in_main_bulbs(xv_, vy), valid_);                  \
            if (BITS(in_)) {                                                              \
                for (unsigned bits_ = BITS(in_); bits_; bits_ &= bits_ - 1)               \
                    counts[base##v + (unsigned)__builtin_ctz(bits_)] = itermax;           \
                valid_ = _mm256_andnot_pd(in_, valid_);                                   \
                if (!BITS(valid_))                                                        \
                    continue;                                                             \
            }                                                                             \
        }                                                                                 \
        if (julia) {                                                                      \
            re##v = xv_;                                                                  \
            im##v = vy;                                                                   \
            re2##v = _mm256_mul_pd(xv_, xv_);                                             \
            im2##v = _mm256_mul_pd(vy, vy);                                               \
            cr##v = vcr;                                                                  \
        } else {                                                                          \
            re##v = im##v = re2##v = im2##v = zero;                                       \
            cr##v = xv_;                                                                  \
        }                                                                                 \
        pre##v = re##v;                                                                   \
        pim##v = im##v;                                                                   \
        k##v = 0;                                                                         \
        save##v = KERNEL_PERIOD_FIRST;                                                    \
        act##v = valid_;                                                                  \
        break;                                                                            \
    }

/* One step of vector v; the exact test (if exact) after it goes to cand##v.
 * re*im*2 is exactly re*im + re*im (doubling is exact). */
#define STEP(v)                                                                           \
    {                                                                                     \
        __m256d reim2_ = _mm256_mul_pd(_mm256_mul_pd(re##v, im##v), two);                 \
        re##v = _mm256_add_pd(_mm256_sub_pd(re2##v, im2##v), julia ? vcr : cr##v);        \
        im##v = _mm256_add_pd(reim2_, vci);                                               \
        re2##v = _mm256_mul_pd(re##v, re##v);                                             \
        im2##v = _mm256_mul_pd(im##v, im##v);                                             \
        if (exact)                                                                        \
            cand##v = _mm256_or_pd(cand##v,                                               \
                                   _mm256_cmp_pd(_mm256_add_pd(re2##v, im2##v), vesc2,    \
                                                 _CMP_GT_OQ));                            \
    }

/* Starts a block: keeps z, clears the escape candidates. */
#define BEGIN(v)                                                                          \
    __m256d cand##v = zero;                                                               \
    sre##v = re##v;                                                                       \
    sim##v = im##v;

/* Ends a block for vector v (see kernel_avx512.c). */
#define FINISH(v)                                                                         \
    {                                                                                     \
        double k0_ = (double)k##v;                                                        \
        k##v += BLOCK;                                                                    \
        if (!exact)                                                                       \
            cand##v = _mm256_cmp_pd(_mm256_add_pd(re2##v, im2##v), vloose, _CMP_NLT_UQ);  \
        cand##v = _mm256_and_pd(cand##v, act##v);                                         \
        /* blend, not vmaskmovpd, which is slow on AMD */                                 \
        _mm256_storeu_pd(bre##v, _mm256_blendv_pd(_mm256_loadu_pd(bre##v), sre##v, cand##v)); \
        _mm256_storeu_pd(bim##v, _mm256_blendv_pd(_mm256_loadu_pd(bim##v), sim##v, cand##v)); \
        _mm256_storeu_pd(bk##v, _mm256_blendv_pd(_mm256_loadu_pd(bk##v), _mm256_set1_pd(k0_), \
                                                 cand##v));                               \
        act##v = _mm256_andnot_pd(cand##v, act##v);                                       \
        pend##v |= BITS(cand##v);                                                         \
        if (k##v >= itermax) {                                                            \
            for (unsigned bits_ = BITS(act##v); bits_; bits_ &= bits_ - 1)                \
                counts[base##v + (unsigned)__builtin_ctz(bits_)] = itermax;               \
            act##v = zero;                                                                \
        } else if (periodic && (k##v & 15) == 0) {                                        \
            __m256d eq_ = _mm256_and_pd(_mm256_cmp_pd(re##v, pre##v, _CMP_EQ_OQ),         \
                                        _mm256_cmp_pd(im##v, pim##v, _CMP_EQ_OQ));        \
            eq_ = _mm256_and_pd(eq_, act##v);                                             \
            if (BITS(eq_)) {                                                              \
                for (unsigned bits_ = BITS(eq_); bits_; bits_ &= bits_ - 1)               \
                    counts[base##v + (unsigned)__builtin_ctz(bits_)] = itermax;           \
                act##v = _mm256_andnot_pd(eq_, act##v);                                   \
            }                                                                             \
            if (k##v >= save##v) {                                                        \
                pre##v = re##v;                                                           \
                pim##v = im##v;                                                           \
                save##v *= 2;                                                             \
            }                                                                             \
        }                                                                                 \
        if (!BITS(act##v)) {                                                              \
            if (pend##v)                                                                  \
                replay(spec, counts + base##v, pend##v, bre##v, bim##v, bk##v, cr##v,     \
                       vci, periodic);                                                    \
            pend##v = 0;                                                                  \
            REFILL(v)                                                                     \
        }                                                                                 \
    }

#define ACT_OR(v) | BITS(act##v)

/* Lanes of c = (xv, vy) certainly inside the main cardioid or the period-2
 * bulb: kernel_in_main_bulbs, with the same operations in the same order. */
INLINE TARGET __m256d in_main_bulbs(__m256d xv, __m256d vy)
{
    __m256d y2 = _mm256_mul_pd(vy, vy);
    __m256d xm = _mm256_sub_pd(xv, _mm256_set1_pd(0.25));
    __m256d q = _mm256_add_pd(_mm256_mul_pd(xm, xm), y2);
    __m256d lhs = _mm256_mul_pd(q, _mm256_add_pd(q, xm));
    __m256d rhs = _mm256_sub_pd(_mm256_mul_pd(_mm256_set1_pd(0.25), y2),
                                _mm256_set1_pd(KERNEL_INTERIOR_MARGIN));
    __m256d in = _mm256_cmp_pd(lhs, rhs, _CMP_LT_OQ);
    __m256d xp = _mm256_add_pd(xv, _mm256_set1_pd(1.0));
    __m256d d2 = _mm256_add_pd(_mm256_mul_pd(xp, xp), y2);
    return _mm256_or_pd(in, _mm256_cmp_pd(d2, _mm256_set1_pd(0.0625 - KERNEL_INTERIOR_MARGIN),
                                          _CMP_LT_OQ));
}

/* Replays the last block of the lanes in pend (z before it in bre, bim, steps
 * done before it in bk, c = (cr, ci)) with a test after each step, and stores
 * their exact counts at out[lane]. */
INLINE TARGET void replay(const struct kernel_spec *spec, uint32_t *out, unsigned pend,
                          const double *bre, const double *bim, const double *bk,
                          __m256d cr, __m256d ci, int periodic)
{
    const __m256d vesc2 = _mm256_set1_pd(spec->escape2);
    __m256d re = _mm256_loadu_pd(bre), im = _mm256_loadu_pd(bim);
    unsigned e[BLOCK];
    for (int s = 0; s < BLOCK; s++) {
        __m256d re2 = _mm256_mul_pd(re, re), im2 = _mm256_mul_pd(im, im);
        __m256d reim = _mm256_mul_pd(re, im);
        re = _mm256_add_pd(_mm256_sub_pd(re2, im2), cr);
        im = _mm256_add_pd(_mm256_add_pd(reim, reim), ci);
        __m256d mag = _mm256_add_pd(_mm256_mul_pd(re, re), _mm256_mul_pd(im, im));
        e[s] = BITS(_mm256_cmp_pd(mag, vesc2, _CMP_GT_OQ));
    }
    double c_re[W], c_im[W];
    _mm256_storeu_pd(c_re, cr);
    _mm256_storeu_pd(c_im, ci);
    for (unsigned bits = pend; bits; bits &= bits - 1) {
        unsigned j = (unsigned)__builtin_ctz(bits);
        uint32_t k0 = (uint32_t)bk[j];
        int s = 0;
        while (s < BLOCK && !(e[s] >> j & 1u))
            s++;
        if (s < BLOCK)
            out[j] = (uint64_t)k0 + (unsigned)s < spec->itermax ? k0 + (unsigned)s
                                                                : spec->itermax;
        else /* the loose test's rare false alarm: finish alone */
            out[j] = kernel_orbit(bre[j], bim[j], c_re[j], c_im[j], spec->escape2, k0,
                                  spec->itermax, periodic);
    }
}

/* kernel_row_avx2 for one fractal kind and test mode (julia and exact are
 * constants after inlining). */
INLINE TARGET void row(const struct kernel_spec *spec, const double *x, double y, size_t n,
                       uint32_t *counts, const int julia, const int exact)
{
    const uint32_t itermax = spec->itermax;
    const int interior = !julia && spec->interior_check;
    const int periodic = spec->periodicity_check;
    const __m256d vy = _mm256_set1_pd(y);
    const __m256d vcr = _mm256_set1_pd(spec->c_re);
    const __m256d vci = _mm256_set1_pd(julia ? spec->c_im : y);
    const __m256d vesc2 = _mm256_set1_pd(spec->escape2);
    const __m256d vloose = _mm256_set1_pd(spec->escape2 * KERNEL_LOOSE_FACTOR);
    const __m256d two = _mm256_set1_pd(2.0);
    const __m256d zero = _mm256_setzero_pd();
    const __m256i lane_index = _mm256_setr_epi64x(0, 1, 2, 3);
    size_t next = 0;
    (void)vesc2;
    (void)vloose;

    FOR_V(DECLARE)
    FOR_V(REFILL)
    while ((0 FOR_V(ACT_OR)) != 0) {
        FOR_V(BEGIN)
        for (int s = 0; s < BLOCK; s++) {
            FOR_V(STEP)
        }
        FOR_V(FINISH)
    }
}

TARGET void kernel_row_avx2(const struct kernel_spec *spec, const double *x, double y,
                            size_t n, uint32_t *counts)
{
    int sticks = kernel_escape_sticks(spec);
    if (spec->itermax == 0) {
        for (size_t i = 0; i < n; i++)
            counts[i] = 0;
    } else if (spec->fractal == FRACTAL_JULIA) {
        if (sticks)
            row(spec, x, y, n, counts, 1, 0);
        else
            row(spec, x, y, n, counts, 1, 1);
    } else {
        if (sticks)
            row(spec, x, y, n, counts, 0, 0);
        else
            row(spec, x, y, n, counts, 0, 1);
    }
}

#else /* not x86-64 with GCC-style intrinsics: never selected by kernel_path_supported */

void kernel_row_avx2(const struct kernel_spec *spec, const double *x, double y, size_t n,
                     uint32_t *counts)
{
    (void)spec, (void)x, (void)y, (void)n, (void)counts;
}

#endif
