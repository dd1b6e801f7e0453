/* engine_double.c - the double-precision engine: the escape-time kernel and the channels' orbit replay. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>

#include "channels.h"
#include "kernel.h"
#include "render.h"
#include "view.h"

struct double_engine {
    struct kernel_spec spec;
    struct channel_spec channels;
    struct view_axis x_axis, y_axis;
    double *x; /* every column's coordinate */
    int distance_in_spacings; /* views by centre: distances in pixel spacings, as perturbation gives them */
    char summary[256];
};

/* Every rank picks its kernel path from its own CPU (a forced one must be
 * supported everywhere); rank 0 learns which paths ran. Returns 0, or
 * EXIT_BAD_INPUT on every rank after rank 0 printed which rank cannot run it. */
static int choose_kernel(struct double_engine *d, enum kernel_path wanted, MPI_Comm comm)
{
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    int unsupported = kernel_path_supported(wanted) ? 0 : rank + 1, first_unsupported;
    MPI_Allreduce(&unsupported, &first_unsupported, 1, MPI_INT, MPI_MAX, comm);
    if (first_unsupported) {
        if (rank == 0)
            fprintf(stderr, "mpifractal: error: the CPU of rank %d cannot run the %s kernel: use --kernel auto\n",
                    first_unsupported - 1, kernel_path_name(wanted));
        return EXIT_BAD_INPUT;
    }
    d->spec.path = kernel_path_resolve(wanted);
    int mine = (int)d->spec.path, *paths = rank == 0 ? calloc((size_t)ranks, sizeof(int)) : NULL;
    if (rank == 0 && !paths)
        MPI_Abort(comm, EXIT_FAILED);
    MPI_Gather(&mine, 1, MPI_INT, paths, 1, MPI_INT, 0, comm);
    if (rank == 0) {
        int used[KERNEL_AVX512 + 1] = {0}, kinds = 0;
        for (int k = 0; k < ranks; k++)
            kinds += used[paths[k]]++ == 0;
        size_t len = 0;
        for (int p = KERNEL_SCALAR; p <= KERNEL_AVX512; p++)
            if (used[p] && kinds == 1)
                snprintf(d->summary + len, sizeof d->summary - len, "%s", kernel_path_name((enum kernel_path)p));
            else if (used[p] && len < sizeof d->summary)
                len += (size_t)snprintf(d->summary + len, sizeof d->summary - len, "%s%s on %d ranks",
                                        len ? ", " : "",
                                        kernel_path_name((enum kernel_path)p), used[p]);
        free(paths);
    }
    return 0;
}

static int double_prepare(struct engine *engine, MPI_Comm comm)
{
    const struct render_params *p = engine->params;
    struct double_engine *d = calloc(1, sizeof *d);
    int failed = !d;
    if (d) {
        kernel_spec_init(&d->spec, p);
        if (p->no_shortcuts)
            d->spec.interior_check = d->spec.periodicity_check = 0;
        channel_spec_init(&d->channels, p);
        failed = view_axes(&p->view, p->width, p->height, &d->x_axis, &d->y_axis) != 0;
        d->distance_in_spacings = p->view.kind == VIEW_CENTRE;
        d->x = failed ? NULL : malloc(p->width * sizeof(double));
        failed = failed || !d->x;
        for (uint64_t i = 0; !failed && i < p->width; i++)
            d->x[i] = view_axis_at(&d->x_axis, i);
    }
    engine->state = d;
    int rank, any_failed;
    MPI_Comm_rank(comm, &rank);
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, comm);
    if (any_failed) {
        if (rank == 0)
            fprintf(stderr, "mpifractal: error: a rank has no memory for %llu coordinates\n",
                    (unsigned long long)p->width);
        return EXIT_FAILED;
    }
    return choose_kernel(d, (enum kernel_path)p->kernel, comm);
}

static unsigned double_rows_together(const struct engine *engine)
{
    const struct double_engine *d = engine->state;
    return kernel_rows_together(&d->spec);
}

static uint64_t double_compute(const struct engine *engine, const struct engine_tile *t)
{
    const struct double_engine *d = engine->state;
    double ys[KERNEL_ROWS_PREFERRED];
    const double *x = d->x + t->col0;
    double shifted[ENGINE_TILE_MAX];
    if (t->du != 0.0) { /* supersampling: x + ((a + 0.5) / k - 0.5) dx, as numpy would shift it */
        double shift = t->du * view_axis_spacing(&d->x_axis);
        for (size_t i = 0; i < t->n && i < ENGINE_TILE_MAX; i++)
            shifted[i] = x[i] + shift;
        x = shifted;
    }
    double dy = t->dv * view_axis_spacing(&d->y_axis);
    uint64_t sum = 0;
    for (size_t first = 0; first < t->rows; first += KERNEL_ROWS_PREFERRED) {
        size_t rows = t->rows - first < KERNEL_ROWS_PREFERRED ? t->rows - first : KERNEL_ROWS_PREFERRED;
        for (size_t r = 0; r < rows; r++) {
            ys[r] = view_axis_at(&d->y_axis, t->row0 + first + r);
            if (t->dv != 0.0)
                ys[r] = ys[r] + dy;
        }
        uint32_t *counts = t->counts + first * t->stride;
        kernel_rows(&d->spec, x, ys, rows, t->n, counts, t->stride);
        for (size_t r = 0; r < rows; r++) {
            size_t at = (first + r) * t->stride;
            if (t->smooth || t->distance)
                channel_row(&d->channels, x, ys[r], t->n, t->counts + at, t->smooth ? t->smooth + at : NULL,
                            t->distance ? t->distance + at : NULL);
            for (size_t j = 0; t->distance && d->distance_in_spacings && j < t->n; j++)
                t->distance[at + j] = (float)(t->distance[at + j] / view_axis_spacing(&d->x_axis));
            uint64_t row_sum = 0;
            const uint32_t *row_counts = t->counts + at;
#pragma omp simd reduction(+ : row_sum)
            for (size_t j = 0; j < t->n; j++) /* vectorized: ~3% of the seed Julia's time in scalar code */
                row_sum += row_counts[j];
            sum += row_sum;
        }
    }
    return sum;
}

static void double_summary(const struct engine *engine, char *out, size_t len)
{
    const struct double_engine *d = engine->state;
    snprintf(out, len, "%s", d ? d->summary : "");
}

static double double_serial_seconds(const struct engine *engine)
{
    (void)engine;
    return 0.0;
}

static void double_release(struct engine *engine)
{
    struct double_engine *d = engine->state;
    if (d)
        free(d->x);
    free(d);
    engine->state = NULL;
}

const struct engine_ops engine_double_ops = {
    .name = "double",
    .prepare = double_prepare,
    .rows_together = double_rows_together,
    .compute = double_compute,
    .summary = double_summary,
    .serial_seconds = double_serial_seconds,
    .release = double_release,
};
