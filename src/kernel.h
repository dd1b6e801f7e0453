/* kernel.h - the escape-time kernel: divergence counts of rows of samples. */
#ifndef MPIFRACTAL_KERNEL_H
#define MPIFRACTAL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Implementations of kernel_row and kernel_rows. All give identical counts; they differ only in
 * speed and in the CPU features they need. */
enum kernel_path {
    KERNEL_AUTO,   /* the best path the CPU supports (resolved by kernel_path_resolve) */
    KERNEL_SCALAR, /* portable C, one sample at a time */
    KERNEL_AVX2,   /* AVX2, 4 doubles per vector */
    KERNEL_AVX512  /* AVX-512F and VL, 8 doubles per vector */
};

/* Rows that kernel_rows runs together on its fastest paths (see
 * kernel_rows_together); a -D at build time may change it, for measurements. */
#ifndef KERNEL_ROWS_PREFERRED
#define KERNEL_ROWS_PREFERRED 6
#endif
_Static_assert(KERNEL_ROWS_PREFERRED >= 1, "a group holds at least one row");

/* What the kernel needs to know about the fractal, fixed for a whole render. */
struct kernel_spec {
    enum fractal_kind fractal;
    double c_re, c_im;     /* Julia constant (unused for the Mandelbrot set) */
    double escape2;        /* threshold * threshold */
    uint32_t itermax;
    enum kernel_path path; /* implementation used by kernel_row and kernel_rows (resolved,
                              never KERNEL_AUTO after kernel_spec_init) */
    int interior_check;    /* Mandelbrot: give samples inside the main cardioid or the
                              period-2 bulb itermax without iterating (default 1) */
    int periodicity_check; /* stop an orbit at an exact bitwise repeat of z, count itermax
                              (default 1) */
};

/* Fills a kernel_spec from the render parameters: fractal, Julia constant,
 * escape2 = threshold^2 and itermax, path = the best path this CPU supports,
 * periodicity_check = 1, interior_check = 1 when threshold >= 2 (else 0: a
 * sample inside the cardioid may exceed a smaller threshold). Neither check
 * changes any count; they only skip iterations whose outcome (itermax) is
 * certain. */
void kernel_spec_init(struct kernel_spec *spec, const struct render_params *params);

/* Returns 1 if this CPU (and OS) can run the path, else 0. KERNEL_AUTO and
 * KERNEL_SCALAR are always supported. */
int kernel_path_supported(enum kernel_path path);

/* Returns the path to use for a request: the best supported path (avx512, then
 * avx2, then scalar) for KERNEL_AUTO, else the request itself. The caller
 * should check kernel_path_supported first for an explicit request. */
enum kernel_path kernel_path_resolve(enum kernel_path requested);

/* The name of a path as --kernel accepts it ("auto", "scalar", "avx2",
 * "avx512"), or "unknown" for a value outside the enum. */
const char *kernel_path_name(enum kernel_path path);

/* Escape counts of the n samples (x[i], y), i = 0..n-1.
 *
 * For sample p, with z0 = 0 and c = p (Mandelbrot) or z0 = p and c = the Julia
 * constant, z_{k+1} = z_k^2 + c is computed in double precision as
 *     re = (re*re - im*im) + c_re,  im = (re*im + re*im) + c_im
 * without fused multiply-add, and counts[i] is the smallest k in 0..itermax-1
 * with re*re + im*im > escape2 after step k, or itermax if there is none. These
 * are the operations of numpy's complex square, so counts match a numpy
 * reference bit for bit, whichever spec->path does the work. spec->path should
 * be supported by the CPU; KERNEL_AUTO or an unsupported path falls back to
 * the best supported one. Thread-safe; x and counts may have any alignment. */
void kernel_row(const struct kernel_spec *spec, const double *x, double y, size_t n,
                uint32_t *counts);

/* Escape counts of rows x n samples: counts[r * stride + i] is the count of
 * sample (x[i], y[r]), r = 0..rows-1, i = 0..n-1 (stride >= n), exactly as
 * kernel_row gives it. Faster than one kernel_row per row where the path runs
 * neighbouring rows together: see kernel_rows_together. Thread-safe. Polls
 * stop_requested() (see stop.h) about every millisecond and gives up when it
 * returns 1: the counts are then incomplete, and the caller must discard them. */
void kernel_rows(const struct kernel_spec *spec, const double *x, const double *y, size_t rows,
                 size_t n, uint32_t *counts, size_t stride);

/* How many rows kernel_rows's vector paths run together for this spec:
 * KERNEL_ROWS_PREFERRED for a Julia set with threshold >= 2, |c| <= threshold
 * and itermax 1..256, else 1. Work cut in multiples of it runs fastest. It
 * does not depend on spec->path or the CPU, so every rank gets the same. */
unsigned kernel_rows_together(const struct kernel_spec *spec);

#endif
