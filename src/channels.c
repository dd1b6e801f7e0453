/* channels.c - per-sample channels beside the escape count: smooth iteration count and distance estimate. */
#include "channels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stop.h"

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

/* Samples whose orbits are replayed together: independent chains of
 * dependent operations that the CPU overlaps (and the compiler may
 * vectorise); each lane does exactly the operations of its own sample. */
#define LANES 8
#define NO_SAMPLE SIZE_MAX

struct lanes {
    double re[LANES], im[LANES], c_re[LANES], c_im[LANES], dre[LANES], dim[LANES], mod2[LANES];
    uint64_t m[LANES], escaped_at[LANES];
    size_t sample[LANES]; /* index in the row, or NO_SAMPLE */
};

/* Puts sample i (escape count count) into lane l at its orbit's start. */
static void start_lane(const struct channel_spec *spec, struct lanes *s, int l, size_t i, double x, double y,
                       uint32_t count)
{
    const int mandelbrot = spec->fractal == FRACTAL_MANDELBROT;
    s->re[l] = mandelbrot ? 0.0 : x;
    s->im[l] = mandelbrot ? 0.0 : y;
    s->c_re[l] = mandelbrot ? x : spec->c_re;
    s->c_im[l] = mandelbrot ? y : spec->c_im;
    s->dre[l] = mandelbrot ? 0.0 : 1.0;
    s->dim[l] = 0.0;
    s->mod2[l] = 0.0;
    s->m[l] = 0;
    s->escaped_at[l] = (uint64_t)count + 1; /* |z(count + 1)| > threshold */
    s->sample[l] = i;
}

/* An idle lane: zeros, which stay zero (no overflow, no subnormals). */
static void clear_lane(struct lanes *s, int l)
{
    s->re[l] = s->im[l] = s->c_re[l] = s->c_im[l] = s->dre[l] = s->dim[l] = s->mod2[l] = 0.0;
    s->m[l] = 0;
    s->escaped_at[l] = UINT64_MAX;
    s->sample[l] = NO_SAMPLE;
}

/* One step of every lane: the derivative (when wanted) from z(k), then z(k+1). */
static void step_lanes(struct lanes *s, int with_derivative, double add)
{
    if (with_derivative)
        for (int l = 0; l < LANES; l++) {
            double ndre = 2.0 * (s->re[l] * s->dre[l] - s->im[l] * s->dim[l]) + add;
            double ndim = 2.0 * (s->re[l] * s->dim[l] + s->im[l] * s->dre[l]);
            s->dre[l] = ndre;
            s->dim[l] = ndim;
        }
    for (int l = 0; l < LANES; l++) {
        double re2 = s->re[l] * s->re[l], im2 = s->im[l] * s->im[l], reim = s->re[l] * s->im[l];
        s->re[l] = (re2 - im2) + s->c_re[l];
        s->im[l] = (reim + reim) + s->c_im[l];
        s->mod2[l] = s->re[l] * s->re[l] + s->im[l] * s->im[l];
        s->m[l]++;
    }
}

/* Steps of the lanes between two polls of stop_requested() (see stop.h). */
#define CHANNEL_POLL_STEPS 65536u

/* If lane l's orbit is done, stores its channels and returns 1, else 0. */
static int lane_done(const struct channel_spec *spec, const struct lanes *s, int l, float *smooth, float *distance)
{
    size_t i = s->sample[l];
    double mod2 = s->mod2[l];
    float *out_smooth = smooth ? smooth + i : NULL, *out_distance = distance ? distance + i : NULL;
    if (s->m[l] >= s->escaped_at[l] && mod2 > spec->radius2) {
        if (!isfinite(mod2)) { /* a threshold or radius so large that z overflowed */
            set_unknown(out_smooth, out_distance);
            return 1;
        }
        if (out_smooth)
            *out_smooth = (float)((double)s->m[l] - log2(0.5 * log2(mod2)));
        if (out_distance) {
            double modulus = sqrt(mod2), dmod = sqrt(s->dre[l] * s->dre[l] + s->dim[l] * s->dim[l]);
            *out_distance = isfinite(dmod) ? (float)(modulus * log(modulus) / dmod) : 0.0f;
        }
        return 1;
    }
    if (s->m[l] >= s->escaped_at[l] + CHANNEL_EXTRA_STEPS_MAX || isnan(mod2)) {
        set_unknown(out_smooth, out_distance);
        return 1;
    }
    return 0;
}

void channel_row(const struct channel_spec *spec, const double *x, double y, size_t n,
                 const uint32_t *counts, float *smooth, float *distance)
{
    struct lanes s;
    size_t next = 0;
    int busy = 0, idle = LANES;
    unsigned steps_to_poll = CHANNEL_POLL_STEPS;
    for (int l = 0; l < LANES; l++)
        clear_lane(&s, l);
    for (;;) {
        /* fill idle lanes with the next escaped samples; the others need no orbit */
        for (int l = 0; idle > 0 && l < LANES && next < n; l++) {
            if (s.sample[l] != NO_SAMPLE)
                continue;
            while (next < n && counts[next] >= spec->itermax) {
                set_unknown(smooth ? smooth + next : NULL, distance ? distance + next : NULL);
                next++;
            }
            if (next < n) {
                start_lane(spec, &s, l, next, x[next], y, counts[next]);
                next++;
                busy++;
                idle--;
            }
        }
        if (busy == 0)
            return;
        step_lanes(&s, distance != NULL, spec->fractal == FRACTAL_MANDELBROT ? 1.0 : 0.0);
        if (--steps_to_poll == 0) {
            steps_to_poll = CHANNEL_POLL_STEPS;
            if (stop_requested())
                return; /* the row is given up */
        }
        for (int l = 0; l < LANES; l++)
            if (s.sample[l] != NO_SAMPLE && lane_done(spec, &s, l, smooth, distance)) {
                clear_lane(&s, l);
                busy--;
                idle++;
            }
    }
}

void channel_sample(const struct channel_spec *spec, double x, double y, uint32_t count,
                    float *smooth, float *distance)
{
    channel_row(spec, &x, y, 1, &count, smooth, distance);
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
