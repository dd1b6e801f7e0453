/* supersample.h - K x K samples per pixel: the means of their channels and of their colours. */
#ifndef MPIFRACTAL_SUPERSAMPLE_H
#define MPIFRACTAL_SUPERSAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "channels.h"
#include "colormap.h"
#include "engine.h"

/* Most pixels supersample_tile takes at once. */
#define SUPERSAMPLE_TILE_MAX ENGINE_TILE_MAX

/* What supersampling needs, fixed for a whole render. */
struct supersample_spec {
    uint32_t k;                          /* k x k samples per pixel, k >= 1 */
    const struct engine *engine;         /* computes the samples */
    const struct colouring *colouring;   /* how a sample is coloured */
};

/* For the n pixels (col0 + i, row), n <= SUPERSAMPLE_TILE_MAX: takes the k x k
 * samples moved by ((a + 0.5) / k - 0.5, (b + 0.5) / k - 0.5) pixel spacings
 * along the real and imaginary axes, a, b = 0..k-1 (b outer, a inner; k = 1
 * is the pixel itself), computed by the engine, and writes
 *   smooth[i], distance[i]: the mean of the samples' float32 channel values
 *     that are not NaN (summed in double in that order), NaN if all are;
 *   colour[i * components + c]: the mean of the samples' colour levels,
 *     rounded half up in integers (so a uniform pixel keeps its colour).
 * Any of the three outputs may be NULL. Returns 0, or -1 when memory is
 * short (nothing written). Thread-safe. */
int supersample_tile(const struct supersample_spec *spec, uint64_t row, uint64_t col0, size_t n, float *smooth,
                     float *distance, uint16_t *colour);

#endif
