#!/bin/sh
# Every kernel path the CPU supports and every thread count give the same counts.
. "$TESTS_SRCDIR/lib.sh"
plan 22

julia="-R 301 --height 257 -M 100 --quiet"
mandel="-f mandelbrot -R 301 -M 1000 --quiet"
check "julia, scalar kernel, 1 thread" run 1 $julia --kernel scalar --threads 1 -o j-ref.h5
check "mandelbrot, scalar kernel, 1 thread" run 1 $mandel --kernel scalar --threads 1 -o m-ref.h5
for kernel in avx2 avx512; do
    if "$MPIFRACTAL" --kernel "$kernel" -R 8 -o probe.h5 --force --quiet 2>/dev/null; then
        check "julia, $kernel kernel, 2 ranks" run 2 $julia --kernel "$kernel" -o "j-$kernel.h5"
        check "julia: $kernel equals scalar" same_counts j-ref.h5 "j-$kernel.h5"
        check "mandelbrot, $kernel kernel, 2 ranks" run 2 $mandel --kernel "$kernel" -o "m-$kernel.h5"
        check "mandelbrot: $kernel equals scalar" same_counts m-ref.h5 "m-$kernel.h5"
        check "the HDF5 file records the $kernel kernel" sh -c "h5dump -a /kernel m-$kernel.h5 | grep -q '\"$kernel\"'"
    else
        for n in 1 2 3 4 5; do pass "$kernel kernel # SKIP this CPU cannot run $kernel"; done
    fi
done
for threads in 2 3 4; do
    check "julia, 1 rank x $threads threads" run 1 $julia --threads "$threads" -o "j-t$threads.h5"
    check "julia: $threads threads equal 1 thread" same_counts j-ref.h5 "j-t$threads.h5"
done
check "mandelbrot with --no-shortcuts (no cardioid or cycle tests)" run 2 $mandel --no-shortcuts -o m-long.h5
check "--no-shortcuts changes no count" same_counts m-ref.h5 m-long.h5
check "the summary names threads and kernel" \
    sh -c "$MPIFRACTAL -R 64 --threads 2 --kernel scalar -o s.h5 2>&1 | grep -q '1 rank x 2 threads, kernel scalar'"
check "mandelbrot, 2 ranks x 2 threads equal 1 rank x 1 thread" \
    sh -c "$MPIEXEC -n 2 $MPIFRACTAL $mandel --threads 2 -o m-2x2.h5 </dev/null && h5diff -q m-ref.h5 m-2x2.h5 /counts /counts"
done_testing
