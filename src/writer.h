/* writer.h - the output writer interface: a small table of functions per format. */
#ifndef MPIFRACTAL_WRITER_H
#define MPIFRACTAL_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "band.h"
#include "params.h"

#define WRITER_ERROR_MAX (3 * PARAMS_PATH_MAX)

/* Facts known only once the render is over, recorded by writers that keep metadata. */
struct render_report {
    int ranks;
    int threads;        /* per rank, on rank 0 */
    const char *kernel; /* the kernel path every rank ran, or a list when they differ */
    double wall_seconds;
    uint64_t total_iterations;
    double peak_memory_mib; /* the largest peak resident memory of any rank, as far as known */
};

struct writer;

/* One output format, in two halves. encode runs on the rank that computed a
 * band and turns its counts into the bytes the file will hold (converted,
 * filtered, compressed), so that compression is spread over all ranks;
 * write_band runs on rank 0 and stores those bytes. Bands reach write_band
 * strictly in row order, each exactly once. Functions that return int return
 * 0, or -1 with a message in writer->error. After a failure, or instead of
 * finish, discard is called. */
struct writer_ops {
    const char *name;
    /* Most bytes encode can produce for a band of nrows rows. Pure function. */
    size_t (*encoded_bound)(const struct render_params *params, uint32_t nrows);
    /* Encodes rows [row0, row0 + nrows) of band (the counts and the planes
     * the render's layout holds) into out (encoded_bound bytes). Returns the
     * bytes written, or 0 on failure (out of memory). Pure function of its
     * arguments: any rank may call it, from any thread. */
    size_t (*encode)(const struct render_params *params, uint64_t row0, uint32_t nrows,
                     const struct band_data *band, uint8_t *out);
    int (*open)(struct writer *writer); /* writer->params is set */
    int (*write_band)(struct writer *writer, uint64_t row0, uint32_t nrows, const uint8_t *encoded,
                      size_t length);
    /* Completes the file and makes it appear as complete under its final name. */
    int (*finish)(struct writer *writer, const struct render_report *report);
    /* Frees everything; whatever stays on disk is marked or named as incomplete. */
    void (*discard)(struct writer *writer);
};

struct writer {
    const struct writer_ops *ops;
    const struct render_params *params;
    uint64_t resume_row; /* set by open: the first row the file still lacks (0 unless resuming) */
    void *state;
    char error[WRITER_ERROR_MAX];
};

extern const struct writer_ops writer_hdf5_ops;
extern const struct writer_ops writer_png_ops;

/* Starts the HDF5 library so that it is shut down only by the writer, never
 * at exit or at MPI_Finalize: HDF5 1.10 crashes while shutting down with a
 * file it could not close (a full disk), and a failed render must still end
 * cleanly. Call once, before MPI_Init. */
void writer_hdf5_library_init(void);

/* Reads rows [row0, row0 + nrows) of an HDF5 output, complete or not, also
 * while this process's writer has it open: the counts as uint32 and, where
 * band->smooth or band->distance is not NULL, that channel as float32.
 * Returns 0, or -1 with the reason, naming the first row that cannot be read
 * (a damaged chunk), in why. */
int writer_hdf5_read_rows(const char *path, uint64_t row0, uint32_t nrows, uint64_t width,
                          const struct band_data *band, char *why, size_t why_len);

/* Rows per HDF5 chunk for these parameters: bands must be whole multiples of
 * it (but for the last) so that each rank compresses whole chunks. */
uint32_t writer_hdf5_chunk_rows(const struct render_params *params);

#endif
