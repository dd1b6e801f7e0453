/* render.c - the whole program: parse and check on rank 0, render on all ranks, write on rank 0. */
#define _GNU_SOURCE /* sched_getaffinity: the CPUs the launcher gave this rank */
#include "render.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "channels.h"
#include "colormap.h"
#include "config.h"
#include "grid.h"
#include "engine.h"
#include "options.h"
#include "progress.h"
#include "schedule.h"
#include "space.h"
#include "stop.h"
#include "supersample.h"
#include "writer.h"

#define PROGRAM "mpifractal"
#define MAX_WRITERS 2
/* With more ranks than this, the summary gives the spread of the work, not every share. */
#define SUMMARY_RANKS_LISTED 8
/* Threads share a band in tiles of this many samples of one row. */
#define TILE_SAMPLES 1024
_Static_assert(TILE_SAMPLES <= SUPERSAMPLE_TILE_MAX, "a tile must fit supersample_tile");

struct render {
    const struct render_params *params;
    struct engine engine;      /* computes the samples */
    struct band_layout layout; /* the planes a band carries */
    struct colouring colouring;        /* of the PNG's samples */
    struct supersample_spec supersample; /* --samples above 1 */
    struct writer writers[MAX_WRITERS];
    int writer_count;
    struct writer *failed_writer;
    struct progress progress;
    int threads;
    unsigned rows_together; /* the engine's: the height of a tile and of band multiples */
    char engine_summary[256]; /* rank 0: what computed the samples (kernel paths, reference orbit) */
    uint64_t resume_row;      /* the first row this run computes (0 unless resuming) */
    int png_from_file;        /* resuming with a PNG: it is made from the finished file */
    uint64_t rows_stored;     /* rank 0: rows [0, rows_stored) are in the outputs */
};

static int stop_was_requested(void *ctx)
{
    (void)ctx;
    stop_requested(); /* on rank 0's main thread: also hears the workers' stop requests */
    return stop_pending();
}

/* Computes rows [row0, row0 + nrows): counts, the channels and colours the
 * band's layout holds (with --samples, means over each pixel's samples). The
 * rank's threads share tiles of rows_together rows by TILE_SAMPLES
 * columns (the kernel runs neighbouring rows together). Samples are
 * independent, so nothing depends on how the rows are cut. Returns 0, -1 on
 * failure, or 1 when a stop request cut the rows short (they are then
 * incomplete and must not be stored). */
static int compute_rows(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *out,
                        uint64_t *iterations)
{
    struct render *r = ctx;
    const struct render_params *p = r->params;
    const int64_t tiles_per_row = (int64_t)((p->width + TILE_SAMPLES - 1) / TILE_SAMPLES);
    const uint64_t tile_rows = r->rows_together;
    const int64_t row_groups = (int64_t)((nrows + tile_rows - 1) / tile_rows);
    const int64_t tiles = tiles_per_row * row_groups;
    uint64_t sum = 0;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(r->threads) if (r->threads > 1 && tiles > 1) \
    reduction(+ : sum) reduction(| : failed)
    for (int64_t t = 0; t < tiles; t++) {
        if (stop_requested()) /* the rows are given up: skip the tiles left */
            continue;
        uint64_t first_row = (uint64_t)(t / tiles_per_row) * tile_rows;
        size_t rows = (size_t)(nrows - first_row < tile_rows ? nrows - first_row : tile_rows);
        uint64_t col0 = (uint64_t)(t % tiles_per_row) * TILE_SAMPLES;
        uint64_t n = p->width - col0 < TILE_SAMPLES ? p->width - col0 : TILE_SAMPLES;
        size_t at = (size_t)(first_row * p->width + col0);
        int grid_channels = p->samples == 1; /* else the channels are the means of each pixel's samples */
        struct engine_tile tile = {.row0 = row0 + first_row, .col0 = col0, .rows = rows, .n = n,
                                   .counts = out->counts + at,
                                   .smooth = grid_channels && out->smooth ? out->smooth + at : NULL,
                                   .distance = grid_channels && out->distance ? out->distance + at : NULL,
                                   .stride = p->width};
        sum += r->engine.ops->compute(&r->engine, &tile);
        for (size_t i = 0; !grid_channels && i < rows; i++) {
            size_t row_at = at + i * p->width;
            float *smooth = out->smooth ? out->smooth + row_at : NULL;
            float *distance = out->distance ? out->distance + row_at : NULL;
            uint16_t *colour = out->colour ? out->colour + row_at * out->colour_components : NULL;
            if (smooth || distance || colour)
                failed |= supersample_tile(&r->supersample, row0 + first_row + i, col0, n, smooth, distance,
                                           colour) != 0;
        }
    }
    *iterations = sum;
    /* the kernels give up their rows when a stop is requested (see stop.h) */
    return failed ? -1 : stop_requested() ? 1 : 0;
}

