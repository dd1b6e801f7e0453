/* mpfr_reference.c - escape counts of a deep view computed sample by sample in MPFR: the ground truth for deep zoom tests. */
/*
 * Independent of src/ (it shares no code with the renderer): every sample's
 * orbit is iterated directly in MPFR at one fixed precision, without
 * perturbation, series, rebasing or any approximation.
 *
 * The view (the renderer's deep view convention): a centre (decimal strings of
 * any length), a zoom Z (decimal), W columns and H rows; the spacing is
 * d = 4 / (Z (H - 1)) and sample (i, j) lies at
 *     x = cre + (i - (W-1)/2) d,   y = cim + ((H-1)/2 - j) d    (row 0 at the top).
 * Counts: z_{k+1} = z_k^2 + c (Mandelbrot: z_0 = 0, c = the sample; Julia:
 * z_0 = the sample, c = --real + --imag i, both doubles, taken exactly); the
 * count is the smallest k in 0..itermax-1 with |z_{k+1}|^2 > threshold^2, or
 * itermax when there is none. threshold^2 is formed exactly.
 *
 * Precision. A sample's coordinates are computed at P bits, by default
 *     P = 64 + max(0, bits of Z H) + max(0, bits of max(|cre|, |cim|, 1))
 * i.e. 64 bits below the pixel spacing. Each sample carries a bound on the
 * error of its orbit (rigorous, up to the double rounding of the bound itself,
 * which factors of 1 + 1e-12 cover):
 *     E_0 = the sample's rounding,  E_{k+1} = 2 |z_k| E_k + 2 E_k^2 + the roundings of step k,
 * and a sample whose escape test came within that bound of threshold^2 at
 * some step (or whose bound reached 1/4) is counted as "uncertain" in the
 * summary: its count may differ from the exact one. Every other count is
 * certified: the exact orbit of the exact sample makes the same comparisons.
 * An error at step k reaches step n multiplied by prod |2 z_j|, which for a
 * sample near the boundary grows to about 1 / (its distance to the set): the
 * low bits carry the sample's offset from its neighbours until late in the
 * orbit. So the working precision of step k is not fixed: it is chosen so that
 * the step's roundings stay below 2^-20 of the error the step carries over,
 * 2 |z_k| E_k (see working_precision), which keeps the bound within a factor
 * (1 + 2^-20)^n of the full-precision one; it falls as the orbit amplifies
 * (about 1.7x faster at 1e1000) and rises again where the orbit passes near
 * 0. --full-precision keeps P bits throughout; tests/0210-mpfr-reference.t
 * checks that both give the same counts.
 *
 * Output: the counts as raw little-endian uint32, row 0 first, to --output
 * (default standard output). With --stride S only the columns i = 0, S, 2S, ...
 * and the rows j = 0, S, 2S, ... are computed and written: ceil(W/S) x ceil(H/S)
 * counts. --summary prints the precision, the number of samples, the count
 * histogram's summary and the uncertain samples to standard error.
 *
 * Errors: "mpfr_reference: error: ..." on standard error, exit status 2 for bad
 * arguments, 1 for a failure to write.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>
#ifdef _OPENMP
#include <omp.h>
#endif

enum fractal { MANDELBROT, JULIA };

struct view {
    enum fractal fractal;
    const char *center_re, *center_im, *zoom;
    uint64_t width, height;
    uint32_t itermax;
    double threshold;
    double c_re, c_im;
    long precision; /* 0: the default */
    uint64_t stride;
    int threads; /* 0: all cores */
    const char *output;
    int summary;
    int full_precision; /* no working precision below the view's */
};

/* What the whole view shares, at the view's precision (read-only in the workers). */
struct frame {
    mpfr_prec_t prec;
    mpfr_t cre, cim, spacing, threshold2, julia_re, julia_im;
    uint64_t out_width, out_height;
};

/* One thread's working numbers, allocated once at the view's precision. */
struct orbit {
    mpfr_t x, y, cx, cy, x2, y2, xy, sum, t;
};

