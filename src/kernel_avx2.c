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

/* row_avx2 for one fractal kind and test mode (julia and exact are
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

    unsigned blocks_to_poll = KERNEL_POLL_BLOCKS;
    FOR_V(DECLARE)
    FOR_V(REFILL)
    while ((0 FOR_V(ACT_OR)) != 0) {
        FOR_V(BEGIN)
        for (int s = 0; s < BLOCK; s++) {
            FOR_V(STEP)
        }
        FOR_V(FINISH)
        if (--blocks_to_poll == 0) {
            blocks_to_poll = KERNEL_POLL_BLOCKS;
            if (stop_requested())
                return; /* the row is given up */
        }
    }
}

/* kernel_rows_avx2 for one row: the path of every fractal, threshold and
 * itermax, and of the rows that do not fill a Julia group. Aligned to 64
 * bytes (and kept out of line) because the speed of row's loops depends on
 * where they fall: the Mandelbrot view took 0.54 s at one address and
 * 0.74 s at another, 16 bytes off, with the same instructions. */
static TARGET __attribute__((noinline, aligned(64))) void
row_avx2(const struct kernel_spec *spec, const double *x, double y, size_t n, uint32_t *counts)
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

/* ---- Julia sets, lockstep groups of rows, loose test ----------------------
 *
 * The counterpart of kernel_avx512.c's julia_lockstep (see there), with the
 * same counts as row(..., julia = 1, exact = 0). A group is GROUP_ROWS
 * vectors, each on one of GROUP_ROWS consecutive rows at the same 4 columns,
 * run in lockstep until none has a lane still iterating. With 16 registers,
 * what limits the vectors in flight is their state: keeping only z (re, im)
 * and recomputing re*re and im*im for the loose test after a block leaves
 * room for six vectors (12 registers, c and temporaries in the rest), and a
 * step's ~9-cycle latency needs about five 4-lane vectors to keep the two
 * multiply and two add pipes busy (~1.75 cycles a vector-step). Measured on
 * the seed Julia, one core, G iterations/s with kernel_avx512.c's doubling
 * (see STEP): 6 rows x 4 columns 2.82, 3 x 4 (z and its squares kept) 2.32,
 * 3 x 8 2.75, 2 x 12 2.65, 1 x 24 2.68, 6 x 8 (12 vectors, spilled) 2.56;
 * keeping the squares of 6 x 4 across blocks, or blocks of 8 steps, no
 * faster. 6 x 4 with the doubling below: 2.96 (0.173 s); the row path: 1.47
 * (0.350 s).
 *
 * z before each block goes to a ring indexed by block (plain stores, no
 * loads or blends in the loop: vmaskmovpd is slow on AMD, and a blend per
 * block of the lanes still iterating, as kernel_avx512.c's masked stores do,
 * costs a load and a blend more for each of z's 12 vectors); a lane's
 * blocks are counted (cnt -= act), so after the group each lane that left
 * gathers z before its last block from the ring and replays that block. */

enum { GROUP_ROWS = KERNEL_ROWS_PREFERRED }; /* vectors (rows) of a group */

/* Blocks a group may run: the ring's length. */
enum { RING = (KERNEL_LOCKSTEP_MAX_ITER + BLOCK - 1) / BLOCK };

/* kernel_rows_avx2's contract for rows a multiple of GROUP_ROWS and a spec
 * for which kernel_groups_rows holds. */
