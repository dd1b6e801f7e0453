/* test_band_plan.c - unit tests of how the rows are cut into bands (band_plan_init). */
#include <stdint.h>

#include "schedule.h"
#include "tap.h"

/* 1 if band_count bands of band_rows rows, the last one possibly shorter,
 * cover exactly the rows from first_row to the image's end. */
static int covers(const struct band_plan *p)
{
    uint64_t rows = p->height - p->first_row;
    return p->band_rows > 0 && p->band_count > 0 && (p->band_count - 1) * p->band_rows < rows &&
           rows <= p->band_count * p->band_rows;
}

int main(void)
{
    plan(11);
    struct band_plan p;

    /* seed Julia, one rank, one thread, chunks of 16 rows, groups of 6 rows */
    band_plan_init(&p, 4000, 4000, 0, 0, 1, 1, 16, 6, 4);
    ok(p.band_rows == 48 && covers(&p), "automatic bands are whole chunks and whole groups: %u rows",
       p.band_rows);
    band_plan_init(&p, 4000, 4000, 0, 0, 1, 1, 16, 1, 4);
    ok(p.band_rows == 16 && covers(&p), "without groups, about 64 Ki samples: %u rows", p.band_rows);
    band_plan_init(&p, 4000, 4000, 0, 0, 8, 1, 16, 6, 4);
    ok(p.band_rows == 16 && p.band_count >= 16 * 8 && covers(&p),
       "8 ranks: groups give way to 16 bands per rank (%u rows, %llu bands)", p.band_rows,
       (unsigned long long)p.band_count);
    band_plan_init(&p, 4000, 4000, 0, 0, 1, 2, 16, 6, 4);
    ok(p.band_rows == 240 && covers(&p),
       "2 threads: 16 bands per rank first (250 rows), then whole groups, rounded down (%u rows)",
       p.band_rows);
    band_plan_init(&p, 4000, 4000, 0, 0, 1, 1, 7, 6, 4);
    ok(p.band_rows == 42 && covers(&p), "chunks of 7 rows and groups of 6: %u rows", p.band_rows);

    band_plan_init(&p, 4000, 4000, 0, 7, 1, 1, 1, 6, 4);
    ok(p.band_rows == 7 && covers(&p), "a requested height is kept: %u rows", p.band_rows);
    band_plan_init(&p, 4000, 4000, 0, 7, 1, 1, 16, 6, 4);
    ok(p.band_rows == 16 && covers(&p), "a requested height becomes whole chunks only: %u rows",
       p.band_rows);

    /* 2^25 samples of 4 bytes: a row is 128 MiB, over the 64 MiB cap */
    band_plan_init(&p, 1u << 25, 100, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 1 && covers(&p), "rows over the band cap: one row a band, not a group (%u)",
       p.band_rows);
    /* 2^22 samples: 16 MiB a row; a group of 6 rows (96 MiB) would pass the cap */
    band_plan_init(&p, 1u << 22, 1000, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 1 && covers(&p), "a group that would pass the cap is not forced (%u rows)",
       p.band_rows);
    /* 2^20 samples: 4 MiB a row, a group of 6 fits */
    band_plan_init(&p, 1u << 20, 1000, 0, 0, 2, 1, 1, 6, 4);
    ok(p.band_rows == 6 && covers(&p), "a group that fits the cap is used (%u rows)", p.band_rows);

    band_plan_init(&p, 4000, 5, 2, 0, 1, 1, 16, 6, 4);
    ok(p.band_rows == 5 && p.band_count == 1 && covers(&p),
       "an image lower than a group, resumed at row 2: one band (%u rows, %llu bands)",
       p.band_rows, (unsigned long long)p.band_count);
    return done_testing();
}
