/* stop.h - stop requests: signals, and the flag the compute code polls. */
#ifndef MPIFRACTAL_STOP_H
#define MPIFRACTAL_STOP_H

/* Installs handlers for SIGINT, SIGTERM (what SLURM sends at the time limit)
 * and SIGUSR1 (the warning before it that sbatch --signal=USR1@SECONDS asks
 * for): the first such signal requests a stop, a second one ends the process
 * at once, the usual way. Call once per process, before any work. */
void stop_catch_signals(void);

/* How long work in progress may go on after a stop request: a band that
 * finishes within it is still stored, a longer one is given up. */
#define STOP_GRACE_MS 1000

/* 1 once a stop was requested in this process (by a signal, or by
 * stop_request) at least STOP_GRACE_MS ago, else 0; once 1, it stays 1.
 * Cheap (an atomic load; a clock read only once a stop is pending, and on the
 * listening thread): every compute engine polls it between blocks of
 * iterations, from any thread, about every millisecond, and gives up its work
 * when it returns 1. On the thread that registered a listener, it also calls
 * the listener, at most every STOP_LISTEN_INTERVAL_MS milliseconds. */
int stop_requested(void);

/* 1 as soon as a stop was requested (no grace), else 0: for the schedule,
 * which then hands out no more work. */
int stop_pending(void);

/* 1 if this process itself received a stop signal (not merely a stop relayed
 * to it through stop_request), else 0. */
int stop_signalled(void);

/* Requests a stop in this process, as a signal would (but it does not count
 * as a first signal: a later signal still only requests a stop). Any thread. */
void stop_request(void);

/* How often, at most, stop_requested calls the listener. */
#define STOP_LISTEN_INTERVAL_MS 50

/* Registers listen(ctx), which learns of stop requests from elsewhere (other
 * ranks) and returns 1 for one: stop_requested then calls it, only on the
 * calling thread and at most every STOP_LISTEN_INTERVAL_MS ms, and requests a
 * stop when it returns 1. The listener may call MPI (the calling thread is
 * the one that does). listen == NULL unregisters it. */
void stop_set_listener(int (*listen)(void *ctx), void *ctx);

#endif
