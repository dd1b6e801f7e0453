/* engine.h - how samples are computed: the interface between the band schedule and a compute method. */
#ifndef MPIFRACTAL_ENGINE_H
#define MPIFRACTAL_ENGINE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Most columns a tile may have. */
#define ENGINE_TILE_MAX 1024

/* Part of the image to compute: rows [row0, row0 + rows) by columns
 * [col0, col0 + n), n <= ENGINE_TILE_MAX, each sample moved by (du, dv) pixel spacings along the
 * real and imaginary axes (supersampling; 0, 0 is the grid point itself). */
struct engine_tile {
    uint64_t row0, col0;
    size_t rows, n;
    double du, dv;
    uint32_t *counts;  /* counts[r * stride + i] */
    float *smooth;     /* NULL: not wanted; else like counts */
    float *distance;   /* NULL: not wanted; else like counts */
    size_t stride;
};

struct engine;

/* One way of computing samples. Each engine gives the escape count its exact
 * meaning (params.h, kernel.h): the first k with |z(k+1)| > threshold, or
 * itermax; the double engine exactly, the perturbation engine to within the
 * bounds its tests measure. Results are pure functions of the sample, so that
 * they do not depend on ranks, threads or how the image is cut. */
struct engine_ops {
    const char *name; /* as --engine names it */
    /* Collective over comm, on every rank, before the first tile: whatever
     * all ranks need (a kernel path every rank can run, a reference orbit
     * computed once and broadcast). Messages come from rank 0 only. Returns
     * 0, or the exit status (the same on every rank). */
    int (*prepare)(struct engine *engine, MPI_Comm comm);
    /* How many rows compute runs together fastest (tiles and bands are cut
     * in multiples of it). The same on every rank. */
    unsigned (*rows_together)(const struct engine *engine);
    /* Computes a tile. Returns the iterations done (the sum of its counts).
     * Thread-safe. May return early, leaving the tile undefined, once a stop
     * is requested (stop.h): the caller then discards it. */
    uint64_t (*compute)(const struct engine *engine, const struct engine_tile *tile);
    /* One phrase for the summary line ("kernel ...") and the files' kernel
     * attribute: "avx512", or "perturbation (reference orbit of 1752
     * iterations at 3388 bits, computed in 0.005 s)".
     * Rank 0, after prepare. */
    void (*summary)(const struct engine *engine, char *out, size_t len);
    /* Seconds rank 0 spent alone before the others could start (0 if none). */
    double (*serial_seconds)(const struct engine *engine);
    /* Frees what prepare made. Safe after a failed prepare. */
    void (*release)(struct engine *engine);
};

struct engine {
    const struct engine_ops *ops;
    const struct render_params *params;
    void *state; /* the engine's own */
};

extern const struct engine_ops engine_double_ops;
extern const struct engine_ops engine_perturbation_ops;

/* The engine for these parameters: --engine, or with auto the double engine
 * where doubles resolve the view and perturbation where they do not. */
const struct engine_ops *engine_choose(const struct render_params *params);

#endif
