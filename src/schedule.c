/* schedule.c - the band schedule: rank 0 hands out row bands on demand and receives them in order. */
#include "schedule.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stop.h"

/* TAG_STOP: a worker tells rank 0 that it received a stop signal; rank 0
 * tells every worker, once per run, to stop (when stopping, or at the end).
 * TAG_DONE: a worker's last message, its status and whether it sent TAG_STOP. */
enum { TAG_ASSIGN = 101, TAG_RESULT = 102, TAG_STOP = 103, TAG_DONE = 104 };

/* Bands a worker holds at once: one it computes, one queued so it never waits. */
#define WORKER_DEPTH 2
#define NO_BAND UINT64_MAX
#define TARGET_BAND_PIXELS 65536
/* With several threads per rank, each band ends with the threads joining, and
 * a thread the system preempted holds the others up to a time slice there: a
 * band then holds about this many samples per thread (on a loaded 2-core
 * machine, 2 threads ran the 16000 px seed Julia in ~3.8 s with such bands
 * against ~6.4-7.6 s with bands of 65536 samples). */
#define TARGET_THREAD_BAND_PIXELS (1u << 20)
#define BAND_BYTES_MAX (64u << 20)
#define WINDOW_BYTES_MAX (256u << 20)
/* Rank 0 computes its own band in steps of about this many samples, answering
 * the workers between steps. */
#define COORDINATOR_STEP_SAMPLES 32768

/* Greatest common divisor of a and b (not both 0). */
static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* value rounded up to a multiple of unit (unit > 0). */
static uint64_t round_up(uint64_t value, uint64_t unit)
{
    return (value + unit - 1) / unit * unit;
}

void band_plan_init(struct band_plan *plan, uint64_t width, uint64_t height, uint64_t first_row,
                    uint32_t requested_rows, int ranks, int threads, uint32_t quantum,
                    uint32_t row_multiple, size_t sample_bytes)
{
    if (quantum == 0)
        quantum = 1;
    if (row_multiple == 0)
        row_multiple = 1;
    uint64_t rows = requested_rows;
    uint64_t for_balance = height / (16 * (uint64_t)ranks);
    if (rows == 0) {
        uint64_t pixels = threads > 1 ? (uint64_t)threads * TARGET_THREAD_BAND_PIXELS : TARGET_BAND_PIXELS;
        rows = pixels / width;
        if (rows > for_balance)
            rows = for_balance;
    }
    uint64_t affordable = BAND_BYTES_MAX / (width * sample_bytes);
    if (rows > affordable)
        rows = affordable;
    if (rows == 0)
        rows = 1;
    uint64_t in_chunks = round_up(rows, quantum);
    rows = in_chunks;
    if (requested_rows == 0 && row_multiple > 1) {
        /* whole groups too, up or else down, unless that costs the cap or the
         * bands per rank */
        uint64_t both = (uint64_t)quantum / gcd(quantum, row_multiple) * row_multiple;
        uint64_t most = for_balance > in_chunks ? for_balance : in_chunks;
        if (most > affordable)
            most = affordable;
        uint64_t up = round_up(in_chunks, both), down = in_chunks / both * both;
        if (up <= most)
            rows = up;
        else if (down > 0)
            rows = down;
    }
    if (rows > height)
        rows = height;
    plan->width = width;
    plan->row_multiple = row_multiple;
    plan->height = height;
    plan->first_row = first_row;
    plan->band_rows = (uint32_t)rows;
    plan->band_count = (height - first_row + rows - 1) / rows;
}

static uint64_t band_first_row(const struct band_plan *plan, uint64_t band)
{
    return plan->first_row + band * plan->band_rows;
}

static uint32_t band_nrows(const struct band_plan *plan, uint64_t band)
{
    uint64_t row0 = band_first_row(plan, band);
    uint64_t left = plan->height - row0;
    return left < plan->band_rows ? (uint32_t)left : plan->band_rows;
}

/* Backs off while waiting for a message, so that an idle rank does not take a
 * core from a computing one when ranks outnumber cores. */
