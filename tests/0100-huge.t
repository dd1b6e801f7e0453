#!/bin/sh
# 64-bit sizes: an image of more than 2^32 samples (65537 x 65537, itermax 2), rows read back and checked.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
plan 4

cat > huge.job <<'JOB'
fractal = mandelbrot
resolution = 65537
height = 65537
itermin = 0
itermax = 2
JOB
check "65537 x 65537 = 4295098369 samples (> 2^32), 2 ranks" \
    sh -c "$MPIEXEC -n 2 $MPIFRACTAL huge.job -o huge.h5 --no-progress </dev/null 2> summary.txt; status=\$?; cat summary.txt; exit \$status"
check "the summary counts every sample" grep -q "4.3e+09 samples" summary.txt
check "peak memory of each rank stays small (< 512 MiB)" \
    sh -c "sed -E 's/.*peak memory of a rank ([0-9]+) MiB.*/\\1/' summary.txt | awk '{ exit !(\$1 < 512) }'"
check "rows at the top, middle, beyond 2^32 samples and at the bottom equal the numpy reference" \
    "$PYTHON3" "$TESTS_SRCDIR/reference.py" huge.job huge.h5 0,1,32768,65535,65536
done_testing
