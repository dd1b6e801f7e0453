/* test_zoom.c - unit tests of zoom sequences: frame views against the geometric zoom they promise, and frame names.
 * (The zoom options themselves are tested with the others, in test_options.c.) */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "zoom.h"

/* |a - b| within tol times scale. */
static int close_to(double a, double b, double scale, double tol)
{
    return fabs(a - b) <= tol * scale;
}

/* Checks frame views of one sequence against the promise, computed the other
 * way round: the point p that both views share (p = (c1 - s c0) / (1 - s) on
 * each axis, s the scale) stays at the same place on screen, and the width of
 * frame k is w0 * s^(k / (n - 1)). Returns the number of frames that break it. */
static int geometric_failures(const struct zoom_view *start, const struct zoom_view *end, uint32_t frames)
{
    double w0 = start->xright - start->xleft, h0 = start->ytop - start->ybot;
    double sx = (end->xright - end->xleft) / w0, sy = (end->ytop - end->ybot) / h0;
    double c0x = (start->xleft + start->xright) / 2, c1x = (end->xleft + end->xright) / 2;
    double c0y = (start->ybot + start->ytop) / 2, c1y = (end->ybot + end->ytop) / 2;
    double px = (c1x - sx * c0x) / (1 - sx), py = (c1y - sy * c0y) / (1 - sy);
    double screen_x = (px - start->xleft) / w0, screen_y = (py - start->ybot) / h0;
    int failures = 0;
    for (uint32_t k = 0; k < frames; k++) {
        struct zoom_view v = zoom_frame_view(start, end, k, frames);
        double t = (double)k / (frames - 1), w = v.xright - v.xleft, h = v.ytop - v.ybot;
        /* an edge is exact to an ulp or so of its coordinate, which deep in a zoom is
         * a visible part of the width: allow 16 such ulps on top of 1e-12 */
        double tol_x = 1e-12 + 16 * DBL_EPSILON * (fabs(v.xleft) + fabs(v.xright)) / w;
        double tol_y = 1e-12 + 16 * DBL_EPSILON * (fabs(v.ybot) + fabs(v.ytop)) / h;
        int good = close_to(w, w0 * pow(sx, t), w, tol_x) && close_to(h, h0 * pow(sy, t), h, tol_y) &&
                   close_to((px - v.xleft) / w, screen_x, 1, tol_x) && close_to((py - v.ybot) / h, screen_y, 1, tol_y);
        if (!good) {
            diag("frame %u: [%.17g, %.17g] x [%.17g, %.17g]", k, v.xleft, v.xright, v.ybot, v.ytop);
            failures++;
        }
    }
    return failures;
}

int main(void)
{
    plan(16);
    const struct zoom_view whole = {-2.5, 1.0, -1.25, 1.25};
    const struct zoom_view seahorse = {-0.744643887, -0.742643887, 0.131111618, 0.132540190};

    ok(zoom_weight(0.001, 0, 24) == 0.0 && zoom_weight(0.001, 23, 24) == 1.0, "weights 0 and 1 at the ends");
    ok(close_to(zoom_weight(0.25, 1, 3), (0.5 - 1) / (0.25 - 1), 1, 1e-15),
       "halfway through a 4x zoom: (0.25^0.5 - 1) / (0.25 - 1) = 2/3");
    ok(close_to(zoom_weight(1.0, 3, 7), 0.5, 1, 1e-15) && close_to(zoom_weight(1.0 + 1e-14, 3, 7), 0.5, 1, 1e-12),
       "no zoom (scale 1, or within rounding of it): the weight is t");

    struct zoom_view first = zoom_frame_view(&whole, &seahorse, 0, 24);
    struct zoom_view last = zoom_frame_view(&whole, &seahorse, 23, 24);
    ok(memcmp(&first, &whole, sizeof first) == 0, "frame 0 is the start view, exactly");
    ok(memcmp(&last, &seahorse, sizeof last) == 0, "the last frame is the end view, exactly");
    ok(geometric_failures(&whole, &seahorse, 24) == 0,
       "zoom in 1750x over 24 frames: width w0 * s^t, the shared point fixed on screen");
    ok(geometric_failures(&seahorse, &whole, 24) == 0, "the same zoom backwards (zooming out)");
    const struct zoom_view deep = {-0.7436438870371587 - 1e-10, -0.7436438870371587 + 1e-10,
                                   0.13182590420531197 - 1e-10, 0.13182590420531197 + 1e-10};
    const struct zoom_view square = {-2, 2, -2, 2};
    ok(geometric_failures(&square, &deep, 1000) == 0, "a 2e10x zoom over 1000 frames");

    double ratio = 0, worst = 0;
    for (uint32_t k = 1; k < 24; k++) {
        struct zoom_view a = zoom_frame_view(&whole, &seahorse, k - 1, 24);
        struct zoom_view b = zoom_frame_view(&whole, &seahorse, k, 24);
        double r = (b.xright - b.xleft) / (a.xright - a.xleft);
        if (k == 1)
            ratio = r;
        worst = fmax(worst, fabs(r / ratio - 1));
    }
    ok(worst < 1e-9, "every frame is the same factor (%.6f) narrower than the one before", ratio);

    const struct zoom_view pan_end = {-1.5, 2.0, -1.25, 1.25};
    int linear = 1;
    for (uint32_t k = 0; k < 5; k++) {
        struct zoom_view v = zoom_frame_view(&whole, &pan_end, k, 5);
        linear &= close_to(v.xleft, -2.5 + k * 0.25, 1, 1e-15) && close_to(v.xright, 1.0 + k * 0.25, 1, 1e-15) &&
                  v.ybot == -1.25 && v.ytop == 1.25;
    }
    ok(linear, "a pan at constant size moves the view in equal steps");

    char name[64];
    ok(zoom_frame_path("zoom.h5", 7, 24, name, sizeof name) == 0 && strcmp(name, "zoom-0007.h5") == 0,
       "zoom.h5, frame 7 of 24: %s", name);
    ok(zoom_frame_path("out.d/zoom", 3, 10, name, sizeof name) == 0 && strcmp(name, "out.d/zoom-0003") == 0,
       "no extension, a dot in the directory: %s", name);
    ok(zoom_frame_path("a/.hidden", 0, 2, name, sizeof name) == 0 && strcmp(name, "a/.hidden-0000") == 0,
       "a name that starts with a dot has no extension: %s", name);
    ok(zoom_frame_path("z.tar.png", 12345, 100000, name, sizeof name) == 0 && strcmp(name, "z.tar-12345.png") == 0,
       "100000 frames: five digits, before the last extension: %s", name);
    ok(zoom_frame_path("zoom.h5", 7, 24, name, 12) == -1, "a name that does not fit is refused");
    char earlier[64];
    int sorted = 1;
    for (uint32_t k = 1; k < 20000; k += 7) {
        zoom_frame_path("f.png", k - 1, 20000, earlier, sizeof earlier);
        zoom_frame_path("f.png", k, 20000, name, sizeof name);
        sorted &= strcmp(earlier, name) < 0;
    }
    ok(sorted, "names sort in frame order (20000 frames)");

    return done_testing();
}
