/* supersample.h - K x K samples per pixel: the means of their channels and of their colours. */
#ifndef MPIFRACTAL_SUPERSAMPLE_H
#define MPIFRACTAL_SUPERSAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "channels.h"
#include "colormap.h"
#include "kernel.h"

/* Most pixels supersample_tile takes at once. */
#define SUPERSAMPLE_TILE_MAX 1024

/* What supersampling needs, fixed for a whole render. */
struct supersample_spec {
    uint32_t k;                          /* k x k samples per pixel, k >= 1 */
    double dx, dy;                       /* the pixel spacing along x and y */
    const struct kernel_spec *kernel;
    const struct channel_spec *channels;
    const struct colouring *colouring;   /* how a sample is coloured */
};

/* Fills spec->dx and spec->dy from the parameters' region and image size:
 * (xright - xleft) / (width - 1) and (ytop - ybot) / (height - 1). */
void supersample_spacing(struct supersample_spec *spec, const struct render_params *p);

/* For the n pixels (x[i], y), n <= SUPERSAMPLE_TILE_MAX: takes the k x k
 * samples (x[i] + ((a + 0.5) / k - 0.5) dx, y + ((b + 0.5) / k - 0.5) dy),
 * a, b = 0..k-1 (b outer, a inner; k = 1 is the pixel itself), and writes
 *   smooth[i], distance[i]: the mean of the samples' float32 channel values
 *     that are not NaN (summed in double in that order), NaN if all are;
 *   colour[i * components + c]: the mean of the samples' colour levels,
 *     rounded half up in integers (so a uniform pixel keeps its colour).
 * Any of the three outputs may be NULL. Returns 0, or -1 when memory is
 * short (nothing written). Thread-safe. */
int supersample_tile(const struct supersample_spec *spec, const double *x, double y, size_t n, float *smooth,
                     float *distance, uint16_t *colour);

#endif
