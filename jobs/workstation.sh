#!/bin/sh
# jobs/workstation.sh - renders a job file with mpirun on every core of this machine.
# Usage: jobs/workstation.sh JOBFILE [more mpifractal options]
#        NP=4 jobs/workstation.sh JOBFILE      (a chosen number of ranks)
#        MPIRUN=mpirun.mpich jobs/workstation.sh JOBFILE   (the launcher of the MPI
#                                                mpifractal was built with, if not mpirun)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${MPIFRACTAL:-}" ]; then
    program=$MPIFRACTAL
elif [ -x "$here/../src/mpifractal" ]; then
    program=$here/../src/mpifractal
else
    program=mpifractal
fi
np=${NP:-$(nproc)}
mpirun=${MPIRUN:-mpirun}
launcher_options=""
if "$mpirun" --version 2>&1 | grep -i -q -e "open mpi" -e openrte -e open-mpi; then
    # Count every hardware thread as a slot, so that -np $(nproc) always starts.
    launcher_options="--use-hwthread-cpus"
    if [ "$(id -u)" = 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
fi
echo "workstation.sh: $mpirun -np $np $launcher_options $program $*" >&2
# shellcheck disable=SC2086 # launcher_options holds zero or more words
exec "$mpirun" -np "$np" $launcher_options "$program" "$@"
