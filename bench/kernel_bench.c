/* kernel_bench.c - times kernel_row per path on the seed Julia and the Mandelbrot full view. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grid.h"
#include "kernel.h"

/* One workload: a fractal over a region, rendered row by row as the program does. */
struct workload {
    const char *name;
    enum fractal_kind fractal;
    double c_re, c_im, xleft, xright, ybot, ytop;
    uint64_t width, height;
    uint32_t itermax;
};

/* Clock of the timings: wall time, or with --cpu the process's CPU time (steadier
 * when the machine is shared). */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Renders the workload once; returns the seconds taken, stores the sum of counts
 * and a checksum of the counts (so all paths can be seen to agree). */
static double run(const struct workload *w, const struct kernel_spec *spec, uint64_t *sum,
                  uint64_t *hash)
{
    enum { ROWS = 4 * KERNEL_ROWS_PREFERRED }; /* rows per kernel_rows call, as a band tile */
    double *xs = malloc(w->width * sizeof *xs);
    uint32_t *counts = malloc(ROWS * w->width * sizeof *counts);
    if (!xs || !counts) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    grid_linspace(w->xleft, w->xright, w->width, xs);
    uint64_t s = 0, h = 1469598103934665603ull;
    double t = 0;
    for (uint64_t row0 = 0; row0 < w->height; row0 += ROWS) {
        size_t rows = w->height - row0 < ROWS ? (size_t)(w->height - row0) : ROWS;
        double ys[ROWS];
        for (size_t r = 0; r < rows; r++)
            ys[r] = grid_linspace_at(w->ytop, w->ybot, w->height, row0 + r);
        double t0 = now();
        kernel_rows(spec, xs, ys, rows, w->width, counts, w->width);
        t += now() - t0; /* the kernel only, not the checksum below */
        for (uint64_t i = 0; i < rows * w->width; i++) {
            s += counts[i];
            h = (h ^ counts[i]) * 1099511628211ull;
        }
    }
    free(xs);
    free(counts);
    *sum = s;
    *hash = h;
    return t;
}

int main(int argc, char **argv)
{
    int reps = 3;
    const char *only = NULL, *path_only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--path") == 0 && i + 1 < argc)
            path_only = argv[++i];
        else if (strcmp(argv[i], "--cpu") == 0)
            bench_clock = CLOCK_PROCESS_CPUTIME_ID;
        else {
            fprintf(stderr,
                    "usage: %s [--reps N] [--only julia|mandelbrot] [--path LABEL] [--cpu]\n",
                    argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 99)
        reps = 3;

    struct workload loads[2] = {
        {"julia", FRACTAL_JULIA, -0.835, -0.2321, -0.1, 0.1, -0.1, 0.1, 4000, 4000, 100},
        {"mandelbrot", FRACTAL_MANDELBROT, 0, 0, -2.5, 1.0, -1.25, 1.25, 8000, 0, 1000},
    };
    loads[1].height = grid_height_from_aspect(-2.5, 1.0, -1.25, 1.25, 8000);

    /* path, interior + periodicity checks */
    struct { enum kernel_path path; int checks; const char *label; } configs[] = {
        {KERNEL_SCALAR, 0, "scalar, no checks"},
        {KERNEL_SCALAR, 1, "scalar"},
        {KERNEL_AVX2, 1, "avx2"},
        {KERNEL_AVX512, 1, "avx512"},
    };

    printf("%-11s %-18s %10s %12s %9s  %s\n", "workload", "path", "seconds", "G iter/s",
           "speed-up", "checksum");
    for (int l = 0; l < 2; l++) {
        const struct workload *w = &loads[l];
        if (only && strcmp(only, w->name) != 0)
            continue;
        double base = 0;
        for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
            if (!kernel_path_supported(configs[c].path))
                continue;
            if (path_only && strcmp(path_only, configs[c].label) != 0)
                continue;
            struct kernel_spec spec = {
                .fractal = w->fractal, .c_re = w->c_re, .c_im = w->c_im, .escape2 = 4.0,
                .itermax = w->itermax, .path = configs[c].path,
                .interior_check = configs[c].checks, .periodicity_check = configs[c].checks};
            double t[99];
            uint64_t sum = 0, hash = 0;
            for (int r = 0; r < reps; r++)
                t[r] = run(w, &spec, &sum, &hash);
            qsort(t, (size_t)reps, sizeof t[0], cmp_double);
            double med = t[reps / 2];
            if (base == 0)
                base = med; /* speed-up relative to the first path timed */
            printf("%-11s %-18s %10.3f %12.3f %8.1fx  %016llx\n", w->name, configs[c].label,
                   med, (double)sum / med * 1e-9, base / med, (unsigned long long)hash);
            fflush(stdout);
        }
    }
    return 0;
}
