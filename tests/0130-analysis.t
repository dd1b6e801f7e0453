#!/bin/sh
# For analysis: xarray (h5netcdf and netcdf4 engines) and ncdump read the output; the area example gives the set's area.
. "$TESTS_SRCDIR/lib.sh"
need_python h5py
need_python xarray
need_python h5netcdf
need_python netCDF4
need_python matplotlib
need_python PIL
command -v ncdump >/dev/null 2>&1 || skip_all "ncdump not installed (Debian netcdf-bin)"
plan 15

example="$PYTHON3 $EXAMPLES_DIR/mandelbrot_area.py"

check "mandelbrot, 2 ranks" run 2 -f mandelbrot -R 301 -M 300 -o m.h5 --quiet
# 301 samples over 3.5 wide: dx = 3.5 / 300, so 2.5 tall gives 215 rows.
check "xarray reads counts, x, y and their attributes (mandelbrot)" \
    "$PYTHON3" "$TESTS_SRCDIR/check_xarray.py" m.h5 mandelbrot -2.5 1 -1.25 1.25 301 215 complete
check "julia, uint32, uncompressed, off-centre view" \
    run 2 -R 150 --height 77 -x -0.3 -X 0.2 -y -0.05 -Y 0.4 --dtype uint32 --compress 0 -o j.h5 --quiet
check "xarray reads counts, x, y and their attributes (julia)" \
    "$PYTHON3" "$TESTS_SRCDIR/check_xarray.py" j.h5 julia -0.3 0.2 -0.05 0.4 150 77 complete
check "ncdump -h shows counts(y, x) with CF attributes" \
    sh -c 'ncdump -h m.h5 > m.cdl && grep -q "ushort counts(y, x)" m.cdl && grep -q "double x(x)" m.cdl &&
           grep -q "double y(y)" m.cdl && grep -q ":Conventions = \"CF-1.9\"" m.cdl && grep -q "counts:units = \"1\"" m.cdl'
check "ncdump reads the compressed counts" sh -c 'ncdump -v counts m.h5 > /dev/null'

# The area: 2000 samples wide over the full view, itermax 5000 (about a second
# on 2 ranks). Measured: 1.50827, +0.11% from 1.5066; samples escaping after
# more than itermax iterations bias it up (+0.32% at itermax 1000), the
# boundary's cells add noise of the same order (+0.18% at 1000 wide). A 0.3%
# tolerance leaves room for that and still fails on a wrong count or grid.
check "mandelbrot, 2000 wide, itermax 5000" run 2 -f mandelbrot -R 2000 -M 5000 -o area.h5 --quiet
check "the area example runs in slices of 100 rows" \
    sh -c "$example area.h5 --rows 100 --csv hist.csv --plot hist.png > area.txt"
check "area within 0.3% of 1.5066; histogram exact and sums to the pixel count" \
    "$PYTHON3" "$TESTS_SRCDIR/check_area.py" area.h5 area.txt hist.csv -2.5 1 -1.25 1.25 0.003
check "the plot is a valid PNG" sh -c "pngcheck -q hist.png && $PYTHON3 -c \"from PIL import Image; Image.open('hist.png').verify()\""

# An interrupted render: readable, says so, refused by the example; then resumed.
job="-f mandelbrot -R 3000 -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --quiet"
echo "# $MPIFRACTAL $job -o cut.h5, SIGTERM after a second"
timeout 120 "$MPIFRACTAL" $job -o cut.h5 </dev/null 2>cut.err &
pid=$!
wait_for_rows cut.h5
kill -TERM "$pid" 2>/dev/null
wait "$pid"
cut_status=$?
check_if_interrupted $cut_status "an interrupted file opens in xarray with status incomplete" \
    "$PYTHON3" "$TESTS_SRCDIR/check_xarray.py" cut.h5 mandelbrot -0.8 -0.7 0.05 0.15 3000 3000 incomplete
check_if_interrupted $cut_status "the area example refuses an incomplete file, pointing to --resume" \
    sh -c "! $example cut.h5 > /dev/null 2> cut.txt && grep -q 'incomplete.*--resume' cut.txt"
check "--resume finishes it" run 0 $job -o cut.h5 --resume
check "the resumed file opens in xarray with status complete" \
    "$PYTHON3" "$TESTS_SRCDIR/check_xarray.py" cut.h5 mandelbrot -0.8 -0.7 0.05 0.15 3000 3000 complete
check_if_interrupted $cut_status "its history says rendered, then resumed" \
    "$PYTHON3" -c "
import sys, xarray as xr
with xr.open_dataset('cut.h5', engine='netcdf4') as ds:
    lines = ds.attrs['history'].split('\n')
sys.exit(0 if len(lines) == 2 and ': rendered: ' in lines[0] and ': resumed: ' in lines[1] and lines[1].endswith('--resume') else 1)"
done_testing
