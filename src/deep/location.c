/* location.c - a deep view's decimal strings: their checks, the reference's precision, the pixel spacing. */
#include "deep_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds of a deep view (deep.h, deep_location_check). */
#define DEEP_ZOOM_EXP2_MAX 4000000L  /* |binary exponent of the zoom| */
#define DEEP_CENTER_MAX 1e300        /* |centre part| */
#define DEEP_THRESHOLD_MIN 1e-100    /* threshold^2 stays a normal double */
#define DEEP_MARGIN_BITS 32          /* beyond Fraktaler-3's rule */
#define DEEP_PARSE_BITS 64           /* precision of the zoom and the spacing */

int deep_decimal_valid(const char *s)
{
    if (!s)
        return 0;
    if (*s == '+' || *s == '-')
        s++;
    int digits = 0;
    while (isdigit((unsigned char)*s)) {
        s++;
        digits++;
    }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            s++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        int edigits = 0;
        while (isdigit((unsigned char)*s)) {
            s++;
            edigits++;
        }
        if (edigits == 0 || edigits > 9)
            return 0;
    }
    return *s == '\0';
}

void deep_decimal_to_mpfr(mpfr_t x, const char *s)
{
    /* mpfr_strtofr takes no leading '+' in every version: skip it */
    if (*s == '+')
        s++;
    mpfr_strtofr(x, s, NULL, 10, MPFR_RNDN);
}

double deep_stop_radius(const struct deep_location *loc)
{
    return loc->threshold > DEEP_REFERENCE_RADIUS ? loc->threshold : DEEP_REFERENCE_RADIUS;
}

/* 1 if the mantissa of a valid decimal has a digit other than 0. */
static int has_nonzero_digit(const char *s)
{
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '1' && *s <= '9')
            return 1;
    return 0;
}

/* Writes "OPTION: REASON ('TEXT')" into err, TEXT shortened to 40 characters. */
static int bad(char *err, size_t errlen, const char *option, const char *reason, const char *text)
{
    if (text)
        snprintf(err, errlen, "%s %s (got '%.40s%s')", option, reason, text,
                 strlen(text) > 40 ? "..." : "");
    else
        snprintf(err, errlen, "%s %s", option, reason);
    return -1;
}

int deep_location_check(const struct deep_location *loc, char *err, size_t errlen)
{
    const char *names[2] = {"--center-re", "--center-im"};
    const char *centre[2] = {loc->center_re, loc->center_im};
    for (int i = 0; i < 2; i++) {
        if (!centre[i])
            return bad(err, errlen, names[i], "is missing", NULL);
        if (!deep_decimal_valid(centre[i]))
            return bad(err, errlen, names[i], "must be a decimal number such as -1.7499 or 2.5e-3",
                       centre[i]);
    }
    if (!loc->zoom)
        return bad(err, errlen, "--zoom", "is missing", NULL);
    if (!deep_decimal_valid(loc->zoom))
        return bad(err, errlen, "--zoom", "must be a decimal number such as 1e1000 or 4.5E+300",
                   loc->zoom);
    int ret = 0;
    mpfr_t x;
    mpfr_init2(x, DEEP_PARSE_BITS);
    for (int i = 0; i < 2 && ret == 0; i++) {
        deep_decimal_to_mpfr(x, centre[i]);
        if (!mpfr_number_p(x) || fabs(mpfr_get_d(x, MPFR_RNDZ)) >= DEEP_CENTER_MAX)
            ret = bad(err, errlen, names[i], "must be below 1e300 in magnitude", centre[i]);
    }
    if (ret == 0) {
        deep_decimal_to_mpfr(x, loc->zoom);
        if (loc->zoom[0] == '-' || !has_nonzero_digit(loc->zoom))
            ret = bad(err, errlen, "--zoom", "must be positive", loc->zoom);
        else if (!mpfr_regular_p(x) || labs((long)mpfr_get_exp(x)) > DEEP_ZOOM_EXP2_MAX)
            ret = bad(err, errlen, "--zoom", "must be between 1e-1200000 and 1e1200000", loc->zoom);
    }
    mpfr_clear(x);
    if (ret)
        return ret;
    if (loc->height < 2 || loc->width < 1)
        return bad(err, errlen, "--resolution",
                   "of a deep view needs at least 1 column and 2 rows (the spacing is 4 / (zoom (rows - 1)))",
                   NULL);
    if (!(loc->threshold >= DEEP_THRESHOLD_MIN && loc->threshold <= DEEP_THRESHOLD_MAX)) {
        snprintf(err, errlen, "--threshold of a deep view must be between 1e-100 and 1e100 (got %g)",
                 loc->threshold);
        return -1;
    }
    if (loc->fractal == FRACTAL_JULIA &&
        !(isfinite(loc->c_re) && isfinite(loc->c_im) && fabs(loc->c_re) < 1e100 && fabs(loc->c_im) < 1e100)) {
        snprintf(err, errlen, "the Julia constant of a deep view must be finite and below 1e100");
        return -1;
    }
    return 0;
}

