#!/bin/sh
# PNG colour maps: matplotlib's viridis, every map by counts and by smooth values in 8 and 16 bits, equalisation.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
need_python matplotlib
plan 24

check "the viridis table holds matplotlib's 256 entries" \
    "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" --table "$TESTS_SRCDIR/../src/colormap_viridis.h"
view="-f mandelbrot -R 241 -M 200 -m 5 --quiet"
for map in gray viridis cyclic; do
    for by in counts smooth; do
        cycle=""; [ "$map" = cyclic ] && cycle="--color-cycle 24"
        check "$map by $by, 2 ranks" run 2 $view --colormap "$map" --color-by "$by" $cycle \
            -o "$map-$by.h5" --png "$map-$by.png"
        check "$map by $by: every pixel as documented" \
            "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" "$map-$by.png" "$map-$by.h5" "$map" "$by" 24
    done
done
check "viridis by smooth, 16 bits, 3 ranks, bands of 1 row" run 3 $view --colormap viridis --color-by smooth \
    --png-depth 16 --band-rows 1 -o v16.h5 --png v16.png
check "16-bit RGB pixels as documented" "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" v16.png v16.h5 viridis smooth
check "viridis by smooth, 16 bits, 1 rank: the same PNG bytes" sh -c "
    $MPIFRACTAL $view --colormap viridis --color-by smooth --png-depth 16 -o v16-1.h5 --png v16-1.png && cmp v16.png v16-1.png"
for by in counts smooth; do
    check "equalised viridis by $by, 2 ranks" run 2 $view --colormap viridis --color-by "$by" --equalize \
        -o "eq-$by.h5" --png "eq-$by.png"
    check "equalised by $by: every pixel as documented" \
        "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" "eq-$by.png" "eq-$by.h5" viridis "$by" --equalize
done
if command -v pngcheck >/dev/null 2>&1; then
    check "pngcheck accepts the RGB PNGs" pngcheck -q viridis-counts.png v16.png eq-smooth.png
else
    pass "pngcheck accepts the RGB PNGs # SKIP pngcheck not installed"
fi
check "--color-by smooth keeps the smooth channel in the HDF5 file" sh -c "h5ls gray-smooth.h5 | grep -q '^smooth'"
check "an unknown colour map is bad input (exit 2)" sh -c "
    $MPIFRACTAL -R 64 --colormap jet --png x.png -o x.h5 2>x.err; test \$? = 2 && grep -q \"unknown colour map 'jet'\" x.err"
check "--equalize without HDF5 is bad input (exit 2)" sh -c "
    $MPIFRACTAL -R 64 --equalize --no-hdf5 --png x.png 2>x.err; test \$? = 2 && grep -q 'cannot be used with --no-hdf5' x.err"
done_testing