static void idle_pause(unsigned *idle_polls)
{
    if (++*idle_polls < 200)
        return;
    struct timespec pause = {0, *idle_polls < 2000 ? 20000 : 200000};
    nanosleep(&pause, NULL);
}

/* ---- worker side ------------------------------------------------------- */

/* Each result message: the sum of the band's counts, then its payload. A
 * message of the header alone says that a stop request cut the band short
 * (every band's payload has at least one byte); an empty one, that the
 * worker failed. */
typedef uint64_t result_header;

/* Computes, accounts and encodes a band into message (header + payload).
 * Returns the message length: 0 on failure, sizeof(result_header) when a
 * stop request cut the band short. */
static size_t make_result(const struct band_plan *plan, const struct band_callbacks *cb, uint64_t band,
                          const struct band_data *data, uint8_t *message)
{
    uint64_t row0 = band_first_row(plan, band);
    uint32_t nrows = band_nrows(plan, band);
    result_header iterations = 0;
    int rc = cb->compute(cb->ctx, row0, nrows, data, &iterations);
    if (rc == 1) {
        memcpy(message, &iterations, sizeof iterations);
        return sizeof iterations;
    }
    if (rc != 0)
        return 0;
    size_t length = cb->encode(cb->ctx, row0, nrows, data, message + sizeof iterations);
    if (length == 0)
        return 0;
    memcpy(message, &iterations, sizeof iterations);
    return sizeof iterations + length;
}

size_t schedule_payload_limit(void)
{
    return (size_t)INT_MAX - sizeof(result_header);
}

/* A worker's two stop messages: the one it sends rank 0 on its own stop
 * signal, and the one rank 0 sends every worker once. */
struct worker_stop {
    MPI_Comm comm;
    MPI_Request from_rank0, to_rank0;
    int heard;            /* rank 0's message arrived */
    int told;             /* this worker sent rank 0 its own */
    int note_in, note_out; /* the messages' buffers */
};

/* Passes a stop signal of this worker on to rank 0, once. */
static void tell_rank0_if_signalled(struct worker_stop *ws)
{
    if (!ws->told && stop_signalled()) {
        MPI_Isend(&ws->note_out, 1, MPI_INT, 0, TAG_STOP, ws->comm, &ws->to_rank0);
        ws->told = 1;
    }
}

/* The worker's stop listener (see stop_set_listener): passes a stop signal
 * of this rank on to rank 0, and returns 1 once rank 0 asked to stop. */
static int worker_listen(void *ctx)
{
    struct worker_stop *ws = ctx;
    tell_rank0_if_signalled(ws);
    if (!ws->heard)
        MPI_Test(&ws->from_rank0, &ws->heard, MPI_STATUS_IGNORE);
    return ws->heard;
}

/* Computes bands until rank 0 says NO_BAND, then sends rank 0 its closing
 * message. Returns 0, or -1 if a band failed; ws->to_rank0 is to be waited
 * for after the schedule's closing broadcast when ws->told. */
