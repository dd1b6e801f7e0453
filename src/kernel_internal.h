/* kernel_internal.h - what the kernel's scalar, AVX2 and AVX-512 files share (not public). */
#ifndef MPIFRACTAL_KERNEL_INTERNAL_H
#define MPIFRACTAL_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "stop.h"

/* Safety margin of the cardioid and bulb tests. A sample passes only if it is
 * inside by more than this (in the test's own polynomial), far more than the
 * test's rounding error (~1e-15), so no sample outside or on the edge passes,
 * nor one so close to the edge (< ~1e-8) that its attracting cycle is too weak
 * to hold the rounded orbit. Samples inside but within the margin are iterated. */
#define KERNEL_INTERIOR_MARGIN 1e-8

/* First iteration count at which the periodicity reference z is taken; later
 * references are taken at 2x, 4x, ... that count (Brent's scheme). */
#define KERNEL_PERIOD_FIRST 16u

/* 1 if c = (x, y) is certainly inside the main cardioid or the period-2 bulb
 * (its orbit never escapes), else 0. The vector paths evaluate exactly these
 * operations in this order, so all paths agree sample by sample. */
static inline int kernel_in_main_bulbs(double x, double y)
{
    double y2 = y * y;
    double xm = x - 0.25;
    double q = xm * xm + y2;
    double xp = x + 1.0;
    return q * (q + xm) < 0.25 * y2 - KERNEL_INTERIOR_MARGIN ||
           xp * xp + y2 < 0.0625 - KERNEL_INTERIOR_MARGIN;
}

/* How often the kernels poll stop_requested() (see stop.h): the vector paths
 * every KERNEL_POLL_BLOCKS blocks of steps (well under a millisecond), the
 * scalar orbit every KERNEL_POLL_STEPS steps of a sample (a few hundred
 * microseconds). A kernel that sees a stop request gives up: the counts of the
 * rows it was asked for are then incomplete, and its caller, seeing
 * stop_requested() too, must discard them. Without a stop request nothing
 * changes: same steps, same counts. */
#define KERNEL_POLL_BLOCKS 65536u
#define KERNEL_POLL_STEPS 65536u
_Static_assert((KERNEL_POLL_STEPS & (KERNEL_POLL_STEPS - 1)) == 0, "a power of two");

/* Escape count of the orbit that is at z = (re, im) after k steps, with constant
 * (c_re, c_im): the smallest step count j in k..itermax-1 whose step escapes
 * (re*re + im*im > escape2 after it), or itermax if none does. With periodic
 * set, an exact repeat of z (compared with a reference taken at step counts
 * KERNEL_PERIOD_FIRST * 2^i) ends the orbit at itermax, which changes no
 * count: a repeating orbit never escapes. The scalar path runs every sample
 * through it; the vector paths use it for the rare lane they must finish alone.
 * When a stop is requested it gives up and returns itermax (see KERNEL_POLL_STEPS). */
static inline uint32_t kernel_orbit(double re, double im, double c_re, double c_im,
                                    double escape2, uint32_t k, uint32_t itermax, int periodic)
{
    if (!periodic) {
        for (; k < itermax; k++) {
            double re2 = re * re, im2 = im * im, reim = re * im;
            re = (re2 - im2) + c_re;
            im = (reim + reim) + c_im;
            if (re * re + im * im > escape2)
                break;
            if ((k & (KERNEL_POLL_STEPS - 1)) == KERNEL_POLL_STEPS - 1 && stop_requested())
                return itermax;
        }
        return k;
    }
    double pre = re, pim = im;
    uint64_t save_at = KERNEL_PERIOD_FIRST;
    while (save_at <= k)
        save_at *= 2;
    for (; k < itermax; k++) {
        double re2 = re * re, im2 = im * im, reim = re * im;
        re = (re2 - im2) + c_re;
        im = (reim + reim) + c_im;
        if (re * re + im * im > escape2)
            return k;
        if (re == pre && im == pim)
            return itermax;
        if ((uint64_t)k + 1 >= save_at) {
            pre = re;
            pim = im;
            save_at *= 2;
        }
        if ((k & (KERNEL_POLL_STEPS - 1)) == KERNEL_POLL_STEPS - 1 && stop_requested())
            return itermax;
    }
    return itermax;
}

/* 1 if every escape is still visible at the end of a block of steps, that is
 * if a step whose result has re*re + im*im > escape2 is followed only by steps
 * whose results have re*re + im*im >= escape2 * (1 - 2^-20) (or NaN): true when
 * the threshold is at least 2 and, for a Julia set, |c| is at most the
 * threshold (then |z| > threshold >= 2, |c| <= |z| give |z^2 + c| >= |z|^2 - |z|
 * >= |z|, up to rounding errors of ~1e-15 relative). The vector paths then test
 * for escape only once per block and replay the block to find the exact step. */
static inline int kernel_escape_sticks(const struct kernel_spec *spec)
{
    if (!(spec->escape2 >= 4.0))
        return 0;
    return spec->fractal == FRACTAL_MANDELBROT ||
           spec->c_re * spec->c_re + spec->c_im * spec->c_im <= spec->escape2;
}

/* The loose threshold of the block test, escape2 * (1 - 2^-20). */
#define KERNEL_LOOSE_FACTOR (1.0 - 1.0 / 1048576.0)

/* Up to this itermax, the vectors run in lockstep: all take new samples
 * together when all are done (fewer unpredictable branches, measured faster
 * on the seed Julia); above it, each vector takes new samples as soon as its
 * own lanes are done (less idle work when orbit lengths vary a lot, measured
 * faster on the Mandelbrot view at itermax 1000, AVX-512). Both vector paths
 * run Julia sets up to it in lockstep groups of rows. Counts are the same. */
#ifndef KERNEL_LOCKSTEP_MAX_ITER
#define KERNEL_LOCKSTEP_MAX_ITER 256
#endif

/* 1 if the vector paths run this spec in lockstep groups of
 * KERNEL_ROWS_PREFERRED rows: a Julia set with kernel_escape_sticks and
 * itermax 1..KERNEL_LOCKSTEP_MAX_ITER (neighbouring rows' orbits are alike
 * there; longer orbits vary too much for lockstep). */
static inline int kernel_groups_rows(const struct kernel_spec *spec)
{
    return spec->fractal == FRACTAL_JULIA && spec->itermax > 0 &&
           spec->itermax <= KERNEL_LOCKSTEP_MAX_ITER && kernel_escape_sticks(spec);
}

/* Step count at which a lockstep group of rows takes its first periodicity
 * reference: every 4 blocks after it, z is compared with the reference, taken
 * again at 2x, 4x, ... this count. On a Julia set with a large interior
 * (c = -1, itermax 256, AVX-512) tests from 32 steps take 5% longer than from
 * 16, and from 64 steps 28% longer; on the seed Julia, whose groups run ~40
 * steps, a test against z0 at step 32 cost 4%. */
#define KERNEL_GROUP_PERIOD_FROM 32u

/* The vector paths: kernel_rows's contract. Each must be called only when
 * kernel_path_supported says the CPU has the instructions. */
void kernel_rows_avx2(const struct kernel_spec *spec, const double *x, const double *y,
                      size_t rows, size_t n, uint32_t *counts, size_t stride);
void kernel_rows_avx512(const struct kernel_spec *spec, const double *x, const double *y,
                        size_t rows, size_t n, uint32_t *counts, size_t stride);

#endif
