#!/bin/sh
# Nothing lost: SIGTERM and SIGKILL mid-render, then --resume, give the uninterrupted dataset and PNG.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python PIL
need_python h5py
plan 25

# A slow render (scalar kernel, deep zoom): a few seconds on 2 ranks.
job="-f mandelbrot -R 3000 -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --band-rows 8 --quiet"

same_pngs() {
    "$PYTHON3" -c "
import sys, numpy as np
from PIL import Image
sys.exit(0 if np.array_equal(np.asarray(Image.open('$1')), np.asarray(Image.open('$2'))) else 1)"
}

check "uninterrupted reference render" run 2 $job -o ref.h5 --png ref.png

# SIGTERM, as SLURM sends at the time limit
echo "# $MPIEXEC -n 2 $MPIFRACTAL $job -o term.h5 --png term.png, then SIGTERM to the ranks"
timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $job -o term.h5 --png term.png </dev/null 2>term.err &
launcher=$!
wait_for_rows term.h5
signal_ranks TERM term.h5
wait $launcher
status=$?
if [ "$status" != 0 ] && [ "$status" != 124 ]; then pass "SIGTERM: the job stops with a non-zero status ($status)"; else fail "SIGTERM: the job stops with a non-zero status (got $status)"; fi
check "SIGTERM: one message says how far it got and how to resume" \
    sh -c "test \$(grep -c 'interrupted: the first [0-9]* of 3000 rows are saved in .term.h5.; run the same command with --resume' term.err) = 1"
check "SIGTERM: the file says incomplete, with rows saved" \
    sh -c "h5dump -a status term.h5 | grep -q incomplete && h5dump -a rows_complete term.h5 | grep -q '(0): [1-9]'"
check "SIGTERM: no PNG under its final name" test ! -e term.png
check "--resume finishes it" run 2 $job -o term.h5 --png term.png --resume
check "resumed counts equal the uninterrupted ones" same_counts ref.h5 term.h5
check "the PNG made at the end of the resumed run equals the streamed one" same_pngs ref.png term.png
check "the resumed file says complete" sh -c "h5dump -a status term.h5 | grep -q '\"complete\"'"

# SIGKILL of a rank at random moments, resumed as often as needed
for round in 1 2 3; do
    rm -f kill.h5 kill.png
    echo "# round $round: $MPIEXEC -n 2 $MPIFRACTAL $job -o kill.h5 --png kill.png, SIGKILL to one rank"
    timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $job -o kill.h5 --png kill.png </dev/null >/dev/null 2>&1 &
    launcher=$!
    wait_for_start kill.h5
    sleep "0.$(( (round * 37 + $$) % 9 + 1 ))"
    victim=$(rank_pids kill.h5 | tail -1)
    [ -n "$victim" ] && kill -KILL "$victim"
    wait $launcher
    status=$?
    if [ "$status" != 124 ]; then pass "round $round: killed job ends without hanging ($status)"; else fail "round $round: killed job hung"; fi
    check "round $round: --resume finishes it" run 2 $job -o kill.h5 --png kill.png --resume
    check "round $round: counts equal the uninterrupted ones" same_counts ref.h5 kill.h5
done

# What --resume refuses
echo "# $MPIFRACTAL ${job% --quiet} -M 3000 -o ref.h5 --resume"
"$MPIFRACTAL" $job -M 3000 -o ref.h5 --resume 2>other.err </dev/null
status=$?
if [ "$status" = 2 ] && grep -q "cannot resume 'ref.h5': it was rendered with itermax = 4000, not 3000" other.err; then
    pass "--resume with other parameters is refused, naming the difference"
else
    sed 's/^/#   /' other.err; fail "--resume with other parameters is refused, naming the difference (status $status)"
fi
"$PYTHON3" -c "import h5py; h5py.File('foreign.h5', 'w')['counts'] = [1, 2]" 2>/dev/null || : > foreign.h5
check "--resume of a file that is not an mpifractal output is refused" \
    sh -c "$MPIFRACTAL $job -o foreign.h5 --resume 2>&1 </dev/null; test \$? = 2" 
check "--resume of a finished render has nothing to compute" \
    sh -c "$MPIFRACTAL $job -o ref.h5 --resume </dev/null && $MPIFRACTAL $job -o ref2.h5 </dev/null && h5diff -q ref.h5 ref2.h5 /counts /counts"

# A file from before the channels and --samples existed: it lacks those
# attributes, which then mean their defaults (counts only, 1 sample). Made by
# deleting them from an interrupted-looking file: 5 chunk rows kept, the rest
# zeroed.
old="-f mandelbrot -R 2000 -M 50 --quiet"
check "a render to age" run 1 $old -o aged.h5
cp aged.h5 aged-ref.h5
"$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('aged.h5', 'r+') as f:
    del f.attrs['channels'], f.attrs['samples']
    kept = 5 * f['counts'].chunks[0]
    f.attrs.modify('rows_complete', kept)
    del f.attrs['status']
    f.attrs['status'] = np.bytes_('incomplete')
    f['counts'][kept:] = 0"
check "resuming a file without channels with --channels smooth is refused: it holds counts only" \
    sh -c "$MPIFRACTAL $old --channels smooth -o aged.h5 --resume 2>aged.err </dev/null; test \$? = 2 && grep -q 'rendered with channels = counts, not counts,smooth' aged.err"
check "a file without the channels and samples attributes resumes to the uninterrupted counts" \
    sh -c "$MPIFRACTAL $old -o aged.h5 --resume </dev/null && h5diff -q aged-ref.h5 aged.h5 /counts /counts"
check "a file of an earlier version (uint16 counts at itermax < 256) is refused naming --dtype uint16, which resumes it" \
    sh -c "$MPIFRACTAL -R 50 -M 50 --dtype uint16 -o u16.h5 --quiet && ! $MPIFRACTAL -R 50 -M 50 -o u16.h5 --resume 2>u16.err &&
           grep -q 'its counts are uint16, not uint8: add --dtype uint16' u16.err && $MPIFRACTAL -R 50 -M 50 -o u16.h5 --resume --dtype uint16 --quiet"
done_testing
