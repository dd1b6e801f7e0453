/* stop.c - stop requests: signals, and the flag the compute code polls. */
#define _POSIX_C_SOURCE 200809L
#include "stop.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* Set by a stop signal or stop_request; read by every thread. Lock-free
 * atomics are safe to store from a signal handler. */
static atomic_int stop_flag;
static atomic_int signals_received;
/* When the first stop was requested (now_ms); written
 * once, before stop_flag is set. */
static atomic_llong stop_since_ms;

/* The listener and the thread it runs on. */
static int (*listener)(void *ctx);
static void *listener_ctx;
static _Thread_local int is_listening_thread;
static _Thread_local struct timespec last_listen;

_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2,
               "the stop flag and time are stored from a signal handler");

/* The coarse monotonic clock (a few ms of resolution, cheap to read) in
 * milliseconds; clock_gettime is async-signal-safe. */
static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Records a stop request: its time first, then the flag. */
static void request_stop(void)
{
    if (atomic_load_explicit(&stop_flag, memory_order_acquire))
        return;
    atomic_store_explicit(&stop_since_ms, now_ms(), memory_order_relaxed);
    atomic_store_explicit(&stop_flag, 1, memory_order_release);
}

static void on_stop_signal(int signal_number)
{
    if (atomic_fetch_add_explicit(&signals_received, 1, memory_order_relaxed) > 0) {
        signal(signal_number, SIG_DFL); /* a second signal: stop at once, the usual way */
        raise(signal_number);
    }
    request_stop();
}

void stop_catch_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART; /* file writes in progress go on */
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGUSR1, &action, NULL);
}

void stop_request(void)
{
    request_stop();
}

int stop_pending(void)
{
    return atomic_load_explicit(&stop_flag, memory_order_acquire);
}

int stop_signalled(void)
{
    return atomic_load_explicit(&signals_received, memory_order_relaxed) > 0;
}

/* Calls the listener if STOP_LISTEN_INTERVAL_MS passed since the last call. */
static void listen_now_and_then(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    long long ms = (long long)(now.tv_sec - last_listen.tv_sec) * 1000 +
                   (now.tv_nsec - last_listen.tv_nsec) / 1000000;
    if (ms < STOP_LISTEN_INTERVAL_MS)
        return;
    last_listen = now;
    if (listener(listener_ctx))
        stop_request();
}

int stop_requested(void)
{
    if (is_listening_thread && listener)
        listen_now_and_then();
    if (!atomic_load_explicit(&stop_flag, memory_order_acquire))
        return 0;
    return now_ms() - atomic_load_explicit(&stop_since_ms, memory_order_relaxed) >=
           STOP_GRACE_MS;
}

void stop_set_listener(int (*listen)(void *ctx), void *ctx)
{
    listener = listen;
    listener_ctx = ctx;
    is_listening_thread = listen != NULL;
    memset(&last_listen, 0, sizeof last_listen);
}