/* Threads for this rank: --threads, else OMP_NUM_THREADS, else the CPUs in the
 * affinity mask the launcher gave the process, but no more than this node's
 * share (online CPUs / ranks on the node), so that ranks a launcher left
 * unbound do not oversubscribe the cores. Collective over comm. 1 without OpenMP. */
static int choose_threads(uint32_t requested, MPI_Comm comm)
{
    MPI_Comm node;
    int ranks_on_node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &ranks_on_node);
    MPI_Comm_free(&node);
#ifdef _OPENMP
    if (requested > 0)
        return (int)requested;
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && atoi(env) > 0)
        return atoi(env);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int share = online > ranks_on_node ? (int)(online / ranks_on_node) : 1;
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 0)
        return CPU_COUNT(&cpus) < share ? CPU_COUNT(&cpus) : share;
    return share;
#else
    (void)requested;
    return 1;
#endif
}

/* A band's payload holds each output's encoding in turn, each after its length. */
typedef uint64_t part_length;

static size_t encode_band(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *band,
                          uint8_t *payload)
{
    struct render *r = ctx;
    size_t used = 0;
    for (int i = 0; i < r->writer_count; i++) {
        const struct writer_ops *ops = r->writers[i].ops;
        part_length length = ops->encode(r->params, row0, nrows, band, payload + used + sizeof length);
        if (length == 0)
            return 0;
        memcpy(payload + used, &length, sizeof length);
        used += sizeof length + (size_t)length;
    }
    return used ? used : 1; /* a timing run with no output still sends one byte */
}

static int write_band(void *ctx, uint64_t row0, uint32_t nrows, const uint8_t *payload, size_t length)
{
    struct render *r = ctx;
    size_t used = 0;
    for (int i = 0; i < r->writer_count; i++) {
        struct writer *w = &r->writers[i];
        part_length part = 0;
        if (length - used >= sizeof part)
            memcpy(&part, payload + used, sizeof part);
        if (length - used < sizeof part || part > length - used - sizeof part) {
            snprintf(w->error, sizeof w->error, "a band of rows from %llu arrived truncated",
                     (unsigned long long)row0);
            r->failed_writer = w;
            return -1;
        }
        if (w->ops->write_band(w, row0, nrows, payload + used + sizeof part, (size_t)part) != 0) {
            r->failed_writer = w;
            return -1;
        }
        used += sizeof part + (size_t)part;
    }
    return 0;
}

static void report_progress(void *ctx, uint64_t rows_done)
{
    struct render *r = ctx;
    r->rows_stored = rows_done;
    progress_update(&r->progress, rows_done, MPI_Wtime());
}

static void discard_writers(struct render *r)
{
    for (int i = 0; i < r->writer_count; i++)
        r->writers[i].ops->discard(&r->writers[i]);
}

/* Every rank: the outputs of this render, in the order their parts travel. */
static void choose_writers(struct render *r)
{
    r->writer_count = 0;
    if (r->params->hdf5_path[0])
        r->writers[r->writer_count++].ops = &writer_hdf5_ops;
    if (r->params->png_path[0])
        r->writers[r->writer_count++].ops = &writer_png_ops;
    for (int i = 0; i < r->writer_count; i++)
        r->writers[i].params = r->params;
}

/* The most bytes a band's payload can take. */
static size_t payload_bound(const struct render *r, uint32_t band_rows)
{
    size_t bound = 1;
    for (int i = 0; i < r->writer_count; i++)
        bound += sizeof(part_length) + r->writers[i].ops->encoded_bound(r->params, band_rows);
    return bound;
}

