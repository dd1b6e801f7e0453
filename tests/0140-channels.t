#!/bin/sh
# Smooth and distance channels: layout, a numpy reference, identical on any ranks, threads and kernel path, resumable.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
plan 30

julia="-R 301 --height 257 -M 100 --channels counts,smooth,distance --quiet"
mandel="-f mandelbrot -R 301 -M 500 --channels smooth,distance --quiet"
same_channels() { h5diff -q "$1" "$2" /counts /counts && h5diff -q "$1" "$2" /smooth /smooth &&
                  h5diff -q "$1" "$2" /distance /distance; }

check "julia with channels, 1 rank, scalar kernel" run 1 $julia --kernel scalar --threads 1 -o j-ref.h5
check "mandelbrot with channels, 1 rank, scalar kernel" run 1 $mandel --kernel scalar --threads 1 -o m-ref.h5
check "julia: channels equal an independent numpy computation, exactly" \
    "$PYTHON3" "$TESTS_SRCDIR/channels_reference.py" j-ref.h5
check "mandelbrot: channels equal an independent numpy computation, exactly" \
    "$PYTHON3" "$TESTS_SRCDIR/channels_reference.py" m-ref.h5
check "layout: float32 datasets, the counts' chunks and filters, x/y scales, attributes" "$PYTHON3" -c "
import h5py, numpy as np, sys
f = h5py.File('j-ref.h5')
assert f.attrs['channels'] == b'counts,smooth,distance' and f.attrs['smooth_radius'] == 65536.0
for name in ('smooth', 'distance'):
    d = f[name]
    assert d.dtype == np.float32 and d.shape == f['counts'].shape, name
    assert d.chunks == f['counts'].chunks and d.compression == 'gzip' and d.shuffle, name
    assert d.dims[0][0] == f['y'] and d.dims[1][0] == f['x'], name
    for a in ('long_name', 'units', 'description'):
        assert a in d.attrs, (name, a)
c, s = f['counts'][...], f['smooth'][...]
assert np.isnan(s[c == 100]).all() and np.isfinite(s[c < 100]).all()
"
for np in 2 3; do
    check "julia, $np ranks, bands of 1 row" run "$np" $julia --band-rows 1 -o "j-$np.h5"
    check "julia: $np ranks give the same counts, smooth and distance" same_channels j-ref.h5 "j-$np.h5"
done
check "mandelbrot, 3 ranks" run 3 $mandel -o m-3.h5
check "mandelbrot: 3 ranks give the same channels" same_channels m-ref.h5 m-3.h5
check "julia, 1 rank x 3 threads" run 1 $julia --threads 3 -o j-t3.h5
check "julia: 3 threads give the same channels" same_channels j-ref.h5 j-t3.h5
for kernel in avx2 avx512; do
    if "$MPIFRACTAL" --kernel "$kernel" -R 8 -o probe.h5 --force --quiet 2>/dev/null; then
        check "julia, $kernel kernel, 2 ranks" run 2 $julia --kernel "$kernel" -o "j-$kernel.h5"
        check "julia: $kernel gives the scalar kernel's channels" same_channels j-ref.h5 "j-$kernel.h5"
        check "mandelbrot, $kernel kernel, 2 ranks" run 2 $mandel --kernel "$kernel" -o "m-$kernel.h5"
        check "mandelbrot: $kernel gives the scalar kernel's channels" same_channels m-ref.h5 "m-$kernel.h5"
    else
        for n in 1 2 3 4; do pass "$kernel kernel # SKIP this CPU cannot run $kernel"; done
    fi
done
check "only the channels asked for are written" sh -c "
    $MPIFRACTAL -R 64 --channels distance -o d.h5 --quiet && h5ls d.h5 | grep -q '^distance' && ! h5ls d.h5 | grep -q '^smooth'"
check "the counts do not change with channels" sh -c "
    $MPIFRACTAL -R 301 --height 257 -M 100 --quiet -o plain.h5 && h5diff -q plain.h5 j-ref.h5 /counts /counts"
printf 'fractal = mandelbrot\nresolution = 120\nitermax = 300\nchannels = counts,smooth,distance\nsmooth_radius = 1000\nsamples = 2\ncolormap = viridis\ncolor-by = smooth\npng-depth = 16\n' > pictures.job
check "a job file sets channels, smooth radius, samples and colours" sh -c "
    $MPIFRACTAL pictures.job -o job.h5 --png job.png --quiet &&
    h5dump -a smooth_radius job.h5 | grep -q '(0): 1000' && h5dump -a samples job.h5 | grep -q '(0): 2' &&
    h5ls job.h5 | grep -q '^distance' && test \"\$(od -An -tu1 -j24 -N2 job.png | tr -s ' ')\" = ' 16 2'"

# Resume: SIGTERM mid-render, then --resume, gives the uninterrupted channels.
# With --samples and --png the PNG cannot be resumed (the file lacks the other
# samples): the message says to resume with --no-png, as done here.
slow="-f mandelbrot -R 2000 -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --band-rows 8 --channels smooth,distance --samples 2 --quiet"
check "uninterrupted slow render with supersampled channels" run 2 $slow -o slow-ref.h5
echo "# $MPIEXEC -n 2 $MPIFRACTAL $slow -o slow.h5 --png slow.png, then SIGTERM to the ranks"
timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $slow -o slow.h5 --png slow.png </dev/null 2>slow.err &
launcher=$!
wait_for_rows slow.h5
signal_ranks TERM slow.h5
wait $launcher
slow_status=$?
check_if_interrupted $slow_status "the interrupted file is incomplete" sh -c "h5dump -a status slow.h5 | grep -q incomplete"
check_if_interrupted $slow_status "the message says to resume with --no-png" \
    grep -q "saved in 'slow.h5'; run it again with --resume --no-png" slow.err
check "resuming with other channels is refused, naming them" sh -c "
    $MPIFRACTAL $slow --channels smooth -o slow.h5 --resume 2>other.err; test \$? = 2 && grep -q 'channels = counts,smooth,distance, not counts,smooth' other.err"
check "--resume --no-png finishes it" run 2 $slow -o slow.h5 --resume --no-png
check "resumed counts, smooth and distance equal the uninterrupted ones" same_channels slow-ref.h5 slow.h5
done_testing
