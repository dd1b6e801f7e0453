#!/bin/sh
# The HDF5 layout documented in the README, read with h5dump and h5py.
. "$TESTS_SRCDIR/lib.sh"
need_python h5py
plan 12

check "julia, 2 ranks" run 2 -R 120 --height 90 -o j.h5 --quiet
check "h5py sees the documented layout (julia)" "$PYTHON3" "$TESTS_SRCDIR/check_h5.py" j.h5 120 90 julia 2
check "h5dump reads the whole file" sh -c 'h5dump j.h5 > dump.txt'
check "h5dump shows x and y as dimension scales" sh -c 'grep -q "DIMENSION_LIST" dump.txt && grep -c "CLASS" dump.txt | grep -q 2'
check "mandelbrot, 3 ranks, height from the aspect ratio" run 3 -f mandelbrot -R 71 -o m.h5 --quiet
# 71 samples over 3.5 wide: dx = 0.05, so 2.5 tall gives 51 rows.
check "h5py sees the documented layout (mandelbrot, 51 rows)" "$PYTHON3" "$TESTS_SRCDIR/check_h5.py" m.h5 71 51 mandelbrot 3
check "uncompressed uint32 output (--compress 0 --dtype uint32)" run 2 -R 100 --compress 0 --dtype uint32 -o raw.h5 --quiet
check "h5dump shows no filters and a 32-bit type" sh -c 'h5dump -H -p raw.h5 > raw.txt && ! grep -q DEFLATE raw.txt && grep -q H5T_STD_U32LE raw.txt'
check "uint32 and compressed uint8 (itermax 100) hold the same counts" \
    sh -c "$MPIFRACTAL -R 100 -o small.h5 --quiet && h5dump -H small.h5 | grep -q H5T_STD_U8LE && h5diff -q raw.h5 small.h5 /counts /counts"
check "itermax 256 is stored as uint16, same counts as uint32" \
    sh -c "$MPIFRACTAL -R 60 -M 256 -o m256.h5 --quiet && $MPIFRACTAL -R 60 -M 256 --dtype uint32 -o m256w.h5 --quiet && h5dump -H m256.h5 | grep -q H5T_STD_U16LE && h5diff -q m256.h5 m256w.h5 /counts /counts"
check "itermax 70000 is stored as uint32" sh -c "$MPIFRACTAL -R 40 -M 70000 -f mandelbrot -o big.h5 --quiet && h5dump -H big.h5 | grep -q H5T_STD_U32LE"
check "an existing output is refused without --force, replaced with it" \
    sh -c "! $MPIFRACTAL -R 50 -o m.h5 --quiet 2>/dev/null && $MPIFRACTAL -R 50 -o m.h5 --force --quiet"
done_testing
