/* engine_perturbation.c - the perturbation engine: one reference orbit for all ranks, per-sample deltas from src/deep. */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deep/deep.h"
#include "output_files.h"
#include "render.h"
#include "stop.h"

/* Samples computed between two polls for a stop request. */
#define STOP_POLL_SAMPLES 16

/* Bytes of a reference broadcast in one MPI message (an int count). */
#define BROADCAST_PIECE (1u << 30)

struct perturbation_engine {
    struct deep_reference *reference;
    struct deep_engine *deep;
    double reference_seconds; /* rank 0: computing or reading the reference */
    int reference_read;       /* rank 0: it came from --reference */
    uint64_t reference_length;
    long precision_bits;
};

/* The location the reference orbit serves. A zoom sequence shares the
 * deepest frame's reference: the same centre, the larger zoom. */
static struct deep_location reference_location(const struct render_params *p)
{
    struct deep_location loc = {.fractal = p->fractal, .center_re = p->view.center_re,
                                .center_im = p->view.center_im, .zoom = p->view.zoom,
                                .c_re = p->c_re, .c_im = p->c_im, .width = p->width, .height = p->height,
                                .itermax = p->itermax, .threshold = p->threshold};
    if (p->frames > 1)
        loc.zoom = view_deeper_zoom(p->end.start_zoom, p->end.zoom);
    return loc;
}

/* The location of this render's own samples. */
static struct deep_location sample_location(const struct render_params *p)
{
    struct deep_location loc = reference_location(p);
    loc.zoom = p->view.zoom;
    return loc;
}

/* Rank 0: reads a reference file. Returns the reference, or NULL with err
 * (*missing set when there is no such file). */
