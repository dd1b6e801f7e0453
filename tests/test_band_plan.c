/* test_band_plan.c - unit tests of how the rows are cut into bands (band_plan_init). */
#include <stdint.h>

#include "schedule.h"
#include "tap.h"

/* 1 if every band but the last has band_rows rows and together they cover the
 * rows from first_row to the image's end. */
static int covers(const struct band_plan *p)
{
    uint64_t rows = p->height - p->first_row;
    return p->band_rows > 0 && p->band_count == (rows + p->band_rows - 1) / p->band_rows;
}

int main(void)
{
    plan(8);
    struct band_plan p;

    /* seed Julia, one rank, one thread, chunks of 16 rows, groups of 6 rows */
    band_plan_init(&p, 4000, 4000, 0, 0, 1, 1, 16, 6, 4);
    ok(p.band_rows % 48 == 0 && p.band_rows <= 96 && covers(&p),
       "automatic bands are whole chunks and whole groups: %u rows", p.band_rows);
    ok(p.row_multiple == 6, "the plan keeps the group height for rank 0's steps (%u)",
       p.row_multiple);

    band_plan_init(&p, 4000, 4000, 0, 7, 1, 1, 1, 6, 4);
    ok(p.band_rows == 7 && covers(&p), "a requested height is kept: %u rows", p.band_rows);
    band_plan_init(&p, 4000, 4000, 0, 7, 1, 1, 16, 6, 4);
    ok(p.band_rows == 16, "a requested height becomes whole chunks only: %u rows", p.band_rows);

    /* 2^25 samples of 4 bytes: a row is 128 MiB, over the 64 MiB cap */
    band_plan_init(&p, 1u << 25, 100, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 1 && covers(&p), "rows over the band cap: one row a band, not a group (%u)",
       p.band_rows);
    /* 2^22 samples: 16 MiB a row; a group of 6 rows (96 MiB) would pass the cap */
    band_plan_init(&p, 1u << 22, 100, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 1, "a group that would pass the cap is not forced (%u rows)", p.band_rows);
    /* 2^20 samples: 4 MiB a row, a group of 6 fits */
    band_plan_init(&p, 1u << 20, 1000, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 6 && covers(&p), "a group that fits the cap is used (%u rows)", p.band_rows);

    band_plan_init(&p, 4000, 10, 4, 0, 1, 1, 16, 6, 4);
    ok(p.band_rows == 10 && p.band_count == 1 && covers(&p),
       "a resumed render of a short image: one band from row 4 (%u rows, %llu bands)",
       p.band_rows, (unsigned long long)p.band_count);
    return done_testing();
}
