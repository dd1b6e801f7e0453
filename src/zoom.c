/* zoom.c - zoom sequences: the view of each frame between a start and an end view, and the frames' file names. */
#include "zoom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double zoom_weight(double scale, uint32_t frame, uint32_t frames)
{
    if (frame == 0)
        return 0.0;
    if (frame >= frames - 1)
        return 1.0;
    double t = (double)frame / (double)(frames - 1);
    double log_scale = log(scale);
    if (fabs(log_scale) < 1e-12) /* a pan at constant size: the limit of the formula */
        return t;
    return expm1(t * log_scale) / expm1(log_scale); /* (scale^t - 1) / (scale - 1), without cancellation */
}

/* One axis: both edges move by the same weight, from this axis's scale. */
static void move_edges(double start_lo, double start_hi, double end_lo, double end_hi, uint32_t frame,
                       uint32_t frames, double *lo, double *hi)
{
    double weight = zoom_weight((end_hi - end_lo) / (start_hi - start_lo), frame, frames);
    *lo = start_lo + (end_lo - start_lo) * weight;
    *hi = start_hi + (end_hi - start_hi) * weight;
}

struct zoom_view zoom_frame_view(const struct zoom_view *start, const struct zoom_view *end, uint32_t frame,
                                 uint32_t frames)
{
    if (frame == 0)
        return *start;
    if (frame >= frames - 1)
        return *end;
    struct zoom_view view;
    move_edges(start->xleft, start->xright, end->xleft, end->xright, frame, frames, &view.xleft, &view.xright);
    move_edges(start->ybot, start->ytop, end->ybot, end->ytop, frame, frames, &view.ybot, &view.ytop);
    return view;
}

int zoom_frame_digits(uint32_t frames)
{
    int digits = 1;
    for (uint32_t last = frames - 1; last >= 10; last /= 10)
        digits++;
    return digits < 4 ? 4 : digits;
}

int zoom_frame_path(const char *path, uint32_t frame, uint32_t frames, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    size_t stem = dot && dot != name ? (size_t)(dot - path) : strlen(path); /* ".h5" alone is a name */
    int n = snprintf(out, outlen, "%.*s-%0*u%s", (int)stem, path, zoom_frame_digits(frames), (unsigned)frame,
                     path + stem);
    return n >= 0 && (size_t)n < outlen ? 0 : -1;
}
