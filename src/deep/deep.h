/* deep.h - deep zoom by perturbation: reference orbits in MPFR, per-sample deltas in double or floatexp. */
#ifndef MPIFRACTAL_DEEP_H
#define MPIFRACTAL_DEEP_H

/* The only header of src/deep/ that code outside it includes; no MPFR type
 * appears here.
 *
 * View convention (Kalles Fraktaler, Fraktaler-3): a centre (two decimal
 * strings of any length), a zoom Z (a decimal string), W columns and H rows.
 * The pixel spacing is d = 4 / (Z (H - 1)); a sample at pixel-unit offsets
 * (u, v) from the centre is at x = cre + u d, y = cim + v d, with
 * u = i + du - (W-1)/2 and v = (H-1)/2 - j + dv (row 0 at the top).
 *
 * Counts have exactly the double kernel's meaning (kernel.h): z_{k+1} = z_k^2 + c,
 * Mandelbrot z_0 = 0 and c = the sample, Julia z_0 = the sample and c the
 * constant; the count is the smallest k in 0..itermax-1 with
 * |z_{k+1}|^2 > threshold^2, or itermax. */

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* What defines a deep view and its reference orbit. */
struct deep_location {
    enum fractal_kind fractal;
    const char *center_re, *center_im, *zoom; /* decimal strings, e.g. "-1.75", "4.5E+300" */
    double c_re, c_im;                        /* Julia constant (exact doubles) */
    uint64_t width, height;                   /* height >= 2 (the spacing divides by H - 1) */
    uint32_t itermax;
    double threshold; /* escape radius: finite, > 0 and at most DEEP_THRESHOLD_MAX */
};

/* The largest threshold a deep view accepts (reference orbits are stored in
 * doubles and followed past max(threshold, DEEP_REFERENCE_RADIUS)). */
#define DEEP_THRESHOLD_MAX 1e100
/* Reference orbits are computed until |Z| exceeds max(threshold, this). */
#define DEEP_REFERENCE_RADIUS 65536.0

/* Checks the view: the three decimal strings (syntax [+-]digits[.digits][e[+-]digits],
 * the centre's magnitude below 1e300, the zoom > 0 with a binary exponent within
 * +-4,000,000, about 1.2 million decimal digits), height >= 2, width >= 1 and
 * the threshold. Returns 0, or -1 with a one-line reason naming the option
 * (--center-re, --center-im, --zoom, --resolution, --threshold) in err. */
int deep_location_check(const struct deep_location *loc, char *err, size_t errlen);

/* Bits of precision the reference needs for this (checked) view: Fraktaler-3's
 * rule max(24, 24 + exponent2(Z H)) plus the bits of the centre's integer part
 * plus a margin of 32, and at least 64. */
long deep_precision_bits(const struct deep_location *loc);

/* The reference orbit(s), in doubles (opaque). Mandelbrot: one orbit, Z_0 = 0,
 * Z_{m+1} = Z_m^2 + C at the centre C. Julia: the orbit of the centre,
 * Z_0 = centre, and the critical orbit Z_0 = 0 onto which samples rebase. */
struct deep_reference;

/* Computes the reference orbit(s) with MPFR at deep_precision_bits(loc), each
 * until |Z_m| > max(threshold, DEEP_REFERENCE_RADIUS), m = itermax, or an
 * entry too small for a double (|Re|, |Im| < 2^-400 both), which then ends the
 * orbit and is kept in extended range (samples rebase there). progress (may be
 * NULL) is called now and then with iterations done and the total bound.
 * Returns NULL with a reason in err on a bad location or out of memory. Slow:
 * call it on one rank and share the bytes. */
struct deep_reference *deep_reference_compute(const struct deep_location *loc,
        void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
        char *err, size_t errlen);

/* Bytes of the reference's flat form (little-endian, with a checksum). */
size_t deep_reference_size(const struct deep_reference *ref);
/* Writes the flat form into out (deep_reference_size(ref) bytes). */
void deep_reference_to_bytes(const struct deep_reference *ref, void *out);
/* A reference from its flat form. Validates everything (the bytes may come
 * from an untrusted file): magic, version, sizes, counts, checksum, finite and
 * bounded values. Returns NULL with a one-line reason in err on anything wrong. */
struct deep_reference *deep_reference_from_bytes(const void *bytes, size_t n,
        char *err, size_t errlen);

/* 1 if the reference serves the location: same fractal (and Julia constant),
 * the same centre (equal as numbers at the reference's precision), precision
 * >= deep_precision_bits(loc), itermax >= loc's, and a stop radius >= the
 * location's. Else 0 with the first mismatch in why. */
int deep_reference_fits(const struct deep_reference *ref, const struct deep_location *loc,
                        char *why, size_t whylen);

/* Entries of the primary orbit (Z_0 .. Z_{length-1}). */
uint64_t deep_reference_length(const struct deep_reference *ref);
/* Bits of precision the reference was computed with. */
long deep_reference_precision(const struct deep_reference *ref);
/* Frees the reference (NULL is allowed). */
void deep_reference_free(struct deep_reference *ref);

/* Everything per-sample code needs: the reference (borrowed: it must outlive
 * the engine), the spacing d in extended range, the escape and smooth radii. */
struct deep_engine;

/* An engine for the location with this reference (which must fit it, see
 * deep_reference_fits; checked again here). smooth_radius > 0 is the radius
 * of the smooth and distance channels (channels.h, usually 65536). bla != 0:
 * samples skip runs of steps by bilinear approximation (tables built here,
 * in OpenMP threads, about one entry per orbit entry; counts equal plain
 * perturbation's in all but a few samples per 10,000), else every step is
 * taken. Returns NULL with a reason in err. */
struct deep_engine *deep_engine_new(const struct deep_reference *ref, const struct deep_location *loc,
                                    double smooth_radius, int bla, char *err, size_t errlen);
/* Seconds deep_engine_new spent on the approximation tables (0 without). */
double deep_engine_bla_seconds(const struct deep_engine *e);
/* Frees the engine (NULL is allowed); the reference stays. */
void deep_engine_free(struct deep_engine *e);

/* Counts of the n samples at pixel-unit positions (u[i], v): counts[i], and
 * where not NULL
 *   smooth[i]   = m - log2(log2 |z_m|), m the first index past the escape
 *                 with |z_m| > smooth radius, within CHANNEL_EXTRA_STEPS_MAX
 *                 (1000) steps of the count, else NaN;
 *   distance[i] = |z_m| ln|z_m| / |dz_m/du|, the exterior distance estimate
 *                 in pixel spacings (plane distance / d), 0 if the derivative
 *                 overflows, NaN when smooth is NaN.
 * Both NaN where the count is itermax. With BLA the derivative goes through
 * each skip by the skip's own linear map (D -> A D + B dc/du), so the counts
 * do not depend on which channels are asked for. Returns the sum of the counts.
 * Pure and thread-safe: every sample's results depend only on the engine and
 * (u[i], v). Polls *stop (stop may be NULL) every few thousand iterations and
 * returns early once it is non-zero (outputs then undefined). */
uint64_t deep_engine_row(const struct deep_engine *e, const double *u, double v, size_t n,
                         uint32_t *counts, float *smooth, float *distance, const volatile int *stop);

#endif