static void usage(FILE *to)
{
    fputs("Usage: mpfr_reference [options] > counts.u32\n"
          "  --fractal mandelbrot|julia   (default mandelbrot)\n"
          "  --center-re DEC --center-im DEC   the view's centre (default 0, 0)\n"
          "  --zoom DEC                   half the image height is 2 / zoom (default 1)\n"
          "  --width N --height N         samples (default 96 x 64; height >= 2)\n"
          "  --itermax N                  (default 1000)\n"
          "  --threshold X                escape radius, a double (default 2)\n"
          "  --real X --imag X            the Julia constant, doubles (default -0.8, 0.156)\n"
          "  --precision BITS             (default 64 + bits of zoom*height + bits of the centre)\n"
          "  --stride S                   only every S-th column and row (default 1)\n"
          "  --threads T                  OpenMP threads, 0 = all cores (default 1)\n"
          "  --output FILE                raw little-endian uint32 counts, row 0 first (default stdout)\n"
          "  --summary                    the count histogram's summary on stderr\n"
          "  --full-precision             iterate at the view's precision throughout (slower)\n",
          to);
}

static void die(const char *what, const char *value)
{
    fprintf(stderr, "mpfr_reference: error: %s%s%s\n", what, value ? ": " : "", value ? value : "");
    exit(2);
}

/* A whole unsigned decimal in [lo, hi], or dies naming the option. */
static uint64_t parse_uint(const char *option, const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "mpfr_reference: error: %s wants a whole number in %llu..%llu, not '%s'\n", option,
                (unsigned long long)lo, (unsigned long long)hi, s);
        exit(2);
    }
    return v;
}

/* A finite double, or dies naming the option. */
static double parse_double(const char *option, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v)) {
        fprintf(stderr, "mpfr_reference: error: %s wants a finite number, not '%s'\n", option, s);
        exit(2);
    }
    return v;
}

/* Sets out to the decimal s rounded to out's precision; dies naming the option
 * unless s is a whole finite decimal number. */
static void parse_decimal(mpfr_t out, const char *option, const char *s)
{
    char *end = NULL;
    if (s[0])
        mpfr_strtofr(out, s, &end, 10, MPFR_RNDN);
    if (!end || end == s || *end || !mpfr_number_p(out)) {
        fprintf(stderr, "mpfr_reference: error: %s wants a finite decimal number, not '%s'\n", option, s);
        exit(2);
    }
}

static struct view parse_arguments(int argc, char **argv)
{
    struct view v = {MANDELBROT, "0", "0", "1", 96, 64, 1000, 2.0, -0.8, 0.156, 0, 1, 1, NULL, 0, 0};
    static const struct option options[] = {
        {"fractal", required_argument, 0, 'f'}, {"center-re", required_argument, 0, 'r'},
        {"center-im", required_argument, 0, 'i'}, {"zoom", required_argument, 0, 'z'},
        {"width", required_argument, 0, 'W'}, {"height", required_argument, 0, 'H'},
        {"itermax", required_argument, 0, 'M'}, {"threshold", required_argument, 0, 'T'},
        {"real", required_argument, 0, 'a'}, {"imag", required_argument, 0, 'b'},
        {"precision", required_argument, 0, 'p'}, {"stride", required_argument, 0, 's'},
        {"threads", required_argument, 0, 't'}, {"output", required_argument, 0, 'o'},
        {"summary", no_argument, 0, 'S'}, {"full-precision", no_argument, 0, 'F'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "mandelbrot") == 0)
                v.fractal = MANDELBROT;
            else if (strcmp(optarg, "julia") == 0)
                v.fractal = JULIA;
            else
                die("--fractal wants mandelbrot or julia, not", optarg);
            break;
        case 'r': v.center_re = optarg; break;
        case 'i': v.center_im = optarg; break;
        case 'z': v.zoom = optarg; break;
        case 'W': v.width = parse_uint("--width", optarg, 1, UINT64_C(1) << 32); break;
        case 'H': v.height = parse_uint("--height", optarg, 2, UINT64_C(1) << 32); break;
        case 'M': v.itermax = (uint32_t)parse_uint("--itermax", optarg, 1, UINT32_MAX - 1); break;
        case 'T': v.threshold = parse_double("--threshold", optarg); break;
        case 'a': v.c_re = parse_double("--real", optarg); break;
        case 'b': v.c_im = parse_double("--imag", optarg); break;
        case 'p': v.precision = (long)parse_uint("--precision", optarg, 64, 1L << 24); break;
        case 's': v.stride = parse_uint("--stride", optarg, 1, UINT64_C(1) << 32); break;
        case 't': v.threads = (int)parse_uint("--threads", optarg, 0, 4096); break;
        case 'o': v.output = optarg; break;
        case 'S': v.summary = 1; break;
        case 'F': v.full_precision = 1; break;
        case 'h': usage(stdout); exit(0);
        default:
            usage(stderr);
            die("unknown option or missing value", optind > 0 && optind <= argc ? argv[optind - 1] : NULL);
        }
    }
    if (optind < argc)
        die("unexpected argument", argv[optind]);
    if (!(v.threshold > 0))
        die("--threshold must be positive", NULL);
    return v;
}

