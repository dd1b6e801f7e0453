/* band.c - what a rank computes for a band of rows: counts, optional channels and pixel colours, plane by plane. */
#include "band.h"

#include <stdlib.h>
#include <string.h>

size_t band_layout_sample_bytes(const struct band_layout *layout)
{
    return sizeof(uint32_t) + (layout->smooth ? sizeof(float) : 0) + (layout->distance ? sizeof(float) : 0) +
           layout->colour_components * sizeof(uint16_t);
}

int band_data_alloc(struct band_data *band, const struct band_layout *layout, size_t samples)
{
    memset(band, 0, sizeof *band);
    band->colour_components = layout->colour_components;
    band->counts = malloc(samples * sizeof(uint32_t));
    int ok = band->counts != NULL;
    if (ok && layout->smooth)
        ok = (band->smooth = malloc(samples * sizeof(float))) != NULL;
    if (ok && layout->distance)
        ok = (band->distance = malloc(samples * sizeof(float))) != NULL;
    if (ok && layout->colour_components)
        ok = (band->colour = malloc(samples * layout->colour_components * sizeof(uint16_t))) != NULL;
    if (!ok)
        band_data_free(band);
    return ok ? 0 : -1;
}

void band_data_free(struct band_data *band)
{
    free(band->counts);
    free(band->smooth);
    free(band->distance);
    free(band->colour);
    memset(band, 0, sizeof *band);
}

struct band_data band_data_rows(const struct band_data *band, uint64_t first_row, uint64_t width)
{
    size_t offset = (size_t)(first_row * width);
    struct band_data view = *band;
    view.counts = band->counts + offset;
    view.smooth = band->smooth ? band->smooth + offset : NULL;
    view.distance = band->distance ? band->distance + offset : NULL;
    view.colour = band->colour ? band->colour + offset * band->colour_components : NULL;
    return view;
}
