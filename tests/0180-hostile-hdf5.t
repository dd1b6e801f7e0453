#!/bin/sh
# Hostile HDF5 files, two runs on one output, a full disk: a clear refusal, no crash or hang, nothing wrong marked complete.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
plan 77

job="-f mandelbrot -R 2048 --height 512 -M 50 --quiet" # uint8 counts in chunks of 128 rows
hostile() { "$PYTHON3" "$TESTS_SRCDIR/hostile_h5.py" "$@"; }
not_complete() { [ "$(status_of "$1" 2>/dev/null)" != complete ]; }
status_of() { "$PYTHON3" -c "import h5py, sys; v = h5py.File(sys.argv[1], 'r').attrs['status']; print(v.decode() if isinstance(v, bytes) else v)" "$1"; }

check "a reference render" run 0 $job -o ref.h5
# An interrupted-looking file: half the rows recorded, status incomplete (fixed-length strings, as written).
cp ref.h5 half.h5
check "made incomplete: 256 of 512 rows recorded" "$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('half.h5', 'r+') as f:
    f.attrs['status'] = np.bytes_(b'incomplete')
    f.attrs['rows_complete'] = np.uint64(256)"

# resume_refused CASE STATUS 'message': the hostile file CASE.h5 is refused with
# exit STATUS and exactly one line on stderr, the expected message; it is not
# marked complete.
resume_refused() {
    case=$1 want_status=$2 message=$3
    cp half.h5 "$case.h5"
    if ! hostile "$case" "$case.h5" 2>"$case.make"; then
        sed 's/^/#   /' "$case.make"
        fail "$case: the hostile file can be made"; fail "$case: one message"; fail "$case: not marked complete"
        return
    fi
    echo "# timeout 60 $MPIFRACTAL $job -o $case.h5 --resume"
    timeout 60 "$MPIFRACTAL" $job -o "$case.h5" --resume </dev/null >"$case.out" 2>"$case.err"
    status=$?
    if [ "$status" = "$want_status" ]; then pass "$case: refused with exit $want_status"; else
        sed 's/^/#   /' "$case.err" | head -5; fail "$case: refused with exit $want_status (got $status)"; fi
    if [ "$(wc -l <"$case.err")" = 1 ] && grep -qF "mpifractal: error: $message" "$case.err"; then
        pass "$case: one message: $message"
    else
        sed 's/^/#   /' "$case.err" | head -5; fail "$case: one message: $message"
    fi
    check "$case: not marked complete" not_complete "$case.h5"
}

# Attributes that are not a single value of their type
resume_refused xleft-array 2 "cannot resume 'xleft-array.h5': its 'xleft' attribute holds 1000 values, not one"
resume_refused fractal-strings 2 "cannot resume 'fractal-strings.h5': its 'fractal' attribute holds 1000 values, not one"
resume_refused itermax-huge 2 "cannot resume 'itermax-huge.h5': its 'itermax' attribute holds 100000 values, not one"
resume_refused rows-complete-huge 2 "cannot resume 'rows-complete-huge.h5': its 'rows_complete' attribute holds 100000 values, not one"
resume_refused rows-complete-signed 2 "cannot resume 'rows-complete-signed.h5': its 'rows_complete' attribute is int64, not an unsigned integer"
resume_refused status-number 2 "cannot resume 'status-number.h5': its 'status' attribute is int64, not a string"
resume_refused width-float 2 "cannot resume 'width-float.h5': its 'width' attribute is float64, not an unsigned integer"
# A variable-length string (h5py's default for str) is read, and compared
resume_refused fractal-vlen-julia 2 "cannot resume 'fractal-vlen-julia.h5': it was rendered with fractal = julia, not mandelbrot"
# Text from the file reaches the terminal without its control characters
resume_refused fractal-escapes 2 "cannot resume 'fractal-escapes.h5': it was rendered with fractal = ?[2Jjulia?mpifractal: ok, not mandelbrot"
# counts stored otherwise than this render writes them
resume_refused counts-uint16 2 "cannot resume 'counts-uint16.h5': its 'counts' dataset is uint16, not uint8"
resume_refused counts-float64 2 "cannot resume 'counts-float64.h5': its 'counts' dataset is float64, not uint8"
resume_refused counts-fletcher32 2 "cannot resume 'counts-fletcher32.h5': its 'counts' dataset's filters are shuffle, deflate, fletcher32, not shuffle, deflate"
resume_refused counts-gzip-only 2 "cannot resume 'counts-gzip-only.h5': its 'counts' dataset's filters are deflate, not shuffle, deflate"
resume_refused counts-extra-rows 2 "cannot resume 'counts-extra-rows.h5': its 'counts' dataset is 640 x 2048, not 512 x 2048"
resume_refused counts-extra-columns 2 "cannot resume 'counts-extra-columns.h5': its 'counts' dataset is 512 x 2056, not 512 x 2048"
# Damaged bytes: an object header is refused before any work (its checksum);
# a damaged chunk is found when the rows are read back at the end (exit 1).
resume_refused counts-header 2 "cannot resume 'counts-header.h5': its 'counts' dataset cannot be opened: incorrect metadata checksum"
resume_refused counts-chunk 1 "cannot read row 128 of 'counts' in 'counts-chunk.h5' (damaged?): inflate() failed"

