#!/bin/sh
# jobs/slurm-deep-zoom.sh - submits a deep zoom sequence to SLURM: the deepest frame first (it
# computes the reference orbit all frames share and saves it), then the others as a job array
# that starts once that frame is done and reads the saved orbit instead of computing it again.
#
# Usage: jobs/slurm-deep-zoom.sh JOBFILE [sbatch options, e.g. --partition=... or -n 8]
#   The job file must set frames = N, zoom, end-zoom and reference = FILE (see
#   jobs/deep-zoom.job). The deepest frame (N-1 when end-zoom is the larger, else 0) runs
#   as one job of jobs/slurm-zoom.sbatch, the other frames as an array after it.
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
# log10 of the job file's value of a key (a decimal such as 4.5e300), for comparing zooms
log_zoom() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^#[:space:]]*\).*/\1/p" "$job" | tail -n 1 |
        awk '{ n = split(tolower($1), p, "e"); printf "%.6f\n", log(p[1]) / log(10) + (n > 1 ? p[2] : 0) }'
}
last=$((frames - 1))
if awk -v a="$(log_zoom zoom)" -v b="$(log_zoom end-zoom)" 'BEGIN { exit !(a > b) }'; then
    deepest=0 others="1-$last"    # a zoom out: the first frame is the deepest
else
    deepest=$last others="0-$((last - 1))"
fi
first=$(sbatch --parsable --array="$deepest" "$@" "$jobs_dir/slurm-zoom.sbatch" "$job")
first=${first%%;*}
echo "slurm-deep-zoom: frame $deepest (computes the reference orbit '$reference') is job $first"
rest=$(sbatch --parsable --dependency="afterok:$first" --array="$others" "$@" \
    "$jobs_dir/slurm-zoom.sbatch" "$job")
echo "slurm-deep-zoom: frames $others are array job ${rest%%;*}, after job $first"
