/* main.c - the mpifractal program: MPI start-up around mpifractal_run(). */
#include <mpi.h>

#include "render.h"
#include "writer.h"

int main(int argc, char **argv)
{
    writer_hdf5_library_init();
    int provided;
    /* Only the main thread of a rank calls MPI; OpenMP threads only compute. */
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int status = mpifractal_run(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