static int run_worker(MPI_Comm comm, const struct band_plan *plan, const struct band_callbacks *cb,
                      struct worker_stop *ws)
{
    size_t message_max = sizeof(result_header) + cb->payload_max;
    struct band_data data;
    uint8_t *message[WORKER_DEPTH];
    MPI_Request sent[WORKER_DEPTH];
    int failed = 0;
    if (band_data_alloc(&data, &cb->layout, (size_t)plan->band_rows * plan->width) != 0)
        MPI_Abort(comm, 1); /* a worker without memory cannot take part */
    for (int i = 0; i < WORKER_DEPTH; i++) {
        message[i] = malloc(message_max);
        sent[i] = MPI_REQUEST_NULL;
        if (!message[i])
            MPI_Abort(comm, 1);
    }
    ws->comm = comm;
    MPI_Irecv(&ws->note_in, 1, MPI_INT, 0, TAG_STOP, comm, &ws->from_rank0);
    stop_set_listener(worker_listen, ws);
    for (unsigned turn = 0;; turn = (turn + 1) % WORKER_DEPTH) {
        uint64_t band;
        MPI_Request request;
        int arrived = 0;
        unsigned idle_polls = 0;
        MPI_Irecv(&band, 1, MPI_UINT64_T, 0, TAG_ASSIGN, comm, &request);
        for (;;) {
            MPI_Test(&request, &arrived, MPI_STATUS_IGNORE);
            if (arrived)
                break;
            stop_requested(); /* passes on a stop signal that arrives between bands */
            idle_pause(&idle_polls);
        }
        if (band == NO_BAND)
            break;
        MPI_Wait(&sent[turn], MPI_STATUS_IGNORE);
        size_t length = failed ? 0 : make_result(plan, cb, band, &data, message[turn]);
        if (length == 0) { /* keep the protocol going; an empty result tells rank 0 */
            failed = 1;
        }
        MPI_Isend(message[turn], (int)length, MPI_BYTE, 0, TAG_RESULT, comm, &sent[turn]);
    }
    /* Statuses rather than MPI_STATUSES_IGNORE, which MPICH defines as the
     * address 1: GCC 12 warns that MPI_Waitall would write past it. */
    MPI_Status statuses[WORKER_DEPTH];
    MPI_Waitall(WORKER_DEPTH, sent, statuses);
    stop_set_listener(NULL, NULL);
    tell_rank0_if_signalled(ws); /* a signal since the last poll: rank 0 still counts it */
    if (!ws->heard)
        MPI_Wait(&ws->from_rank0, MPI_STATUS_IGNORE); /* sent before NO_BAND */
    int closing[2] = {failed ? 2 : 0, ws->told};
    MPI_Send(closing, 2, MPI_INT, 0, TAG_DONE, comm);
    for (int i = 0; i < WORKER_DEPTH; i++)
        free(message[i]);
    band_data_free(&data);
    return failed ? -1 : 0;
}

/* ---- coordinator side ---------------------------------------------------- */

struct slot {
    uint8_t *message; /* result header, then payload */
    size_t length;
    int arrived;
    int rank; /* who computes it */
};

struct coordinator {
    MPI_Comm comm;
    int ranks;
    const struct band_plan *plan;
    const struct band_callbacks *cb;
    uint64_t window;       /* bands held at once on rank 0 */
    struct slot *slots;    /* band b lives in slots[b % window] */
    uint64_t next_band;    /* next band to hand out */
    uint64_t next_write;   /* oldest band not yet given to the sink */
    uint64_t *queue;       /* [ranks * WORKER_DEPTH]: bands each worker holds, oldest first */
    int *queued;           /* [ranks]: how many */
    int outstanding;       /* bands handed to workers and not yet received */
    int failed;
    int stopping;          /* interrupted: hand out nothing more, store what arrives in order */
    int heard_stop;        /* a worker's band was cut short by a stop request */
    int workers_told;      /* every worker was sent its stop message */
    int stop_notes;        /* stop messages received from workers */
    double stop_deadline;  /* stopping: when to give up waiting for the workers */
    struct schedule_report *report;
};

/* Rank 0's stop listener (see stop_set_listener): receives the workers' stop
 * messages; returns 1 if there was one. */
static int coordinator_listen(void *ctx)
{
    struct coordinator *co = ctx;
    int found = 0;
    for (;;) {
        int pending, note;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_STOP, co->comm, &pending, &status);
        if (!pending)
            return found;
        MPI_Recv(&note, 1, MPI_INT, status.MPI_SOURCE, TAG_STOP, co->comm, MPI_STATUS_IGNORE);
        co->stop_notes++;
        found = 1;
    }
}

/* Sends every worker its one stop message (once per run). */
static void tell_workers_to_stop(struct coordinator *co)
{
    static const int note = 1;
    if (co->workers_told)
        return;
    co->workers_told = 1;
    for (int rank = 1; rank < co->ranks; rank++)
        MPI_Send(&note, 1, MPI_INT, rank, TAG_STOP, co->comm);
}

/* Interrupted: stops this rank's own computation and every worker's, and
 * starts the clock of SCHEDULE_STOP_WAIT_SECONDS. */
static void begin_stopping(struct coordinator *co)
{
    co->stopping = 1;
    stop_request();
    tell_workers_to_stop(co);
    co->stop_deadline = MPI_Wtime() + SCHEDULE_STOP_WAIT_SECONDS;
}

