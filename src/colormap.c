/* colormap.c - PNG colours: the colour maps and how a pixel's count or smooth value picks its colour. */
#include "colormap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "colormap_viridis.h"

/* Most bins of an equalisation histogram of smooth values. */
#define EQUALIZE_BINS_MAX 65536u
#define TWO_PI 6.283185307179586
/* Bins per iteration for smooth values (when the range allows). */
#define EQUALIZE_BINS_PER_ITERATION 16u

static const char *const names[] = {"gray", "viridis", "cyclic"};

const char *colormap_name(enum colormap_kind kind)
{
    return kind >= COLORMAP_GRAY && kind <= COLORMAP_CYCLIC ? names[kind] : "unknown";
}

unsigned colormap_components(enum colormap_kind kind)
{
    return kind == COLORMAP_GRAY ? 1 : 3;
}

static uint16_t level(double v, uint32_t top)
{
    double x = floor(v * top + 0.5);
    return (uint16_t)(x < 0 ? 0 : x > top ? top : x);
}

void colormap_levels(enum colormap_kind kind, double t, uint32_t top, uint16_t *out)
{
    if (kind == COLORMAP_CYCLIC) {
        /* a + b cos(2 pi (t + d)) per channel, a = b = 1/2, d = 0, 1/3, 2/3: a rainbow
         * with no seam; t is wrapped first so that t and t + 1 give the same bits */
        static const double phase[3] = {0.0, 1.0 / 3.0, 2.0 / 3.0};
        double u = t - floor(t);
        for (int k = 0; k < 3; k++)
            out[k] = level(0.5 + 0.5 * cos(TWO_PI * (u + phase[k])), top);
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : isnan(t) ? 0 : t;
    if (kind == COLORMAP_GRAY) {
        out[0] = level(t, top);
        return;
    }
    double u = t * 255.0;
    int i = (int)u;
    if (i > 254)
        i = 254;
    double f = u - i;
    for (int k = 0; k < 3; k++)
        out[k] = level(viridis_table[i][k] + f * (viridis_table[i + 1][k] - viridis_table[i][k]), top);
}

void colouring_init(struct colouring *c, const struct render_params *p, const struct equalization *equalized)
{
    c->kind = p->colormap;
    c->components = colormap_components(c->kind);
    c->top = p->png_depth == 16 ? 65535 : 255;
    c->itermin = p->itermin;
    c->itermax = p->itermax;
    c->cycle = p->color_cycle ? p->color_cycle : 1;
    c->by_smooth = p->color_by_smooth;
    c->equalized = equalized;
}

/* The seed's grey level of a count: round(top * (max(n, itermin) - itermin) / (itermax - itermin)), halves up. */
static uint32_t seed_grey_level(uint32_t count, uint32_t itermin, uint32_t itermax, uint32_t top)
{
    uint64_t span = (uint64_t)itermax - itermin;
    uint64_t above = count > itermin ? (uint64_t)count - itermin : 0;
    return (uint32_t)((above * top + span / 2) / span);
}

/* The equalised position of value v: the fraction of escaped pixels at or below it. */
static double equalized_position(const struct equalization *eq, double v)
{
    double u = (v - eq->low) / eq->width;
    if (!(u > 0))
        return eq->cdf[0];
    if (u >= eq->bins)
        return 1.0;
    uint32_t b = (uint32_t)u;
    double below = b ? eq->cdf[b - 1] : 0.0;
    return below + (u - b) * (eq->cdf[b] - below);
}

void colouring_sample(const struct colouring *c, uint32_t count, float smooth, uint16_t *out)
{
    double v = c->by_smooth ? (double)smooth : (double)count;
    if (count >= c->itermax || isnan(v)) {
        uint16_t interior = c->kind == COLORMAP_GRAY ? (uint16_t)c->top : 0;
        for (unsigned k = 0; k < c->components; k++)
            out[k] = interior;
        return;
    }
    if (c->equalized && !c->by_smooth && c->equalized->width == 1.0) {
        colormap_levels(c->kind, c->equalized->cdf[count], c->top, out); /* one bin per count */
    } else if (c->equalized) {
        colormap_levels(c->kind, equalized_position(c->equalized, v), c->top, out);
    } else if (c->kind == COLORMAP_CYCLIC) {
        double above = v > c->itermin ? v - c->itermin : 0.0;
        colormap_levels(c->kind, above / c->cycle, c->top, out);
    } else if (c->kind == COLORMAP_GRAY && !c->by_smooth) {
        out[0] = (uint16_t)seed_grey_level(count, c->itermin, c->itermax, c->top);
    } else {
        colormap_levels(c->kind, (v - c->itermin) / ((double)c->itermax - c->itermin), c->top, out);
    }
}

int equalization_init(struct equalization *eq, const struct colouring *c, uint64_t **histogram)
{
    memset(eq, 0, sizeof *eq);
    if (c->by_smooth) {
        double span = (double)c->itermax - c->itermin + 4.0; /* smooth values reach a little past counts */
        double bins = span * EQUALIZE_BINS_PER_ITERATION;
        eq->bins = bins < EQUALIZE_BINS_MAX ? (uint32_t)bins : EQUALIZE_BINS_MAX;
        eq->low = (double)c->itermin - 2.0;
        eq->width = span / eq->bins;
    } else { /* escaped counts are 0 .. itermax - 1: one bin each, or as many as smooth values get */
        eq->bins = c->itermax < EQUALIZE_BINS_MAX ? c->itermax : EQUALIZE_BINS_MAX;
        eq->low = 0;
        eq->width = c->itermax < EQUALIZE_BINS_MAX ? 1.0 : (double)c->itermax / EQUALIZE_BINS_MAX;
    }
    eq->cdf = malloc(eq->bins * sizeof *eq->cdf);
    *histogram = calloc(eq->bins, sizeof **histogram);
    if (!eq->cdf || !*histogram) {
        free(*histogram);
        equalization_free(eq);
        return -1;
    }
    return 0;
}

void equalization_add(const struct equalization *eq, const struct colouring *c, uint64_t *histogram,
                      const uint32_t *counts, const float *smooth, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (counts[i] >= c->itermax)
            continue;
        double u = ((c->by_smooth ? (double)smooth[i] : (double)counts[i]) - eq->low) / eq->width;
        if (isnan(u))
            continue;
        uint32_t b = u <= 0 ? 0 : u >= eq->bins ? eq->bins - 1 : (uint32_t)u;
        histogram[b]++;
    }
}

void equalization_finish(struct equalization *eq, uint64_t *histogram)
{
    uint64_t total = 0, running = 0;
    for (uint32_t b = 0; b < eq->bins; b++)
        total += histogram[b];
    for (uint32_t b = 0; b < eq->bins; b++) {
        running += histogram[b];
        eq->cdf[b] = total ? (double)running / (double)total : 1.0;
    }
    free(histogram);
}

void equalization_free(struct equalization *eq)
{
    free(eq->cdf);
    eq->cdf = NULL;
}
