/* schedule.h - the band schedule: rank 0 hands out row bands on demand and receives them in order. */
#ifndef MPIFRACTAL_SCHEDULE_H
#define MPIFRACTAL_SCHEDULE_H

#include <mpi.h>
#include <stdint.h>

/* How the image is cut into work units: band b holds rows
 * [b * band_rows, min(height, (b + 1) * band_rows)). */
struct band_plan {
    uint64_t width, height;
    uint32_t band_rows;
    uint64_t band_count;
};

/* Chooses the band height: requested_rows if not 0 (clamped to the image),
 * otherwise about 64 Ki samples per band, lowered so that there are at least
 * 16 bands per rank. */
void band_plan_init(struct band_plan *plan, uint64_t width, uint64_t height,
                    uint32_t requested_rows, int ranks);

/* Computes the counts of rows [row0, row0 + nrows) into counts (nrows * width
 * values, row-major). Returns 0, or -1 on failure. */
typedef int (*band_compute_fn)(void *ctx, uint64_t row0, uint32_t nrows, uint32_t *counts);

/* Rank 0 only: receives finished rows strictly in order, starting at row 0.
 * Returns 0, or -1 to stop the render (the schedule then ends with an error). */
typedef int (*band_sink_fn)(void *ctx, uint64_t row0, uint32_t nrows, const uint32_t *counts);

/* What the schedule measured, valid on rank 0 after schedule_run. */
struct schedule_report {
    uint64_t *rank_iterations; /* [ranks]: sum of the counts each rank computed */
    uint64_t *rank_pixels;     /* [ranks]: samples each rank computed */
    uint64_t total_iterations;
};

/* Runs the whole schedule on every rank of comm (collective). Rank 0
 * coordinates and computes too: between rows of its own band it answers the
 * workers, who each keep up to two bands in hand so they never wait for work.
 * Bands reach sink in row order; at most a bounded window of bands is held on
 * rank 0, so memory does not grow with the image. progress(ctx, rows_done) is
 * called on rank 0 after each sink call when not NULL.
 * report may be NULL on ranks other than 0; its arrays must have one entry per rank.
 * Returns 0 on every rank, or -1 on every rank if the sink or a computation failed. */
int schedule_run(MPI_Comm comm, const struct band_plan *plan, band_compute_fn compute,
                 band_sink_fn sink, void (*progress)(void *ctx, uint64_t rows_done), void *ctx,
                 struct schedule_report *report);

#endif