int render_check_band_message(const struct render_params *params, char *err, size_t errlen)
{
    struct render r;
    memset(&r, 0, sizeof r);
    r.params = params;
    choose_writers(&r);
    uint32_t rows = writer_hdf5_chunk_rows(params); /* the fewest rows a band can have */
    size_t need = payload_bound(&r, rows);
    if (need <= schedule_payload_limit())
        return 0;
    /* the largest resolution whose band fits, everything else kept */
    struct render_params narrower = *params;
    uint64_t fits = 1, too_wide = params->width;
    r.params = &narrower;
    while (too_wide - fits > 1) {
        narrower.width = fits + (too_wide - fits) / 2;
        if (payload_bound(&r, writer_hdf5_chunk_rows(&narrower)) <= schedule_payload_limit())
            fits = narrower.width;
        else
            too_wide = narrower.width;
    }
    char drop[160] = "";
    size_t used = 0;
    const char *what[3] = {params->hdf5_path[0] && params->channels ? "the channels" : NULL,
                           params->png_path[0] && colormap_components(params->colormap) > 1 ? "the RGB colour map" : NULL,
                           params->png_path[0] && params->png_depth == 16 ? "--png-depth 16" : NULL};
    for (int k = 0; k < 3; k++)
        if (what[k])
            used += (size_t)snprintf(drop + used, sizeof drop - used, "%s%s", used ? " or " : "drop ", what[k]);
    snprintf(err, errlen, "a band of %u row%s at resolution %llu takes up to %.2f GiB with these outputs, "
             "more than one MPI message can carry (2 GiB): %s%suse a resolution of at most %llu",
             rows, rows == 1 ? "" : "s", (unsigned long long)params->width, (double)need / (1u << 30),
             drop, used ? ", or " : "", (unsigned long long)fits);
    return -1;
}

/* Rank 0: opens every output before any work. Returns 0, or EXIT_BAD_INPUT
 * after printing why (an output that cannot be created is bad input). */
static int open_writers(struct render *r)
{
    for (int i = 0; i < r->writer_count; i++) {
        struct writer *w = &r->writers[i];
        if (w->ops->open(w) != 0) {
            fprintf(stderr, PROGRAM ": error: %s\n", w->error);
            discard_writers(r);
            return EXIT_BAD_INPUT;
        }
        if (w->ops == &writer_hdf5_ops)
            r->resume_row = w->resume_row;
        /* the PNG cannot start mid-image, nor be equalised before the whole image is known */
        if ((r->resume_row > 0 || r->params->equalize) && r->writer_count > 1) {
            r->png_from_file = 1;
            r->writer_count = 1;
        }
    }
    return 0;
}

/* What is done with each block of rows read back from the HDF5 file: returns
 * 0 to go on, or 1 to stop (a failure it has recorded). */
typedef int (*block_visitor)(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *band);

/* Rank 0: reads the HDF5 output back from the top in blocks of rows rows
 * (the planes band has room for) and hands each block to visit. Returns 0,
 * -1 when a block cannot be read (why says where), or 1 when visit stopped. */
static int for_each_block(const struct render_params *p, const struct band_data *band, uint32_t rows,
                          block_visitor visit, void *ctx, char *why, size_t why_len)
{
    for (uint64_t row0 = 0; row0 < p->height; row0 += rows) {
        uint32_t n = p->height - row0 < rows ? (uint32_t)(p->height - row0) : rows;
        if (writer_hdf5_read_rows(p->hdf5_path, row0, n, p->width, band, why, why_len) != 0)
            return -1;
        if (visit(ctx, row0, n, band) != 0)
            return 1;
    }
    return 0;
}

/* An equalisation histogram being filled. */
struct histogram_fill {
    const struct equalization *eq;
    struct colouring colouring;
    uint64_t *histogram;
    uint64_t width;
};

static int add_to_histogram(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *band)
{
    struct histogram_fill *fill = ctx;
    (void)row0;
    equalization_add(fill->eq, &fill->colouring, fill->histogram, band->counts, band->smooth,
                     (size_t)nrows * fill->width);
    return 0;
}

/* Rank 0: makes the histogram of the whole image for an equalised PNG from
 * the finished file, read into band (rows rows at a time). Returns 0, or -1
 * (eq freed) with the reason in why. */
