#!/bin/sh
# Stopping in bounded time: a band that would take hours stops within seconds on every rank, from a signal to any rank; rows stored before are kept.
. "$TESTS_SRCDIR/lib.sh"
plan 16

# Rows 0-31 escape at once; the rows below cross the main cardioid, whose
# samples iterate to itermax (4e9) with --no-shortcuts: hours for one band.
# Without --no-shortcuts (the same counts, by contract) the whole image takes
# a fraction of a second: the reference, and how each stopped file is finished.
job="-f mandelbrot -x -0.6 -X 0.2 -y 0 -Y 1.5 -R 4096 --height 128 -M 4000000000 -m 0 --threads 1 --quiet"
check "reference render (shortcuts on: fast)" run 2 $job -o ref.h5

# The bound on a stop: generous, against hours without the polls.
STOP_BOUND=20

# rank_pid FILE RANK: the process of that rank among the ranks writing FILE.
rank_pid() {
    for pid in $(rank_pids "$1"); do
        tr '\0' '\n' <"/proc/$pid/environ" | grep -qx -e "OMPI_COMM_WORLD_RANK=$2" -e "PMI_RANK=$2" && echo "$pid"
    done
}

# wait_bounded PID SECONDS: waits for the launcher PID; returns its status,
# or 124 (after killing it and its ranks) if it is still running after SECONDS.
wait_bounded() {
    for _ in $(seq $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        for pid in $(rank_pids "$3"); do kill -CONT "$pid"; kill -KILL "$pid"; done
        kill -KILL "$1" 2>/dev/null
        wait "$1"
        return 124
    fi
    wait "$1"
}

# stop_case NAME SIGNAL WHO: starts the slow render into NAME.h5, waits until
# it stored the fast rows, sends SIGNAL to WHO (all, 0 or 1), and checks that
# it stops in time with status 3, keeps the rows and resumes to the reference.
stop_case() {
    name=$1 sig=$2 who=$3
    echo "# $MPIEXEC -n 2 $MPIFRACTAL $job --no-shortcuts -o $name.h5, then SIG$sig to rank(s) $who"
    # shellcheck disable=SC2086 # MPIEXEC may hold options
    $MPIEXEC -n 2 "$MPIFRACTAL" $job --no-shortcuts -o "$name.h5" </dev/null 2>"$name.err" &
    launcher=$!
    wait_for_start "$name.h5"
    sleep 2 # the first bands (the fast rows) are stored within a fraction of a second
    if [ "$who" = all ]; then signal_ranks "$sig" "$name.h5"; else kill "-$sig" "$(rank_pid "$name.h5" "$who")"; fi
    wait_bounded "$launcher" "$STOP_BOUND" "$name.h5"
    status=$?
    if [ "$status" = 3 ]; then pass "$name: SIG$sig to rank(s) $who stops the whole run within $STOP_BOUND s, status 3"
    else fail "$name: SIG$sig to rank(s) $who stops the whole run within $STOP_BOUND s, status 3 (got $status; 124: still running)"; sed 's/^/#   /' "$name.err"; fi
    check "$name: the rows stored before the signal are kept" \
        sh -c "grep -q 'interrupted: the first [1-9][0-9]* of 128 rows are saved' $name.err && h5dump -a rows_complete $name.h5 | grep -q '(0): [1-9]'"
    check "$name: --resume gives the counts of an uninterrupted render" \
        sh -c "$MPIEXEC -n 2 $MPIFRACTAL $job -o $name.h5 --resume </dev/null && h5diff -q ref.h5 $name.h5 /counts /counts"
}

stop_case all-term TERM all
stop_case worker-term TERM 1
stop_case worker-usr1 USR1 1
stop_case rank0-usr1 USR1 0

# A stopped worker (SIGSTOP) cannot answer: rank 0 waits SCHEDULE_STOP_WAIT_SECONDS
# (10 s), saves what arrived and ends every rank with status 3.
name=sigstop
echo "# $MPIEXEC -n 2 $MPIFRACTAL $job --no-shortcuts -o $name.h5, then SIGSTOP to rank 1 and SIGTERM to rank 0"
# shellcheck disable=SC2086 # MPIEXEC may hold options
$MPIEXEC -n 2 "$MPIFRACTAL" $job --no-shortcuts -o "$name.h5" </dev/null 2>"$name.err" &
launcher=$!
wait_for_start "$name.h5"
sleep 2
stopped=$(rank_pid "$name.h5" 1)
kill -STOP "$stopped"
kill -TERM "$(rank_pid "$name.h5" 0)"
wait_bounded "$launcher" 40 "$name.h5"
status=$?
kill -CONT "$stopped" 2>/dev/null; kill -KILL "$stopped" 2>/dev/null # if the launcher left it
if [ "$status" = 3 ]; then pass "SIGSTOPped worker: rank 0 gives up waiting, status 3"
else fail "SIGSTOPped worker: rank 0 gives up waiting, status 3 (got $status; 124: still running after 40 s)"; sed 's/^/#   /' "$name.err"; fi
check "SIGSTOPped worker: says which rank did not stop" grep -q "rank 1 did not stop within 10 s" "$name.err"
check "SIGSTOPped worker: --resume gives the counts of an uninterrupted render" \
    sh -c "grep -q 'interrupted: the first [1-9][0-9]* of 128 rows are saved' $name.err && $MPIEXEC -n 2 $MPIFRACTAL $job -o $name.h5 --resume </dev/null && h5diff -q ref.h5 $name.h5 /counts /counts"
done_testing
