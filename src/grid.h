/* grid.h - sample coordinates of the image: numpy.linspace over both edges, row 0 at ytop. */
#ifndef MPIFRACTAL_GRID_H
#define MPIFRACTAL_GRID_H

#include <stddef.h>
#include <stdint.h>

/* Height that keeps the vertical sample spacing equal to the horizontal one:
 * round((ytop - ybot) / dx) + 1 with dx = (xright - xleft) / (width - 1).
 * Returns 0 when the result would not fit in a uint64_t. */
uint64_t grid_height_from_aspect(double xleft, double xright, double ybot, double ytop,
                                 uint64_t width);

/* Fills out[0..n-1] with exactly what numpy.linspace(start, stop, n) returns:
 * out[i] = i * ((stop - start) / (n - 1)) + start, and out[n-1] = stop.
 * n must be at least 2. */
void grid_linspace(double start, double stop, uint64_t n, double *out);

/* The value at index i of numpy.linspace(start, stop, n), without the array. */
double grid_linspace_at(double start, double stop, uint64_t n, uint64_t i);

#endif
