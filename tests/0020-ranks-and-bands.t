#!/bin/sh
# Output does not depend on the number of ranks, the band height or the launcher.
. "$TESTS_SRCDIR/lib.sh"
plan 23

# Wide enough for chunks of few rows (65 for 4000 uint8 samples, 32 for 4001
# uint16 ones), so that bands really differ: 5 and 7 chunk rows here.
julia="-f julia -R 4000 --height 300 -M 100 --quiet"
mandel="-f mandelbrot -R 4001 --height 200 -M 500 --quiet"

check "julia: plain run without mpirun (MPI singleton)" run 0 $julia -o julia-single.h5
for np in 1 2 3 4; do
    check "julia: $np ranks" run "$np" $julia -o "julia-$np.h5"
    check "julia: $np ranks equal the singleton run" same_counts julia-single.h5 "julia-$np.h5"
done
for rows in 1 7 64 300; do
    check "julia: 3 ranks, bands of $rows rows" run 3 $julia --band-rows "$rows" -o "julia-b$rows.h5"
    check "julia: bands of $rows rows equal the default" same_counts julia-single.h5 "julia-b$rows.h5"
done
check "mandelbrot: 1 rank" run 1 $mandel -o mandel-1.h5
for np in 2 4; do
    check "mandelbrot: $np ranks, bands of 3 rows" run "$np" $mandel --band-rows 3 -o "mandel-$np.h5"
    check "mandelbrot: $np ranks equal 1 rank" same_counts mandel-1.h5 "mandel-$np.h5"
done
check "mandelbrot: datasets are byte-identical (h5dump of counts)" \
    sh -c 'h5dump -d /counts -b LE -o a.bin mandel-1.h5 >/dev/null && h5dump -d /counts -b LE -o b.bin mandel-4.h5 >/dev/null && cmp a.bin b.bin'
done_testing
