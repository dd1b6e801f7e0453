# tests/lib.sh - shared shell for the TAP tests: plan, checks, prerequisites, running mpifractal.
# Sourced by tests/*.t. Each check prints its exact command as a TAP comment so
# that a failure can be rerun by hand.

: "${MPIFRACTAL:?run the tests through make check}"
: "${MPIEXEC:=mpiexec}"
: "${MPIFRACTAL_MPI:=openmpi}"   # the MPI implementation, openmpi or mpich (configure --with-mpi)
: "${PYTHON3:=/usr/bin/python3}"
TEST_TIMEOUT=${TEST_TIMEOUT:-300}

test_number=0
test_failures=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mpifractal-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99

plan() { echo "1..$1"; }

pass() { test_number=$((test_number + 1)); echo "ok $test_number - $1"; }

fail() {
    test_number=$((test_number + 1))
    test_failures=$((test_failures + 1))
    echo "not ok $test_number - $1"
}

# check 'what' command...: one test that passes when the command succeeds.
check() {
    what=$1
    shift
    echo "# $*"
    if "$@" >"$work/check.out" 2>&1; then
        pass "$what"
    else
        sed 's/^/#   /' "$work/check.out" | head -40
        fail "$what"
    fi
}

done_testing() { exit $((test_failures > 0)); }

# skip_all 'why': skips the whole file, or fails it when MPIFRACTAL_TEST_STRICT=1
# (as in CI, where every prerequisite is installed and a skip would hide a gap).
skip_all() {
    if [ "${MPIFRACTAL_TEST_STRICT:-0}" = 1 ]; then
        echo "1..1"
        echo "not ok 1 - prerequisite missing: $1"
        exit 1
    fi
    echo "1..0 # SKIP $1"
    exit 0
}

need_python() {
    "$PYTHON3" -c "import $1" 2>/dev/null || skip_all "$PYTHON3 cannot import $1"
}

# run NP ARGS...: mpifractal on NP ranks (NP = 0: a plain run without the launcher).
run() {
    np=$1
    shift
    if [ "$np" = 0 ]; then
        echo "# $MPIFRACTAL $*"
        timeout "$TEST_TIMEOUT" "$MPIFRACTAL" "$@" </dev/null
    else
        echo "# $MPIEXEC -n $np $MPIFRACTAL $*"
        # shellcheck disable=SC2086 # MPIEXEC may hold options
        timeout "$TEST_TIMEOUT" $MPIEXEC -n "$np" "$MPIFRACTAL" "$@" </dev/null
    fi
}

# rank_pids FILE: the mpifractal processes of this test (same working directory)
# writing FILE, not the launcher, nor the same test running elsewhere.
rank_pids() {
    for pid in $(pgrep -f "mpifractal .*$1"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mpifractal ] &&
            [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(pwd -P)" ] && echo "$pid"
    done
}

# signal_ranks SIG FILE: signals the ranks writing FILE.
signal_ranks() {
    for pid in $(rank_pids "$2"); do kill "-$1" "$pid"; done
}

# wait_for_start FILE: waits (up to 10 s) until the render has created its output.
wait_for_start() {
    for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.1; done
    return 1
}

# wait_for_rows FILE: waits (up to 120 s) until the render has stored rows in
# its HDF5 output FILE: the file grows past its size just after creation. A
# stop signal gives up the bands in flight (after a second's grace), so a test
# that wants rows saved must signal only once some are stored.
wait_for_rows() {
    wait_for_start "$1" || return 1
    sleep 0.5
    created=$(stat -c %s "$1" 2>/dev/null || echo 0)
    for _ in $(seq 1200); do
        [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$created" ] && return 0
        sleep 0.1
    done
    return 1
}

# check_if_interrupted STATUS 'what' command...: a check of a render that a
# signal was meant to stop, whose exit status was STATUS. When the render
# finished before the signal came (status 0: a fast machine), there is no
# interrupted file to look at and the check is skipped.
check_if_interrupted() {
    status_seen=$1
    shift
    if [ "$status_seen" = 0 ]; then
        pass "$1 # SKIP the render finished before the signal"
    else
        check "$@"
    fi
}

# same_counts A.h5 B.h5: the two counts datasets hold the same values.
same_counts() { h5diff -q "$1" "$2" /counts /counts; }
