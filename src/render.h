/* render.h - the whole program as a function of its arguments and a communicator. */
#ifndef MPIFRACTAL_RENDER_H
#define MPIFRACTAL_RENDER_H

#include <mpi.h>
#include <stddef.h>

#include "params.h"

/* Exit statuses of the program. */
enum {
    EXIT_RENDERED = 0,
    EXIT_FAILED = 1,    /* a failure while rendering or writing */
    EXIT_BAD_INPUT = 2, /* bad options or job file, or outputs that cannot be created */
    EXIT_INTERRUPTED = 3 /* SIGINT, SIGTERM or SIGUSR1: what was stored is kept for --resume */
};

/* Parses argv on rank 0, checks it, renders on every rank of comm and writes
 * the outputs from rank 0. Collective over comm; MPI must be initialised.
 * Messages go to stderr from rank 0 only. Returns the exit status, the same on
 * every rank. */
int mpifractal_run(int argc, char **argv, MPI_Comm comm);

/* Checks that a band of the fewest rows a render uses (one HDF5 chunk row),
 * with the encodings of all its outputs, fits in the one MPI message that
 * carries it to rank 0. Returns 0, or -1 with one line in err naming what to
 * drop and the largest resolution that fits. Pure: allocates and opens nothing. */
int render_check_band_message(const struct render_params *params, char *err, size_t errlen);

#endif