static int equalize_from_file(const struct render_params *p, const struct band_data *band, uint32_t rows,
                              struct equalization *eq, char *why, size_t why_len)
{
    struct histogram_fill fill = {.eq = eq, .width = p->width};
    colouring_init(&fill.colouring, p, NULL);
    if (equalization_init(eq, &fill.colouring, &fill.histogram) != 0)
        return snprintf(why, why_len, "out of memory"), -1;
    int rc = for_each_block(p, band, rows, add_to_histogram, &fill, why, why_len);
    equalization_finish(eq, fill.histogram);
    if (rc != 0)
        equalization_free(eq);
    return rc == 0 ? 0 : -1;
}

/* The end of a run that completes its outputs from the HDF5 file. */
struct completion {
    const struct render_params *p;
    struct writer *png;        /* NULL: no PNG to make */
    struct colouring colouring;
    int equalizing;            /* colour each sample into the band's colour plane first */
    uint8_t *encoded;          /* a block's PNG encoding */
    uint64_t total_iterations;
};

static int complete_block(void *ctx, uint64_t row0, uint32_t nrows, const struct band_data *band)
{
    struct completion *c = ctx;
    size_t samples = (size_t)nrows * c->p->width;
    for (size_t i = 0; i < samples; i++)
        c->total_iterations += band->counts[i];
    for (size_t i = 0; c->equalizing && i < samples; i++)
        colouring_sample(&c->colouring, band->counts[i], band->smooth ? band->smooth[i] : NAN,
                         band->colour + i * band->colour_components);
    if (!c->png)
        return 0;
    size_t length = c->png->ops->encode(c->p, row0, nrows, band, c->encoded);
    if (length == 0)
        snprintf(c->png->error, sizeof c->png->error, "out of memory");
    return length == 0 || c->png->ops->write_band(c->png, row0, nrows, c->encoded, length) != 0;
}

/* Rank 0, at the end of a resumed run or of one with an equalised PNG: reads
 * the finished counts back from the HDF5 file to total them and, if wanted,
 * to write the PNG that could not be streamed. The PNG writer (set aside by
 * open_writers) is put back among the outputs, written but not finished:
 * finish_writers then completes every output in its one order. Returns 0, or
 * EXIT_FAILED after printing why (the PNG discarded). */
static int complete_from_file(struct render *r, uint64_t *total_iterations)
{
    const struct render_params *p = r->params;
    struct writer *png = &r->writers[MAX_WRITERS - 1]; /* where choose_writers put it */
    struct completion c = {.p = p, .png = r->png_from_file ? png : NULL,
                           .equalizing = r->png_from_file && p->equalize};
    /* the counts, the smooth values when the PNG is coloured by them, colours when equalising */
    struct band_layout stored = {.smooth = r->png_from_file && p->color_by_smooth,
                                 .colour_components = c.equalizing ? colormap_components(p->colormap) : 0};
    uint32_t chunk_rows = writer_hdf5_chunk_rows(p);
    uint64_t blocks = (64u << 20) / band_layout_sample_bytes(&stored) / ((uint64_t)chunk_rows * p->width);
    uint32_t rows = chunk_rows * (uint32_t)(blocks ? blocks : 1); /* about 64 MiB at a time */
    struct band_data band;
    int have_band = band_data_alloc(&band, &stored, (size_t)rows * p->width) == 0;
    c.encoded = malloc(writer_png_ops.encoded_bound(p, rows));
    struct equalization eq = {0};
    char why[WRITER_ERROR_MAX] = "out of memory";
    int status = have_band && c.encoded ? 0 : EXIT_FAILED;
    if (status == 0 && c.equalizing && equalize_from_file(p, &band, rows, &eq, why, sizeof why) != 0)
        status = EXIT_FAILED;
    colouring_init(&c.colouring, p, c.equalizing ? &eq : NULL);
    if (status == 0 && c.png && png->ops->open(png) != 0) {
        snprintf(why, sizeof why, "%s", png->error);
        status = EXIT_FAILED;
    }
    int rc = status == 0 ? for_each_block(p, &band, rows, complete_block, &c, why, sizeof why) : 0;
    if (rc > 0)
        snprintf(why, sizeof why, "%s", png->error);
    if (rc != 0)
        status = EXIT_FAILED;
    if (status != 0) {
        fprintf(stderr, PROGRAM ": error: %s\n", why);
        if (c.png)
            png->ops->discard(png);
    } else if (c.png) {
        r->writer_count = MAX_WRITERS;
    }
    *total_iterations = c.total_iterations;
    if (have_band)
        band_data_free(&band);
    equalization_free(&eq);
    free(c.encoded);
    return status;
}

