#!/bin/sh
# Counts are exact: mpifractal's HDF5 output against an independent numpy reference.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
plan 6

cat > seed-julia.job <<'JOB'
# The seed Julia at reduced size
fractal = julia
real = -0.835
imag = -0.2321
xleft = -0.1
xright = 0.1
ybot = -0.1
ytop = 0.1
resolution = 401
itermin = 20
itermax = 100
JOB
cat > mandelbrot-view.job <<'JOB'
# The whole Mandelbrot set, odd width, interior and periodic orbits included
fractal = mandelbrot
resolution = 351
itermin = 0
itermax = 300
JOB
cat > mandelbrot-zoom.job <<'JOB'
# Seahorse valley, near the boundary where orbits are long
fractal = mandelbrot
xleft = -0.7536
xright = -0.7436
ybot = 0.0982
ytop = 0.1052
resolution = 200
itermax = 2000
threshold = 2
JOB

for job in seed-julia mandelbrot-view mandelbrot-zoom; do
    check "$job: mpifractal -np 2 runs" run 2 "$job.job" -o "$job.h5" --quiet
    check "$job: counts and coordinates equal the numpy reference" \
        "$PYTHON3" "$TESTS_SRCDIR/reference.py" "$job.job" "$job.h5"
done
done_testing
