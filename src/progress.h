/* progress.h - progress reports and the closing summary on stderr, from rank 0. */
#ifndef MPIFRACTAL_PROGRESS_H
#define MPIFRACTAL_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
    FILE *out;
    int enabled;
    int terminal;        /* rewrite one line with \r instead of printing lines */
    uint64_t first_row, total_rows, width; /* rows before first_row were done by an earlier run */
    double start, last_report;
};

/* Starts timing a render of rows [first_row, total_rows). Reports only if
 * enabled; on a terminal the report is one line rewritten in place, otherwise
 * a line every few seconds. */
void progress_start(struct progress *p, FILE *out, int enabled, int terminal, uint64_t first_row,
                    uint64_t total_rows, uint64_t width, double now);

/* Reports rows_done (percent, Msample/s, ETA) if enough time passed since the last report. */
void progress_update(struct progress *p, uint64_t rows_done, double now);

/* Clears the in-place line, if any. */
void progress_end(struct progress *p);

#endif