static int can_assign(const struct coordinator *co)
{
    return !co->failed && !co->stopping && co->next_band < co->plan->band_count &&
           co->next_band < co->next_write + co->window;
}

static uint64_t take_band(struct coordinator *co, int rank)
{
    uint64_t band = co->next_band++;
    struct slot *slot = &co->slots[band % co->window];
    slot->arrived = 0;
    slot->rank = rank;
    return band;
}

/* Hands bands to every worker that holds fewer than WORKER_DEPTH; a second
 * band only while more bands are left than ranks, so that few bands (a small
 * image) are shared by every rank, rank 0 included. */
static void top_up_workers(struct coordinator *co)
{
    for (int rank = 1; rank < co->ranks; rank++) {
        while (co->queued[rank] < WORKER_DEPTH && can_assign(co) &&
               (co->queued[rank] == 0 || co->plan->band_count - co->next_band > (uint64_t)co->ranks)) {
            uint64_t band = take_band(co, rank);
            co->queue[rank * WORKER_DEPTH + co->queued[rank]++] = band;
            co->outstanding++;
            MPI_Send(&band, 1, MPI_UINT64_T, rank, TAG_ASSIGN, co->comm);
        }
    }
}

static void account(struct coordinator *co, int rank, uint64_t iterations, uint64_t n)
{
    co->report->rank_iterations[rank] += iterations;
    co->report->rank_pixels[rank] += n;
    co->report->total_iterations += iterations;
}

/* Receives every result that has arrived. Returns how many. */
static int receive_results(struct coordinator *co)
{
    int received = 0;
    for (;;) {
        int pending;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, co->comm, &pending, &status);
        if (!pending)
            return received;
        int rank = status.MPI_SOURCE;
        uint64_t band = co->queue[rank * WORKER_DEPTH];
        memmove(&co->queue[rank * WORKER_DEPTH], &co->queue[rank * WORKER_DEPTH + 1],
                (WORKER_DEPTH - 1) * sizeof(uint64_t));
        co->queued[rank]--;
        co->outstanding--;
        struct slot *slot = &co->slots[band % co->window];
        int length;
        MPI_Get_count(&status, MPI_BYTE, &length);
        MPI_Recv(slot->message, length, MPI_BYTE, rank, TAG_RESULT, co->comm, MPI_STATUS_IGNORE);
        received++;
        if (length < (int)sizeof(result_header)) { /* the worker could not compute or encode it */
            co->failed = 1;
            continue;
        }
        if (length == (int)sizeof(result_header)) { /* cut short by a stop request: never stored */
            co->heard_stop = 1;
            continue;
        }
        result_header iterations;
        memcpy(&iterations, slot->message, sizeof iterations);
        slot->length = (size_t)length;
        slot->arrived = 1;
        account(co, rank, iterations, (uint64_t)band_nrows(co->plan, band) * co->plan->width);
    }
}

/* Gives every band that is next in row order to the sink. */
static void write_ready(struct coordinator *co)
{
    const struct band_callbacks *cb = co->cb;
    while (!co->failed && co->next_write < co->next_band) {
        struct slot *slot = &co->slots[co->next_write % co->window];
        if (!slot->arrived)
            return;
        uint64_t row0 = band_first_row(co->plan, co->next_write);
        uint32_t nrows = band_nrows(co->plan, co->next_write);
        if (cb->sink(cb->ctx, row0, nrows, slot->message + sizeof(result_header),
                     slot->length - sizeof(result_header)) != 0) {
            co->failed = 1;
            return;
        }
        co->next_write++;
        if (cb->progress)
            cb->progress(cb->ctx, row0 + nrows);
    }
}

/* Rank 0, after NO_BAND went out: receives every worker's closing message
 * and then the stop messages still on their way (so that none is left
 * unmatched). When stopping, gives up at the stop deadline. Returns the worst
 * worker status (0 or 2), or -1 if some workers did not answer in time
 * (counted in the report). */
