/* test_kernel.c - unit tests of the kernel: hand-computed counts, every path vs scalar. */
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "kernel.h"
#include "tap.h"

static struct kernel_spec make_spec(enum fractal_kind fractal, double c_re, double c_im,
                                    double threshold, uint32_t itermax, enum kernel_path path)
{
    struct kernel_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.fractal = fractal;
    spec.c_re = c_re;
    spec.c_im = c_im;
    spec.escape2 = threshold * threshold;
    spec.itermax = itermax;
    spec.path = path;
    spec.interior_check = 1;
    spec.periodicity_check = 1;
    return spec;
}

/* Count of the single sample (x, y). */
static uint32_t count1(const struct kernel_spec *spec, double x, double y)
{
    uint32_t c = 0xdeadbeef;
    kernel_row(spec, &x, y, 1, &c);
    return c;
}

/* One hand-computed count, with the checks on and off, on the scalar path. */
static void check_point(enum fractal_kind fractal, double c_re, double c_im, double x,
                        double y, double threshold, uint32_t itermax, uint32_t want,
                        const char *what)
{
    struct kernel_spec spec = make_spec(fractal, c_re, c_im, threshold, itermax, KERNEL_SCALAR);
    uint32_t got = count1(&spec, x, y);
    spec.interior_check = spec.periodicity_check = 0;
    uint32_t plain = count1(&spec, x, y);
    ok(got == want && plain == want, "%s: count %u (without checks %u), want %u", what, got,
       plain, want);
}

/* Rows of length n (numpy.linspace(xleft, xright, n)) at the given ys: the path's
 * counts, row by row (kernel_row) and all rows at once (kernel_rows, rows 3
 * apart in memory), must equal the scalar path's, and the scalar path's with
 * the checks must equal the plain iteration's. Returns the number of
 * differing samples. */
static long compare_rows(struct kernel_spec spec, double xleft, double xright, size_t n,
                         const double *ys, int nys)
{
    const size_t stride = n + 3;
    double *x = malloc((n < 2 ? 2 : n) * sizeof *x);
    uint32_t *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
    uint32_t *block = malloc((size_t)nys * stride * sizeof *block);
    if (!x || !want || !got || !block)
        abort();
    if (n == 1)
        x[0] = xleft;
    else
        grid_linspace(xleft, xright, n, x);
    struct kernel_spec ref = spec;
    ref.path = KERNEL_SCALAR;
    ref.interior_check = ref.periodicity_check = 0;
    memset(block, 0xff, (size_t)nys * stride * sizeof *block);
    kernel_rows(&spec, x, ys, (size_t)nys, n, block, stride);
    long bad = 0;
    for (int r = 0; r < nys; r++) {
        kernel_row(&ref, x, ys[r], n, want);
        memset(got, 0xff, n * sizeof *got);
        kernel_row(&spec, x, ys[r], n, got);
        const uint32_t *together = block + (size_t)r * stride;
        for (size_t i = 0; i < n; i++) {
            if (got[i] != want[i] || together[i] != want[i]) {
                if (bad < 5)
                    diag("%s: x=%.17g y=%.17g: count %u, with its neighbours' rows %u, scalar %u",
                         kernel_path_name(spec.path), x[i], ys[r], got[i], together[i], want[i]);
                bad++;
            }
        }
        for (size_t i = n; i < stride; i++)
            if (together[i] != 0xffffffffu) {
                if (bad < 5)
                    diag("%s: kernel_rows wrote past the row's end", kernel_path_name(spec.path));
                bad++;
            }
    }
    free(x);
    free(want);
    free(got);
    free(block);
    return bad;
}

/* Tests per path in the comparisons below (2 per row length, 13 others). */
#define TESTS_PER_PATH 25