/* Significant digits of a checked decimal: from its first non-zero digit to its
 * last digit before the exponent. */
static size_t significant_digits(const char *text)
{
    size_t digits = 0;
    int started = 0;
    for (const char *c = text; *c && *c != 'e' && *c != 'E'; c++) {
        if (*c < '0' || *c > '9')
            continue;
        if (*c != '0')
            started = 1;
        if (started)
            digits++;
    }
    return digits;
}

long deep_precision_bits(const struct deep_location *loc)
{
    mpfr_t x;
    mpfr_init2(x, DEEP_PARSE_BITS);
    deep_decimal_to_mpfr(x, loc->zoom);
    mpfr_mul_d(x, x, (double)loc->height, MPFR_RNDN);
    long zoom_exp = mpfr_zero_p(x) ? 0 : (long)mpfr_get_exp(x);
    long bits = 24 + zoom_exp;
    if (bits < 24)
        bits = 24;
    long centre_exp = 0;
    const char *centre[2] = {loc->center_re, loc->center_im};
    for (int i = 0; i < 2; i++) {
        deep_decimal_to_mpfr(x, centre[i]);
        if (mpfr_regular_p(x) && mpfr_get_exp(x) > centre_exp)
            centre_exp = (long)mpfr_get_exp(x);
    }
    mpfr_clear(x);
    bits += centre_exp + DEEP_MARGIN_BITS;
    /* and every digit of the centre: the reference orbit is then the centre's
     * own, so that a sample on the centre gets its exact count too */
    for (int i = 0; i < 2; i++) {
        long digit_bits = (long)ceil((double)significant_digits(centre[i]) * 3.3219280948873623) + DEEP_MARGIN_BITS;
        if (digit_bits > bits)
            bits = digit_bits;
    }
    return bits < 64 ? 64 : bits;
}

struct fec deep_spacing(const struct deep_location *loc)
{
    mpfr_t z, d;
    mpfr_inits2(DEEP_PARSE_BITS, z, d, (mpfr_ptr)0);
    deep_decimal_to_mpfr(z, loc->zoom);
    mpfr_mul_d(z, z, (double)(loc->height - 1), MPFR_RNDN);
    mpfr_ui_div(d, 4, z, MPFR_RNDN);
    long e;
    double m = mpfr_get_d_2exp(&e, d, MPFR_RNDN);
    mpfr_clears(z, d, (mpfr_ptr)0);
    return fec_norm(m, 0.0, e);
}

struct fec deep_fec_from_mpfr(const mpfr_t re, const mpfr_t im)
{
    long er = 0, ei = 0;
    double mr = mpfr_zero_p(re) ? 0.0 : mpfr_get_d_2exp(&er, re, MPFR_RNDN);
    double mi = mpfr_zero_p(im) ? 0.0 : mpfr_get_d_2exp(&ei, im, MPFR_RNDN);
    if (mr == 0.0)
        return fec_norm(0.0, mi, ei);
    if (mi == 0.0)
        return fec_norm(mr, 0.0, er);
    int64_t e = er > ei ? er : ei;
    /* the smaller part, scaled to the shared exponent (rounded once more) */
    return fec_norm(fe_scale(mr, er - e), fe_scale(mi, ei - e), e);
}
