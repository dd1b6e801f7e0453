/* band.h - what a rank computes for a band of rows: counts, optional channels and pixel colours, plane by plane. */
#ifndef MPIFRACTAL_BAND_H
#define MPIFRACTAL_BAND_H

#include <stddef.h>
#include <stdint.h>

/* Which planes a band carries besides the counts; fixed for a whole render. */
struct band_layout {
    int smooth;                  /* float32 smooth iteration counts */
    int distance;                /* float32 distance estimates */
    unsigned colour_components;  /* 0, or PNG levels (uint16) per pixel: 1 grey, 3 RGB */
};

/* The planes of a band (or a view starting at one of its rows), each row-major
 * with width values per row (colour: width * colour_components). */
struct band_data {
    uint32_t *counts;
    float *smooth;    /* NULL when the layout has no smooth plane */
    float *distance;  /* NULL when the layout has no distance plane */
    uint16_t *colour; /* NULL when the layout has no colour plane */
    unsigned colour_components;
};

/* Bytes per sample of a band with this layout. */
size_t band_layout_sample_bytes(const struct band_layout *layout);

/* Allocates the planes for samples values each. Returns 0, or -1 (nothing
 * allocated) when memory is short. */
int band_data_alloc(struct band_data *band, const struct band_layout *layout, size_t samples);

/* Frees what band_data_alloc allocated. */
void band_data_free(struct band_data *band);

/* A view of band starting at row first_row (width values per row). */
struct band_data band_data_rows(const struct band_data *band, uint64_t first_row, uint64_t width);

#endif
