/* space.h - estimates the size of a render's outputs and checks the target filesystems can hold them. */
#ifndef MPIFRACTAL_SPACE_H
#define MPIFRACTAL_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Estimated bytes of the HDF5 output: the counts at their type's size, divided
 * by 3 when compressed (deflate with shuffle gains 4x to 20x on escape counts;
 * 3x leaves a margin), plus the coordinates. 0 when there is no HDF5 output. */
uint64_t space_estimate_hdf5(const struct render_params *params);

/* Estimated bytes of the PNG output: the grey or RGB samples divided by 3 (the
 * deflate gain seen on fractal images is 4x to 10x). 0 when there is no PNG. */
uint64_t space_estimate_png(const struct render_params *params);

/* Checks that the filesystems of the outputs have room for the estimates
 * (outputs on the same filesystem are added up). Returns 0, or -1 with one
 * line in err naming the sizes and the free space. Skipped with --force or --resume. */
int space_check(const struct render_params *params, char *err, size_t errlen);

#endif
