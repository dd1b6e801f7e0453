/* view.c - the part of the plane an image shows, and the only code that knows its arithmetic: sample positions, spacing, depth and zoom frames. */
#include "view.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "zoom.h"

/* Significant digits kept when a decimal is read into a double: more than a double holds. */
#define SIGNIFICANT_KEPT 20
/* Largest decimal exponent accepted: far beyond any view, far below overflow of long. */
#define EXPONENT10_MAX 1000000000L

int view_decimal_parse(const char *text, double *mantissa, long *exponent10)
{
    const char *s = text;
    int negative = 0;
    if (*s == '+' || *s == '-')
        negative = *s++ == '-';
    const char *start = s;
    size_t integer_digits = 0;
    while (isdigit((unsigned char)s[integer_digits]))
        integer_digits++;
    size_t fraction_digits = 0;
    const char *fraction = s + integer_digits;
    if (*fraction == '.') {
        fraction++;
        while (isdigit((unsigned char)fraction[fraction_digits]))
            fraction_digits++;
    }
    if (integer_digits + fraction_digits == 0)
        return -1;
    s = start[integer_digits] == '.' ? fraction + fraction_digits : start + integer_digits;
    long exponent = 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        int exponent_negative = 0;
        if (*s == '+' || *s == '-')
            exponent_negative = *s++ == '-';
        if (!isdigit((unsigned char)*s))
            return -1;
        for (; isdigit((unsigned char)*s); s++) {
            exponent = exponent * 10 + (*s - '0');
            if (exponent > EXPONENT10_MAX)
                return -1;
        }
        if (exponent_negative)
            exponent = -exponent;
    }
    if (*s != '\0')
        return -1;
    /* The significant digits, and the decimal place of the first of them. */
    char kept[SIGNIFICANT_KEPT + 8];
    size_t nkept = 0;
    long first_place = 0;
    int found = 0;
    for (size_t k = 0; k < integer_digits + fraction_digits; k++) {
        char digit = k < integer_digits ? start[k] : fraction[k - integer_digits];
        long place = k < integer_digits ? (long)(integer_digits - 1 - k) : -(long)(k - integer_digits + 1);
        if (!found && digit == '0')
            continue;
        if (!found) {
            found = 1;
            first_place = place;
        }
        if (nkept < SIGNIFICANT_KEPT)
            kept[nkept++] = digit;
    }
    double m = 0.0;
    if (found) {
        char literal[SIGNIFICANT_KEPT + 16];
        snprintf(literal, sizeof literal, "%c.%.*se0", kept[0], (int)nkept - 1, kept + 1);
        m = strtod(literal, NULL);
        exponent += first_place;
        if (m >= 10.0) { /* 9.99...9 rounded up */
            m /= 10.0;
            exponent++;
        }
    } else {
        exponent = 0;
    }
    if (mantissa)
        *mantissa = negative ? -m : m;
    if (exponent10)
        *exponent10 = exponent;
    return 0;
}

int view_zoom_log10(const char *zoom, double *out)
{
    double m;
    long e;
    if (view_decimal_parse(zoom, &m, &e) != 0 || !(m > 0.0))
        return -1;
    *out = log10(m) + (double)e;
    return 0;
}

const char *view_deeper_zoom(const char *a, const char *b)
{
    double log_a, log_b;
    if (view_zoom_log10(a, &log_a) != 0 || view_zoom_log10(b, &log_b) != 0)
        return a;
    return log_b > log_a ? b : a;
}

/* A decimal as a double (0 or infinity where it is out of range). */
static double decimal_to_double(const char *text)
{
    return strtod(text, NULL);
}

uint64_t view_default_height(const struct view *view, uint64_t width)
{
    if (view->kind == VIEW_EDGES)
        return grid_height_from_aspect(view->xleft, view->xright, view->ybot, view->ytop, width);
    if (width < 2)
        return 0;
    return (uint64_t)nearbyint((double)(width - 1) * 9.0 / 16.0) + 1;
}

/* The spacing d = 4 / (Z (H - 1)) of a centre view as a double: 0 when it
 * underflows, and the decimal exponent of Z. */
static double centre_spacing(const struct view *view, uint64_t height)
{
    double log10_zoom;
    if (view_zoom_log10(view->zoom, &log10_zoom) != 0)
        return 0.0;
    if (log10_zoom > 300.0 || log10_zoom < -300.0)
        return 0.0;
    double zoom = decimal_to_double(view->zoom);
    return 4.0 / (zoom * (double)(height - 1));
}

int view_axes(const struct view *view, uint64_t width, uint64_t height, struct view_axis *x,
              struct view_axis *y)
{
    if (view->kind == VIEW_EDGES) {
        *x = (struct view_axis){0, view->xleft, view->xright, (view->xright - view->xleft) / (double)(width - 1),
                                width};
        *y = (struct view_axis){0, view->ytop, view->ybot, (view->ytop - view->ybot) / (double)(height - 1),
                                height};
        return 0;
    }
    double d = centre_spacing(view, height);
    double cre = decimal_to_double(view->center_re), cim = decimal_to_double(view->center_im);
    if (!(d > 0.0) || !isfinite(d) || !isfinite(cre) || !isfinite(cim))
        return -1;
    *x = (struct view_axis){1, cre, 0.0, d, width};
    *y = (struct view_axis){1, cim, 0.0, -d, height}; /* row 0 at the top */
    return 0;
}

