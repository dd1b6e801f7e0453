#!/bin/sh
# The command line a user meets: --help, --version, the seed juliaset flags, job files and overrides.
. "$TESTS_SRCDIR/lib.sh"
plan 14

check "--help exits 0" sh -c "$MPIFRACTAL --help > help.txt"
check "--help lists the seed flags and explains sampling" \
    sh -c 'for w in "-x, --xleft" "-X, --xright" "-y, --ybot" "-Y, --ytop" "-R, --resolution" "-r, --real" "-i, --imag" "-t, --threshold" "-m, --itermin" "-M, --itermax" "--fast" "numpy.linspace" "Exit status"; do grep -qF -- "$w" help.txt || { echo "missing: $w"; exit 1; }; done'
check "--help says --height 0 is automatic" grep -q -- "--height N.*0 = automatic" help.txt
check "--height 0 renders the automatic height" \
    sh -c "$MPIFRACTAL -R 64 --height 0 -o h0.h5 --quiet && $MPIFRACTAL -R 64 -o hauto.h5 --quiet && h5diff -q h0.h5 hauto.h5 /counts /counts"
check "--version prints the version" sh -c "$MPIFRACTAL --version | grep -q '^mpifractal [0-9]'"
check "the seed CLI's -x=-0.1 form renders" \
    run 2 -x=-0.1 -X=0.1 -y=-0.1 -Y=0.1 -r=-0.835 -i=-0.2321 -m=20 -M=100 -R=64 -t=2 -o seed.h5 --quiet
check "the same with spaces and long options" \
    run 1 --xleft -0.1 --xright 0.1 --ybot -0.1 --ytop 0.1 --real -0.835 --imag -0.2321 --itermin 20 --itermax 100 --resolution 64 -o long.h5 --quiet
check "both forms give the same counts" same_counts seed.h5 long.h5
printf 'fractal = mandelbrot   # comment\n\nresolution = 64\nitermax = 50\noutput = fromjob.h5\n' > small.job
check "a job file renders" run 2 small.job --quiet
check "the job file's output name is used" test -s fromjob.h5
check "the command line overrides the job file" run 2 --job small.job -M 80 -o override.h5 --quiet
check "the override took effect" sh -c "h5dump -a /itermax override.h5 | grep -q '(0): 80'"
check "the summary line names samples, iterations, seconds and each rank's share" \
    sh -c "$MPIEXEC -n 2 $MPIFRACTAL -R 64 -o summary.h5 2> summary.txt && grep -E 'julia 64 x 64, .* iterations in .* s .* on 2 ranks x [0-9]+ threads?, kernel [a-z0-9]+; iterations per rank: 0: .*% 1: .*%' summary.txt"
check "--progress reports percent and ETA on stderr" \
    sh -c "$MPIFRACTAL -R 64 -o progress.h5 --progress 2> progress.txt && grep -q '100.0%.*ETA' progress.txt"
done_testing
