#!/bin/sh
# Faults while writing: a full disk, an output removed mid-run. Clear error, no hang, work kept for --resume.
. "$TESTS_SRCDIR/lib.sh"
plan 9

mkdir small
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=3m tmpfs small 2>/dev/null; then
    for n in 1 2 3 4 5; do pass "disk full # SKIP cannot mount a small tmpfs (needs root)"; done
else
    trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
    job="-R 1500 --compress 0 --dtype uint32 --quiet"
    echo "# $MPIEXEC -n 2 $MPIFRACTAL $job -o small/full.h5 --force  (on a 3 MiB tmpfs)"
    timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $job -o small/full.h5 --force </dev/null 2>full.err
    status=$?
    if [ "$status" != 0 ] && [ "$status" != 124 ]; then pass "disk full: the render fails ($status), no hang"; else fail "disk full: the render fails (got $status)"; fi
    check "disk full: one message naming the file and the reason" \
        sh -c "test \$(grep -c \"mpifractal: error: .*small/full.h5.*No space left on device\" full.err) = 1"
    check "disk full: the file is kept, marked incomplete" sh -c "h5dump -a status small/full.h5 | grep -q incomplete"
    check "with room again, --resume finishes it" \
        sh -c "mount -o remount,size=64m small && $MPIEXEC -n 2 $MPIFRACTAL $job -o small/full.h5 --resume </dev/null"
    check "the finished dataset equals an uninterrupted render" \
        sh -c "$MPIFRACTAL $job -o whole.h5 </dev/null && h5diff -q whole.h5 small/full.h5 /counts /counts"
fi

# The output removed while the render runs (a cleanup job, a user)
job="-f mandelbrot -R 3000 -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --quiet"
echo "# $MPIEXEC -n 2 $MPIFRACTAL $job -o gone.h5 --png gone.png, then rm gone.h5"
timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $job -o gone.h5 --png gone.png </dev/null 2>gone.err &
launcher=$!
wait_for_start gone.h5
rm -f gone.h5
wait $launcher
status=$?
if [ "$status" != 0 ] && [ "$status" != 124 ]; then pass "removed output: the render stops with an error ($status), no hang"; else fail "removed output: the render stops with an error (got $status)"; fi
check "removed output: one message says so" \
    sh -c "test \$(grep -c \"mpifractal: error: the output 'gone.h5' was removed or replaced while rendering\" gone.err) = 1"
check "removed output: a PNG under its final name, if any, is whole" sh -c "test ! -e gone.png || pngcheck -q gone.png"
check "removed output: no temporary PNG left" sh -c "! ls gone.png*.part 2>/dev/null | grep -q ."
done_testing
