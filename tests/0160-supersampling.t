#!/bin/sh
# --samples K: colours and channel means against numpy, the counts unchanged, uniform regions as without it, any ranks.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
need_python matplotlib
plan 18

view="-f mandelbrot -R 161 -M 300 -m 5 --quiet"
check "no supersampling" run 1 $view --channels smooth,distance -o k1.h5
check "3 x 3 samples, viridis by smooth, 2 ranks" run 2 $view --samples 3 --channels smooth,distance \
    --colormap viridis --color-by smooth -o k3.h5 --png k3.png
check "the counts are those of the grid points, unchanged" h5diff -q k1.h5 k3.h5 /counts /counts
check "smooth and distance are the means over the samples (numpy, exactly)" \
    "$PYTHON3" "$TESTS_SRCDIR/channels_reference.py" k3.h5
check "each pixel is the rounded mean of its samples' colours (numpy)" \
    "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" k3.png k3.h5 viridis smooth
check "2 x 2 samples, gray 16-bit by counts, 3 ranks, bands of 1 row" run 3 $view --samples 2 --png-depth 16 \
    --band-rows 1 --channels distance -o k2.h5 --png k2.png
check "gray 16-bit supersampled pixels as documented" "$PYTHON3" "$TESTS_SRCDIR/check_colors.py" k2.png k2.h5 gray counts
check "distance means as documented" "$PYTHON3" "$TESTS_SRCDIR/channels_reference.py" k2.h5
check "the same on 1 rank: the same PNG bytes and datasets" sh -c "
    $MPIFRACTAL $view --samples 2 --png-depth 16 --channels distance -o k2-1.h5 --png k2-1.png &&
    cmp k2.png k2-1.png && h5diff -q k2.h5 k2-1.h5 /distance /distance"
check "the file records samples = 2" sh -c "h5dump -a samples k2.h5 | grep -q '(0): 2'"

# Uniform regions: far outside (every count 0) and inside the main cardioid (every count itermax).
for region in "-x 3 -X 4 -y 3 -Y 4" "-x -0.2 -X 0.1 -y -0.1 -Y 0.1"; do
    for map in gray viridis; do
        name=$(echo "$region $map" | tr -c 'a-z0-9' _)
        check "uniform region $region, $map: no supersampling" \
            run 1 -f mandelbrot $region -R 64 -M 200 --colormap "$map" --quiet -o "$name-1.h5" --png "$name-1.png"
        # the same pixels (the files differ in their description, which records --samples)
        check "uniform region $region, $map: 4 x 4 samples give the same PNG pixels" sh -c "
            $MPIFRACTAL -f mandelbrot $region -R 64 -M 200 --colormap $map --samples 4 --quiet -o $name-4.h5 \
                --png $name-4.png && '$PYTHON3' -c 'import sys, numpy; from PIL import Image
a, b = (numpy.asarray(Image.open(f)) for f in sys.argv[1:])
sys.exit(0 if a.shape == b.shape and (a == b).all() else 1)' $name-1.png $name-4.png"
    done
done
done_testing
