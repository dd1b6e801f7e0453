#!/bin/sh
# Two runs on one output, one file by two names, special files, a full disk: no output is corrupted, replaced or left half-written.
. "$TESTS_SRCDIR/lib.sh"
plan 17

# no_part_files: no temporary PNG (FILE.XXXXXX.part) is left in the directory.
no_part_files() { ! ls ./*.part "${1:-.}"/*.part 2>/dev/null | grep -v '^./mine.png.part$' | grep -q .; }

png_job="-f mandelbrot -R 2500 -M 300 --no-hdf5 --quiet"
check "reference PNG" run 0 $png_job --png ref.png

# Two runs naming the same PNG at the same time, without --force: each writes
# its own temporary file; the first to finish publishes a whole PNG, the
# second finds it there and leaves it alone (status 1).
echo "# twice at once: $MPIFRACTAL $png_job --png same.png"
"$MPIFRACTAL" $png_job --png same.png </dev/null 2>first.err &
first=$!
"$MPIFRACTAL" $png_job --png same.png </dev/null 2>second.err &
second=$!
wait $first; status1=$?
wait $second; status2=$?
echo "# statuses $status1 and $status2"
check "two runs, one PNG: the PNG is whole and right" cmp ref.png same.png
# (a second run that starts once the first has finished is refused at once: the PNG exists)
check "two runs, one PNG: at least one succeeds; a refusal says why" \
    sh -c "{ [ $status1 = 0 ] || [ $status2 = 0 ]; } && { [ $status1 = 0 ] && [ $status2 = 0 ] ||
           grep -q -e \"PNG output 'same.png' appeared while rendering\" -e \"PNG output 'same.png' exists\" first.err second.err; }"
check "two runs, one PNG: no temporary file left" no_part_files

echo "# twice at once with --force: $MPIFRACTAL $png_job --png forced.png --force"
"$MPIFRACTAL" $png_job --png forced.png --force </dev/null &
first=$!
"$MPIFRACTAL" $png_job --png forced.png --force </dev/null &
second=$!
wait $first; status1=$?
wait $second; status2=$?
check "two runs with --force: both succeed ($status1, $status2), the PNG is whole" \
    sh -c "[ $status1 = 0 ] && [ $status2 = 0 ] && cmp ref.png forced.png"

# A user's own file named like the old temporary file is never touched.
echo "mine" > mine.png.part
check "a user's X.png.part: the render succeeds" run 0 -R 200 --no-hdf5 --png mine.png --quiet
check "a user's X.png.part: left as it was" sh -c 'test "$(cat mine.png.part)" = mine'
check "a user's X.png.part: not even --force touches it" \
    sh -c "$MPIFRACTAL -R 200 --no-hdf5 --png mine.png --force --quiet </dev/null && test \"\$(cat mine.png.part)\" = mine"

# One file by two names: refused before anything is written.
touch linked.h5 && ln linked.h5 linked.png
check "one file by two names (a hard link), even with --force: refused" \
    sh -c "$MPIFRACTAL -R 50 -o linked.h5 --png linked.png --force </dev/null 2>&1 | grep -q 'the HDF5 and PNG outputs are the same file'; test \$? = 0 && test ! -s linked.h5"
check "'-o a.h5 --png ./a.h5': refused, nothing written" \
    sh -c "$MPIFRACTAL -R 50 -o a.h5 --png ./a.h5 </dev/null; test \$? = 2 && test ! -e a.h5"

# Special files as outputs: refused, never replaced.
mkfifo out.fifo
check "a FIFO as the PNG output with --force: refused (status 2)" \
    sh -c "$MPIFRACTAL -R 50 --no-hdf5 --png out.fifo --force </dev/null; test \$? = 2"
check "a FIFO as the PNG output: still a FIFO" test -p out.fifo
if [ "$(id -u)" = 0 ] && mknod null c 1 3 2>/dev/null; then
    check "a device node (a copy of /dev/null) as PNG or HDF5 output with --force: refused" \
        sh -c "$MPIFRACTAL -R 50 --no-hdf5 --png null --force </dev/null; a=\$?; $MPIFRACTAL -R 50 -o null --force </dev/null; b=\$?; test \$a = 2 && test \$b = 2"
    check "the device node is still a device node" test -c null
else
    pass "device node as output # SKIP cannot create device nodes (needs root)"
    pass "device node kept # SKIP cannot create device nodes (needs root)"
fi

# A FIFO as the job file: refused at once rather than waiting for a writer forever.
mkfifo job.fifo
check "a FIFO as the job file: refused (status 2), no hang" \
    sh -c "timeout -s KILL 20 $MPIFRACTAL job.fifo </dev/null 2>&1 | grep -q \"job file 'job.fifo' is a FIFO, not a regular file\""

# A full disk: the failed PNG leaves nothing that looks like an output.
mkdir small
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=200k tmpfs small 2>/dev/null; then
    pass "full disk: no PNG left # SKIP cannot mount a small tmpfs (needs root)"
else
    trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
    dd if=/dev/zero of=small/filler bs=1k count=400 2>/dev/null # fills it
    echo "# $MPIFRACTAL -R 20 --no-hdf5 --png small/p.png --force  (on a full 200 KiB tmpfs)"
    "$MPIFRACTAL" -R 20 --no-hdf5 --png small/p.png --force --quiet </dev/null 2>full.err
    status=$?
    check "full disk: the PNG render fails with status 1 ($status), naming the reason" \
        sh -c "test $status = 1 && grep -q 'No space left on device' full.err"
fi
check "full disk: no PNG and no temporary file left" sh -c "test ! -d small || test \"\$(ls small)\" = filler"
done_testing