/* Bits of the integer part of |a| (0 when |a| < 1). */
static long magnitude_bits(const mpfr_t a)
{
    if (mpfr_zero_p(a))
        return 0;
    long e = (long)mpfr_get_exp(a); /* 2^(e-1) <= |a| < 2^e */
    return e > 0 ? e : 0;
}

/* The view's shared numbers; dies on a bad centre or zoom. */
/* Digits of a decimal's mantissa from its first non-zero one (the exponent excluded). */
static size_t count_digits(const char *s)
{
    size_t n = 0;
    for (int seen = 0; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '0' && *s <= '9' && (seen |= *s != '0'))
            n++;
    return n;
}

static void frame_init(struct frame *f, const struct view *v)
{
    mpfr_t probe_re, probe_im, zoom_h;
    mpfr_inits2(128, probe_re, probe_im, zoom_h, (mpfr_ptr)0);
    parse_decimal(probe_re, "--center-re", v->center_re);
    parse_decimal(probe_im, "--center-im", v->center_im);
    parse_decimal(zoom_h, "--zoom", v->zoom);
    if (mpfr_sgn(zoom_h) <= 0)
        die("--zoom must be positive, not", v->zoom);
    mpfr_mul_ui(zoom_h, zoom_h, v->height, MPFR_RNDU);
    long centre_bits = magnitude_bits(probe_re) > magnitude_bits(probe_im) ? magnitude_bits(probe_re)
                                                                            : magnitude_bits(probe_im);
    f->prec = v->precision ? v->precision : 64 + magnitude_bits(zoom_h) + centre_bits;
    /* and every digit of the centre, so that the samples' positions are exact */
    long digit_bits = 64 + (long)ceil(3.3219280948873623 * (double)(count_digits(v->center_re) > count_digits(v->center_im)
                                                                      ? count_digits(v->center_re)
                                                                      : count_digits(v->center_im)));
    if (!v->precision && digit_bits > f->prec)
        f->prec = digit_bits;
    mpfr_clears(probe_re, probe_im, zoom_h, (mpfr_ptr)0);

    mpfr_inits2(f->prec, f->cre, f->cim, f->spacing, f->threshold2, f->julia_re, f->julia_im, (mpfr_ptr)0);
    parse_decimal(f->cre, "--center-re", v->center_re);
    parse_decimal(f->cim, "--center-im", v->center_im);
    parse_decimal(f->spacing, "--zoom", v->zoom);
    mpfr_mul_ui(f->spacing, f->spacing, v->height - 1, MPFR_RNDN);
    mpfr_ui_div(f->spacing, 4, f->spacing, MPFR_RNDN); /* d = 4 / (Z (H - 1)) */
    /* threshold^2 exactly: a double's square fits in 2 x 53 bits < prec */
    mpfr_set_d(f->threshold2, v->threshold, MPFR_RNDN);
    mpfr_sqr(f->threshold2, f->threshold2, MPFR_RNDN);
    mpfr_set_d(f->julia_re, v->c_re, MPFR_RNDN);
    mpfr_set_d(f->julia_im, v->c_im, MPFR_RNDN);
    f->out_width = (v->width + v->stride - 1) / v->stride;
    f->out_height = (v->height + v->stride - 1) / v->stride;
}

static void frame_clear(struct frame *f)
{
    mpfr_clears(f->cre, f->cim, f->spacing, f->threshold2, f->julia_re, f->julia_im, (mpfr_ptr)0);
}

/* An error bound kept as mantissa * 2^(exponent - prec), so that bounds far
 * below or above the double range (2^-prec ... 2^prec) stay representable. */
struct bound {
    double mantissa;
    long exponent;
};

static void bound_normalize(struct bound *b)
{
    int e;
    b->mantissa = frexp(b->mantissa, &e);
    b->exponent += e;
}

