/* main.c - the mpifractal program: MPI start-up around mpifractal_run(). */
#include <mpi.h>
#include <stdio.h>

#include "render.h"
#include "writer.h"

int main(int argc, char **argv)
{
    writer_hdf5_library_init();
    int provided;
    /* Only the main thread of a rank calls MPI; OpenMP threads only compute. */
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "mpifractal: error: this MPI library cannot run threaded ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int status = mpifractal_run(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
