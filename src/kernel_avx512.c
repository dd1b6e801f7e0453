/* kernel_avx512.c - the escape-time kernel on AVX-512 (F and VL) vectors of 8 doubles. */
#include "kernel_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,avx2")))
#define INLINE static inline __attribute__((always_inline))

#ifndef KERNEL_AVX512_BLOCK
#define KERNEL_AVX512_BLOCK 4
#endif
enum {
    W = 8,                      /* lanes per vector */
    BLOCK = KERNEL_AVX512_BLOCK /* steps between escape tests */
};

/* Independent vectors in flight, to hide the latency of a step (~9 cycles,
 * ~4 cycles of throughput per vector): 4 for a Julia set, 3 for the Mandelbrot
 * set (nv4 = 0), whose per-vector c_re adds state to spill; measured ~4% faster
 * on the seed Julia with 4 and ~15% faster on the Mandelbrot view at itermax
 * 1000 with 3. The state lives in plain local variables named by vector (re0,
 * re1, ...) so that it stays in registers. FOR_V expands M for every vector
 * (declarations, expressions; vector 3 stays idle when unused), FOR_S for the
 * vectors in use (statements). */
#define FOR_V(M) M(0) M(1) M(2) M(3)
#define FOR_S(M) M(0) M(1) M(2) if (nv4) { M(3) }

/* How it works. Each vector holds W samples of the row with one step count k
 * for all; when all its lanes are done it takes the next W samples (in
 * lockstep: when all vectors are done). A block is BLOCK steps of every
 * vector. After a block, the lanes that may have escaped during it (loose
 * test: re*re + im*im at the end >= escape2 * (1 - 2^-20) or NaN, valid when
 * kernel_escape_sticks; exact test: after every step) leave, with z as it was
 * before the block kept in a per-lane buffer. When the vector is empty, those
 * lanes replay their block together with a test after each step, which gives
 * the exact count (a lane that did not escape in its block after all, which
 * the loose test allows but which is very rare, finishes alone in
 * kernel_orbit). Nothing in the steady state branches on a lane's fate, as
 * escapes are not predictable. */

/* The state of vector v: z and its squares, c_re, z before the block, the
 * periodicity reference, lanes still iterating, lanes waiting for a replay,
 * sample index of lane 0, steps done, step count of the next reference; and
 * the buffers of the lanes waiting for a replay: z before, and steps done
 * before, their last block. */
#define DECLARE(v)                                                                        \
    __m512d re##v = zero, im##v = zero, re2##v = zero, im2##v = zero, cr##v = zero;       \
    __m512d sre##v = zero, sim##v = zero, pre##v = zero, pim##v = zero;                   \
    __mmask8 act##v = 0, pend##v = 0;                                                     \
    size_t base##v = 0;                                                                   \
    uint64_t k##v = 0, save##v = KERNEL_PERIOD_FIRST;                                     \
    double bre##v[W] = {0}, bim##v[W] = {0};                                              \
    uint32_t bk##v[2 * W] = {0};

/* Gives vector v the next samples of the row that need iterating (samples
 * inside the cardioid or bulb get itermax at once), or makes it idle. */
