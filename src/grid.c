/* grid.c - sample coordinates of the image: numpy.linspace over both edges, row 0 at ytop. */
#include "grid.h"

#include <math.h>

uint64_t grid_height_from_aspect(double xleft, double xright, double ybot, double ytop,
                                 uint64_t width)
{
    double dx = (xright - xleft) / (double)(width - 1);
    double rows = nearbyint((ytop - ybot) / dx);
    if (!(rows >= 1.0) || rows >= 18446744073709549568.0) /* largest double below 2^64 */
        return rows >= 0.0 && rows < 1.0 ? 2 : 0;
    uint64_t height = (uint64_t)rows + 1;
    return height < 2 ? 2 : height;
}

double grid_linspace_at(double start, double stop, uint64_t n, uint64_t i)
{
    if (i == n - 1)
        return stop;
    double step = (stop - start) / (double)(n - 1);
    return (double)i * step + start;
}

void grid_linspace(double start, double stop, uint64_t n, double *out)
{
    for (uint64_t i = 0; i < n; i++)
        out[i] = grid_linspace_at(start, stop, n, i);
}