# What a requeued SLURM job runs (--continue) checks the same way
echo "# timeout 60 $MPIFRACTAL $job -o xleft-array.h5 --continue"
timeout 60 "$MPIFRACTAL" $job -o xleft-array.h5 --continue </dev/null 2>continue.err
status=$?
if [ "$status" = 2 ] && grep -q "its 'xleft' attribute holds 1000 values, not one" continue.err; then
    pass "--continue on a hostile file is refused the same way"
else
    sed 's/^/#   /' continue.err | head -5; fail "--continue on a hostile file is refused the same way (exit $status)"
fi

# Variable-length strings everywhere (a file rewritten with h5py) resume as the fixed-length ones do
cp half.h5 vlen.h5
check "every string attribute made variable-length" hostile strings-vlen vlen.h5
check "a file with variable-length strings resumes" run 0 $job -o vlen.h5 --resume
check "... to the reference counts, marked complete" sh -c "h5diff -q ref.h5 vlen.h5 /counts /counts && h5dump -a status vlen.h5 | grep -q '\"complete\"'"

# A refused resume leaves the file as it was, rows_complete included
cp half.h5 damaged.h5
"$PYTHON3" -c "import h5py, numpy as np; h5py.File('damaged.h5', 'r+').attrs['rows_complete'] = np.uint64(100)"
cp damaged.h5 damaged-before.h5
touch -d '2020-01-01 00:00:00' damaged.h5
echo "# $MPIFRACTAL $job -o damaged.h5 --resume  (rows_complete 100: not a whole number of chunks)"
"$MPIFRACTAL" $job -o damaged.h5 --resume </dev/null 2>damaged.err
status=$?
if [ "$status" = 2 ] && grep -q "its rows_complete record is missing or damaged" damaged.err; then
    pass "a damaged rows_complete is refused"; else sed 's/^/#   /' damaged.err; fail "a damaged rows_complete is refused (exit $status)"; fi
check "the refused file is left as it was: same bytes, not written to" \
    sh -c "cmp damaged-before.h5 damaged.h5 && test \"\$(stat -c %Y damaged.h5)\" = \"\$(date -d '2020-01-01 00:00:00' +%s)\""
cp half.h5 other.h5
cp other.h5 other-before.h5
touch -d '2020-01-01 00:00:00' other.h5
echo "# $MPIFRACTAL ${job% --quiet} -M 60 -o other.h5 --resume"
"$MPIFRACTAL" $job -M 60 -o other.h5 --resume </dev/null 2>/dev/null
check "a resume refused for other parameters leaves the file as it was" \
    sh -c "cmp other-before.h5 other.h5 && test \"\$(stat -c %Y other.h5)\" = \"\$(date -d '2020-01-01 00:00:00' +%s)\""

