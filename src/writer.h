/* writer.h - the output writer interface: a small table of functions per format. */
#ifndef MPIFRACTAL_WRITER_H
#define MPIFRACTAL_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

#define WRITER_ERROR_MAX (3 * PARAMS_PATH_MAX)

/* Facts known only once the render is over, recorded by writers that keep metadata. */
struct render_report {
    int ranks;
    int threads;        /* per rank, on rank 0 */
    const char *kernel; /* the kernel path every rank ran, or a list when they differ */
    double wall_seconds;
    uint64_t total_iterations;
};

struct writer;

/* One output format. Rows arrive strictly in order, each row exactly once. Every
 * function returns 0, or -1 with a message in writer->error. After a failure,
 * or instead of finish, discard is called. */
struct writer_ops {
    const char *name;
    int (*open)(struct writer *writer); /* writer->params is set */
    int (*write_rows)(struct writer *writer, uint64_t row0, uint32_t nrows, const uint32_t *counts);
    /* Completes the file and makes it appear as complete under its final name. */
    int (*finish)(struct writer *writer, const struct render_report *report);
    /* Frees everything; whatever stays on disk is marked or named as incomplete. */
    void (*discard)(struct writer *writer);
};

struct writer {
    const struct writer_ops *ops;
    const struct render_params *params;
    void *state;
    char error[WRITER_ERROR_MAX];
};

extern const struct writer_ops writer_hdf5_ops;
extern const struct writer_ops writer_png_ops;

#endif