static int collect_workers(struct coordinator *co)
{
    int workers = co->ranks - 1, worst = 0, told = 0, ok = 1;
    int (*closing)[2] = calloc((size_t)(workers > 0 ? workers : 1), sizeof *closing);
    MPI_Request *requests = calloc((size_t)(workers > 0 ? workers : 1), sizeof *requests);
    if (!closing || !requests)
        MPI_Abort(co->comm, 1);
    for (int w = 0; w < workers; w++)
        MPI_Irecv(closing[w], 2, MPI_INT, w + 1, TAG_DONE, co->comm, &requests[w]);
    unsigned idle_polls = 0;
    for (int left = workers; left > 0;) {
        for (int w = 0; w < workers; w++) {
            int done = 0;
            if (requests[w] != MPI_REQUEST_NULL) /* MPI_Test nulls a request it completes */
                MPI_Test(&requests[w], &done, MPI_STATUS_IGNORE);
            left -= done;
        }
        if (left > 0 && co->stopping && MPI_Wtime() > co->stop_deadline) {
            ok = 0;
            break;
        }
        if (left > 0)
            idle_pause(&idle_polls);
    }
    for (int w = 0; w < workers; w++) {
        if (requests[w] != MPI_REQUEST_NULL) { /* silent: MPI_Abort will end it */
            if (co->report->silent_ranks++ == 0)
                co->report->first_silent_rank = w + 1;
            continue;
        }
        worst = closing[w][0] > worst ? closing[w][0] : worst;
        told += closing[w][1];
    }
    for (; ok && co->stop_notes < told; co->stop_notes++) { /* sent before the closing messages */
        int note;
        MPI_Recv(&note, 1, MPI_INT, MPI_ANY_SOURCE, TAG_STOP, co->comm, MPI_STATUS_IGNORE);
    }
    free(closing);
    free(requests);
    return ok ? worst : -1;
}

/* Returns 0 (all stored), 1 (interrupted), 2 (failed, on some rank) or 3
 * (interrupted, and workers did not answer in time: nothing collective may
 * follow). */
