#!/bin/sh
# jobs/slurm-deep-zoom.sh - submits a deep zoom sequence to SLURM: the deepest frame first (it
# computes the reference orbit all frames share and saves it), then the others as a job array
# that starts once that frame is done and reads the saved orbit instead of computing it again.
#
# Usage: jobs/slurm-deep-zoom.sh JOBFILE [sbatch options for the array, e.g. --array=...%8]
#   The job file must set frames = N and reference = FILE (see jobs/deep-zoom.job).
#   Frame N-1 runs as one job of jobs/slurm-zoom.sbatch; frames 0 to N-2 as the array.
set -eu
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 JOBFILE [sbatch options]" >&2
    exit 2
fi
job=$1
shift
jobs_dir=$(cd "$(dirname "$0")" && pwd)
frames=$(sed -n 's/^[[:space:]]*frames[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$job" | tail -n 1)
reference=$(sed -n 's/^[[:space:]]*reference[[:space:]]*=[[:space:]]*\([^#]*[^#[:space:]]\).*/\1/p' "$job" | tail -n 1)
if [ -z "$frames" ] || [ "$frames" -lt 2 ] || [ -z "$reference" ]; then
    echo "$0: '$job' must set frames (at least 2) and reference = FILE" >&2
    exit 2
fi
last=$((frames - 1))
first=$(sbatch --parsable --array="$last" "$@" "$jobs_dir/slurm-zoom.sbatch" "$job")
first=${first%%;*}
echo "slurm-deep-zoom: frame $last (computes the reference orbit '$reference') is job $first"
rest=$(sbatch --parsable --dependency="afterok:$first" --array="0-$((last - 1))" "$@" \
    "$jobs_dir/slurm-zoom.sbatch" "$job")
echo "slurm-deep-zoom: frames 0 to $((last - 1)) are array job ${rest%%;*}, after job $first"
