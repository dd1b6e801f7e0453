/* main.c - the mpifractal program: MPI start-up around mpifractal_run(). */
#include <mpi.h>

#include "render.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = mpifractal_run(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
