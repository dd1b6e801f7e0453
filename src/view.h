/* view.h - the part of the plane an image shows, and the only code that knows its arithmetic: sample positions, spacing, depth and zoom frames. */
#ifndef MPIFRACTAL_VIEW_H
#define MPIFRACTAL_VIEW_H

#include <stddef.h>
#include <stdint.h>

/* Longest centre coordinate, in characters: enough for views to about 1e-8000. */
#define VIEW_DECIMAL_MAX 8192
/* Longest zoom factor, in characters ("1e1000", "4.5E+300"). */
#define VIEW_ZOOM_MAX 128

enum view_kind {
    VIEW_EDGES = 0, /* four doubles, both edges sampled: numpy.linspace over each axis */
    VIEW_CENTRE = 1 /* a centre of any precision and a zoom: Kalles Fraktaler's convention */
};

/* A view. Plain data (broadcast as bytes with the render parameters). */
struct view {
    enum view_kind kind;
    /* VIEW_EDGES: x = numpy.linspace(xleft, xright, width), y = numpy.linspace(ytop, ybot, height). */
    double xleft, xright, ybot, ytop;
    /* VIEW_CENTRE: decimal strings, never rounded. At zoom Z the image's half-height is 2 / Z:
     * with W columns and H rows the spacing is d = 4 / (Z (H - 1)) and sample (i, j) is at
     * x = center_re + (i - (W-1)/2) d, y = center_im + ((H-1)/2 - j) d, row 0 at the top. */
    char center_re[VIEW_DECIMAL_MAX], center_im[VIEW_DECIMAL_MAX];
    char zoom[VIEW_ZOOM_MAX];
};

/* Where a zoom sequence ends: the edges of the last frame (edge views), or its
 * zoom (centre views, which keep their centre). */
struct view_end {
    double xleft, xright, ybot, ytop;
    char zoom[VIEW_ZOOM_MAX];
    char start_zoom[VIEW_ZOOM_MAX]; /* the first frame's zoom (view_frame keeps it here) */
};

/* One axis of the grid in double precision, as the double-precision engine samples it. */
struct view_axis {
    int centred;     /* 0: numpy.linspace(first, last, n); 1: first + (k - (n-1)/2) * step */
    double first, last, step;
    uint64_t n;
};

/* Checks a decimal number: an optional sign, digits with at most one point,
 * an optional exponent (e or E, optional sign, digits). No spaces, no hex,
 * no inf or nan. On success returns 0 and, where not NULL, its value as
 * mantissa * 10^exponent10 with 1 <= |mantissa| < 10 (0 for zero), exact to
 * double precision whatever the exponent. Returns -1 for anything else. */
int view_decimal_parse(const char *text, double *mantissa, long *exponent10);

/* The deeper (larger) of two zooms given as decimals; a when b is not one. */
const char *view_deeper_zoom(const char *a, const char *b);

/* log10 of a zoom factor given as a decimal, into *out. Returns 0, or -1 when
 * the text is not a decimal or the zoom is not positive. */
int view_zoom_log10(const char *zoom, double *out);

/* The height a view gets when none is given: an edge view keeps the spacing
 * of x and y equal (grid_height_from_aspect); a centre view is 16:9
 * (round((width - 1) * 9 / 16) + 1). Returns 0 when that cannot be. */
uint64_t view_default_height(const struct view *view, uint64_t width);

/* The axes of the grid in doubles (x along the width, y down the rows from
 * the top). Returns 0, or -1 when the centre or the spacing is not a finite,
 * non-zero double (a centre view too deep for doubles). */
int view_axes(const struct view *view, uint64_t width, uint64_t height, struct view_axis *x,
              struct view_axis *y);

/* The axes an output file stores (its x and y coordinates). Edge views: the
 * samples' coordinates, as view_axes gives them. Centre views: each sample's
 * offset from the centre times 10^S, S = the zoom's decimal exponent
 * (floor(log10(zoom))), so that the values stay near 1 at any depth. Returns S
 * (0 for edge views). */
long view_file_axes(const struct view *view, uint64_t width, uint64_t height, struct view_axis *x,
                    struct view_axis *y);

/* One sentence that tells a reader of the output where each sample lies. */
const char *view_sampling_note(const struct view *view);

/* The coordinate of sample k of an axis: exactly numpy.linspace's value for
 * edge views. */
double view_axis_at(const struct view_axis *axis, uint64_t k);

/* The distance between neighbouring samples of an axis (positive). */
double view_axis_spacing(const struct view_axis *axis);

/* Whether double precision resolves the view: 0 when neighbouring samples lie
 * at least VIEW_DOUBLE_ULPS units in the last place apart at the largest
 * coordinate of the view (so rounding moves no sample by more than a small
 * fraction of the spacing) and, for a Julia set by centre and zoom (julia_c:
 * its constant, else NULL), still after the first step z^2 + c, which brings
 * samples near 0 together; else 1: the view needs perturbation. */
#define VIEW_DOUBLE_ULPS 4096.0
int view_too_deep_for_double(const struct view *view, uint64_t width, uint64_t height, const double *julia_c);

/* Turns view (frame 0's) into frame k of n (0 <= k < n, n >= 2). Edge views
 * move every edge as zoom_frame_view does; centre views keep the centre and
 * take the zoom start * (end / start)^(k / (n-1)), geometric in the zoom,
 * written with 17 significant digits (frame 0 and n-1 keep the exact
 * strings); the start zoom is kept in end->start_zoom. Returns 0, or -1 with
 * one line in err. */
int view_frame(struct view *view, struct view_end *end, uint32_t frame, uint32_t frames, char *err,
               size_t errlen);

#endif
