/* supersample.c - K x K samples per pixel: the means of their channels and of their colours. */
#include "supersample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Running sums of one channel over a tile's samples. */
struct channel_sums {
    double sum[SUPERSAMPLE_TILE_MAX];
    uint32_t n[SUPERSAMPLE_TILE_MAX];
};

static void add_values(struct channel_sums *sums, const float *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i])) {
            sums->sum[i] += values[i];
            sums->n[i]++;
        }
}

static void store_means(const struct channel_sums *sums, size_t n, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = sums->n[i] ? (float)(sums->sum[i] / sums->n[i]) : NAN;
}

/* What one tile accumulates; kept off the stack (about 56 KiB). */
struct tile_work {
    uint32_t counts[SUPERSAMPLE_TILE_MAX];
    float smooth[SUPERSAMPLE_TILE_MAX], distance[SUPERSAMPLE_TILE_MAX];
    struct channel_sums smooth_sums, distance_sums;
    uint32_t colour_sums[SUPERSAMPLE_TILE_MAX][3];
};

int supersample_tile(const struct supersample_spec *spec, uint64_t row, uint64_t col0, size_t n, float *smooth,
                     float *distance, uint16_t *colour)
{
    struct tile_work *w = malloc(sizeof *w);
    if (!w)
        return -1;
    const struct colouring *col = spec->colouring;
    const unsigned components = col->components;
    const int need_smooth = smooth || (colour && col->by_smooth);
    memset(&w->smooth_sums, 0, sizeof w->smooth_sums);
    memset(&w->distance_sums, 0, sizeof w->distance_sums);
    memset(w->colour_sums, 0, sizeof w->colour_sums);
    for (uint32_t b = 0; b < spec->k; b++) {
        for (uint32_t a = 0; a < spec->k; a++) {
            struct engine_tile tile = {.row0 = row, .col0 = col0, .rows = 1, .n = n,
                                       .du = (a + 0.5) / spec->k - 0.5, .dv = (b + 0.5) / spec->k - 0.5,
                                       .counts = w->counts, .smooth = need_smooth ? w->smooth : NULL,
                                       .distance = distance ? w->distance : NULL, .stride = n};
            spec->engine->ops->compute(spec->engine, &tile);
            if (smooth)
                add_values(&w->smooth_sums, w->smooth, n);
            if (distance)
                add_values(&w->distance_sums, w->distance, n);
            for (size_t i = 0; colour && i < n; i++) {
                uint16_t levels[3];
                colouring_sample(col, w->counts[i], need_smooth ? w->smooth[i] : NAN, levels);
                for (unsigned c = 0; c < components; c++)
                    w->colour_sums[i][c] += levels[c];
            }
        }
    }
    if (smooth)
        store_means(&w->smooth_sums, n, smooth);
    if (distance)
        store_means(&w->distance_sums, n, distance);
    uint32_t samples = spec->k * spec->k;
    for (size_t i = 0; colour && i < n; i++)
        for (unsigned c = 0; c < components; c++)
            colour[i * components + c] = (uint16_t)((w->colour_sums[i][c] + samples / 2) / samples);
    free(w);
    return 0;
}
