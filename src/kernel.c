/* kernel.c - the escape-time kernel: portable scalar path and the choice of path. */
#include <string.h>

#include "kernel_internal.h"

/* Name of each path, indexed by enum kernel_path. */
static const char *const path_names[] = {"auto", "scalar", "avx2", "avx512"};

const char *kernel_path_name(enum kernel_path path)
{
    if ((int)path < KERNEL_AUTO || (int)path > KERNEL_AVX512)
        return "unknown";
    return path_names[path];
}

int kernel_path_supported(enum kernel_path path)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    switch (path) {
    case KERNEL_AUTO:
    case KERNEL_SCALAR:
        return 1;
    case KERNEL_AVX2:
        return __builtin_cpu_supports("avx2") ? 1 : 0;
    case KERNEL_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 1 : 0;
    }
    return 0;
#else
    return path == KERNEL_AUTO || path == KERNEL_SCALAR;
#endif
}

enum kernel_path kernel_path_resolve(enum kernel_path requested)
{
    if (requested != KERNEL_AUTO)
        return requested;
    if (kernel_path_supported(KERNEL_AVX512))
        return KERNEL_AVX512;
    if (kernel_path_supported(KERNEL_AVX2))
        return KERNEL_AVX2;
    return KERNEL_SCALAR;
}

void kernel_spec_init(struct kernel_spec *spec, const struct render_params *params)
{
    spec->fractal = params->fractal;
    spec->c_re = params->c_re;
    spec->c_im = params->c_im;
    spec->escape2 = params->threshold * params->threshold;
    spec->itermax = params->itermax;
    spec->path = kernel_path_resolve(KERNEL_AUTO);
    /* Orbits of the cardioid and the bulb stay within |z| <= 2, so they reach
     * itermax only when the threshold is at least 2; below it they may escape. */
    spec->interior_check = spec->escape2 >= 4.0;
    spec->periodicity_check = 1;
}

/* The scalar path of kernel_row. */
static void kernel_row_scalar(const struct kernel_spec *spec, const double *x, double y,
                              size_t n, uint32_t *counts)
{
    const int periodic = spec->periodicity_check;
    if (spec->fractal == FRACTAL_MANDELBROT) {
        const int interior = spec->interior_check;
        for (size_t i = 0; i < n; i++) {
            if (interior && spec->itermax > 0 && kernel_in_main_bulbs(x[i], y))
                counts[i] = spec->itermax;
            else
                counts[i] = kernel_orbit(0.0, 0.0, x[i], y, spec->escape2, 0, spec->itermax,
                                         periodic);
        }
    } else {
        for (size_t i = 0; i < n; i++)
            counts[i] = kernel_orbit(x[i], y, spec->c_re, spec->c_im, spec->escape2, 0,
                                     spec->itermax, periodic);
    }
}

void kernel_rows(const struct kernel_spec *spec, const double *x, const double *y, size_t rows,
                 size_t n, uint32_t *counts, size_t stride)
{
    enum kernel_path path = spec->path;
    if (path == KERNEL_AUTO || !kernel_path_supported(path))
        path = kernel_path_resolve(KERNEL_AUTO);
    if (path == KERNEL_AVX512)
        kernel_rows_avx512(spec, x, y, rows, n, counts, stride);
    else if (path == KERNEL_AVX2)
        kernel_rows_avx2(spec, x, y, rows, n, counts, stride);
    else
        for (size_t r = 0; r < rows; r++)
            kernel_row_scalar(spec, x, y[r], n, counts + r * stride);
}

unsigned kernel_rows_together(const struct kernel_spec *spec)
{
    return kernel_groups_rows(spec) ? KERNEL_ROWS_PREFERRED : 1;
}

void kernel_row(const struct kernel_spec *spec, const double *x, double y, size_t n,
                uint32_t *counts)
{
    kernel_rows(spec, x, &y, 1, n, counts, n);
}