static struct deep_reference *read_reference(const char *path, int *missing, char *err, size_t errlen)
{
    *missing = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        *missing = errno == ENOENT;
        snprintf(err, errlen, "cannot open reference file '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "reference file '%s' is not a regular file", path);
        close(fd);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *bytes = malloc(size ? size : 1);
    size_t got = 0;
    while (bytes && got < size) {
        ssize_t n = read(fd, bytes + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!bytes || got != size) {
        snprintf(err, errlen, "cannot read reference file '%s'", path);
        free(bytes);
        return NULL;
    }
    char why[512];
    struct deep_reference *ref = deep_reference_from_bytes(bytes, size, why, sizeof why);
    free(bytes);
    if (!ref)
        snprintf(err, errlen, "reference file '%s' is not usable: %s", path, why);
    return ref;
}

/* Rank 0: saves the flat reference under path, whole or not at all (a unique
 * temporary file beside it, then renamed). Returns 0, or -1 with err. */
static int save_reference(const char *path, const void *bytes, size_t size, char *err, size_t errlen)
{
    char part[PARAMS_PATH_MAX + 32];
    int fd = output_create_part(path, part, sizeof part);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write reference file '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, (const char *)bytes + done, size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int ok = done == size && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    /* another frame may have saved the same orbit meanwhile: either copy serves */
    if (!ok || output_publish(part, path, 1) != 0) {
        snprintf(err, errlen, "cannot write reference file '%s': %s", path, strerror(errno));
        unlink(part);
        return -1;
    }
    return 0;
}

/* Rank 0: the reference, from --reference or computed; its flat bytes in
 * *bytes. Returns 0, or EXIT_BAD_INPUT / EXIT_FAILED after printing why. */
static int make_reference(struct perturbation_engine *pe, const struct render_params *p, unsigned char **bytes,
                          size_t *size)
{
    char err[PARAMS_PATH_MAX + 1024];
    struct deep_location loc = reference_location(p);
    if (deep_location_check(&loc, err, sizeof err) != 0) {
        fprintf(stderr, "mpifractal: error: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    double start = MPI_Wtime();
    struct deep_reference *ref = NULL;
    int missing = 1;
    if (p->reference_path[0]) {
        ref = read_reference(p->reference_path, &missing, err, sizeof err);
        char why[512];
        if (!ref && !missing) {
            fprintf(stderr, "mpifractal: error: %s\n", err);
            return EXIT_BAD_INPUT;
        }
        if (ref && !deep_reference_fits(ref, &loc, why, sizeof why)) {
            fprintf(stderr, "mpifractal: error: reference file '%s' is another view's: %s (remove it, or name "
                    "another file)\n", p->reference_path, why);
            deep_reference_free(ref);
            return EXIT_BAD_INPUT;
        }
        pe->reference_read = ref != NULL;
    }
    if (!ref) {
        ref = deep_reference_compute(&loc, NULL, NULL, err, sizeof err);
        if (!ref) {
            fprintf(stderr, "mpifractal: error: reference orbit: %s\n", err);
            return EXIT_FAILED;
        }
    }
    *size = deep_reference_size(ref);
    *bytes = malloc(*size);
    if (!*bytes) {
        deep_reference_free(ref);
        fprintf(stderr, "mpifractal: error: no memory for the reference orbit (%zu bytes)\n", *size);
        return EXIT_FAILED;
    }
    deep_reference_to_bytes(ref, *bytes);
    if (p->reference_path[0] && !pe->reference_read && save_reference(p->reference_path, *bytes, *size, err, sizeof err) != 0) {
        fprintf(stderr, "mpifractal: error: %s\n", err);
        deep_reference_free(ref);
        free(*bytes);
        *bytes = NULL;
        return EXIT_FAILED;
    }
    pe->reference_seconds = MPI_Wtime() - start;
    pe->reference_length = deep_reference_length(ref);
    pe->precision_bits = deep_reference_precision(ref);
    pe->reference = ref;
    return 0;
}

/* Broadcasts size bytes from rank 0 in pieces an int count can carry. */
static void broadcast_bytes(unsigned char *bytes, size_t size, MPI_Comm comm)
{
    for (size_t done = 0; done < size; done += BROADCAST_PIECE) {
        size_t piece = size - done < BROADCAST_PIECE ? size - done : BROADCAST_PIECE;
        MPI_Bcast(bytes + done, (int)piece, MPI_BYTE, 0, comm);
    }
}

static int perturbation_prepare(struct engine *engine, MPI_Comm comm)
{
    const struct render_params *p = engine->params;
    int rank;
    MPI_Comm_rank(comm, &rank);
    struct perturbation_engine *pe = calloc(1, sizeof *pe);
    engine->state = pe;
    int missing = pe == NULL, any_missing;
    MPI_Allreduce(&missing, &any_missing, 1, MPI_INT, MPI_MAX, comm);
    if (any_missing) {
        if (rank == 0)
            fprintf(stderr, "mpifractal: error: a rank has no memory to start perturbation\n");
        return EXIT_FAILED;
    }
    unsigned char *bytes = NULL;
    size_t size = 0;
    int status = EXIT_RENDERED;
    if (rank == 0)
        status = make_reference(pe, p, &bytes, &size);
    /* every rank learns the outcome and the size, then gets the bytes */
    uint64_t shared[2] = {(uint64_t)status, (uint64_t)size};
    MPI_Bcast(shared, 2, MPI_UINT64_T, 0, comm);
    status = (int)shared[0];
    if (status == EXIT_RENDERED && rank != 0) {
        size = (size_t)shared[1];
        bytes = malloc(size);
        status = bytes ? EXIT_RENDERED : EXIT_FAILED;
    }
    int worst;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, comm);
    if (worst != EXIT_RENDERED) {
        free(bytes);
        if (rank == 0 && status == EXIT_RENDERED)
            fprintf(stderr, "mpifractal: error: a rank has no memory for the reference orbit (%zu bytes)\n", size);
        return worst;
    }
    broadcast_bytes(bytes, size, comm);
    char err[PARAMS_PATH_MAX + 1024] = "";
    if (rank != 0)
        pe->reference = deep_reference_from_bytes(bytes, size, err, sizeof err);
    free(bytes);
    struct deep_location loc = sample_location(p);
    if (pe->reference)
        pe->deep = deep_engine_new(pe->reference, &loc, p->smooth_radius, !p->no_bla, err, sizeof err);
    int failed = pe->deep == NULL, first_failed = failed ? rank + 1 : 0, which;
    MPI_Allreduce(&first_failed, &which, 1, MPI_INT, MPI_MAX, comm);
    if (which) {
        if (rank == which - 1)
            fprintf(stderr, "mpifractal: error: rank %d cannot start perturbation: %s\n", rank, err);
        return EXIT_FAILED;
    }
    return EXIT_RENDERED;
}

static unsigned perturbation_rows_together(const struct engine *engine)
{
    (void)engine;
    return 1;
}

static uint64_t perturbation_compute(const struct engine *engine, const struct engine_tile *t)
{
    const struct perturbation_engine *pe = engine->state;
    const struct render_params *p = engine->params;
    double u[ENGINE_TILE_MAX];
    const double half_width = (double)(p->width - 1) / 2.0, half_height = (double)(p->height - 1) / 2.0;
    for (size_t i = 0; i < t->n; i++)
        u[i] = ((double)(t->col0 + i) - half_width) + t->du;
    uint64_t sum = 0;
    for (size_t r = 0; r < t->rows; r++) {
        double v = (half_height - (double)(t->row0 + r)) + t->dv;
        /* a few samples at a time, polling for a stop in between: one deep
         * sample may take milliseconds */
        for (size_t first = 0; first < t->n; first += STOP_POLL_SAMPLES) {
            if (stop_requested())
                return sum; /* the tile is discarded */
            size_t n = t->n - first < STOP_POLL_SAMPLES ? t->n - first : STOP_POLL_SAMPLES;
            size_t at = r * t->stride + first;
            sum += deep_engine_row(pe->deep, u + first, v, n, t->counts + at, t->smooth ? t->smooth + at : NULL,
                                   t->distance ? t->distance + at : NULL, NULL);
        }
    }
    return sum;
}

static void perturbation_summary(const struct engine *engine, char *out, size_t len)
{
    const struct perturbation_engine *pe = engine->state;
    char bla[64] = "no BLA";
    if (!engine->params->no_bla)
        snprintf(bla, sizeof bla, "BLA tables in %.3f s", deep_engine_bla_seconds(pe->deep));
    snprintf(out, len, "perturbation (reference orbit of %llu iterations at %ld bits, %s in %.3f s; %s)",
             (unsigned long long)pe->reference_length, pe->precision_bits,
             pe->reference_read ? "read" : "computed", pe->reference_seconds, bla);
}

static double perturbation_serial_seconds(const struct engine *engine)
{
    const struct perturbation_engine *pe = engine->state;
    return pe ? pe->reference_seconds : 0.0;
}

static void perturbation_release(struct engine *engine)
{
    struct perturbation_engine *pe = engine->state;
    if (pe) {
        deep_engine_free(pe->deep);
        deep_reference_free(pe->reference);
    }
    free(pe);
    engine->state = NULL;
}

const struct engine_ops engine_perturbation_ops = {
    .name = "perturbation",
    .prepare = perturbation_prepare,
    .rows_together = perturbation_rows_together,
    .compute = perturbation_compute,
    .summary = perturbation_summary,
    .serial_seconds = perturbation_serial_seconds,
    .release = perturbation_release,
};
