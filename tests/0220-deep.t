#!/bin/sh
# Deep zoom: perturbation counts against an independent MPFR iteration of every sample, and the same file on any ranks.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
REFERENCE_PROGRAM=${MPFR_REFERENCE:-$(dirname "$MPIFRACTAL")/../tests/mpfr_reference}
[ -x "$REFERENCE_PROGRAM" ] || skip_all "tests/mpfr_reference is not built (make check builds it)"
LOCATIONS=$TESTS_SRCDIR/deep-locations.txt
plan 48

# location NAME: sets fractal, julia_re, julia_im, zoom, itermax, cre, cim from tests/deep-locations.txt.
location() {
    set -- $(grep "^$1 " "$LOCATIONS")
    fractal=$2 julia_re=$3 julia_im=$4 zoom=$5 itermax=$6 cre=$7 cim=$8
}
view_options() {
    echo "-f $fractal -r $julia_re -i $julia_im --center-re $cre --center-im $cim --zoom $zoom -M $itermax -m 0"
}

# deep_case NAME STRIDE: a 96 x 64 render on 2 ranks against mpfr_reference on every STRIDE-th sample.
deep_case() {
    location "$1"
    check "$1: 96 x 64 by perturbation on 2 ranks" run 2 $(view_options) -R 96 --height 64 --quiet -o "$1.h5"
    check "$1: at least 99.9% of the counts equal a direct MPFR iteration" sh -c "
        '$REFERENCE_PROGRAM' --fractal $fractal --real $julia_re --imag $julia_im --center-re $cre \
            --center-im $cim --zoom $zoom --width 96 --height 64 --itermax $itermax --stride $2 \
            --output '$1.ref' &&
        '$PYTHON3' '$TESTS_SRCDIR/compare_counts.py' '$1.h5' '$1.ref' --stride $2"
}

deep_case mandelbrot-1e20 1
deep_case misiurewicz-1e30 2
deep_case mandelbrot-1e50 2
deep_case mandelbrot-1e100 2
deep_case misiurewicz-spiral-1e100 2
deep_case mandelbrot-1e300 3
deep_case misiurewicz-1e1000 3
deep_case julia-seed-1e20 1
deep_case julia-seed-1e100 2
deep_case julia-i-1e100 2

# Odd sizes: the centre is a sample, whose orbit is the reference's own.
odd_case() {
    location "$1"
    check "$1, $2 x $3: the centre sample too" sh -c "
        $MPIFRACTAL $(view_options) -R $2 --height $3 --quiet -o odd-$1.h5 &&
        '$REFERENCE_PROGRAM' --fractal $fractal --real $julia_re --imag $julia_im --center-re $cre \
            --center-im $cim --zoom $zoom --width $2 --height $3 --itermax $itermax --output odd-$1.ref &&
        '$PYTHON3' '$TESTS_SRCDIR/compare_counts.py' odd-$1.h5 odd-$1.ref --min-equal 1"
}
odd_case misiurewicz-1e1000 33 19
odd_case julia-seed-1e20 31 17
odd_case mandelbrot-1e100 25 15
odd_case julia-i-1e100 21 13

# Bilinear approximation (the default) against plain perturbation (--no-bla) on the same views, and
# plain perturbation against MPFR as well.
for name in mandelbrot-1e300 misiurewicz-1e1000 julia-seed-1e100; do
    location $name
    check "$name: --no-bla, 96 x 64 on 2 ranks" run 2 $(view_options) -R 96 --height 64 --quiet --no-bla -o "$name-plain.h5"
    check "$name: at least 99.9% of the counts with BLA equal those of plain perturbation" \
        "$PYTHON3" "$TESTS_SRCDIR/compare_counts.py" "$name.h5" "$name-plain.h5"
done
check "mandelbrot-1e300: plain perturbation agrees with a direct MPFR iteration" \
    "$PYTHON3" "$TESTS_SRCDIR/compare_counts.py" mandelbrot-1e300-plain.h5 mandelbrot-1e300.ref --stride 3

# Where doubles still work, the two engines agree, and perturbation matches MPFR.
for z in 1e5 1e7 1e9; do
    at="--center-re -0.10109636384562216102578544573862256546 --center-im 0.95628651080914150077109605772997743580 --zoom $z"
    common="-f mandelbrot $at -M 1000 -R 96 --height 64 --quiet"
    check "zoom $z: double and perturbation agree on at least 99.9% of the samples, and with MPFR" sh -c "
        $MPIFRACTAL $common --engine double -o d$z.h5 && $MPIFRACTAL $common --engine perturbation -o p$z.h5 &&
        '$PYTHON3' '$TESTS_SRCDIR/compare_counts.py' p$z.h5 d$z.h5 &&
        '$REFERENCE_PROGRAM' --fractal mandelbrot $at --width 96 --height 64 --itermax 1000 --output r$z.raw &&
        '$PYTHON3' '$TESTS_SRCDIR/compare_counts.py' p$z.h5 r$z.raw"
done

# The same bytes on any number of ranks, threads and bands.
location misiurewicz-1e1000
deep="$(view_options) -R 96 --height 64 --quiet --channels smooth,distance"
check "1e-1000: one rank, one thread" run 0 $deep --threads 1 -o one.h5
check "1e-1000: 3 ranks, bands of 1 row" run 3 $deep --threads 1 --band-rows 1 -o three.h5
check "1e-1000: 2 ranks x 2 threads, bands of 5 rows" run 2 $deep --threads 2 --band-rows 5 -o two.h5
check "1e-1000: the datasets are identical" sh -c "
    for d in counts smooth distance; do h5diff -q one.h5 three.h5 /\$d /\$d && h5diff -q one.h5 two.h5 /\$d /\$d || exit 1; done"
