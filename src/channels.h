/* channels.h - per-sample channels beside the escape count: smooth iteration count and distance estimate. */
#ifndef MPIFRACTAL_CHANNELS_H
#define MPIFRACTAL_CHANNELS_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Bits of render_params.channels: the float32 channels computed beside the counts. */
#define CHANNEL_SMOOTH 1u   /* continuous iteration count */
#define CHANNEL_DISTANCE 2u /* exterior distance estimate, in units of the plane */

/* Default radius the smooth and distance channels iterate escaped orbits to. */
#define CHANNEL_DEFAULT_RADIUS 65536.0
/* An escaped orbit is followed at most this many steps past its count; one
 * that has not passed the radius by then (a threshold below 2 lets bounded
 * orbits "escape") gets NaN. */
#define CHANNEL_EXTRA_STEPS_MAX 1000u

/* What the channel computation needs to know, fixed for a whole render. */
struct channel_spec {
    enum fractal_kind fractal;
    double c_re, c_im;  /* Julia constant */
    double escape2;     /* threshold^2: the counts' escape test */
    double radius2;     /* smooth radius^2: escaped orbits are followed until |z|^2 > radius2 */
    uint32_t itermax;
};

/* Fills a channel_spec from the render parameters. */
void channel_spec_init(struct channel_spec *spec, const struct render_params *params);

/* Channels of the sample p = (x, y) whose escape count (as kernel_row gives it)
 * is count. The orbit is replayed with the kernel's operations (re = (re*re -
 * im*im) + c_re, im = (re*im + re*im) + c_im, no fused multiply-add) together
 * with its derivative, dz(k+1) = 2 z(k) dz(k) + 1 with dz(0) = 0 (Mandelbrot,
 * d/dc) or dz(k+1) = 2 z(k) dz(k) with dz(0) = 1 (Julia, d/dz0), past the
 * count until the first m with |z(m)| > radius. Then
 *     smooth   = m - log2(log2 |z(m)|)
 *     distance = |z(m)| ln|z(m)| / |dz(m)|
 * The smooth value does not depend on the radius (but for terms of order
 * |c| / radius^2) and is continuous across count boundaries. With threshold
 * 2 it is exactly in [count, count + 1] for c = 0 and mostly within
 * [count - 0.33, count + 2] otherwise; an orbit that lingers near |z| = 2
 * after passing the threshold (c near -2) lies a few iterations higher.
 * Samples that never escape (count == itermax), or whose orbit does not pass
 * the radius within CHANNEL_EXTRA_STEPS_MAX steps (or overflows), get NaN in
 * both. A derivative too large for a double gives distance 0. Either output
 * may be NULL. Pure function of its arguments: the same on every rank, thread
 * and kernel path. */
void channel_sample(const struct channel_spec *spec, double x, double y, uint32_t count,
                    float *smooth, float *distance);

/* channel_sample for the n samples (x[i], y) of a row with counts[i]; smooth
 * or distance may be NULL (then that channel is not computed). Gives up when
 * stop_requested() (see stop.h): the row's channels are then incomplete. */
void channel_row(const struct channel_spec *spec, const double *x, double y, size_t n,
                 const uint32_t *counts, float *smooth, float *distance);

/* Parses a channel list such as "counts,smooth,distance" into CHANNEL_* bits
 * (counts are always written and may be named or not). Returns 0, or -1 with
 * the unknown name copied into bad (badlen bytes). */
int channel_list_parse(const char *text, uint32_t *bits, char *bad, size_t badlen);

#endif
