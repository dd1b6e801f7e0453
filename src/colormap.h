/* colormap.h - PNG colours: the colour maps and how a pixel's count or smooth value picks its colour. */
#ifndef MPIFRACTAL_COLORMAP_H
#define MPIFRACTAL_COLORMAP_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* enum colormap_kind is in params.h. */

/* The name of a colour map, as --colormap accepts it. */
const char *colormap_name(enum colormap_kind kind);

/* Samples per PNG pixel: 1 for gray, 3 (RGB) for the others. */
unsigned colormap_components(enum colormap_kind kind);

/* The colour at position t of the map, as levels 0..top in out[0..components-1].
 * t is clamped to [0, 1], except for the cyclic map, which repeats with period
 * 1 (t and t + 1 give the same colour). Gray gives round(t * top); viridis
 * interpolates linearly between matplotlib's 256 entries (entry k at t = k / 255). */
void colormap_levels(enum colormap_kind kind, double t, uint32_t top, uint16_t *out);

/* Histogram equalisation: the fraction of escaped pixels whose value is at
 * most v, tabulated over bins of the value range. */
struct equalization {
    double *cdf;        /* [bins]: fraction of escaped pixels below the end of each bin */
    uint32_t bins;
    double low, width;  /* bin b covers [low + b * width, low + (b + 1) * width) */
};

/* How a render's pixels are coloured: fixed for a whole render. */
struct colouring {
    enum colormap_kind kind;
    unsigned components;
    uint32_t top;        /* 255 or 65535 */
    uint32_t itermin, itermax, cycle;
    int by_smooth;
    const struct equalization *equalized; /* NULL: no equalisation */
};

/* Fills a colouring from the parameters; equalized may be NULL. */
void colouring_init(struct colouring *c, const struct render_params *p, const struct equalization *equalized);

/* Colour levels of a sample with this count and smooth value (smooth is read
 * only when colouring by it). Samples that never escaped (count itermax, or a
 * NaN smooth value) are white in gray, as in the seed program, and black in
 * the other maps. Otherwise v (the count or the smooth value) gives t =
 * (v - itermin) / (itermax - itermin) for gray and viridis (with counts and
 * gray exactly the seed's grey levels, rounded halves up), t = (v - itermin) /
 * cycle for the cyclic map, or t = the equalised fraction of pixels at or
 * below v. Pure function. */
void colouring_sample(const struct colouring *c, uint32_t count, float smooth, uint16_t *out);

/* Allocates an empty histogram over the values the colouring uses (counts:
 * one bin per count up to 65536 counts, else 65536 equal bins; smooth values:
 * at most 65536 bins from itermin - 2 to itermax + 2). Returns 0, or -1 when
 * memory is short. */
int equalization_init(struct equalization *eq, const struct colouring *c, uint64_t **histogram);

/* Adds n pixels' values to the histogram (escaped pixels only). */
void equalization_add(const struct equalization *eq, const struct colouring *c, uint64_t *histogram,
                      const uint32_t *counts, const float *smooth, size_t n);

/* Turns the histogram into the cumulative fractions (and frees it). */
void equalization_finish(struct equalization *eq, uint64_t *histogram);

/* Frees what equalization_init allocated. */
void equalization_free(struct equalization *eq);

#endif