/* Rank 0: completes every output. Returns 0, or EXIT_FAILED after printing why. */
static int finish_writers(struct render *r, const struct render_report *report)
{
    int status = 0;
    /* Last to first: the PNG gets its final name only once it is whole, and
     * the HDF5 file says "complete" only after that. One rule for every run:
     * an output under its final name, or marked complete, is whole; a failure
     * after the PNG's rename leaves the HDF5 file incomplete, which --resume
     * completes (remaking the PNG from it), never the other way round. */
    for (int i = r->writer_count - 1; i >= 0; i--) {
        struct writer *w = &r->writers[i];
        if (status == 0 && w->ops->finish(w, report) != 0) {
            fprintf(stderr, PROGRAM ": error: %s\n", w->error);
            status = EXIT_FAILED;
        }
        w->ops->discard(w); /* frees what finish did not */
    }
    return status;
}

/* The largest peak resident memory of any rank, in MiB (collective). */
static double peak_memory_mib(MPI_Comm comm)
{
    struct rusage usage;
    long mine = getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0, largest = 0; /* KiB */
    MPI_Reduce(&mine, &largest, 1, MPI_LONG, MPI_MAX, 0, comm);
    return (double)largest / 1024.0;
}

static void print_summary(const struct render *r, const struct schedule_report *sr,
                          const struct render_report *report)
{
    const struct render_params *p = r->params;
    double samples = (double)p->width * (double)(p->height - r->resume_row); /* computed by this run */
    fprintf(stderr,
            PROGRAM ": %s %llu x %llu, %.3g samples, %.4g iterations in %.3f s "
                    "(%.3g Msample/s, %.4g Miter/s) on %d rank%s x %d thread%s, kernel %s; "
                    "iterations per rank:",
            fractal_name(p->fractal), (unsigned long long)p->width, (unsigned long long)p->height,
            samples, (double)sr->total_iterations, report->wall_seconds,
            samples / report->wall_seconds / 1e6,
            (double)sr->total_iterations / report->wall_seconds / 1e6, report->ranks,
            report->ranks == 1 ? "" : "s", report->threads, report->threads == 1 ? "" : "s",
            report->kernel);
    double total = sr->total_iterations ? (double)sr->total_iterations : 1.0;
    if (report->ranks <= SUMMARY_RANKS_LISTED) {
        for (int k = 0; k < report->ranks; k++)
            fprintf(stderr, " %d: %.1f%%", k, 100.0 * (double)sr->rank_iterations[k] / total);
    } else {
        int lo = 0, hi = 0;
        for (int k = 1; k < report->ranks; k++) {
            if (sr->rank_iterations[k] < sr->rank_iterations[lo])
                lo = k;
            if (sr->rank_iterations[k] > sr->rank_iterations[hi])
                hi = k;
        }
        fprintf(stderr, " least %.2f%% (rank %d), most %.2f%% (rank %d)",
                100.0 * (double)sr->rank_iterations[lo] / total, lo,
                100.0 * (double)sr->rank_iterations[hi] / total, hi);
    }
    fprintf(stderr, "; peak memory of a rank %.0f MiB\n", report->peak_memory_mib);
}

/* The arguments as one line a POSIX shell would split back into them: each
 * one holding other than [A-Za-z0-9_./=:,+@%-] in single quotes. A line that
 * would not fit in len ends with " ..." after the last whole argument. */
static void quote_command_line(int argc, char **argv, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < argc; i++) {
        char word[PARAMS_COMMAND_MAX];
        size_t n = 0;
        int plain = argv[i][0] != '\0' && strspn(argv[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                          "0123456789_./=:,+@%-") == strlen(argv[i]);
        if (!plain)
            word[n++] = '\'';
        for (const char *c = argv[i]; *c && n + 6 < sizeof word; c++) {
            if (*c == '\'' && !plain)
                n += (size_t)snprintf(word + n, sizeof word - n, "'\\''"); /* ' closes, \' is a quote, ' reopens */
            else
                word[n++] = *c;
        }
        if (!plain)
            word[n++] = '\'';
        word[n] = '\0';
        if (used + (i ? 1 : 0) + n + 4 >= len) {
            snprintf(out + used, len - used, " ...");
            return;
        }
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", word);
    }
}

