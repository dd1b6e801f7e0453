/* zoom.h - zoom sequences: the view of each frame between a start and an end view, and the frames' file names. */
#ifndef MPIFRACTAL_ZOOM_H
#define MPIFRACTAL_ZOOM_H

#include <stddef.h>
#include <stdint.h>

/* A rectangle of the complex plane, in the order of the region options. */
struct zoom_view {
    double xleft, xright, ybot, ytop;
};

/* How far frame k of n has travelled from the start edges to the end edges
 * along an axis whose extent is multiplied by scale (end / start) over the
 * whole sequence: (scale^t - 1) / (scale - 1) with t = k / (n - 1), and t itself
 * when scale is 1. Every edge then moves as e_start + (e_end - e_start) * weight,
 * which makes the extent grow or shrink geometrically (start * scale^t) and keeps
 * the point that both views share at the same place on screen (a steady zoom).
 * n must be at least 2 and k at most n - 1; frame 0 gives 0, frame n - 1 gives 1. */
double zoom_weight(double scale, uint32_t frame, uint32_t frames);

/* The view of frame k of n, moving from start to end as zoom_weight() says, each
 * axis with its own scale. Frame 0 is start and frame n - 1 is end, exactly.
 * Both views must have left < right and bottom < top; n >= 2, k < n. */
struct zoom_view zoom_frame_view(const struct zoom_view *start, const struct zoom_view *end, uint32_t frame,
                                 uint32_t frames);

/* Digits of the frame number in file names: 4, or more when n - 1 needs them,
 * so that the names of one sequence sort in frame order. */
int zoom_frame_digits(uint32_t frames);

/* Writes path with "-" and the zero-padded frame number inserted before the file
 * name's extension (zoom.h5 -> zoom-0007.h5; no extension: appended) into out.
 * Returns 0, or -1 when the result does not fit in outlen bytes. */
int zoom_frame_path(const char *path, uint32_t frame, uint32_t frames, char *out, size_t outlen);

#endif