/* The bound as a double in absolute units (0 or inf beyond the double range). */
static double bound_value(const struct bound *b, mpfr_prec_t prec)
{
    long e = b->exponent - (long)prec;
    if (e < -1100)
        return 0.0;
    if (e > 1100)
        return INFINITY;
    return ldexp(b->mantissa, (int)e);
}

/* Whether |t| <= b, for any t (beyond the double range too). */
static int within_bound(const mpfr_t t, const struct bound *b, mpfr_prec_t prec)
{
    if (mpfr_zero_p(t))
        return 1;
    long t_exp;
    double t_mantissa = mpfr_get_d_2exp(&t_exp, t, MPFR_RNDN);
    long shift = t_exp - (b->exponent - (long)prec);
    if (shift > 1100)
        return 0;
    if (shift < -1100)
        return 1;
    return fabs(ldexp(t_mantissa, (int)shift)) <= b->mantissa;
}

/* floor(log2(a)) for a > 0 (a finite double). */
static long floor_log2(double a)
{
    int e;
    frexp(a, &e);
    return (long)e - 1;
}

/* The working precision for the next step, z_{k+1} = z_k^2 + c: enough that
 * its roundings, at most 16 (|z_k|^2 + |c| + 1) ulps, stay below 2^-20 of the
 * error that the step carries over, 2 |z_k| E_k (so that n steps add at most a
 * factor (1 + 2^-20)^n to the bound: the bound, and so the counts it
 * certifies, are those of the full precision up to that factor). Where the
 * orbit passes near 0 the carried error shrinks and the precision rises again,
 * up to the view's precision plus 32 bits; never below 64 bits; whole limbs. */
