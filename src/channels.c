/* channels.c - per-sample channels beside the escape count: smooth iteration count and distance estimate. */
#include "channels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void channel_spec_init(struct channel_spec *spec, const struct render_params *params)
{
    double radius = params->smooth_radius;
    spec->fractal = params->fractal;
    spec->c_re = params->c_re;
    spec->c_im = params->c_im;
    spec->escape2 = params->threshold * params->threshold;
    spec->radius2 = radius * radius;
    spec->itermax = params->itermax;
}

/* The channels of a sample that never escaped. */
static void set_unknown(float *smooth, float *distance)
{
    if (smooth)
        *smooth = NAN;
    if (distance)
        *distance = NAN;
}

void channel_sample(const struct channel_spec *spec, double x, double y, uint32_t count,
                    float *smooth, float *distance)
{
    if (count >= spec->itermax) {
        set_unknown(smooth, distance);
        return;
    }
    const int mandelbrot = spec->fractal == FRACTAL_MANDELBROT;
    double re = mandelbrot ? 0.0 : x, im = mandelbrot ? 0.0 : y;
    double c_re = mandelbrot ? x : spec->c_re, c_im = mandelbrot ? y : spec->c_im;
    double dre = mandelbrot ? 0.0 : 1.0, dim = 0.0, add = mandelbrot ? 1.0 : 0.0;
    uint64_t escaped_at = (uint64_t)count + 1; /* |z(count + 1)| > threshold */
    uint64_t m = 0;
    double mod2 = re * re + im * im;
    while (m < escaped_at || !(mod2 > spec->radius2)) {
        if (m >= escaped_at + CHANNEL_EXTRA_STEPS_MAX || isnan(mod2)) {
            set_unknown(smooth, distance);
            return;
        }
        double ndre = 2.0 * (re * dre - im * dim) + add;
        double ndim = 2.0 * (re * dim + im * dre);
        dre = ndre;
        dim = ndim;
        double re2 = re * re, im2 = im * im, reim = re * im;
        re = (re2 - im2) + c_re;
        im = (reim + reim) + c_im;
        mod2 = re * re + im * im;
        m++;
    }
    if (!isfinite(mod2)) { /* a threshold or radius so large that z overflowed */
        set_unknown(smooth, distance);
        return;
    }
    double log2_modulus = 0.5 * log2(mod2);
    if (smooth)
        *smooth = (float)((double)m - log2(log2_modulus));
    if (distance) {
        double modulus = sqrt(mod2), dmod = sqrt(dre * dre + dim * dim);
        *distance = isfinite(dmod) ? (float)(modulus * log(modulus) / dmod) : 0.0f;
    }
}

void channel_row(const struct channel_spec *spec, const double *x, double y, size_t n,
                 const uint32_t *counts, float *smooth, float *distance)
{
    for (size_t i = 0; i < n; i++)
        channel_sample(spec, x[i], y, counts[i], smooth ? smooth + i : NULL, distance ? distance + i : NULL);
}

int channel_list_parse(const char *text, uint32_t *bits, char *bad, size_t badlen)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = {{"counts", 0}, {"smooth", CHANNEL_SMOOTH}, {"distance", CHANNEL_DISTANCE}};
    uint32_t result = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] &&
               (strlen(names[k].name) != len || strncmp(names[k].name, p, len) != 0))
            k++;
        if (k == sizeof names / sizeof names[0]) {
            snprintf(bad, badlen, "%.*s", (int)(len < 60 ? len : 60), p);
            return -1;
        }
        result |= names[k].bit;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    *bits = result;
    return 0;
}