int main(void)
{
    const enum fractal_kind M = FRACTAL_MANDELBROT, J = FRACTAL_JULIA;
    plan(23 + 3 * TESTS_PER_PATH);

    /* ---- the path API ---- */
    ok(strcmp(kernel_path_name(KERNEL_AVX512), "avx512") == 0 &&
           strcmp(kernel_path_name(KERNEL_SCALAR), "scalar") == 0 &&
           strcmp(kernel_path_name((enum kernel_path)42), "unknown") == 0,
       "kernel_path_name");
    enum kernel_path best = kernel_path_resolve(KERNEL_AUTO);
    ok(best != KERNEL_AUTO && kernel_path_supported(best) &&
           kernel_path_supported(KERNEL_SCALAR) && kernel_path_resolve(KERNEL_AVX2) == KERNEL_AVX2 &&
           (best == KERNEL_AVX512 || !kernel_path_supported(KERNEL_AVX512)),
       "kernel_path_resolve(auto) = %s, the best supported path", kernel_path_name(best));
    struct render_params params;
    memset(&params, 0, sizeof params);
    params.fractal = J;
    params.c_re = -0.835;
    params.c_im = -0.2321;
    params.threshold = 2.0;
    params.itermax = 100;
    struct kernel_spec spec;
    kernel_spec_init(&spec, &params);
    ok(spec.fractal == J && spec.escape2 == 4.0 && spec.itermax == 100 && spec.path == best &&
           spec.interior_check == 1 && spec.periodicity_check == 1,
       "kernel_spec_init fills the spec, path %s", kernel_path_name(spec.path));

    /* rows are grouped for Julia sets whose escape sticks, itermax 1..256 */
    struct kernel_spec g = make_spec(J, -0.835, -0.2321, 2.0, 100, KERNEL_SCALAR);
    unsigned seed = kernel_rows_together(&g);
    g.itermax = 257;
    unsigned long_orbits = kernel_rows_together(&g);
    g.itermax = 100;
    g.escape2 = 1.5 * 1.5;
    unsigned low_threshold = kernel_rows_together(&g);
    g = make_spec(M, 0, 0, 2.0, 100, KERNEL_AVX512);
    unsigned mandelbrot = kernel_rows_together(&g);
    ok(seed == KERNEL_ROWS_PREFERRED && long_orbits == 1 && low_threshold == 1 && mandelbrot == 1,
       "kernel_rows_together: %u for the seed Julia (any path), 1 for itermax 257 (%u), "
       "threshold 1.5 (%u) and the Mandelbrot set (%u)",
       seed, long_orbits, low_threshold, mandelbrot);

    params.fractal = M;
    params.threshold = 0.01;
    kernel_spec_init(&spec, &params);
    /* c = -0.1+0.1i is inside the cardioid, but |z1| = |c| > 0.01: step 0 */
    ok(spec.interior_check == 0 && count1(&spec, -0.1, 0.1) == 0,
       "threshold below 2: no cardioid shortcut, c=-0.1+0.1i escapes at step 0 (got %u)",
       (unsigned)count1(&spec, -0.1, 0.1));

    /* ---- hand-computed counts (threshold 2: escaped when |z|^2 > 4) ---- */
    check_point(M, 0, 0, 0.0, 0.0, 2.0, 100, 100, "Mandelbrot c=0 never escapes");
    /* z1 = 1, z2 = 2 (|z|^2 = 4, not > 4), z3 = 5: escapes at step k = 2 */
    check_point(M, 0, 0, 1.0, 0.0, 2.0, 100, 2, "Mandelbrot c=1 escapes at step 2");
    check_point(M, 0, 0, 1.0, 0.0, 2.0, 2, 2, "Mandelbrot c=1 with itermax 2 gives itermax");
    check_point(M, 0, 0, 1.0, 0.0, 2.0, 3, 2, "Mandelbrot c=1 with itermax 3 gives 2");
    /* z1 = -2, z2 = 2, z3 = 2, ... : |z|^2 = 4 is never > 4 */
    check_point(M, 0, 0, -2.0, 0.0, 2.0, 1000, 1000, "Mandelbrot c=-2 never escapes");
    /* z = 0.5, 0.75, 1.0625, 1.62890625 (|z|^2 = 2.65), 3.1533203125 (9.94): step 4 */
    check_point(M, 0, 0, 0.5, 0.0, 2.0, 100, 4, "Mandelbrot c=0.5 escapes at step 4");
    /* z = i, -1+i, -i, -1+i, ...: a 2-cycle */
    check_point(M, 0, 0, 0.0, 1.0, 2.0, 1000, 1000, "Mandelbrot c=i never escapes");
    check_point(M, 0, 0, 3.0, 0.0, 2.0, 100, 0, "Mandelbrot c=3 escapes at step 0");
    check_point(M, 0, 0, 0.25, 0.0, 2.0, 1000, 1000, "Mandelbrot c=1/4 (cusp) never escapes");
    check_point(M, 0, 0, -0.75, 0.0, 2.0, 300, 300, "Mandelbrot c=-3/4 never escapes");
    check_point(M, 0, 0, 0.5, 0.0, 2.0, 0, 0, "itermax 0 gives 0");
    /* Julia c = 0: z0 = 1.2 -> 1.44 -> 2.0736 (|z|^2 = 4.2998): step 1 */
    check_point(J, 0, 0, 1.2, 0.0, 2.0, 100, 1, "Julia c=0, z0=1.2 escapes at step 1");
    check_point(J, 0, 0, 1.5, 0.0, 2.0, 100, 0, "Julia c=0, z0=1.5 escapes at step 0");
    check_point(J, 0, 0, 0.5, 0.5, 2.0, 500, 500, "Julia c=0, z0=0.5+0.5i never escapes");
    check_point(J, 1.0, 0, 0.0, 0.0, 2.0, 100, 2, "Julia c=1, z0=0 escapes at step 2");
    check_point(J, -2.0, 0, 0.0, 0.0, 2.0, 1000, 1000, "Julia c=-2, z0=0 never escapes");
    /* threshold 1 (escape2 = 1): z0 = 1 stays at 1; 1.0000001^2 > 1 at once */
    check_point(J, 0, 0, 1.0, 0.0, 1.0, 50, 50, "Julia c=0, threshold 1, z0=1 never escapes");
    check_point(J, 0, 0, 1.0000001, 0.0, 1.0, 50, 0,
                "Julia c=0, threshold 1, z0=1.0000001 escapes at step 0");

    /* ---- every path against the scalar one ---- */
    static const size_t lengths[] = {1, 2, 7, 8, 13, 1001};
    const enum kernel_path paths[] = {KERNEL_SCALAR, KERNEL_AVX2, KERNEL_AVX512};
    double my[9], jy[13];
    grid_linspace(1.25, -1.25, 9, my);
    grid_linspace(0.1, -0.1, 13, jy);
    for (size_t pi = 0; pi < sizeof paths / sizeof paths[0]; pi++) {
        enum kernel_path path = paths[pi];
        if (!kernel_path_supported(path)) {
            for (int t = 0; t < TESTS_PER_PATH; t++)
                ok(1, "# SKIP %s: not supported by this CPU", kernel_path_name(path));
            continue;
        }
        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
            size_t n = lengths[li];
            struct kernel_spec s = make_spec(M, 0, 0, 2.0, 1000, path);
            long bad = compare_rows(s, -2.5, 1.0, n, my, 9);
            ok(bad == 0, "%s: Mandelbrot full view, rows of %zu, itermax 1000: %ld differ",
               kernel_path_name(path), n, bad);
            s = make_spec(J, -0.835, -0.2321, 2.0, 100, path);
            bad = compare_rows(s, -0.1, 0.1, n, jy, 13);
            ok(bad == 0, "%s: seed Julia [-0.1,0.1]^2, rows of %zu, itermax 100: %ld differ",
               kernel_path_name(path), n, bad);
        }
        /* odd itermax, other thresholds (below 2 and |c| above the threshold use
         * the per-step escape test of the vector paths), huge thresholds (overflow
         * after escape), and a zoom on the cardioid's edge */
        struct kernel_spec s = make_spec(M, 0, 0, 2.0, 37, path);
        ok(compare_rows(s, -2.5, 1.0, 1001, my, 9) == 0, "%s: Mandelbrot, itermax 37",
           kernel_path_name(path));
        s = make_spec(M, 0, 0, 1.5, 200, path);
        ok(compare_rows(s, -2.5, 1.0, 1001, my, 9) == 0, "%s: Mandelbrot, threshold 1.5",
           kernel_path_name(path));
        s = make_spec(M, 0, 0, 1e30, 200, path);
        ok(compare_rows(s, -2.5, 1.0, 1001, my, 9) == 0, "%s: Mandelbrot, threshold 1e30",
           kernel_path_name(path));
        s = make_spec(M, 0, 0, 1.5, 1000, path);
        ok(compare_rows(s, -2.5, 1.0, 1001, my, 9) == 0,
           "%s: Mandelbrot, threshold 1.5, itermax 1000", kernel_path_name(path));
        s = make_spec(J, -2.1, 0.05, 2.0, 200, path);
        ok(compare_rows(s, -2.0, 2.0, 1001, my, 9) == 0, "%s: Julia with |c| > threshold",
           kernel_path_name(path));
        s = make_spec(J, -2.1, 0.05, 2.0, 700, path);
        ok(compare_rows(s, -2.0, 2.0, 1001, my, 9) == 0,
           "%s: Julia with |c| > threshold, itermax 700", kernel_path_name(path));
        s = make_spec(J, -0.835, -0.2321, 10.0, 1, path);
        ok(compare_rows(s, -2.0, 2.0, 1001, my, 9) == 0, "%s: Julia, threshold 10, itermax 1",
           kernel_path_name(path));
        s = make_spec(J, -0.835, -0.2321, 2.0, 0, path);
        ok(compare_rows(s, -2.0, 2.0, 13, my, 9) == 0, "%s: itermax 0",
           kernel_path_name(path));
        /* a Julia set with a large interior (c = -1): the cycle tests fire, around
         * the block and periodicity boundaries of the lockstep path */
        static const uint32_t interior_itermax[] = {33, 255, 256};
        for (size_t k = 0; k < 3; k++) {
            s = make_spec(J, -1.0, 0.0, 2.0, interior_itermax[k], path);
            ok(compare_rows(s, -2.0, 2.0, 1001, my, 9) == 0, "%s: Julia c = -1, itermax %u",
               kernel_path_name(path), interior_itermax[k]);
        }
        /* rows mirrored about the real axis, 6 apart, in consecutive groups of
         * rows: z and -z have the same orbit but for the sign, so a periodicity
         * reference left from the previous group would match */
        double mirrored[13];
        grid_linspace(0.03, -0.03, 13, mirrored);
        s = make_spec(J, -0.835, -0.2321, 2.0, 256, path);
        ok(compare_rows(s, 0.0, 0.0, 1, mirrored, 13) == 0 &&
               compare_rows(s, -0.01, 0.01, 9, mirrored, 13) == 0,
           "%s: seed Julia, mirrored rows in consecutive groups, itermax 256",
           kernel_path_name(path));
        double zy[5];
        grid_linspace(0.6495, 0.6485, 5, zy);
        s = make_spec(M, 0, 0, 2.0, 3000, path);
        ok(compare_rows(s, -0.1255, -0.1245, 1001, zy, 5) == 0,
           "%s: Mandelbrot zoom on the cardioid's edge, itermax 3000", kernel_path_name(path));
    }
    return done_testing();
}
