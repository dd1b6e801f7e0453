/* schedule.h - the band schedule: rank 0 hands out row bands on demand and receives them in order. */
#ifndef MPIFRACTAL_SCHEDULE_H
#define MPIFRACTAL_SCHEDULE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "band.h"

/* How the rows still to render are cut into work units: band b holds rows
 * [first_row + b * band_rows, min(height, first_row + (b + 1) * band_rows)). */
struct band_plan {
    uint64_t width, height;
    uint64_t first_row; /* 0, or where a resumed render continues */
    uint32_t band_rows;
    uint64_t band_count;
    uint32_t row_multiple; /* the renderer computes fastest in multiples of this many rows */
};

/* Chooses the band height: requested_rows if not 0, otherwise about 64 Ki
 * samples per band (1 Mi per thread when ranks run several threads), lowered
 * so that there are at least 16 bands per rank; kept under 64 MiB of band
 * memory (sample_bytes per sample: see band_layout_sample_bytes), then rounded
 * up to a multiple of quantum (whole output chunks), which may exceed the cap,
 * and clamped to the image. When chosen here, bands are also whole multiples
 * of row_multiple (rows the renderer computes together), rounded up or else
 * down, if that keeps them under the cap and keeps 16 bands per rank. */
void band_plan_init(struct band_plan *plan, uint64_t width, uint64_t height, uint64_t first_row,
                    uint32_t requested_rows, int ranks, int threads, uint32_t quantum,
                    uint32_t row_multiple, size_t sample_bytes);

/* The most payload bytes one band can carry: a band travels to rank 0 as one
 * MPI message, whose count of bytes is an int. */
size_t schedule_payload_limit(void);

/* What the schedule asks of the renderer. Every rank uses compute and encode;
 * rank 0 alone uses sink and progress. */
struct band_callbacks {
    void *ctx;
    /* Computes rows [row0, row0 + nrows) into the planes of out (a view that
     * starts at row0: counts and whatever the layout holds) and the sum of
     * the counts into *iterations. Returns 0, -1 on failure, or 1 when a stop
     * request (stop_requested, see stop.h) cut the rows short: they are then
     * never stored. */
    int (*compute)(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *out,
                   uint64_t *iterations);
    /* Turns a computed band into the bytes rank 0 will store (at most
     * payload_max). Returns their number, or 0 on failure. */
    size_t (*encode)(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *band,
                     uint8_t *payload);
    struct band_layout layout; /* the planes each rank keeps for a band */
    size_t payload_max; /* for a band of band_rows rows */
    /* Stores a band's payload; bands arrive strictly in row order.
     * Returns 0, or -1 to stop the render. */
    int (*sink)(void *ctx, uint64_t row0, uint32_t nrows, const uint8_t *payload, size_t length);
    /* Called after each sink call with the row the stored rows reach; may be NULL. */
    void (*progress)(void *ctx, uint64_t rows_done);
    /* Rank 0: whether to stop early (a signal arrived); may be NULL. */
    int (*interrupted)(void *ctx);
};

/* How long rank 0, once interrupted, waits for the workers to return or give
 * up the bands they hold. They poll for the stop about every millisecond and
 * answer within a fraction of a second, unless stopped (SIGSTOP) or hung. */
#define SCHEDULE_STOP_WAIT_SECONDS 10

/* What the schedule measured, valid on rank 0 after schedule_run. */
struct schedule_report {
    uint64_t *rank_iterations; /* [ranks]: sum of the counts each rank computed */
    uint64_t *rank_pixels;     /* [ranks]: samples each rank computed */
    uint64_t total_iterations;
    int silent_ranks;      /* when schedule_run returns 2: workers that did not answer, */
    int first_silent_rank; /* and the first of them */
};

/* Runs the whole schedule on every rank of comm (collective). Rank 0
 * coordinates and computes too: between steps of its own band it answers the
 * workers, who each keep up to two bands in hand so they never wait for work.
 * Each rank encodes the bands it computed. Payloads reach sink in row order;
 * rank 0 holds at most a bounded window of them, so memory does not grow with
 * the image. A stop request on any rank (a signal, see stop.h) reaches rank 0,
 * which then hands out nothing more, tells every rank to give up the band in
 * hand (a band cut short is never stored), stores the bands that arrive while
 * they continue the rows in order, and stops the workers.
 * report may be NULL on ranks other than 0; its arrays need one entry per rank.
 * Returns, the same on every rank: 0 when every band was stored, 1 when
 * interrupted first, or -1 if a sink, computation or encoding failed. On
 * rank 0 alone it returns 2 when interrupted and some workers did not answer
 * within SCHEDULE_STOP_WAIT_SECONDS (report says which): the rows stored are
 * valid, but nothing collective can follow, so the caller saves and ends the
 * run with MPI_Abort. */
int schedule_run(MPI_Comm comm, const struct band_plan *plan, const struct band_callbacks *cb,
                 struct schedule_report *report);

#endif
