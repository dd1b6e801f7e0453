#!/bin/sh
# The deep zoom ground truth, tests/mpfr_reference: numpy's counts at shallow views, hand-checked points, deep views self-consistent.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
: "${MPFR_REFERENCE:?run the tests through make check}"
[ -x "$MPFR_REFERENCE" ] || skip_all "$MPFR_REFERENCE was not built (make check builds it)"
plan 27

# ref ARGS...: mpfr_reference, its exact command logged.
ref() {
    echo "# $MPFR_REFERENCE $*"
    timeout "$TEST_TIMEOUT" "$MPFR_REFERENCE" "$@"
}

# counts FILE: the file's counts, one line, space separated.
counts() { od -An -tu4 -v "$1" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }

# is_counts FILE 'EXPECTED': the file holds exactly these counts.
is_counts() {
    got=$(counts "$1")
    [ "$got" = "$2" ] || { echo "counts '$got', expected '$2'"; return 1; }
}

# Shallow views: the same samples as the double-precision numpy reference.
# numpy places them by linspace, which may differ by an ulp: 99.9% must agree.
# Doubles are no ground truth for long orbits in chaotic spots: at the seahorse
# point -0.743643887 + 0.131825904i, zoom 1e6, itermax 3000, 1.3% of numpy's
# counts differ from MPFR's, which are the same at 90 and 300 bits (one sample:
# 946 at its exact position in MPFR, 1293 at numpy's position in MPFR, 1026 in
# doubles), so these views keep their orbits short enough for doubles.
while read -r name fractal cre cim zoom itermax real imag; do
    check "$name: mpfr_reference runs" ref --fractal "$fractal" --center-re "$cre" --center-im "$cim" \
        --zoom "$zoom" --width 96 --height 64 --itermax "$itermax" --real "$real" --imag "$imag" --output "$name.u32"
    check "$name: >= 99.9% of the counts equal numpy's" "$PYTHON3" "$TESTS_SRCDIR/check_mpfr_reference.py" \
        "$name.u32" "$fractal" "$cre" "$cim" "$zoom" 96 64 "$itermax" 2 "$real" "$imag"
done <<'VIEWS'
mandelbrot-whole mandelbrot -0.75 0 1 200 0 0
seahorse-1e3 mandelbrot -0.7436 0.1318 1e3 500 0 0
third-limb-1e3 mandelbrot -0.16 1.035 1e3 1000 0 0
misiurewicz-1e6 mandelbrot -0.10109636384562 0.95628651080914 1e6 1000 0 0
classic-julia-1e4 julia 0.1 0.3 1e4 300 -0.8 0.156
seed-julia-1e6 julia 1.38986116785491869 0.25637849345397388 1e6 1000 -0.835 -0.2321
julia-i-1e6 julia -0.000376450452039851 1.03258411873782369 1e6 1000 0 1
VIEWS

# Hand-checked points (3 x 3 views: the middle sample is the centre, the
# others are d = 2 / zoom away).
check "c = 0 never escapes (3 x 3 around 0: all itermax)" sh -c "
    $MPFR_REFERENCE --width 3 --height 3 --zoom 1e6 --itermax 500 --output zero.u32"
check "c = 0: the counts" is_counts zero.u32 "500 500 500 500 500 500 500 500 500"
check "c = 1 escapes at step 2 (z: 1, 2, 5; |z_3|^2 = 25 > 4, |z_2|^2 = 4 is not)" sh -c "
    $MPFR_REFERENCE --center-re 1 --width 3 --height 3 --zoom 1e9 --itermax 500 --output one.u32 &&
    od -An -tu4 -j 16 -N 4 one.u32 | grep -qx ' *2'"