static TARGET void julia_lockstep(const struct kernel_spec *spec, const double *x,
                                  const double *y, size_t rows, size_t n, uint32_t *counts,
                                  size_t stride)
{
    const uint32_t itermax = spec->itermax;
    const int periodic = spec->periodicity_check;
    const __m256d vcr = _mm256_set1_pd(spec->c_re), vci = _mm256_set1_pd(spec->c_im);
    const __m256d vloose = _mm256_set1_pd(spec->escape2 * KERNEL_LOOSE_FACTOR);
    const __m256d vesc2 = _mm256_set1_pd(spec->escape2);
    const __m128i vitermax = _mm_set1_epi32((int)itermax);
    const __m256i lane_index = _mm256_setr_epi64x(0, 1, 2, 3);
    const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    /* z before each block, by block, vector and lane */
    double ring_re[RING][GROUP_ROWS][W] __attribute__((aligned(32)));
    double ring_im[RING][GROUP_ROWS][W] __attribute__((aligned(32)));
    /* periodicity references: the group's own once have_reference (zeroed: never undefined) */
    double pre[GROUP_ROWS][W] __attribute__((aligned(32))) = {{0}};
    double pim[GROUP_ROWS][W] __attribute__((aligned(32))) = {{0}};

    for (size_t row0 = 0; row0 < rows; row0 += GROUP_ROWS) {
        uint32_t *out[GROUP_ROWS];
        __m256d vy[GROUP_ROWS];
        for (int v = 0; v < GROUP_ROWS; v++) {
            out[v] = counts + (row0 + (size_t)v) * stride;
            vy[v] = _mm256_set1_pd(y[row0 + (size_t)v]);
        }
        for (size_t base = 0; base < n; base += W) {
            const size_t cols = n - base >= W ? W : n - base;
            double xpad[W] = {0};
            const double *xs = x + base;
            if (cols < W) {
                for (size_t i = 0; i < cols; i++)
                    xpad[i] = x[base + i];
                xs = xpad;
            }
            const __m256d xv = _mm256_loadu_pd(xs);
            const __m256i valid =
                _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)cols), lane_index);
            /* vector masks (all ones: selected) of lanes still iterating and
             * of lanes stopped by a repeat of z; blocks run while iterating */
            __m256d re[GROUP_ROWS], im[GROUP_ROWS];
            __m256i act[GROUP_ROWS], per[GROUP_ROWS], cnt[GROUP_ROWS];
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                re[v] = xv;
                im[v] = vy[v];
                act[v] = valid;
                per[v] = cnt[v] = _mm256_setzero_si256();
            }
            uint32_t k = 0, save = KERNEL_GROUP_PERIOD_FROM;
            int have_reference = 0; /* pre, pim hold this group's z */
            __m256i any;
            do {
                const uint32_t blk = k / BLOCK;
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    _mm256_store_pd(ring_re[blk][v], re[v]);
                    _mm256_store_pd(ring_im[blk][v], im[v]);
                }
                /* re*im doubled by an addition (no register for 2.0): measured
                 * ~4% faster here than kernel_avx512.c's alternation */
                _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++) {
                    _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                        __m256d re2 = _mm256_mul_pd(re[v], re[v]);
                        __m256d im2 = _mm256_mul_pd(im[v], im[v]);
                        __m256d reim = _mm256_mul_pd(re[v], im[v]);
                        re[v] = _mm256_add_pd(_mm256_sub_pd(re2, im2), vcr);
                        im[v] = _mm256_add_pd(_mm256_add_pd(reim, reim), vci);
                    }
                }
                k += BLOCK;
                /* lanes that may have escaped in the block leave for the replay */
                any = _mm256_setzero_si256();
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    __m256d mag = _mm256_add_pd(_mm256_mul_pd(re[v], re[v]),
                                                _mm256_mul_pd(im[v], im[v]));
                    __m256i cand =
                        _mm256_castpd_si256(_mm256_cmp_pd(mag, vloose, _CMP_NLT_UQ));
                    cnt[v] = _mm256_sub_epi64(cnt[v], act[v]);
                    act[v] = _mm256_andnot_si256(cand, act[v]);
                    any = _mm256_or_si256(any, act[v]);
                }
                if (k >= itermax)
                    break; /* the lanes still iterating get itermax */
                if (periodic && (k & (4 * BLOCK - 1)) == 0 && k >= KERNEL_GROUP_PERIOD_FROM) {
                    /* lanes at an exact repeat of z get itermax (see kernel_orbit) */
                    if (have_reference) {
                        any = _mm256_setzero_si256();
                        _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                            __m256i eq = _mm256_castpd_si256(_mm256_and_pd(
                                _mm256_cmp_pd(re[v], _mm256_load_pd(pre[v]), _CMP_EQ_OQ),
                                _mm256_cmp_pd(im[v], _mm256_load_pd(pim[v]), _CMP_EQ_OQ)));
                            eq = _mm256_and_si256(eq, act[v]);
                            per[v] = _mm256_or_si256(per[v], eq);
                            act[v] = _mm256_andnot_si256(eq, act[v]);
                            any = _mm256_or_si256(any, act[v]);
                        }
                    }
                    if (k >= save) {
                        _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                            _mm256_store_pd(pre[v], re[v]);
                            _mm256_store_pd(pim[v], im[v]);
                        }
                        save *= 2;
                        have_reference = 1;
                    }
                }
            } while (!_mm256_testz_si256(any, any));

            /* replay: each lane that left runs its last block again from z
             * before it (block cnt - 1 of the ring), testing after every step */
            __m256i pend[GROUP_ROWS], esc[GROUP_ROWS], past[GROUP_ROWS];
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                pend[v] = _mm256_andnot_si256(_mm256_or_si256(act[v], per[v]), valid);
                __m256i idx = _mm256_mul_epu32(_mm256_sub_epi64(cnt[v], _mm256_set1_epi64x(1)),
                                               _mm256_set1_epi64x(GROUP_ROWS * W));
                idx = _mm256_add_epi64(idx, _mm256_add_epi64(lane_index,
                                                             _mm256_set1_epi64x(v * W)));
                re[v] = _mm256_mask_i64gather_pd(_mm256_setzero_pd(), &ring_re[0][0][0], idx,
                                                 _mm256_castsi256_pd(pend[v]), 8);
                im[v] = _mm256_mask_i64gather_pd(_mm256_setzero_pd(), &ring_im[0][0][0], idx,
                                                 _mm256_castsi256_pd(pend[v]), 8);
                esc[v] = past[v] = _mm256_setzero_si256();
            }
            _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++) {
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    __m256d re2 = _mm256_mul_pd(re[v], re[v]), im2 = _mm256_mul_pd(im[v], im[v]);
                    __m256d reim = _mm256_mul_pd(re[v], im[v]);
                    re[v] = _mm256_add_pd(_mm256_sub_pd(re2, im2), vcr);
                    im[v] = _mm256_add_pd(_mm256_add_pd(reim, reim), vci);
                    __m256d mag = _mm256_add_pd(_mm256_mul_pd(re[v], re[v]),
                                                _mm256_mul_pd(im[v], im[v]));
                    /* esc: lanes past the threshold by step s; past: minus the
                     * steps they have been past it */
                    esc[v] = _mm256_or_si256(
                        esc[v], _mm256_castpd_si256(_mm256_cmp_pd(mag, vesc2, _CMP_GT_OQ)));
                    past[v] = _mm256_add_epi64(past[v], esc[v]);
                }
            }
            /* the first step past the threshold: cnt * BLOCK less the steps it
             * is past by; lanes not pending got itermax */
            unsigned lost[GROUP_ROWS], any_lost = 0;
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                __m256i c64 = _mm256_add_epi64(
                    _mm256_mul_epu32(cnt[v], _mm256_set1_epi64x(BLOCK)), past[v]);
                __m256i found = _mm256_and_si256(esc[v], pend[v]);
                __m128i c32 =
                    _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c64, low_halves));
                __m128i f32 =
                    _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(found, low_halves));
                c32 = _mm_blendv_epi8(vitermax, _mm_min_epu32(c32, vitermax), f32);
                if (cols == W) {
                    _mm_storeu_si128((__m128i *)(out[v] + base), c32);
                } else {
                    uint32_t c[W];
                    _mm_storeu_si128((__m128i *)c, c32);
                    for (size_t i = 0; i < cols; i++)
                        out[v][base + i] = c[i];
                }
                lost[v] = BITS(_mm256_castsi256_pd(_mm256_andnot_si256(esc[v], pend[v])));
                any_lost |= lost[v];
            }
            if (any_lost) { /* no escape in the replay after all: finish alone */
                for (int v = 0; v < GROUP_ROWS; v++) {
                    uint64_t blocks[W];
                    _mm256_storeu_si256((__m256i *)blocks, cnt[v]);
                    for (unsigned bits = lost[v]; bits; bits &= bits - 1) {
                        unsigned j = (unsigned)__builtin_ctz(bits);
                        uint32_t b = (uint32_t)blocks[j] - 1;
                        out[v][base + j] = kernel_orbit(ring_re[b][v][j], ring_im[b][v][j],
                                                        spec->c_re, spec->c_im, spec->escape2,
                                                        b * BLOCK, itermax, periodic);
                    }
                }
            }
        }
    }
}

/* Dispatches Julia sets with kernel_escape_sticks and itermax up to
 * KERNEL_LOCKSTEP_MAX_ITER to julia_lockstep (the rows that do not fill a
 * group go row by row), everything else to row_avx2. */
TARGET void kernel_rows_avx2(const struct kernel_spec *spec, const double *x, const double *y,
                             size_t rows, size_t n, uint32_t *counts, size_t stride)
{
    size_t r = 0;
    if (kernel_groups_rows(spec)) {
        r = rows / GROUP_ROWS * GROUP_ROWS;
        if (r > 0)
            julia_lockstep(spec, x, y, r, n, counts, stride);
    }
    for (; r < rows; r++)
        row_avx2(spec, x, y[r], n, counts + r * stride);
}

#else /* not x86-64 with GCC-style intrinsics: never selected by kernel_path_supported */

void kernel_rows_avx2(const struct kernel_spec *spec, const double *x, const double *y,
                      size_t rows, size_t n, uint32_t *counts, size_t stride)
{
    (void)spec, (void)x, (void)y, (void)rows, (void)n, (void)counts, (void)stride;
}

#endif