/* Rank 0: decides what to do from the arguments. Returns the action and sets *status. */
static enum options_action decide(int argc, char **argv, struct render_params *params, int *status)
{
    char err[3 * PARAMS_PATH_MAX];
    enum options_action action = options_parse(argc, argv, params, err, sizeof err);
    *status = EXIT_RENDERED;
    switch (action) {
    case OPTIONS_HELP:
        options_help(stdout, PROGRAM);
        break;
    case OPTIONS_VERSION:
        printf("%s\n", PACKAGE_STRING);
        break;
    case OPTIONS_RENDER:
        quote_command_line(argc, argv, params->command_line, sizeof params->command_line);
        if (render_check_band_message(params, err, sizeof err) == 0 &&
            options_check_outputs(params, err, sizeof err) == 0 && space_check(params, err, sizeof err) == 0)
            break;
        action = OPTIONS_ERROR;
        /* fall through */
    case OPTIONS_ERROR:
        fprintf(stderr, PROGRAM ": error: %s\n", err);
        *status = EXIT_BAD_INPUT;
        break;
    }
    return action;
}

/* Every rank learns whether any rank failed; returns the worst status. */
static int agree(MPI_Comm comm, int status)
{
    int worst;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, comm);
    return worst;
}

int mpifractal_run(int argc, char **argv, MPI_Comm comm)
{
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    stop_catch_signals(); /* from the start: a stop signal during set-up must not kill a rank */

    struct render_params params;
    int decision[2] = {OPTIONS_ERROR, EXIT_BAD_INPUT};
    memset(&params, 0, sizeof params);
    if (rank == 0)
        decision[0] = (int)decide(argc, argv, &params, &decision[1]);
    MPI_Bcast(decision, 2, MPI_INT, 0, comm);
    if (decision[0] != OPTIONS_RENDER)
        return decision[1];
    MPI_Bcast(&params, (int)sizeof params, MPI_BYTE, 0, comm);

    double start = MPI_Wtime();
    struct render r;
    memset(&r, 0, sizeof r);
    r.params = &params;
    r.engine = (struct engine){.ops = engine_choose(&params), .params = &params};
    r.layout.smooth = (params.channels & CHANNEL_SMOOTH) != 0;
    r.layout.distance = (params.channels & CHANNEL_DISTANCE) != 0;
    colouring_init(&r.colouring, &params, NULL);
    if (params.samples > 1 && params.png_path[0]) /* the PNG averages the colours of each pixel's samples */
        r.layout.colour_components = r.colouring.components;
    r.supersample = (struct supersample_spec){.k = params.samples, .engine = &r.engine,
                                              .colouring = &r.colouring};
    r.threads = choose_threads(params.threads, comm);
    choose_writers(&r);
    /* The outputs first (a resume that does not fit is refused at once), then
     * the engine (a reference orbit may take long, or fail: the outputs
     * opened are then discarded, and new ones leave no file). */
    int status = rank == 0 ? open_writers(&r) : EXIT_RENDERED;
    status = agree(comm, status);
    if (status == EXIT_RENDERED) {
        status = r.engine.ops->prepare(&r.engine, comm);
        if (status != EXIT_RENDERED && rank == 0)
            discard_writers(&r);
    }
    if (status != EXIT_RENDERED) {
        r.engine.ops->release(&r.engine);
        return status;
    }
    r.rows_together = r.engine.ops->rows_together(&r.engine);
    if (rank == 0)
        r.engine.ops->summary(&r.engine, r.engine_summary, sizeof r.engine_summary);
    uint64_t resume[2] = {r.resume_row, (uint64_t)r.png_from_file};
    MPI_Bcast(resume, 2, MPI_UINT64_T, 0, comm);
    r.resume_row = r.rows_stored = resume[0];
    r.png_from_file = (int)resume[1];
    if (r.png_from_file)
        r.writer_count = 1; /* every rank encodes for the HDF5 file alone */
    if (rank == 0 && params.resume && !params.quiet && r.resume_row == params.height)
        fprintf(stderr, PROGRAM ": '%s' is already complete: nothing to compute\n", params.hdf5_path);
    else if (rank == 0 && params.resume && !params.quiet)
        fprintf(stderr, PROGRAM ": resuming '%s' at row %llu of %llu\n", params.hdf5_path,
                (unsigned long long)r.resume_row, (unsigned long long)params.height);

    struct band_plan plan;
    int most_threads; /* ranks may differ (affinity masks); the plan must not */
    MPI_Allreduce(&r.threads, &most_threads, 1, MPI_INT, MPI_MAX, comm);
    band_plan_init(&plan, params.width, params.height, r.resume_row, params.band_rows, ranks, most_threads,
                   writer_hdf5_chunk_rows(&params), /* the row grid of both outputs */
                   r.rows_together, band_layout_sample_bytes(&r.layout));
    struct band_callbacks callbacks = {.ctx = &r, .compute = compute_rows, .encode = encode_band,
                                       .payload_max = payload_bound(&r, plan.band_rows),
                                       .sink = write_band, .progress = report_progress,
                                       .interrupted = stop_was_requested, .layout = r.layout};
    struct schedule_report sr = {0};
    if (rank == 0) {
        sr.rank_iterations = calloc((size_t)ranks, sizeof(uint64_t));
        sr.rank_pixels = calloc((size_t)ranks, sizeof(uint64_t));
        if (!sr.rank_iterations || !sr.rank_pixels)
            MPI_Abort(comm, EXIT_FAILED);
        int show = !params.quiet && (params.progress == 1 || (params.progress == -1 && isatty(2)));
        progress_start(&r.progress, stderr, show, isatty(2), r.resume_row, params.height, params.width, start);
    }
    int outcome = schedule_run(comm, &plan, &callbacks, &sr);
    int silent = outcome == 2; /* rank 0: workers that did not stop in time; nothing collective follows */
    if (outcome != 0)
        status = outcome == 1 || silent ? EXIT_INTERRUPTED : EXIT_FAILED;

    double peak_mib = silent ? 0.0 : peak_memory_mib(comm);
    if (rank == 0) {
        progress_end(&r.progress);
        struct render_report report = {.ranks = ranks, .threads = r.threads, .kernel = r.engine_summary,
                                       .total_iterations = sr.total_iterations,
                                       .peak_memory_mib = peak_mib};
        if (status == EXIT_INTERRUPTED) {
            if (silent)
                fprintf(stderr, PROGRAM ": rank %d%s did not stop within %d s of the stop request: "
                        "saving what arrived, then ending every rank\n", sr.first_silent_rank,
                        sr.silent_ranks > 1 ? " and others" : "", SCHEDULE_STOP_WAIT_SECONDS);
            discard_writers(&r); /* the HDF5 file saves the rows stored so far */
            if (params.hdf5_path[0] && access(params.hdf5_path, F_OK) == 0 && r.rows_stored > 0)
                fprintf(stderr, PROGRAM ": interrupted: the first %llu of %llu rows are saved in '%s'; %s\n",
                        (unsigned long long)r.rows_stored, (unsigned long long)params.height,
                        params.hdf5_path,
                        /* a resumed PNG comes from the file, which lacks the pixels' other samples */
                        params.png_path[0] && params.samples > 1
                            ? "run it again with --resume --no-png to finish the HDF5 file"
                            : "run the same command with --resume to finish");
            else
                fprintf(stderr, PROGRAM ": interrupted before any row was stored: nothing to resume\n");
        } else if (status != EXIT_RENDERED) {
            fprintf(stderr, PROGRAM ": error: %s\n",
                    r.failed_writer ? r.failed_writer->error : "a rank could not compute its rows");
            discard_writers(&r);
        } else {
            if ((r.resume_row > 0 || r.png_from_file) && complete_from_file(&r, &report.total_iterations) != 0) {
                discard_writers(&r);
                status = EXIT_FAILED;
            }
            report.wall_seconds = MPI_Wtime() - start;
            if (status == EXIT_RENDERED)
                status = finish_writers(&r, &report);
            report.wall_seconds = MPI_Wtime() - start;
            if (status == EXIT_RENDERED && !params.quiet)
                print_summary(&r, &sr, &report);
        }
        free(sr.rank_iterations);
        free(sr.rank_pixels);
    }
    r.engine.ops->release(&r.engine);
    if (silent)
        MPI_Abort(comm, EXIT_INTERRUPTED); /* also ends the ranks that did not answer */
    return agree(comm, status);
}