# At c = -2 the orbit -2, 2, 2, ... sits on the threshold, |z|^2 = 4, and never
# escapes; 1e-400 to its left, |c|^2 = 4 + 4e-400 > 4: count 0; 1e-400 to its
# right, c is real in [-2, 0.25]: inside, never escapes. Doubles see three times -2.
check "c = -2 - 1e-400, -2, -2 + 1e-400: counts 0, itermax, itermax" sh -c "
    $MPFR_REFERENCE --center-re -2 --width 3 --height 3 --zoom 2e400 --itermax 300 --output tip.u32 &&
    od -An -tu4 -j 12 -N 12 -v tip.u32 | tr -s ' ' | grep -qx ' 0 300 300'"
check "Julia c = 0: z_0 = 1.1 escapes at step 2 (1.21, 1.4641, 2.14...)" sh -c "
    $MPFR_REFERENCE --fractal julia --real 0 --imag 0 --center-re 1.1 --width 3 --height 3 --zoom 1e9 \
        --itermax 100 --output j11.u32 && od -An -tu4 -j 16 -N 4 j11.u32 | grep -qx ' *2'"
check "Julia c = -2: z_0 = 0 never escapes (0, -2, 2, 2, ...)" sh -c "
    $MPFR_REFERENCE --fractal julia --real -2 --imag 0 --width 3 --height 3 --zoom 1e9 \
        --itermax 100 --output j2.u32 && od -An -tu4 -j 16 -N 4 j2.u32 | grep -qx ' *100'"

# Deep views from tests/deep-locations.txt: the options change only the work.
# location NAME: the location's mpfr_reference options (its 96 x 64 view).
location() {
    grep "^$1 " "$TESTS_SRCDIR/deep-locations.txt" | {
        read -r _ fractal real imag zoom itermax cre cim
        echo "--fractal $fractal --real $real --imag $imag --zoom $zoom --itermax $itermax" \
             "--center-re $cre --center-im $cim --width 96 --height 64"
    }
}
deep=$(location mandelbrot-1e300)
julia=$(location julia-i-1e100)
# shellcheck disable=SC2086 # the options are words
{
    check "1e300 minibrot, every 8th sample: runs, certified" sh -c "
        $MPFR_REFERENCE $deep --stride 8 --summary --output s8.u32 2>s8.txt && grep -q 'uncertain: 0 ' s8.txt"
    check "1e300: more than one count" sh -c "grep -q 'distinct' s8.txt && ! grep -q '; 1 distinct' s8.txt"
    check "1e300: the same counts at the full precision throughout" sh -c "
        $MPFR_REFERENCE $deep --stride 8 --full-precision --output s8-full.u32 && cmp s8.u32 s8-full.u32"
    check "1e300: the same counts with 256 more bits" sh -c "
        bits=\$(awk '/^precision/ { print \$2 }' s8.txt) && [ \$bits -gt 1000 ] &&
        $MPFR_REFERENCE $deep --stride 8 --precision \$((bits + 256)) --output s8-more.u32 && cmp s8.u32 s8-more.u32"
    check "Julia 1e100: every 4th sample is the full view's every 4th" sh -c "
        $MPFR_REFERENCE $julia --stride 2 --output j2s.u32 && $MPFR_REFERENCE $julia --stride 4 --output j4s.u32 &&
        $PYTHON3 -c 'import numpy as np, sys
a = np.fromfile(\"j2s.u32\", \"<u4\").reshape(32, 48)[::2, ::2]
sys.exit(not np.array_equal(a.ravel(), np.fromfile(\"j4s.u32\", \"<u4\")))'"
    check "Julia 1e100: 2 threads give the same counts as 1" sh -c "
        $MPFR_REFERENCE $julia --stride 4 --threads 2 --output j4t.u32 && cmp j4s.u32 j4t.u32"
}

check "bad input: zoom 0, a centre that is not a number, 1 row: exit 2 with a message" sh -c "
    for bad in '--zoom 0' '--center-re 1.2.3' '--height 1'; do
        $MPFR_REFERENCE \$bad --output /dev/null 2>err.txt; status=\$?
        [ \$status = 2 ] && grep -q '^mpfr_reference: error: ' err.txt || { echo \"\$bad: \$status\"; exit 1; }
    done"
done_testing