static int run_coordinator(MPI_Comm comm, int ranks, const struct band_plan *plan,
                           const struct band_callbacks *cb, struct schedule_report *report)
{
    struct coordinator co = {.comm = comm, .ranks = ranks, .plan = plan, .cb = cb, .report = report};
    size_t band_bytes = sizeof(result_header) + cb->payload_max;
    struct band_data own;
    int own_ok = band_data_alloc(&own, &cb->layout, (size_t)plan->band_rows * plan->width) == 0;
    uint64_t window = (uint64_t)ranks * (WORKER_DEPTH + 2);
    uint64_t affordable = WINDOW_BYTES_MAX / band_bytes;
    uint64_t needed = (uint64_t)(ranks - 1) * WORKER_DEPTH + 2;
    if (window > affordable)
        window = affordable > needed ? affordable : needed;
    if (window > plan->band_count)
        window = plan->band_count;
    co.window = window;
    co.slots = calloc(window, sizeof *co.slots);
    co.queue = calloc((size_t)ranks * WORKER_DEPTH, sizeof *co.queue);
    co.queued = calloc((size_t)ranks, sizeof *co.queued);
    int ok = co.slots && co.queue && co.queued && own_ok;
    for (uint64_t i = 0; ok && i < window; i++)
        ok = (co.slots[i].message = malloc(band_bytes)) != NULL;
    if (!ok)
        MPI_Abort(comm, 1); /* the coordinator cannot run without its window */

    uint64_t own_band = NO_BAND;
    uint32_t own_row = 0;
    /* Alone, rank 0 has nobody to answer and computes whole bands; else steps
     * of about COORDINATOR_STEP_SAMPLES, in whole multiples of row_multiple. */
    uint32_t step_rows = plan->band_rows;
    if (ranks > 1) {
        uint64_t rows = round_up(COORDINATOR_STEP_SAMPLES / plan->width, plan->row_multiple);
        if (rows == 0)
            rows = plan->row_multiple;
        if (rows < step_rows)
            step_rows = (uint32_t)rows;
    }
    uint64_t own_iterations = 0;
    unsigned idle_polls = 0;
    int silent = 0; /* stopping took longer than SCHEDULE_STOP_WAIT_SECONDS */
    stop_set_listener(coordinator_listen, &co);
    top_up_workers(&co);
    while (co.failed || co.stopping ? co.outstanding > 0 : co.next_write < plan->band_count) {
        if (!co.stopping && (co.heard_stop || (cb->interrupted && cb->interrupted(cb->ctx))))
            begin_stopping(&co);
        if (co.stopping && MPI_Wtime() > co.stop_deadline) {
            silent = 1;
            break;
        }
        int progressed = receive_results(&co);
        write_ready(&co);
        top_up_workers(&co);
        if (co.failed || co.stopping) {
            own_band = NO_BAND;
        } else if (own_band == NO_BAND && can_assign(&co)) {
            own_band = take_band(&co, 0);
            own_row = 0;
            own_iterations = 0;
        }
        if (own_band != NO_BAND) { /* a step at a time, answering workers in between */
            struct slot *slot = &co.slots[own_band % co.window];
            uint32_t nrows = band_nrows(plan, own_band), left = nrows - own_row;
            uint32_t step = left < step_rows ? left : step_rows;
            uint64_t row0 = band_first_row(plan, own_band);
            uint64_t step_iterations;
            struct band_data rows = band_data_rows(&own, own_row, plan->width);
            int rc = cb->compute(cb->ctx, row0 + own_row, step, &rows, &step_iterations);
            if (rc == 1) { /* cut short by a stop request: never stored */
                own_band = NO_BAND;
                continue;
            }
            if (rc != 0) {
                co.failed = 1;
                continue;
            }
            own_row += step;
            own_iterations += step_iterations;
            if (own_row == nrows) {
                result_header iterations = own_iterations;
                own_iterations = 0;
                size_t length = cb->encode(cb->ctx, row0, nrows, &own, slot->message + sizeof iterations);
                if (length == 0) {
                    co.failed = 1;
                    continue;
                }
                memcpy(slot->message, &iterations, sizeof iterations);
                slot->length = sizeof iterations + length;
                account(&co, 0, iterations, (uint64_t)nrows * plan->width);
                slot->arrived = 1;
                own_band = NO_BAND;
            }
            progressed = 1;
        }
        if (progressed)
            idle_polls = 0;
        else
            idle_pause(&idle_polls);
    }
    stop_set_listener(NULL, NULL);
    int workers_worst = 0;
    report->silent_ranks = 0;
    if (silent) {
        /* the workers still holding bands did not answer: leave them to MPI_Abort */
        for (int rank = ranks - 1; rank >= 1; rank--)
            if (co.queued[rank] > 0)
                report->silent_ranks++, report->first_silent_rank = rank;
    } else {
        tell_workers_to_stop(&co);
        for (int rank = 1; rank < ranks; rank++) {
            uint64_t stop = NO_BAND;
            MPI_Send(&stop, 1, MPI_UINT64_T, rank, TAG_ASSIGN, comm);
        }
        workers_worst = collect_workers(&co);
        silent = workers_worst < 0;
    }
    for (uint64_t i = 0; i < window; i++)
        free(co.slots[i].message);
    band_data_free(&own);
    free(co.slots);
    free(co.queue);
    free(co.queued);
    if (silent)
        return 3;
    return co.failed || workers_worst == 2 ? 2 : co.stopping && co.next_write < plan->band_count ? 1 : 0;
}

int schedule_run(MPI_Comm comm, const struct band_plan *plan, const struct band_callbacks *cb,
                 struct schedule_report *report)
{
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    struct worker_stop ws = {.note_out = 1};
    int rc = 0;
    if (rank == 0) {
        rc = run_coordinator(comm, ranks, plan, cb, report); /* the workers' statuses included */
        if (rc == 3)
            return 2; /* the silent workers will not take part in anything collective */
    } else {
        run_worker(comm, plan, cb, &ws); /* its status went to rank 0 */
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
    if (ws.told)
        MPI_Wait(&ws.to_rank0, MPI_STATUS_IGNORE);
    return rc == 2 ? -1 : rc;
}