static mpfr_prec_t working_precision(const struct frame *f, const struct bound *err, double abs_z, double abs_c)
{
    long most = (long)f->prec + 32;
    double carried = 2.0 * abs_z * err->mantissa; /* 2 |z_k| E_k in units 2^(err->exponent - f->prec) */
    long bits = most;
    if (carried > 0x1p-900)
        bits = (long)f->prec + 20 + 4 + 1 + floor_log2(abs_z * abs_z + abs_c + 1.0) - floor_log2(carried) -
               err->exponent;
    if (bits > most)
        bits = most;
    if (bits < 64)
        bits = 64;
    return (mpfr_prec_t)((bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS * GMP_NUMB_BITS);
}

/* Iterates one sample (its z_0 or c in o->cx, o->cy) to its count; sets
 * *uncertain when the error bound does not certify the count. The orbit's
 * numbers are o's, allocated for f->prec + 64 bits. */
static uint32_t sample_count(const struct view *v, const struct frame *f, struct orbit *o, int *uncertain)
{
    mpfr_ptr x = o->x, y = o->y, x2 = o->x2, y2 = o->y2, xy = o->xy, sum = o->sum, t = o->t;
    mpfr_srcptr cx = v->fractal == JULIA ? f->julia_re : o->cx;
    mpfr_srcptr cy = v->fractal == JULIA ? f->julia_im : o->cy;
    mpfr_prec_t prec = f->prec; /* the working precision of z and the temporaries */
    mpfr_set_prec(x, prec);
    mpfr_set_prec(y, prec);
    mpfr_set_prec(x2, prec);
    mpfr_set_prec(y2, prec);
    mpfr_set_prec(xy, prec);
    mpfr_set_prec(sum, prec);
    mpfr_set_prec(t, prec);
    if (v->fractal == JULIA) {
        mpfr_set(x, o->cx, MPFR_RNDN); /* z_0 = the sample */
        mpfr_set(y, o->cy, MPFR_RNDN);
    } else {
        mpfr_set_zero(x, 1);
        mpfr_set_zero(y, 1);
    }
    mpfr_sqr(x2, x, MPFR_RNDN);
    mpfr_sqr(y2, y, MPFR_RNDN);
    double abs_c = fabs(mpfr_get_d(cx, MPFR_RNDN)) + fabs(mpfr_get_d(cy, MPFR_RNDN));
    double abs_z = fabs(mpfr_get_d(x, MPFR_RNDN)) + fabs(mpfr_get_d(y, MPFR_RNDN));
    double threshold2 = mpfr_get_d(f->threshold2, MPFR_RNDN);
    /* the sample's own rounding: a few ulps of |centre| + |u d| (units 2^-f->prec) */
    struct bound err = {4.0 * (1.0 + abs_c + abs_z), 0};
    bound_normalize(&err);
    *uncertain = 0;
    for (uint32_t k = 0; k < v->itermax; k++) {
        if (!v->full_precision) {
            mpfr_prec_t want = working_precision(f, &err, abs_z, abs_c);
            if (want != prec) { /* rounding z and its squares: counted in the step's roundings */
                prec = want;
                mpfr_prec_round(x, prec, MPFR_RNDN);
                mpfr_prec_round(y, prec, MPFR_RNDN);
                mpfr_prec_round(x2, prec, MPFR_RNDN);
                mpfr_prec_round(y2, prec, MPFR_RNDN);
                mpfr_set_prec(xy, prec);
                mpfr_set_prec(sum, prec);
                mpfr_set_prec(t, prec);
            }
        }
        /* z <- z^2 + c, from the squares of the previous step */
        mpfr_mul(xy, x, y, MPFR_RNDN);
        mpfr_sub(x, x2, y2, MPFR_RNDN);
        mpfr_add(x, x, cx, MPFR_RNDN);
        mpfr_mul_2ui(xy, xy, 1, MPFR_RNDN);
        mpfr_add(y, xy, cy, MPFR_RNDN);
        mpfr_sqr(x2, x, MPFR_RNDN);
        mpfr_sqr(y2, y, MPFR_RNDN);
        mpfr_add(sum, x2, y2, MPFR_RNDN);
        int escaped = mpfr_greater_p(sum, f->threshold2);

        /* E <- 2|z_k| E + 2 E^2 + (this step's roundings: at most 16 ulps of
         * |z_k|^2 + |c| + |z_{k+1}|^2 + 1 at the working precision) */
        double norm2 = mpfr_get_d(sum, MPFR_RNDN); /* |z_{k+1}|^2 */
        long ulp_shift = (long)f->prec - (long)prec - err.exponent;
        double e_abs = bound_value(&err, f->prec);
        err.mantissa = err.mantissa * (2.0 * abs_z * (1.0 + 1e-12) + 2.0 * e_abs) +
                       ldexp(16.0 * (abs_z * abs_z + abs_c + norm2 + 1.0), (int)ulp_shift);
        bound_normalize(&err);
        abs_z = sqrt(norm2);
        /* the escape test is certain when |z|^2 is farther from threshold^2 than
         * the error of |z|^2: 2|z|E + 2E^2 plus the rounding of the sum */
        ulp_shift = (long)f->prec - (long)prec - err.exponent;
        e_abs = bound_value(&err, f->prec);
        struct bound margin = {err.mantissa * (2.0 * abs_z * (1.0 + 1e-12) + 2.0 * e_abs) +
                                   ldexp(4.0 * (norm2 + threshold2), (int)ulp_shift),
                               err.exponent};
        if (!(e_abs < 0.25))
            *uncertain = 1;
        else if (fabs(norm2 - threshold2) <= bound_value(&margin, f->prec) + 1e-9 * threshold2) {
            /* close in double: decide with the exact difference */
            mpfr_sub(t, sum, f->threshold2, MPFR_RNDN);
            if (within_bound(t, &margin, f->prec))
                *uncertain = 1;
        }
        if (escaped)
            return k;
    }
    return v->itermax;
}

/* The counts of output row r (sample row j = r * stride) into out. */
static void row_counts(const struct view *v, const struct frame *f, struct orbit *o, uint64_t r, uint32_t *out,
                       uint64_t *uncertain)
{
    uint64_t j = r * v->stride;
    double v_units = ((double)v->height - 1.0) / 2.0 - (double)j; /* exact: |v| < 2^33 */
    mpfr_mul_d(o->cy, f->spacing, v_units, MPFR_RNDN);
    mpfr_add(o->cy, o->cy, f->cim, MPFR_RNDN);
    for (uint64_t q = 0; q < f->out_width; q++) {
        uint64_t i = q * v->stride;
        double u_units = (double)i - ((double)v->width - 1.0) / 2.0;
        mpfr_mul_d(o->cx, f->spacing, u_units, MPFR_RNDN);
        mpfr_add(o->cx, o->cx, f->cre, MPFR_RNDN);
        int unsure;
        out[q] = sample_count(v, f, o, &unsure);
        *uncertain += (uint64_t)unsure;
    }
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The histogram's summary on stderr: extremes, quantiles, distinct counts,
 * samples at itermax and the most frequent counts. */
static void print_summary(const struct view *v, const struct frame *f, const uint32_t *counts, uint64_t n,
                          uint64_t uncertain)
{
    uint32_t *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        die("out of memory", NULL);
    memcpy(sorted, counts, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_u32);
    uint64_t distinct = 0, at_itermax = 0, best[5] = {0}, best_count[5] = {0};
    for (uint64_t a = 0; a < n;) {
        uint64_t b = a;
        while (b < n && sorted[b] == sorted[a])
            b++;
        distinct++;
        if (sorted[a] == v->itermax)
            at_itermax = b - a;
        for (int s = 0; s < 5; s++) /* keep the five most frequent, most frequent first */
            if (b - a > best[s]) {
                memmove(best + s + 1, best + s, (4 - s) * sizeof *best);
                memmove(best_count + s + 1, best_count + s, (4 - s) * sizeof *best_count);
                best[s] = b - a;
                best_count[s] = sorted[a];
                break;
            }
        a = b;
    }
    fprintf(stderr, "precision %ld bits; %llu x %llu samples (stride %llu), itermax %u\n", (long)f->prec,
            (unsigned long long)f->out_width, (unsigned long long)f->out_height, (unsigned long long)v->stride,
            v->itermax);
    fprintf(stderr, "counts: min %u, p10 %u, median %u, p90 %u, max %u; %llu distinct; %llu at itermax (%.1f%%)\n",
            sorted[0], sorted[n / 10], sorted[n / 2], sorted[n * 9 / 10], sorted[n - 1],
            (unsigned long long)distinct, (unsigned long long)at_itermax, 100.0 * (double)at_itermax / (double)n);
    fprintf(stderr, "most frequent:");
    for (int s = 0; s < 5 && best[s]; s++)
        fprintf(stderr, " %llu x %llu", (unsigned long long)best_count[s], (unsigned long long)best[s]);
    fprintf(stderr, "\nuncertain: %llu samples\n", (unsigned long long)uncertain);
    free(sorted);
}

/* Writes the counts as little-endian uint32; returns 0 or -1. */
static int write_counts(FILE *out, const uint32_t *counts, uint64_t n)
{
    unsigned char buf[4096];
    size_t used = 0;
    for (uint64_t k = 0; k < n; k++) {
        for (int b = 0; b < 4; b++)
            buf[used++] = (unsigned char)(counts[k] >> (8 * b));
        if (used == sizeof buf || k + 1 == n) {
            if (fwrite(buf, 1, used, out) != used)
                return -1;
            used = 0;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct view v = parse_arguments(argc, argv);
    struct frame f;
    frame_init(&f, &v);
    uint64_t n = f.out_width * f.out_height;
    if (f.out_width > (UINT64_C(1) << 31) / f.out_height)
        die("the image is too large", NULL);
    uint32_t *counts = malloc(n * sizeof *counts);
    if (!counts)
        die("out of memory", NULL);
    uint64_t uncertain = 0;
#ifdef _OPENMP
    if (v.threads > 0)
        omp_set_num_threads(v.threads);
#endif
#pragma omp parallel reduction(+ : uncertain)
    {
        struct orbit o;
        mpfr_inits2(f.prec + 64, o.x, o.y, o.cx, o.cy, o.x2, o.y2, o.xy, o.sum, o.t, (mpfr_ptr)0);
#pragma omp for schedule(dynamic, 1)
        for (uint64_t r = 0; r < f.out_height; r++)
            row_counts(&v, &f, &o, r, counts + r * f.out_width, &uncertain);
        mpfr_clears(o.x, o.y, o.cx, o.cy, o.x2, o.y2, o.xy, o.sum, o.t, (mpfr_ptr)0);
        mpfr_free_cache();
    }
    if (v.summary)
        print_summary(&v, &f, counts, n, uncertain);
    FILE *out = v.output && strcmp(v.output, "-") != 0 ? fopen(v.output, "wb") : stdout;
    int status = 0;
    if (!out || write_counts(out, counts, n) != 0 || (out != stdout ? fclose(out) : fflush(out)) != 0) {
        fprintf(stderr, "mpfr_reference: error: cannot write %s: %s\n", v.output ? v.output : "stdout",
                strerror(errno));
        status = 1;
    }
    free(counts);
    frame_clear(&f);
    mpfr_free_cache();
    return status;
}
