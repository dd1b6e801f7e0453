#!/bin/sh
# Memcheck: a small 2-rank render and a bad-input run show no memory error and leak nothing of the project's.
# Only the MPI library's own reports are suppressed: tests/valgrind-$MPIFRACTAL_MPI.supp
# (openmpi or mpich, from configure's --with-mpi) and, with Open MPI, Open MPI's own file.
. "$TESTS_SRCDIR/lib.sh"

command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed (apt-get install valgrind)"
if [ "${MPIFRACTAL_SANITIZERS:-no}" = yes ]; then
    # Not a missing prerequisite: valgrind cannot run AddressSanitizer programs.
    echo "1..0 # SKIP built with --enable-sanitizers: valgrind cannot run AddressSanitizer programs"
    exit 0
fi

suppressions="--suppressions=$TESTS_SRCDIR/valgrind-$MPIFRACTAL_MPI.supp"
if [ "$MPIFRACTAL_MPI" = openmpi ]; then
    for f in /usr/share/openmpi/openmpi-valgrind.supp /usr/share/openmpi/openmpi-valgrind.supp.gz; do
        [ -f "$f" ] && suppressions="$suppressions --suppressions=$f" && break
    done
fi
# shellcheck disable=SC2086 # one word per option
set -- valgrind --error-exitcode=3 --leak-check=full --num-callers=50 $suppressions --log-file=memcheck.%p.log
memcheck_args="$*"

plan 4

# memcheck_ok WHAT: one test that passes when every memcheck log says 0 errors.
memcheck_ok() {
    if [ -n "$(ls memcheck.*.log 2>/dev/null)" ] && ! grep -L 'ERROR SUMMARY: 0 errors' memcheck.*.log | grep -q .; then
        pass "$1"
    else
        grep -h -v '^==[0-9]*== *$' memcheck.*.log 2>/dev/null | sed 's/^/#   /' | head -60
        fail "$1"
    fi
    rm -f memcheck.*.log
}

echo "# $MPIEXEC -n 2 $memcheck_args $MPIFRACTAL -R 64 -M 50 --quiet -o x.h5 --png x.png"
# shellcheck disable=SC2086 # MPIEXEC and memcheck_args hold options
timeout "$TEST_TIMEOUT" $MPIEXEC -n 2 $memcheck_args "$MPIFRACTAL" -R 64 -M 50 --quiet -o x.h5 --png x.png </dev/null >run.out 2>&1
status=$?
if [ "$status" = 0 ] && [ -s x.h5 ] && [ -s x.png ]; then pass "2 ranks under memcheck render"; else
    sed 's/^/#   /' run.out | head -20
    fail "2 ranks under memcheck render (exit $status)"
fi
memcheck_ok "memcheck: no error and no leak of the project's in a 2-rank render"

printf 'resolution = 64\nitermax = 50\nitermin = 60\n' > bad.job
echo "# $MPIEXEC -n 2 $memcheck_args $MPIFRACTAL bad.job"
# shellcheck disable=SC2086
timeout "$TEST_TIMEOUT" $MPIEXEC -n 2 $memcheck_args "$MPIFRACTAL" bad.job </dev/null >run.out 2>&1
status=$?
if [ "$status" = 2 ]; then pass "bad input under memcheck: exit 2"; else
    sed 's/^/#   /' run.out | head -20
    fail "bad input under memcheck: exit 2 (got $status)"
fi
memcheck_ok "memcheck: no error and no leak of the project's on the bad-input path"
done_testing
