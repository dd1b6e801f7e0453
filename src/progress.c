/* progress.c - progress reports on stderr, from rank 0. */
#include "progress.h"

#define TERMINAL_INTERVAL 0.25
#define LOG_INTERVAL 5.0

void progress_start(struct progress *p, FILE *out, int enabled, int terminal, uint64_t first_row,
                    uint64_t total_rows, uint64_t width, double now)
{
    p->first_row = first_row;
    p->out = out;
    p->enabled = enabled;
    p->terminal = terminal;
    p->total_rows = total_rows;
    p->width = width;
    p->start = p->last_report = now;
}

void progress_update(struct progress *p, uint64_t rows_done, double now)
{
    double interval = p->terminal ? TERMINAL_INTERVAL : LOG_INTERVAL;
    if (!p->enabled || (now - p->last_report < interval && rows_done < p->total_rows))
        return;
    p->last_report = now;
    double elapsed = now - p->start;
    double fraction = (double)rows_done / (double)p->total_rows;
    double session = (double)(rows_done - p->first_row) / (double)(p->total_rows - p->first_row);
    double rate = elapsed > 0 ? (double)(rows_done - p->first_row) * (double)p->width / elapsed / 1e6 : 0.0;
    double eta = session > 0 ? elapsed * (1.0 - session) / session : 0.0;
    fprintf(p->out, "%s%5.1f%%  %8.1f Msample/s  elapsed %6.1f s  ETA %6.1f s%s",
            p->terminal ? "\r" : "", 100.0 * fraction, rate, elapsed, eta, p->terminal ? "" : "\n");
    fflush(p->out);
}

void progress_end(struct progress *p)
{
    if (p->enabled && p->terminal) {
        fprintf(p->out, "\r%70s\r", "");
        fflush(p->out);
    }
}
