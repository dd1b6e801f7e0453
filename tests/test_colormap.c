/* test_colormap.c - unit tests of the PNG colour maps: end points, monotone luminance, the cyclic wrap, equalisation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "tap.h"

static double luminance(const uint16_t *rgb, unsigned components)
{
    if (components == 1)
        return rgb[0];
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

/* 1 if the luminance (Rec. 709 weights) of the map's levels never falls by
 * more than rounding can explain: one level of red and blue (0.29). */
static int monotone_luminance(enum colormap_kind kind, uint32_t top)
{
    uint16_t now[3], before[3];
    colormap_levels(kind, 0.0, top, before);
    for (int i = 1; i <= 4096; i++) {
        colormap_levels(kind, i / 4096.0, top, now);
        if (luminance(now, colormap_components(kind)) < luminance(before, colormap_components(kind)) - 0.29)
            return 0;
        memcpy(before, now, sizeof now);
    }
    return 1;
}

static struct render_params params_for(enum colormap_kind kind, int by_smooth)
{
    struct render_params p;
    memset(&p, 0, sizeof p);
    p.colormap = kind;
    p.color_by_smooth = by_smooth;
    p.png_depth = 8;
    p.itermin = 20;
    p.itermax = 100;
    p.color_cycle = 32;
    return p;
}