check "1e-1000: the centre and the zoom are stored exactly, the engine named" sh -c "
    '$PYTHON3' -c \"import h5py, sys; f = h5py.File('one.h5'); a = f.attrs
sys.exit(0 if a['center_re'].decode() == '$cre' and a['center_im'].decode() == '$cim' and a['zoom'].decode() == '$zoom' and a['engine'].decode() == 'perturbation' else 1)\""

# Supersampled pictures by perturbation: the same on any number of ranks.
supersampled="$(view_options) -R 64 --height 36 --samples 2 --channels smooth --colormap viridis --color-by smooth --quiet"
check "1e-1000, --samples 2, coloured by smooth: the same PNG and channel on 1 and 3 ranks" sh -c "
    $MPIFRACTAL $supersampled -o s1.h5 --png s1.png && $MPIEXEC -n 3 $MPIFRACTAL $supersampled -o s3.h5 --png s3.png &&
    cmp s1.png s3.png && h5diff -q s1.h5 s3.h5 /smooth /smooth"

# A view too deep for doubles, given by its edges, is refused with the way to render it.
check "an edge view narrower than doubles resolve is refused, naming the deep options" sh -c "
    ! $MPIFRACTAL -f mandelbrot -x -0.7436438870371590 -X -0.7436438870371580 -y 0.1318259042053000 \
        -Y 0.1318259042053010 -R 400 -o narrow.h5 2>narrow.err && grep -q -- '--center-re' narrow.err &&
    test \$(wc -l < narrow.err) = 1 && test ! -e narrow.h5"

# Kalles Fraktaler location files render as the same view.
location mandelbrot-1e50
printf 'Re: %s\r\nIm: %s\r\nZoom: %s\r\nIterations: %s\r\nColorMethod: 7\r\n' "$cre" "$cim" "$zoom" "$itermax" > loc.kfr
check ".kfr: the same counts as the options, and one note naming what was ignored" sh -c "
    $MPIFRACTAL loc.kfr -m 0 -R 96 --height 64 --quiet -o kfr.h5 2>kfr.err &&
    h5diff -q kfr.h5 mandelbrot-1e50.h5 /counts /counts && grep -q 'ignored: ColorMethod' kfr.err"

# Stopped and resumed: the same file as an uninterrupted render (plain perturbation: BLA finishes too soon).
location misiurewicz-1e1000
slow="$(view_options) -R 800 --height 600 --band-rows 4 --quiet --no-bla"
check "1e-1000, 800 x 600 without BLA (slow enough to stop): uninterrupted" run 2 $slow -o whole.h5
echo "# $MPIEXEC -n 2 $MPIFRACTAL $slow -o cut.h5, then SIGTERM to the ranks"
timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $slow -o cut.h5 </dev/null 2>cut.err &
launcher=$!
wait_for_start cut.h5 && sleep 1
signal_ranks TERM cut.h5
wait $launcher
status=$?
check_if_interrupted "$status" "1e-1000: stopped by SIGTERM, then --resume finishes it" run 2 $slow -o cut.h5 --resume
check "1e-1000: the resumed counts equal the uninterrupted ones" same_counts whole.h5 cut.h5

# A zoom sequence shares the deepest frame's reference orbit through --reference.
sequence="-f mandelbrot --center-re $cre --center-im $cim --zoom 1e6 --end-zoom $zoom --frames 3 -M $itermax -m 0 -R 48 --height 32 --reference seq.orbit -o seq.h5"
check "frame 2 computes the reference orbit and saves it; frames 0 and 1 read it" sh -c "
    $MPIFRACTAL $sequence --frame 2 2>f2.err && test -s seq.orbit && grep -q 'computed in' f2.err &&
    $MPIFRACTAL $sequence --frame 1 2>f1.err && grep -q 'read in' f1.err &&
    $MPIFRACTAL $sequence --frame 0 --engine perturbation 2>f0.err && grep -q 'read in' f0.err"
check "the last frame equals the same view rendered alone" sh -c "
    $MPIFRACTAL $(view_options) -R 48 --height 32 --quiet -o alone.h5 && h5diff -q alone.h5 seq-0002.h5 /counts /counts"

# A stop signal ends even one band of deep samples that would take minutes.
location mandelbrot-1e1000
echo "# $MPIFRACTAL $(view_options) -R 800 --height 600 --band-rows 600 --no-bla -o long.h5, SIGTERM after 2 s"
timeout 60 "$MPIFRACTAL" $(view_options) -R 800 --height 600 --band-rows 600 --no-bla --quiet -o long.h5 </dev/null 2>long.err &
pid=$!
sleep 2
kill -TERM $pid
start=$(date +%s)
wait $pid
status=$?
took=$(($(date +%s) - start))
if [ "$status" = 3 ] && [ "$took" -le 10 ]; then
    pass "1e-1000: a band of minutes stops within $took s of SIGTERM, status 3"
else
    sed 's/^/#   /' long.err; fail "1e-1000: a band of minutes stops within 10 s of SIGTERM (status $status after $took s)"
fi
