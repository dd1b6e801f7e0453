#!/bin/sh
# On a real one-node SLURM cluster that the test starts and stops itself: the sbatch scripts of jobs/ render,
# stop before the time limit, requeue and resume, and render a zoom sequence as a job array.
. "$TESTS_SRCDIR/lib.sh"
need_python numpy
need_python h5py
need_python PIL

# ---- the cluster: munged, slurmctld and slurmd, with every file in $work ------
# Nothing is left running: every daemon is stopped by the PID in its pid file
# (SIGTERM, then SIGKILL), on success, failure or interruption alike.
cluster=$work/slurm
export SLURM_CONF="$cluster/slurm.conf"

stop_daemon() { # PIDFILE
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
}
stop_cluster() {
    if [ -s "$cluster/slurmctld.pid" ]; then
        scancel --quiet --user=root 2>/dev/null
        for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
    fi
    stop_daemon "$cluster/slurmd.pid"
    stop_daemon "$cluster/slurmctld.pid"
    stop_daemon "$cluster/munge/munged.pid"
}
trap 'stop_cluster; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

# cannot_start WHY: SLURM is absent or does not start here: skip (fail under MPIFRACTAL_TEST_STRICT=1).
cannot_start() {
    for log in "$cluster"/*.log "$cluster"/munge/*.log; do
        [ -s "$log" ] && tail -5 "$log" | sed "s|^|# $(basename "$log"): |"
    done
    skip_all "$1"
}

[ "$(id -u)" = 0 ] || cannot_start "starting munged, slurmctld and slurmd needs root"
for program in munged munge unmunge slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
    command -v "$program" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$program" >/dev/null 2>&1 ||
        cannot_start "SLURM is not installed: apt-get install --no-install-recommends slurmctld slurmd slurm-client munge"
done
PATH=$PATH:/usr/sbin

mkdir -p "$cluster/state" "$cluster/spool" "$cluster/munge"
chmod 711 "$work" "$cluster" # munged runs as user munge and needs a way in
chown munge:munge "$cluster/munge"
chmod 711 "$cluster/munge"
if [ -s /etc/munge/munge.key ]; then
    cp /etc/munge/munge.key "$cluster/munge/munge.key"
else
    head -c 128 /dev/urandom > "$cluster/munge/munge.key"
fi
chown munge:munge "$cluster/munge/munge.key"
chmod 400 "$cluster/munge/munge.key"
socket=$cluster/munge/munge.socket
runuser -u munge -- munged --socket="$socket" --key-file="$cluster/munge/munge.key" \
    --pid-file="$cluster/munge/munged.pid" --log-file="$cluster/munge/munged.log" \
    --seed-file="$cluster/munge/munged.seed" || cannot_start "munged does not start"
munge --socket="$socket" -n | unmunge --socket="$socket" >/dev/null 2>&1 || cannot_start "munge credentials do not work"

host=$(hostname -s)
memory=$(awk '/MemAvailable/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
port=$((20000 + $$ % 20000)) # two ports of our own, away from a SLURM the machine may run
cat > "$SLURM_CONF" <<CONF
ClusterName=mpifractal-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
ReturnToService=2
EnforcePartLimits=ALL
MpiDefault=pmix
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || cannot_start "slurmctld does not start"
slurmd -f "$SLURM_CONF" || cannot_start "slurmd does not start"
for _ in $(seq 100); do [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break; sleep 0.1; done
[ "$(sinfo -h -o %t 2>/dev/null)" = idle ] || cannot_start "the SLURM node does not become idle"

plan 21

# ---- helpers ---------------------------------------------------------------------
# The launcher inside the allocation: the one Open MPI-specific choice of this test.
# Open MPI: srun --mpi=pmix, the script's default; other MPIs: $MPIEXEC.
if $MPIEXEC --version 2>&1 | grep -q "Open MPI\|OpenRTE"; then
    srun_launch="srun --mpi=pmix"
else
    srun_launch=$MPIEXEC
fi
requeue_launch=$srun_launch
# srun passes the ranks' status 3 (interrupted, rows saved) on.
requeue_status=3

# The jobs are submitted from a directory whose name holds a space, with copies of
# the sbatch scripts in its jobs/ and the program in its src/: the scripts must find
# them there by themselves (the cluster's own files stay in $work/slurm, without one).
spaced="$work/with space"
mkdir -p "$spaced/jobs" "$spaced/src"
cp "$JOBS_DIR/slurm-render.sbatch" "$JOBS_DIR/slurm-zoom.sbatch" "$JOBS_DIR/slurm-deep-zoom.sh" "$spaced/jobs/"
ln -s "$MPIFRACTAL" "$spaced/src/mpifractal"
cd "$spaced" || exit 99

# submit LAUNCH SBATCH-ARGUMENTS...: submits in $spaced; prints the job id.
submit() {
    launch=$1
    shift
    echo "# MPIFRACTAL_LAUNCH='$launch' sbatch --parsable $*" >&2
    MPIFRACTAL_LAUNCH=$launch sbatch --parsable --chdir="$spaced" "$@"
}
# submit_finding_program: submit without MPIFRACTAL, so that the script finds the program.
submit_finding_program() { (unset MPIFRACTAL && submit "$@"); }
# unfinished ID: the states of the job's tasks that have not ended (squeue lists
# ended jobs too with --states=all, so a job being requeued never looks ended).
unfinished() {
    squeue -h -j "$1" --states=all -o %T 2>/dev/null |
        grep -Ev '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$'
}
# wait_job ID SECONDS [WHILE-WAITING]: polls squeue every 0.5 s until every task of
# the job has ended; runs WHILE-WAITING ID at each poll. Cancels the job and
# returns 1 after SECONDS, so that a test never hangs.
wait_job() {
    polls=0
    while [ -n "$(unfinished "$1")" ]; do
        [ -n "${3:-}" ] && $3 "$1"
        polls=$((polls + 1))
        if [ $polls -gt $(($2 * 2)) ]; then
            echo "# job $1 still in the queue after $2 s: cancelled"
            scancel "$1"
            return 1
        fi
        sleep 0.5
    done
}
# exit_codes ID: the ExitCode= of the job (one line per task of an array).
exit_codes() { scontrol show job "$1" -o | sed -n 's/.* ExitCode=\([^ ]*\).*/\1/p'; }
show_log() { sed 's/^/#   /' "$1" | tail -30; }
# show_cluster_logs: the end of the daemons' logs, after a failed job.
show_cluster_logs() {
    for log in "$cluster/slurmctld.log" "$cluster/slurmd.log"; do
        echo "# $(basename "$log"):"
        tail -15 "$log" | sed 's/^/#   /'
    done
}

# ---- 1. one render with jobs/slurm-render.sbatch ---------------------------------
cat > render.job <<'JOB'
# the seed Julia at reduced size
fractal = julia
resolution = 401
itermin = 20
itermax = 100
output = render.h5
png = render.png
JOB
id=$(submit_finding_program "$srun_launch" -n 2 -o render.log "$spaced/jobs/slurm-render.sbatch" render.job)
if [ -n "$id" ] && wait_job "$id" 60 && [ "$(exit_codes "$id")" = 0:0 ]; then
    pass "slurm-render.sbatch: job $id ends with ExitCode=0:0"
else
    show_log render.log; show_cluster_logs; fail "slurm-render.sbatch: job $id ends with ExitCode=0:0 (got $(exit_codes "$id"))"
fi
check "slurm-render.sbatch prints the SLURM values it runs with" \
    grep -q "^slurm-render: SLURM_JOB_ID=$id\$" render.log
check "... on 2 tasks, launched with $srun_launch" \
    sh -c "grep -q '^slurm-render: SLURM_NTASKS=2\$' render.log && grep -q 'run 1: $srun_launch ' render.log"
check "... the program it found next to its jobs directory, whose path has a space" \
    grep -qF "run 1: $srun_launch $spaced/src/mpifractal render.job" render.log
check "the HDF5 file says complete" sh -c "h5dump -a status render.h5 | grep -q '\"complete\"'"
check "its counts equal the numpy reference" "$PYTHON3" "$TESTS_SRCDIR/reference.py" render.job render.h5
check "the PNG was written" test -s render.png

# ---- 2. stopped before the time limit, requeued, resumed ---------------------------
# SLURM sends SIGUSR1 to the batch script before the time limit (--signal=B:USR1@120);
# scancel --signal=USR1 --batch sends the same now. A render of about 5 s on 2
# ranks, long enough that the signal, sent 0.5 s after the file appears, finds
# it running even on a loaded machine:
slow_rows=6000
slow="-f mandelbrot -R $slow_rows -M 4000 -x -0.8 -X -0.7 -y 0.05 -Y 0.15 --kernel scalar --band-rows 8"
check "uninterrupted render, run directly" run 2 $slow -o direct.h5 --quiet
if [ "$requeue_launch" = "srun --mpi=pmix" ]; then
    id=$(submit "$requeue_launch" -n 2 -o requeue.log "$JOBS_DIR/slurm-render.sbatch" $slow -o requeue.h5)
    for _ in $(seq 300); do [ -e requeue.h5 ] && break; sleep 0.1; done
    sleep 0.5
    echo "# scancel --signal=USR1 --batch $id"
    scancel --signal=USR1 --batch "$id"
    # SLURM holds a requeued job for about two minutes (BeginTime). Start it 2 s
    # after the requeue instead: slurmd refuses to launch a job again within the
    # second its first run was killed in ("Job credential revoked").
    requeue_seen=0
    start_requeued() {
        if [ $requeue_seen = 0 ] && scontrol show job "$1" -o | grep -q 'JobState=PENDING .*Restarts=[1-9]'; then
            requeue_seen=1
            scontrol update JobId="$1" StartTime=now+2
        fi
    }
    if wait_job "$id" 90 start_requeued && [ "$(exit_codes "$id")" = 0:0 ]; then
        pass "the requeued job $id ends with ExitCode=0:0"
    else
        show_log requeue.log; show_cluster_logs; fail "the requeued job $id ends with ExitCode=0:0 (got $(exit_codes "$id"))"
    fi
    check "SLURM ran it twice (Restarts=1)" sh -c "scontrol show job $id -o | grep -q 'Restarts=1 '"
    saved=$(sed -n "s/.*interrupted: the first \([0-9]*\) of $slow_rows rows are saved in 'requeue.h5'.*/\1/p" requeue.log)
    [ -n "$saved" ] || show_log requeue.log
    check "run 1 stopped cleanly on SIGUSR1 and saved $saved rows" \
        sh -c "grep -q 'SIGUSR1: the time limit is near' requeue.log && [ -n '$saved' ] &&
               grep -q 'the render ended with status $requeue_status\$' requeue.log && grep -q 'requeueing job $id: $saved rows saved' requeue.log"
    check "run 2 continued the saved rows: --continue, resuming at row $saved" \
        sh -c "grep -q 'run 2: .* --continue' requeue.log && grep -q \"resuming 'requeue.h5' at row $saved of $slow_rows\" requeue.log"
    check "the resumed file says complete" sh -c "h5dump -a status requeue.h5 | grep -q '\"complete\"'"
    check "its counts equal the uninterrupted render's" same_counts direct.h5 requeue.h5
else
    # MPICH's mpiexec (Hydra) has been seen to drop a SIGUSR1 that it should pass
    # on to the ranks, so the requeue is checked with srun, Open MPI's launcher.
    for what in "the requeued job ends with ExitCode=0:0" "SLURM ran it twice" "run 1 stopped cleanly on SIGUSR1" \
        "run 2 continued the saved rows" "the resumed file says complete" "its counts equal the uninterrupted render's"; do
        pass "$what # SKIP requeue through $requeue_launch: checked with srun --mpi=pmix (Open MPI)"
    done
fi

# ---- 3. a zoom sequence as a job array ---------------------------------------------
cat > zoom.job <<'JOB'
# four frames from the whole Mandelbrot set into seahorse valley
fractal = mandelbrot
end_xleft = -0.744643887
end_xright = -0.742643887
end_ybot = 0.131111618
end_ytop = 0.132540190
frames = 4
resolution = 96
itermin = 0
itermax = 200
output = zoom.h5
png = zoom.png
JOB
id=$(submit_finding_program "$srun_launch" --array=0-3 -n 1 "$spaced/jobs/slurm-zoom.sbatch" zoom.job)
if [ -n "$id" ] && wait_job "$id" 60 && [ "$(exit_codes "$id" | sort -u)" = 0:0 ] &&
    [ "$(exit_codes "$id" | wc -l)" = 4 ]; then
    pass "slurm-zoom.sbatch: the 4 array tasks of job $id end with ExitCode=0:0"
else
    for log in mpifractal-zoom-*.out; do show_log "$log"; done
    show_cluster_logs
    fail "slurm-zoom.sbatch: the 4 array tasks of job $id end with ExitCode=0:0 (got $(exit_codes "$id" | tr '\n' ' '))"
fi
check "task K rendered frame K (SLURM_ARRAY_TASK_ID in each log)" \
    sh -c "for k in 0 1 2 3; do grep -q \"SLURM_ARRAY_TASK_ID=\$k\$\" mpifractal-zoom-${id}_\$k.out &&
           grep -q -- \"--frame \$k\$\" mpifractal-zoom-${id}_\$k.out || exit 1; done"
check "4 frames, sorted names, complete, the promised views, counts equal numpy" \
    "$PYTHON3" "$TESTS_SRCDIR/check_zoom.py" zoom.job zoom 4

# ---- 4. the frames into a video -------------------------------------------------------
echo "# $JOBS_DIR/zoom-video.sh zoom zoom.gif 4"
"$JOBS_DIR/zoom-video.sh" zoom zoom.gif 4 > video.log 2>&1
status=$?
if [ $status = 0 ] && "$PYTHON3" -c "import sys; from PIL import Image; sys.exit(Image.open('zoom.gif').n_frames != 4)"; then
    pass "zoom-video.sh made zoom.gif, of 4 frames"
elif [ $status = 1 ] && grep -q "neither ffmpeg nor ImageMagick is installed" video.log; then
    pass "zoom-video.sh says that neither ffmpeg nor ImageMagick is installed"
else
    show_log video.log; fail "zoom-video.sh makes a GIF or says what is missing (status $status)"
fi

# ---- 5. a deep zoom: the deepest frame first, then the others sharing its reference orbit ----
set -- $(grep "^misiurewicz-1e30 " "$TESTS_SRCDIR/deep-locations.txt")
cat > deep.job <<JOB
# three frames from zoom 1e3 to $5 beside a Misiurewicz point
fractal = mandelbrot
center-re = $7
center-im = $8
zoom = 1e3
end-zoom = $5
frames = 3
resolution = 48
height = 32
itermin = 0
itermax = $6
reference = deep.orbit
output = deep.h5
JOB
echo "# MPIFRACTAL_LAUNCH='$srun_launch' jobs/slurm-deep-zoom.sh deep.job --chdir=... -n 1"
submitted=$( (unset MPIFRACTAL && MPIFRACTAL_LAUNCH=$srun_launch "$spaced/jobs/slurm-deep-zoom.sh" deep.job \
    --chdir="$spaced" -n 1) 2>&1)
echo "$submitted" | sed 's/^/#   /'
first=$(echo "$submitted" | sed -n 's/.* is job \([0-9]*\)$/\1/p')
rest=$(echo "$submitted" | sed -n 's/.* are array job \([0-9]*\), after.*/\1/p')
if [ -n "$first" ] && [ -n "$rest" ] && wait_job "$rest" 90 && [ "$(exit_codes "$first" | sort -u)" = 0:0 ] &&
    [ "$(exit_codes "$rest" | sort -u)" = 0:0 ] && [ "$(exit_codes "$rest" | wc -l)" = 2 ]; then
    pass "slurm-deep-zoom.sh: frame 2 (job $first), then frames 0 and 1 (array job $rest) end with ExitCode=0:0"
else
    for log in mpifractal-zoom-*.out; do show_log "$log"; done
    show_cluster_logs
    fail "slurm-deep-zoom.sh: the deepest frame, then the other two, end with ExitCode=0:0"
fi
check "the deepest frame computed the reference orbit, and frame 1 read it" \
    sh -c "test -s deep.orbit && grep -q 'reference orbit .* computed in' mpifractal-zoom-${first}_2.out &&
           grep -q 'reference orbit .* read in' mpifractal-zoom-${rest}_1.out"
check "the frames equal the same frames rendered here, each with its own reference orbit" \
    sh -c "grep -v '^reference' deep.job > here.job &&
           for k in 0 1 2; do $MPIFRACTAL here.job --frame \$k --quiet -o here.h5 --force &&
           h5diff -q here-000\$k.h5 deep-000\$k.h5 /counts /counts || exit 1; done"

done_testing