long view_file_axes(const struct view *view, uint64_t width, uint64_t height, struct view_axis *x,
                    struct view_axis *y)
{
    if (view->kind == VIEW_EDGES) {
        view_axes(view, width, height, x, y);
        return 0;
    }
    double mantissa = 1.0;
    long exponent = 0;
    view_decimal_parse(view->zoom, &mantissa, &exponent);
    double step = 4.0 / (mantissa * (double)(height - 1)); /* d * 10^exponent */
    *x = (struct view_axis){1, 0.0, 0.0, step, width};
    *y = (struct view_axis){1, 0.0, 0.0, -step, height};
    return exponent;
}

const char *view_sampling_note(const struct view *view)
{
    if (view->kind == VIEW_EDGES)
        return "x = numpy.linspace(xleft, xright, width), y = numpy.linspace(ytop, ybot, height): "
               "both edges are samples; counts[j, i] is the sample (x[i], y[j]); row 0 is ytop";
    return "d = 4 / (zoom * (height - 1)); counts[j, i] is the sample (center_re + (i - (width - 1) / 2) d, "
           "center_im + ((height - 1) / 2 - j) d), in exact decimal arithmetic; row 0 is the top; the "
           "coordinates x and y hold these offsets from the centre times 10^scale_exponent10";
}

double view_axis_at(const struct view_axis *axis, uint64_t k)
{
    if (!axis->centred)
        return grid_linspace_at(axis->first, axis->last, axis->n, k);
    return axis->first + ((double)k - (double)(axis->n - 1) / 2.0) * axis->step;
}

double view_axis_spacing(const struct view_axis *axis)
{
    return fabs(axis->step);
}

/* Whether samples spacing apart stay distinct, with room, around magnitude. */
static int resolved(double spacing, double magnitude)
{
    return spacing >= VIEW_DOUBLE_ULPS * magnitude * 0x1p-52;
}

/* The smallest |coordinate| over samples first..last of an axis: 0 when they straddle 0. */
static double nearest_to_zero(const struct view_axis *axis)
{
    double a = view_axis_at(axis, 0), b = view_axis_at(axis, axis->n - 1);
    return (a <= 0.0 && b >= 0.0) || (a >= 0.0 && b <= 0.0) ? 0.0 : fmin(fabs(a), fabs(b));
}

int view_too_deep_for_double(const struct view *view, uint64_t width, uint64_t height, const double *julia_c)
{
    struct view_axis x, y;
    if (view_axes(view, width, height, &x, &y) != 0)
        return 1;
    double x_extent = fmax(fabs(view_axis_at(&x, 0)), fabs(view_axis_at(&x, width - 1)));
    double y_extent = fmax(fabs(view_axis_at(&y, 0)), fabs(view_axis_at(&y, height - 1)));
    double spacing = fmin(view_axis_spacing(&x), view_axis_spacing(&y));
    if (!resolved(view_axis_spacing(&x), x_extent) || !resolved(view_axis_spacing(&y), y_extent))
        return 1;
    if (!julia_c || view->kind == VIEW_EDGES) /* edge views keep their exact kernel where it resolves x and y */
        return 0;
    /* A Julia set's first step, z^2 + c, moves neighbours apart by about
     * 2 |z| d + d^2 around a value of size |z|^2 + |c|: near z = 0 the
     * samples' differences sink below the rounding of c. */
    double nearest = hypot(nearest_to_zero(&x), nearest_to_zero(&y));
    double farthest = hypot(x_extent, y_extent);
    double apart = 2.0 * nearest * spacing + spacing * spacing;
    return !resolved(apart, farthest * farthest + hypot(julia_c[0], julia_c[1]));
}

int view_frame(struct view *view, struct view_end *end, uint32_t frame, uint32_t frames, char *err,
               size_t errlen)
{
    if (view->kind == VIEW_EDGES) {
        struct zoom_view start = {view->xleft, view->xright, view->ybot, view->ytop};
        struct zoom_view last = {end->xleft, end->xright, end->ybot, end->ytop};
        struct zoom_view v = zoom_frame_view(&start, &last, frame, frames);
        if (!(v.xleft < v.xright) || !(v.ybot < v.ytop)) {
            snprintf(err, errlen, "frame %u's view is too small for double precision: give the zoom by "
                     "--center-re, --center-im, --zoom and --end-zoom", frame);
            return -1;
        }
        view->xleft = v.xleft, view->xright = v.xright, view->ybot = v.ybot, view->ytop = v.ytop;
        return 0;
    }
    double log_start, log_end;
    snprintf(end->start_zoom, sizeof end->start_zoom, "%s", view->zoom);
    if (view_zoom_log10(view->zoom, &log_start) != 0 || view_zoom_log10(end->zoom, &log_end) != 0) {
        snprintf(err, errlen, "the zoom sequence needs positive decimal zooms (--zoom and --end-zoom)");
        return -1;
    }
    if (frame == 0)
        return 0;
    if (frame >= frames - 1) {
        snprintf(view->zoom, sizeof view->zoom, "%s", end->zoom);
        return 0;
    }
    double t = (double)frame / (double)(frames - 1);
    double log_zoom = log_start + (log_end - log_start) * t;
    double exponent = floor(log_zoom);
    double mantissa = pow(10.0, log_zoom - exponent);
    if (mantissa >= 10.0) { /* rounding at the edge */
        mantissa /= 10.0;
        exponent += 1.0;
    }
    snprintf(view->zoom, sizeof view->zoom, "%.16fe%.0f", mantissa, exponent);
    return 0;
}