int main(void)
{
    plan(22);
    uint16_t c[3], d[3];

    colormap_levels(COLORMAP_GRAY, 0.0, 255, c);
    colormap_levels(COLORMAP_GRAY, 1.0, 255, d);
    ok(c[0] == 0 && d[0] == 255, "gray: black at 0, white at 1");
    colormap_levels(COLORMAP_GRAY, 1.0, 65535, d);
    ok(d[0] == 65535, "gray: 65535 at 1 in 16 bits");
    colormap_levels(COLORMAP_VIRIDIS, 0.0, 255, c);
    ok(c[0] == 68 && c[1] == 1 && c[2] == 84, "viridis at 0: (68, 1, 84) (got %u %u %u)", c[0], c[1], c[2]);
    colormap_levels(COLORMAP_VIRIDIS, 1.0, 255, c);
    ok(c[0] == 253 && c[1] == 231 && c[2] == 37, "viridis at 1: (253, 231, 37) (got %u %u %u)", c[0], c[1], c[2]);
    colormap_levels(COLORMAP_VIRIDIS, -3.0, 255, c);
    colormap_levels(COLORMAP_VIRIDIS, 0.0, 255, d);
    ok(memcmp(c, d, sizeof c) == 0, "viridis clamps below 0");
    ok(monotone_luminance(COLORMAP_GRAY, 255) && monotone_luminance(COLORMAP_GRAY, 65535),
       "gray: luminance never decreases");
    ok(monotone_luminance(COLORMAP_VIRIDIS, 255) && monotone_luminance(COLORMAP_VIRIDIS, 65535),
       "viridis: luminance never decreases");
    colormap_levels(COLORMAP_CYCLIC, 0.0, 255, c);
    colormap_levels(COLORMAP_CYCLIC, 1.0, 255, d);
    ok(memcmp(c, d, sizeof c) == 0, "cyclic: 0 and 1 give the same colour");
    colormap_levels(COLORMAP_CYCLIC, 0.3, 65535, c);
    colormap_levels(COLORMAP_CYCLIC, 7.3, 65535, d);
    ok(memcmp(c, d, sizeof c) == 0, "cyclic: t and t + 7 give the same colour");
    int seamless = 1;
    for (int i = 0; i < 1000; i++) {
        colormap_levels(COLORMAP_CYCLIC, i / 1000.0, 255, c);
        colormap_levels(COLORMAP_CYCLIC, (i + 1) / 1000.0, 255, d);
        for (int k = 0; k < 3; k++)
            seamless &= abs((int)c[k] - (int)d[k]) <= 2;
    }
    ok(seamless, "cyclic: neighbouring positions, across the wrap too, differ by at most 2 levels");
    ok(strcmp(colormap_name(COLORMAP_GRAY), "gray") == 0 && strcmp(colormap_name(COLORMAP_VIRIDIS), "viridis") == 0 &&
       strcmp(colormap_name(COLORMAP_CYCLIC), "cyclic") == 0, "names");

    /* Colouring: the seed's grey levels for counts; the interior. */
    struct render_params p = params_for(COLORMAP_GRAY, 0);
    struct colouring col;
    colouring_init(&col, &p, NULL);
    int seed = 1;
    for (uint32_t n = 0; n <= 100; n++) {
        colouring_sample(&col, n, NAN, c);
        uint32_t above = n > 20 ? n - 20 : 0;
        seed &= c[0] == (above * 255 + 40) / 80;
    }
    ok(seed, "gray by counts: round(255 * (max(n, itermin) - itermin) / (itermax - itermin)), halves up");
    colouring_sample(&col, 100, NAN, c);
    ok(c[0] == 255, "gray: never escaped is white (the seed's convention)");
    p = params_for(COLORMAP_VIRIDIS, 1);
    colouring_init(&col, &p, NULL);
    colouring_sample(&col, 100, NAN, c);
    ok(c[0] == 0 && c[1] == 0 && c[2] == 0, "viridis: never escaped is black");
    colouring_sample(&col, 50, NAN, c);
    ok(c[0] == 0 && c[1] == 0 && c[2] == 0, "colouring by smooth: NaN is black");
    colouring_sample(&col, 59, 60.0f, c);
    colormap_levels(COLORMAP_VIRIDIS, 0.5, 255, d);
    ok(memcmp(c, d, sizeof c) == 0, "by smooth: 60 is the middle of [itermin 20, itermax 100]");

    /* Equalisation: the fraction of escaped pixels at or below each value. */
    p = params_for(COLORMAP_GRAY, 0);
    colouring_init(&col, &p, NULL);
    struct equalization eq;
    uint64_t *histogram;
    uint32_t counts[8] = {3, 3, 3, 3, 10, 10, 50, 100};
    ok(equalization_init(&eq, &col, &histogram) == 0, "an equalisation histogram");
    equalization_add(&eq, &col, histogram, counts, NULL, 8);
    equalization_finish(&eq, histogram);
    ok(fabs(eq.cdf[3] - 4.0 / 7) < 1e-12 && fabs(eq.cdf[10] - 6.0 / 7) < 1e-12 && eq.cdf[99] == 1.0 &&
       eq.cdf[0] == 0.0, "cumulative fractions of the escaped pixels (4/7 at 3, 6/7 at 10, 1 at the end)");
    colouring_init(&col, &p, &eq);
    colouring_sample(&col, 50, NAN, c);
    colouring_sample(&col, 3, NAN, d);
    ok(c[0] == 255 && d[0] == (uint16_t)floor(255 * 4.0 / 7 + 0.5), "equalised grey levels (%u, %u)", c[0], d[0]);
    colouring_sample(&col, 100, NAN, c);
    ok(c[0] == 255, "equalised: never escaped stays white");
    equalization_free(&eq);

    /* Counts beyond 65536 share 65536 bins: memory stays bounded, colours still rise. */
    p.itermax = 1000000;
    colouring_init(&col, &p, NULL);
    uint32_t spread[4] = {10, 500000, 999999, 1000000};
    ok(equalization_init(&eq, &col, &histogram) == 0 && eq.bins == 65536, "itermax 1e6: 65536 bins");
    equalization_add(&eq, &col, histogram, spread, NULL, 4);
    equalization_finish(&eq, histogram);
    colouring_init(&col, &p, &eq);
    uint16_t e[3];
    colouring_sample(&col, 10, NAN, c);
    colouring_sample(&col, 500000, NAN, d);
    colouring_sample(&col, 999999, NAN, e);
    ok(c[0] < d[0] && d[0] < e[0], "itermax 1e6: equalised levels rise (%u, %u, %u)", c[0], d[0], e[0]);
    equalization_free(&eq);
    return done_testing();
}
