#!/bin/sh
# The PNG: decoded pixel by pixel against the counts, valid, streamed to a temporary name.
. "$TESTS_SRCDIR/lib.sh"
need_python PIL
need_python h5py
plan 17

check "seed julia with PNG, 2 ranks" run 2 -R 333 -m 20 -M 100 -o j.h5 --png j.png --quiet
check "PNG pixels follow the grey ramp of the counts" "$PYTHON3" "$TESTS_SRCDIR/check_png.py" j.png j.h5
check "no temporary PNG left behind" sh -c "! ls j.png*.part 2>/dev/null | grep -q ."
if command -v pngcheck >/dev/null 2>&1; then
    check "pngcheck accepts the PNG" pngcheck -q j.png
else
    pass "pngcheck accepts the PNG # SKIP pngcheck not installed"
fi
check "--fast PNG, 3 ranks" run 3 -R 333 -m 20 -M 100 --no-hdf5 --png fast.png --fast --quiet
check "--fast PNG decodes to the same pixels" "$PYTHON3" -c "
import sys, numpy as np
from PIL import Image
a, b = np.asarray(Image.open('j.png')), np.asarray(Image.open('fast.png'))
sys.exit(0 if np.array_equal(a, b) else 1)"
check "--no-hdf5 writes no HDF5 file" test ! -e julia.h5
check "mandelbrot with itermin 0, 1 rank" run 1 -f mandelbrot -R 200 -m 0 -M 255 -o m.h5 --png m.png --quiet
check "mandelbrot PNG pixels follow the counts" "$PYTHON3" "$TESTS_SRCDIR/check_png.py" m.png m.h5
check "16-bit PNG of a Mandelbrot view with itermax 1000, 2 ranks" run 2 -f mandelbrot -R 150 -m 0 -M 1000 --png-depth 16 -o m16.h5 --png m16.png --quiet
check "16-bit PNG pixels follow the counts" "$PYTHON3" "$TESTS_SRCDIR/check_png.py" m16.png m16.h5
if command -v pngcheck >/dev/null 2>&1; then
    check "pngcheck accepts the 16-bit PNG" pngcheck -q m16.png
else
    pass "pngcheck accepts the 16-bit PNG # SKIP pngcheck not installed"
fi
check "PNG from 4 ranks with 1-row bands (many joined segments)" run 4 -R 211 --band-rows 1 --no-hdf5 --png seg.png --quiet
check "it decodes to the same pixels as one rank" sh -c "$MPIFRACTAL -R 211 --no-hdf5 --png one.png --quiet && $PYTHON3 -c \"
import sys, numpy as np
from PIL import Image
sys.exit(0 if np.array_equal(np.asarray(Image.open('seg.png')), np.asarray(Image.open('one.png'))) else 1)\""
check "the PNG's bytes are the same from 1 rank and from 4 ranks" cmp one.png seg.png
check "a PNG wider than libpng's default limit of a million pixels" run 2 -f mandelbrot -R 1000001 --height 2 -o wide.h5 --png wide.png --quiet
check "its pixels follow the counts" "$PYTHON3" "$TESTS_SRCDIR/check_png.py" wide.png wide.h5
done_testing
