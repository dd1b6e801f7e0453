/* test_channels.c - unit tests of the smooth and distance channels against closed forms and known distances. */
#include <math.h>
#include <string.h>

#include "channels.h"
#include "kernel.h"
#include "tap.h"

static struct render_params make_params(enum fractal_kind fractal, double c_re, double c_im, double radius)
{
    struct render_params p;
    memset(&p, 0, sizeof p);
    p.fractal = fractal;
    p.c_re = c_re;
    p.c_im = c_im;
    p.threshold = 2.0;
    p.itermax = 100000;
    p.smooth_radius = radius;
    return p;
}

/* Count (from the scalar kernel), smooth and distance of the sample (x, y). */
static uint32_t sample(const struct render_params *p, double x, double y, float *smooth, float *distance)
{
    struct kernel_spec kspec;
    struct channel_spec cspec;
    uint32_t count;
    kernel_spec_init(&kspec, p);
    kspec.path = KERNEL_SCALAR;
    channel_spec_init(&cspec, p);
    kernel_row(&kspec, &x, y, 1, &count);
    channel_sample(&cspec, x, y, count, smooth, distance);
    return count;
}

static int close_to(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want);
}

int main(void)
{
    plan(27);
    float s, d;

    /* Julia c = 0: z(m) = z0^(2^m), so smooth = -log2(log2 |z0|) exactly and
     * distance = |z0| ln|z0|, which tends to |z0| - 1, the distance to the unit circle. */
    static const double radii[] = {1.001, 1.01, 1.1, 1.5, 3.0};
    for (size_t k = 0; k < 5; k++) {
        double r = radii[k];
        struct render_params p = make_params(FRACTAL_JULIA, 0.0, 0.0, 65536.0);
        sample(&p, 0.6 * r, 0.8 * r, &s, &d);
        ok(close_to(d, r * log(r), 1e-5) && close_to(s, -log2(log2(r)), 1e-5),
           "julia c=0, |z0| = %g: distance %.7g = |z0| ln|z0|, smooth %.7g = -log2(log2 |z0|)", r, d, s);
    }
    {
        struct render_params p = make_params(FRACTAL_JULIA, 0.0, 0.0, 65536.0);
        sample(&p, 1.0001, 0.0, &s, &d);
        ok(close_to(d, 1e-4, 1e-3), "julia c=0: z0 = 1.0001 is %.7g from the unit circle (1e-4)", d);
    }

    /* Mandelbrot left of -2: the distance to the set is -2 - c (the tip -2 is
     * in the set, the set lies in |c| <= 2). The estimate is twice that at
     * the tip, and within the Koebe bounds [distance/2, 2 distance] near the set. */
    static const double gaps[] = {1e-5, 1e-4, 1e-3};
    for (size_t k = 0; k < 3; k++) {
        struct render_params p = make_params(FRACTAL_MANDELBROT, 0, 0, 65536.0);
        sample(&p, -2.0 - gaps[k], 0.0, &s, &d);
        ok(close_to(d / 2.0, gaps[k], 2e-3), "mandelbrot c = -2 - %g: estimate / 2 = %.7g", gaps[k], d / 2.0);
    }
    static const double outside[] = {-2.1, -2.5, -3.0};
    for (size_t k = 0; k < 3; k++) {
        struct render_params p = make_params(FRACTAL_MANDELBROT, 0, 0, 65536.0);
        double truth = -2.0 - outside[k];
        sample(&p, outside[k], 0.0, &s, &d);
        ok(d / 2.0 <= truth && truth <= 2.0 * d, "mandelbrot c = %g: distance %g within [estimate/2, 2 estimate] "
           "(estimate %g)", outside[k], truth, d);
    }

    /* Radius independence: c = 0 is exact; elsewhere the terms are ~|c| / radius^2. */
    {
        struct render_params a = make_params(FRACTAL_MANDELBROT, 0, 0, 256.0);
        struct render_params b = make_params(FRACTAL_MANDELBROT, 0, 0, 1e10);
        float sa, sb, da, db;
        sample(&a, 0.4, 0.3, &sa, &da);
        sample(&b, 0.4, 0.3, &sb, &db);
        ok(fabs(sa - sb) < 1e-4 && close_to(da, db, 1e-3),
           "radius 256 and 1e10 agree: smooth %.7g %.7g, distance %.7g %.7g", sa, sb, da, db);
    }

    /* Continuity and monotony across count boundaries: along the real axis
     * right of the cusp, orbits escape sooner the further out the sample. */
    {
        struct render_params p = make_params(FRACTAL_MANDELBROT, 0, 0, 65536.0);
        float previous = 0;
        uint32_t first_count = 0, count = 0;
        double largest_step = 0;
        int monotone = 1;
        for (int i = 0; i <= 2000; i++) {
            double c = 0.3 + 0.2 * i / 2000.0;
            count = sample(&p, c, 0.0, &s, NULL);
            if (i == 0)
                first_count = count;
            else {
                monotone &= s < previous;
                largest_step = fmax(largest_step, previous - s);
            }
            previous = s;
        }
        ok(first_count > count + 3, "the counts change along [0.3, 0.5] (%u to %u)", first_count, count);
        ok(monotone, "smooth decreases strictly along [0.3, 0.5]");
        ok(largest_step < 0.02, "smooth is continuous across the count boundaries (largest step %g)", largest_step);
    }
    /* Threshold 2: how far smooth lies from the count, as README and the
     * smooth dataset's description state it: over the seed Julia view within
     * [count - 0.2, count + 1.35]; over the default Mandelbrot view at
     * itermax 500, 99% of the escaped samples within [count - 0.35, count + 2.1]. */
    {
        struct render_params p = make_params(FRACTAL_JULIA, -0.835, -0.2321, 65536.0);
        double lo = 1e9, hi = -1e9;
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 200; j++) {
                uint32_t count = sample(&p, -0.1 + 0.2 * i / 199.0, -0.1 + 0.2 * j / 199.0, &s, NULL);
                if (count < p.itermax) {
                    lo = fmin(lo, s - count);
                    hi = fmax(hi, s - count);
                }
            }
        ok(lo >= -0.2 && hi <= 1.35, "seed julia view: smooth - count within [-0.2, 1.35] (%.3f to %.3f)", lo, hi);
        p = make_params(FRACTAL_MANDELBROT, 0, 0, 65536.0);
        p.itermax = 500;
        unsigned escaped = 0, inside = 0;
        for (int i = 0; i < 350; i++)
            for (int j = 0; j < 250; j++) {
                uint32_t count = sample(&p, -2.5 + 3.5 * i / 349.0, -1.25 + 2.5 * j / 249.0, &s, NULL);
                if (count < p.itermax) {
                    escaped++;
                    inside += s - count >= -0.35 && s - count <= 2.1;
                }
            }
        ok(inside >= 0.99 * escaped, "default mandelbrot view, itermax 500: %.2f%% of smooth - count within "
           "[-0.35, 2.1] (at least 99%%)", 100.0 * inside / escaped);
    }

    /* Samples that never escape: NaN in both channels. */
    {
        struct render_params p = make_params(FRACTAL_MANDELBROT, 0, 0, 65536.0);
        p.itermax = 500;
        uint32_t count = sample(&p, -0.1, 0.1, &s, &d);
        ok(count == p.itermax && isnan(s) && isnan(d), "interior sample: count itermax, smooth and distance NaN");
        struct channel_spec cspec;
        channel_spec_init(&cspec, &p);
        s = d = 0;
        channel_sample(&cspec, -0.1, 0.1, p.itermax, &s, NULL);
        ok(isnan(s) && d == 0, "a NULL channel is left alone");
    }
    /* A threshold below 2 lets bounded orbits "escape": followed for a while, then NaN. */
    {
        struct render_params p = make_params(FRACTAL_JULIA, -0.1, 0.1, 65536.0);
        p.threshold = 0.01;
        uint32_t count = sample(&p, 0.05, 0.0, &s, &d);
        ok(count < p.itermax && isnan(s) && isnan(d), "threshold 0.01: a bounded orbit that passed it gets NaN");
    }

    /* Channel lists. */
    uint32_t bits = 99;
    char bad[64];
    ok(channel_list_parse("counts,smooth,distance", &bits, bad, sizeof bad) == 0 &&
       bits == (CHANNEL_SMOOTH | CHANNEL_DISTANCE), "counts,smooth,distance");
    ok(channel_list_parse("distance", &bits, bad, sizeof bad) == 0 && bits == CHANNEL_DISTANCE, "distance");
    ok(channel_list_parse("counts", &bits, bad, sizeof bad) == 0 && bits == 0, "counts");
    ok(channel_list_parse("smooth,colour", &bits, bad, sizeof bad) == -1 && strcmp(bad, "colour") == 0,
       "an unknown name is refused and named");
    ok(channel_list_parse("smooth,", &bits, bad, sizeof bad) == -1 && bad[0] == '\0', "an empty name is refused");
    ok(channel_list_parse("", &bits, bad, sizeof bad) == -1, "an empty list is refused");
    return done_testing();
}