#define REFILL(v)                                                                         \
    for (;;) {                                                                            \
        if (next >= n) {                                                                  \
            act##v = 0;                                                                   \
            break;                                                                        \
        }                                                                                 \
        size_t left_ = n - next;                                                          \
        __mmask8 valid_ = left_ >= W ? (__mmask8)0xff : (__mmask8)((1u << left_) - 1);    \
        base##v = next;                                                                   \
        next += left_ >= W ? W : left_;                                                   \
        __m512d xv_ = _mm512_maskz_loadu_pd(valid_, x + base##v);                         \
        if (interior) {                                                                   \
            __mmask8 in_ = in_main_bulbs(xv_, vy) & valid_;                               \
            _mm512_mask_storeu_epi32(counts + base##v, in_, vitermax);                    \
            valid_ &= (__mmask8)~in_;                                                     \
            if (!valid_)                                                                  \
                continue;                                                                 \
        }                                                                                 \
        if (julia) {                                                                      \
            re##v = xv_;                                                                  \
            im##v = vy;                                                                   \
            re2##v = _mm512_mul_pd(xv_, xv_);                                             \
            im2##v = _mm512_mul_pd(vy, vy);                                               \
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

/* One step of vector v (s: its index in the block); the exact test (if exact)
 * after it goes to cand##v. re*im*2 is exactly re*im + re*im (doubling is
 * exact), so the doubling alternates between a multiplication (even steps) and
 * an addition (odd steps): 3.5 multiplications and 3.5 additions a step on
 * average, which balances the two multiply and the two add pipes of Zen 4
 * (measured ~5-8% faster on the seed Julia than either form alone). */
#define STEP(v)                                                                           \
    {                                                                                     \
        __m512d reim_ = _mm512_mul_pd(re##v, im##v);                                      \
        __m512d reim2_ = (s & 1) ? _mm512_add_pd(reim_, reim_)                            \
                                 : _mm512_mul_pd(reim_, two);                             \
        re##v = _mm512_add_pd(_mm512_sub_pd(re2##v, im2##v), julia ? vcr : cr##v);        \
        im##v = _mm512_add_pd(reim2_, vci);                                               \
        re2##v = _mm512_mul_pd(re##v, re##v);                                             \
        im2##v = _mm512_mul_pd(im##v, im##v);                                             \
        if (exact)                                                                        \
            cand##v |= _mm512_cmp_pd_mask(_mm512_add_pd(re2##v, im2##v), vesc2,           \
                                          _CMP_GT_OQ);                                    \
    }

/* Starts a block: keeps z, clears the escape candidates. */
#define BEGIN(v)                                                                          \
    __mmask8 cand##v = 0;                                                                 \
    sre##v = re##v;                                                                       \
    sim##v = im##v;

/* Ends a block for vector v: candidates leave for the replay buffers; lanes
 * at itermax or at an exact repeat of z (tested every 4 blocks) get itermax;
 * an emptied vector replays its candidates and takes new samples. */
#define FINISH(v)                                                                         \
    {                                                                                     \
        uint32_t k0_ = (uint32_t)k##v;                                                    \
        k##v += BLOCK;                                                                    \
        if (!exact)                                                                       \
            cand##v = _mm512_cmp_pd_mask(_mm512_add_pd(re2##v, im2##v), vloose,           \
                                         _CMP_NLT_UQ);                                    \
        cand##v &= act##v;                                                                \
        _mm512_mask_storeu_pd(bre##v, cand##v, sre##v);                                   \
        _mm512_mask_storeu_pd(bim##v, cand##v, sim##v);                                   \
        _mm512_mask_storeu_epi32(bk##v, cand##v, _mm512_set1_epi32((int)k0_));            \
        pend##v |= cand##v;                                                               \
        act##v &= (__mmask8)~cand##v;                                                     \
        if (k##v >= itermax) {                                                            \
            _mm512_mask_storeu_epi32(counts + base##v, act##v, vitermax);                 \
            act##v = 0;                                                                   \
        } else if (periodic && (k##v & (4 * BLOCK - 1)) == 0) {                           \
            __mmask8 eq_ = _mm512_mask_cmp_pd_mask(act##v, re##v, pre##v, _CMP_EQ_OQ);    \
            eq_ = _mm512_mask_cmp_pd_mask(eq_, im##v, pim##v, _CMP_EQ_OQ);                \
            _mm512_mask_storeu_epi32(counts + base##v, eq_, vitermax);                    \
            act##v &= (__mmask8)~eq_;                                                     \
            if (k##v >= save##v) {                                                        \
                pre##v = re##v;                                                           \
                pim##v = im##v;                                                           \
                save##v *= 2;                                                             \
            }                                                                             \
        }                                                                                 \
        if (!lockstep && !act##v) {                                                       \
            if (pend##v)                                                                  \
                replay(spec, counts + base##v, pend##v, bre##v, bim##v, bk##v, cr##v,     \
                       vci, periodic);                                                    \
            pend##v = 0;                                                                  \
            REFILL(v)                                                                     \
        }                                                                                 \
    }

/* Blocks of BLOCK steps on every vector until none has an active lane, or a
 * stop request (polled every KERNEL_POLL_BLOCKS blocks). */
#define ITERATE_WHILE_ACTIVE                                                              \
    while ((0 FOR_V(ACT_OR)) != 0) {                                                      \
        FOR_V(BEGIN)                                                                      \
        _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++) { FOR_S(STEP) }          \
        FOR_S(FINISH)                                                                     \
        if (--blocks_to_poll == 0) {                                                      \
            blocks_to_poll = KERNEL_POLL_BLOCKS;                                          \
            if (stop_requested())                                                         \
                return; /* the row is given up */                                         \
        }                                                                                 \
    }

#define ACT_OR(v) | act##v
#define REPLAY(v)                                                                         \
    if (pend##v)                                                                          \
        replay(spec, counts + base##v, pend##v, bre##v, bim##v, bk##v, cr##v, vci, periodic); \
    pend##v = 0;


/* Lanes of c = (xv, vy) certainly inside the main cardioid or the period-2
 * bulb: kernel_in_main_bulbs, with the same operations in the same order. */
INLINE TARGET __mmask8 in_main_bulbs(__m512d xv, __m512d vy)
{
    __m512d y2 = _mm512_mul_pd(vy, vy);
    __m512d xm = _mm512_sub_pd(xv, _mm512_set1_pd(0.25));
    __m512d q = _mm512_add_pd(_mm512_mul_pd(xm, xm), y2);
    __m512d lhs = _mm512_mul_pd(q, _mm512_add_pd(q, xm));
    __m512d rhs = _mm512_sub_pd(_mm512_mul_pd(_mm512_set1_pd(0.25), y2),
                                _mm512_set1_pd(KERNEL_INTERIOR_MARGIN));
    __mmask8 in = _mm512_cmp_pd_mask(lhs, rhs, _CMP_LT_OQ);
    __m512d xp = _mm512_add_pd(xv, _mm512_set1_pd(1.0));
    __m512d d2 = _mm512_add_pd(_mm512_mul_pd(xp, xp), y2);
    return in | _mm512_cmp_pd_mask(d2, _mm512_set1_pd(0.0625 - KERNEL_INTERIOR_MARGIN),
                                   _CMP_LT_OQ);
}

/* Replays the last block of the lanes in pend (z before it in bre, bim, steps
 * done before it in bk, c = (cr, ci)) with a test after each step, and stores
 * their exact counts at out[lane]. */
INLINE TARGET void replay(const struct kernel_spec *spec, uint32_t *out, __mmask8 pend,
                          const double *bre, const double *bim, const uint32_t *bk,
                          __m512d cr, __m512d ci, int periodic)
{
    const __m512d vesc2 = _mm512_set1_pd(spec->escape2);
    __m512d re = _mm512_loadu_pd(bre), im = _mm512_loadu_pd(bim);
    __mmask8 e[BLOCK];
    for (int s = 0; s < BLOCK; s++) {
        __m512d re2 = _mm512_mul_pd(re, re), im2 = _mm512_mul_pd(im, im);
        __m512d reim = _mm512_mul_pd(re, im);
        re = _mm512_add_pd(_mm512_sub_pd(re2, im2), cr);
        im = _mm512_add_pd(_mm512_add_pd(reim, reim), ci);
        __m512d mag = _mm512_add_pd(_mm512_mul_pd(re, re), _mm512_mul_pd(im, im));
        e[s] = _mm512_cmp_pd_mask(mag, vesc2, _CMP_GT_OQ);
    }
    /* first step past the threshold: offset 0..3 */
    __m512i off = _mm512_set1_epi32(BLOCK - 1);
    __mmask8 found = e[BLOCK - 1];
    for (int s = BLOCK - 2; s >= 0; s--) {
        off = _mm512_mask_mov_epi32(off, e[s], _mm512_set1_epi32(s));
        found |= e[s];
    }
    __m512i cnt = _mm512_add_epi32(_mm512_loadu_si512(bk), off);
    cnt = _mm512_min_epu32(cnt, _mm512_set1_epi32((int)spec->itermax));
    found &= pend;
    _mm512_mask_storeu_epi32(out, found, cnt);

    __mmask8 lost = (__mmask8)(pend & ~found);
    if (lost) {
        double c_re[W], c_im[W];
        _mm512_storeu_pd(c_re, cr);
        _mm512_storeu_pd(c_im, ci);
        for (unsigned bits = lost; bits; bits &= bits - 1) {
            unsigned j = (unsigned)__builtin_ctz(bits);
            out[j] = kernel_orbit(bre[j], bim[j], c_re[j], c_im[j], spec->escape2, bk[j],
                                  spec->itermax, periodic);
        }
    }
}

/* One row of kernel_rows_avx512 for one fractal kind, test mode, schedule and number of
 * vectors (julia, exact, lockstep and nv4 are constants after inlining). */
INLINE TARGET void row(const struct kernel_spec *spec, const double *x, double y, size_t n,
                       uint32_t *counts, const int julia, const int exact, const int lockstep,
                       const int nv4)
{
    const uint32_t itermax = spec->itermax;
    const int interior = !julia && spec->interior_check;
    const int periodic = spec->periodicity_check;
    const __m512d vy = _mm512_set1_pd(y);
    const __m512d vcr = _mm512_set1_pd(spec->c_re);
    const __m512d vci = _mm512_set1_pd(julia ? spec->c_im : y);
    const __m512d vesc2 = _mm512_set1_pd(spec->escape2);
    const __m512d vloose = _mm512_set1_pd(spec->escape2 * KERNEL_LOOSE_FACTOR);
    __m512d two = _mm512_set1_pd(2.0);
    __asm__("" : "+v"(two)); /* keeps x*2 a multiplication (GCC makes it x+x) */
    const __m512i vitermax = _mm512_set1_epi32((int)itermax);
    const __m512d zero = _mm512_setzero_pd();
    size_t next = 0;
    (void)vesc2;
    (void)vloose;
    unsigned blocks_to_poll = KERNEL_POLL_BLOCKS;

    FOR_V(DECLARE)
    if (lockstep) {
        for (;;) {
            FOR_S(REFILL)
            if ((0 FOR_V(ACT_OR)) == 0)
                break;
            ITERATE_WHILE_ACTIVE
            FOR_S(REPLAY)
        }
        return;
    }
    FOR_S(REFILL)
    ITERATE_WHILE_ACTIVE
}

/* ---- Julia sets, lockstep, loose test: the seed workload's path ------------
 *
 * The same counts as row(..., julia = 1, exact = 0, lockstep = 1, nv4 = 1) with
 * a schedule of its own. A lockstep group is GROUP_ROWS vectors, each on one of
 * GROUP_ROWS consecutive rows at the same 8 columns: samples close in a square
 * run for more similar step counts than 48 in a row, so fewer lanes idle while
 * they wait for the group's slowest (on the seed Julia, 6 rows x 8 columns need
 * 6% fewer lane-steps than 1 x 32), and six vectors in flight hide the latency
 * of a step better than four (~3.6 cycles a vector-step against ~4.2). Their
 * z, z^2 and the constants fill the registers, so before each block z goes to
 * memory with a masked store of the lanes still iterating: a lane that leaves
 * keeps z as it was before its last block, with no copy (measured faster than
 * copying it from a plain store, than gathering it from a ring of every
 * block's z after the group, and than keeping it in registers, which GCC
 * spills). The steps, the tests and the replay are written out here rather
 * than shared with row(): with six vectors the state must live in arrays of
 * registers indexed by constants, which row()'s macros for four named vectors
 * cannot hold. Measured on the seed Julia, one core: 0.154 s with 4 vectors on
 * 32 samples of a row, 0.115 s like this. */

enum { GROUP_ROWS = KERNEL_ROWS_PREFERRED }; /* vectors (rows) of a group */

/* kernel_rows_avx512's contract for rows a multiple of GROUP_ROWS and a spec
 * for which kernel_groups_rows holds. */
static TARGET void julia_lockstep(const struct kernel_spec *spec, const double *x,
                                  const double *y, size_t rows, size_t n, uint32_t *counts,
                                  size_t stride)
{
    const uint32_t itermax = spec->itermax;
    const int periodic = spec->periodicity_check;
    const __m512d vcr = _mm512_set1_pd(spec->c_re), vci = _mm512_set1_pd(spec->c_im);
    const __m512d vloose = _mm512_set1_pd(spec->escape2 * KERNEL_LOOSE_FACTOR);
    const __m512d vesc2 = _mm512_set1_pd(spec->escape2);
    const __m256i vitermax = _mm256_set1_epi32((int)itermax);
    const __m256i no_block = _mm256_set1_epi32(-1); /* in bk: the lane has not left */
    const __m256i one = _mm256_set1_epi32(1);
    __m512d two = _mm512_set1_pd(2.0);
    __asm__("" : "+v"(two)); /* keeps x*2 a multiplication (GCC makes it x+x) */
    /* periodicity references: the group's own once have_reference (zeroed: never undefined) */
    double pre[GROUP_ROWS][W] __attribute__((aligned(64))) = {{0}};
    double pim[GROUP_ROWS][W] __attribute__((aligned(64))) = {{0}};
    double bre[GROUP_ROWS][W] __attribute__((aligned(64))); /* z before a lane's last block */
    double bim[GROUP_ROWS][W] __attribute__((aligned(64)));
    uint32_t bk[GROUP_ROWS][W] __attribute__((aligned(32))); /* steps before it, or no_block */

    for (size_t row0 = 0; row0 < rows; row0 += GROUP_ROWS) {
        uint32_t *out[GROUP_ROWS];
        __m512d vy[GROUP_ROWS];
        for (int v = 0; v < GROUP_ROWS; v++) {
            out[v] = counts + (row0 + (size_t)v) * stride;
            vy[v] = _mm512_set1_pd(y[row0 + (size_t)v]);
        }
        for (size_t base = 0; base < n; base += W) {
            const __mmask8 lanes =
                n - base >= W ? (__mmask8)0xff : (__mmask8)((1u << (n - base)) - 1);
            const __m512d xv = _mm512_maskz_loadu_pd(lanes, x + base);
            __m512d re[GROUP_ROWS], im[GROUP_ROWS], re2[GROUP_ROWS], im2[GROUP_ROWS];
            __mmask8 act[GROUP_ROWS];
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                act[v] = lanes;
                _mm256_store_si256((__m256i *)bk[v], no_block);
                re[v] = xv;
                im[v] = vy[v];
                re2[v] = _mm512_mul_pd(xv, xv);
                im2[v] = _mm512_mul_pd(vy[v], vy[v]);
            }
            uint32_t k = 0, save = KERNEL_GROUP_PERIOD_FROM;
            int have_reference = 0; /* pre, pim hold this group's z */
            __mmask8 any_active;
            do {
                /* z before the block, kept for the lanes still iterating */
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    _mm512_mask_store_pd(bre[v], act[v], re[v]);
                    _mm512_mask_store_pd(bim[v], act[v], im[v]);
                }
                _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++) {
                    _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                        __m512d reim = _mm512_mul_pd(re[v], im[v]);
                        __m512d reim2 =
                            (s & 1) ? _mm512_add_pd(reim, reim) : _mm512_mul_pd(reim, two);
                        re[v] = _mm512_add_pd(_mm512_sub_pd(re2[v], im2[v]), vcr);
                        im[v] = _mm512_add_pd(reim2, vci);
                        re2[v] = _mm512_mul_pd(re[v], re[v]);
                        im2[v] = _mm512_mul_pd(im[v], im[v]);
                    }
                }
                const __m256i vk0 = _mm256_set1_epi32((int)k);
                k += BLOCK;
                /* lanes that may have escaped in the block leave for the replay */
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    __mmask8 cand = _mm512_mask_cmp_pd_mask(
                        act[v], _mm512_add_pd(re2[v], im2[v]), vloose, _CMP_NLT_UQ);
                    _mm256_mask_store_epi32(bk[v], cand, vk0);
                    act[v] &= (__mmask8)~cand;
                }
                if (k >= itermax) {
                    _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                        _mm256_mask_storeu_epi32(out[v] + base, act[v], vitermax);
                        act[v] = 0;
                    }
                } else if (periodic && (k & (4 * BLOCK - 1)) == 0 && k >= KERNEL_GROUP_PERIOD_FROM) {
                    /* lanes at an exact repeat of z get itermax (see kernel_orbit) */
                    _Pragma("GCC unroll 8") for (int v = 0; have_reference && v < GROUP_ROWS; v++) {
                        __mmask8 eq = _mm512_mask_cmp_pd_mask(act[v], re[v],
                                                              _mm512_load_pd(pre[v]), _CMP_EQ_OQ);
                        eq = _mm512_mask_cmp_pd_mask(eq, im[v], _mm512_load_pd(pim[v]),
                                                     _CMP_EQ_OQ);
                        _mm256_mask_storeu_epi32(out[v] + base, eq, vitermax);
                        act[v] &= (__mmask8)~eq;
                    }
                    if (k >= save) {
                        _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                            _mm512_store_pd(pre[v], re[v]);
                            _mm512_store_pd(pim[v], im[v]);
                        }
                        save *= 2;
                        have_reference = 1;
                    }
                }
                any_active = 0;
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) any_active |= act[v];
            } while (any_active);

            /* replay: each lane that left runs its last block again from z
             * before it, testing after every step, for its exact count */
            __mmask8 escaped[BLOCK][GROUP_ROWS]; /* lanes past the threshold by step s */
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                re[v] = _mm512_load_pd(bre[v]);
                im[v] = _mm512_load_pd(bim[v]);
                re2[v] = _mm512_mul_pd(re[v], re[v]);
                im2[v] = _mm512_mul_pd(im[v], im[v]);
            }
            _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++) {
                _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                    __m512d ri = _mm512_mul_pd(re[v], im[v]);
                    re[v] = _mm512_add_pd(_mm512_sub_pd(re2[v], im2[v]), vcr);
                    im[v] = _mm512_add_pd(_mm512_add_pd(ri, ri), vci);
                    re2[v] = _mm512_mul_pd(re[v], re[v]);
                    im2[v] = _mm512_mul_pd(im[v], im[v]);
                    escaped[s][v] = _mm512_cmp_pd_mask(_mm512_add_pd(re2[v], im2[v]), vesc2,
                                                       _CMP_GT_OQ);
                    if (s > 0)
                        escaped[s][v] |= escaped[s - 1][v];
                }
            }
            /* the first step past the threshold: BLOCK less the steps it is past by */
            __mmask8 lost[GROUP_ROWS], any_lost = 0;
            _Pragma("GCC unroll 8") for (int v = 0; v < GROUP_ROWS; v++) {
                const __m256i k0 = _mm256_load_si256((const __m256i *)bk[v]);
                __m256i cnt = _mm256_add_epi32(k0, _mm256_set1_epi32(BLOCK));
                _Pragma("GCC unroll 16") for (int s = 0; s < BLOCK; s++)
                    cnt = _mm256_mask_sub_epi32(cnt, escaped[s][v], cnt, one);
                cnt = _mm256_min_epu32(cnt, vitermax);
                const __mmask8 pend = _mm256_cmpneq_epi32_mask(k0, no_block);
                const __mmask8 found = escaped[BLOCK - 1][v] & pend;
                _mm256_mask_storeu_epi32(out[v] + base, found, cnt);
                lost[v] = pend & (__mmask8)~found; /* no escape in the replay after all */
                any_lost |= lost[v];
            }
            if (any_lost) {
                for (int v = 0; v < GROUP_ROWS; v++)
                    for (unsigned bits = lost[v]; bits; bits &= bits - 1) {
                        unsigned j = (unsigned)__builtin_ctz(bits);
                        out[v][base + j] = kernel_orbit(bre[v][j], bim[v][j], spec->c_re, spec->c_im,
                                                        spec->escape2, bk[v][j], itermax, periodic);
                    }
            }
        }
    }
}

/* Dispatches to julia_lockstep or the instance of row for the spec. */
TARGET void kernel_rows_avx512(const struct kernel_spec *spec, const double *x, const double *y,
                               size_t rows, size_t n, uint32_t *counts, size_t stride)
{
    const int sticks = kernel_escape_sticks(spec);
    const int lockstep = spec->itermax <= KERNEL_LOCKSTEP_MAX_ITER;
    const int julia = spec->fractal == FRACTAL_JULIA;
    size_t r = 0;
    if (kernel_groups_rows(spec)) {
        r = rows / GROUP_ROWS * GROUP_ROWS;
        if (r > 0)
            julia_lockstep(spec, x, y, r, n, counts, stride);
        /* the rows that do not fill a group: one at a time, 32 samples a group */
        for (; r < rows; r++)
            row(spec, x, y[r], n, counts + r * stride, 1, 0, 1, 1);
        return;
    }
    for (; r < rows; r++) {
        uint32_t *out = counts + r * stride;
        if (spec->itermax == 0) {
            for (size_t i = 0; i < n; i++)
                out[i] = 0;
        } else if (julia) {
            if (sticks)
                row(spec, x, y[r], n, out, 1, 0, 0, 1);
            else
                lockstep ? row(spec, x, y[r], n, out, 1, 1, 1, 1)
                         : row(spec, x, y[r], n, out, 1, 1, 0, 1);
        } else {
            if (sticks)
                lockstep ? row(spec, x, y[r], n, out, 0, 0, 1, 0)
                         : row(spec, x, y[r], n, out, 0, 0, 0, 0);
            else
                lockstep ? row(spec, x, y[r], n, out, 0, 1, 1, 0)
                         : row(spec, x, y[r], n, out, 0, 1, 0, 0);
        }
    }
}

#else /* not x86-64 with GCC-style intrinsics: never selected by kernel_path_supported */

void kernel_rows_avx512(const struct kernel_spec *spec, const double *x, const double *y,
                        size_t rows, size_t n, uint32_t *counts, size_t stride)
{
    (void)spec, (void)x, (void)y, (void)rows, (void)n, (void)counts, (void)stride;
}

#endif