# Two runs, one output: --force on a file another run is writing is refused
# before anything is truncated, and the first run finishes a good file; so is
# --resume. Also where HDF5's own file locking is off (as on many clusters).
slow="-f mandelbrot -R 3000 -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --band-rows 8 --quiet"
for locking in TRUE FALSE; do
    rm -f busy.h5
    HDF5_USE_FILE_LOCKING=$locking
    export HDF5_USE_FILE_LOCKING
    echo "# HDF5_USE_FILE_LOCKING=$locking $MPIEXEC -n 2 $MPIFRACTAL $slow -o busy.h5 &, then $MPIFRACTAL $slow -o busy.h5 --force, --resume"
    timeout 120 $MPIEXEC -n 2 "$MPIFRACTAL" $slow -o busy.h5 </dev/null 2>busy-first.err &
    launcher=$!
    wait_for_start busy.h5 && sleep 0.5
    timeout 60 "$MPIFRACTAL" $slow -o busy.h5 --force </dev/null 2>busy-second.err
    second=$?
    kill -0 $launcher 2>/dev/null && second_during=1 || second_during=0
    timeout 60 "$MPIFRACTAL" $slow -o busy.h5 --resume </dev/null 2>busy-third.err
    third=$?
    kill -0 $launcher 2>/dev/null && third_during=1 || third_during=0
    wait $launcher
    first=$?
    # (a slow build, such as one with sanitizers, may let the first run end first: then nothing to see)
    if [ "$second_during" = 0 ]; then
        pass "locking $locking: the second run is refused clearly # SKIP the first run ended before it"
    elif [ "$second" = 2 ] && grep -q "mpifractal: error: 'busy.h5' is open in another program" busy-second.err; then
        pass "locking $locking: the second run is refused clearly"
    else
        sed 's/^/#   /' busy-second.err; fail "locking $locking: the second run is refused clearly (exit $second)"
    fi
    if [ "$third_during" = 0 ]; then
        pass "locking $locking: a --resume meanwhile is refused clearly too # SKIP the first run ended before it"
    elif [ "$third" = 2 ] && grep -q "mpifractal: error: cannot resume 'busy.h5': it is open in another program" busy-third.err; then
        pass "locking $locking: a --resume meanwhile is refused clearly too"
    else
        sed 's/^/#   /' busy-third.err; fail "locking $locking: a --resume meanwhile is refused clearly too (exit $third)"
    fi
    if [ "$first" = 0 ]; then pass "locking $locking: the first run finishes"; else
        sed 's/^/#   /' busy-first.err; fail "locking $locking: the first run finishes (exit $first)"; fi
    check "locking $locking: the first run's file is whole and complete" \
        sh -c "h5dump -a status busy.h5 | grep -q '\"complete\"' && h5dump -d counts -s 2999,0 -c 1,3000 busy.h5 >/dev/null"
    check "locking $locking: no temporary file is left" sh -c "test -z \"\$(ls | grep '\\.new-')\""
done
unset HDF5_USE_FILE_LOCKING

# A full disk: no empty .h5 that blocks the next run, no HDF5 library dump
mkdir small
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=200k tmpfs small 2>/dev/null; then
    for n in 1 2 3 4 5 6 7; do pass "full disk # SKIP cannot mount a small tmpfs (needs root)"; done
else
    trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
    head -c 204800 /dev/zero >small/filler 2>/dev/null
    echo "# $MPIFRACTAL $job -o small/full.h5 --force  (on a full 200 KiB tmpfs)"
    timeout 60 "$MPIFRACTAL" $job -o small/full.h5 --force </dev/null 2>full.err
    status=$?
    if [ "$status" = 2 ] && [ "$(wc -l <full.err)" = 1 ] &&
        grep -q "mpifractal: error: cannot create HDF5 file 'small/full.h5': No space left on device" full.err; then
        pass "full disk at the start: one message naming the file and the reason"
    else
        sed 's/^/#   /' full.err | head -5; fail "full disk at the start: one message naming the file and the reason (exit $status)"
    fi
    check "full disk at the start: no file left" sh -c "test -z \"\$(ls small | grep -v '^filler\$')\""
    rm -f small/filler
    check "with room again, the next run needs neither --force nor --resume" \
        "$MPIFRACTAL" -f mandelbrot -R 64 -M 50 --quiet -o small/full.h5
    rm -f small/full.h5
    echo "# $MPIFRACTAL -f mandelbrot -R 2048 -M 50 --compress 0 --quiet -o small/big.h5 --force  (4 MiB on a 200 KiB tmpfs)"
    timeout 60 "$MPIFRACTAL" -f mandelbrot -R 2048 -M 50 --compress 0 --quiet -o small/big.h5 --force </dev/null 2>big.err
    status=$?
    if [ "$status" = 1 ]; then pass "full disk mid-render: the render fails"; else fail "full disk mid-render: the render fails (exit $status)"; fi
    if [ "$(wc -l <big.err)" = 1 ] && grep -q "mpifractal: error: .*small/big.h5.*No space left on device" big.err; then
        pass "full disk mid-render: one message, no HDF5 library dump"
    else
        sed 's/^/#   /' big.err | head -5; fail "full disk mid-render: one message, no HDF5 library dump"
    fi
    check "full disk mid-render: no temporary file, no file marked complete" \
        sh -c "test -z \"\$(ls small | grep '\\.new-')\" && ! h5dump -a status small/big.h5 2>/dev/null | grep -q '\"complete\"'"
    check "full disk at the start: no HDF5 library dump either" sh -c "! grep -qE 'HDF5-DIAG|HDF5:|infinite loop' full.err"
fi
done_testing
