/* options.c - the option table: command line, job files and --help from one description. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channels.h"
#include "colormap.h"
#include "grid.h"
#include "kernel.h"
#include "view.h"
#include "output_files.h"
#include "zoom.h"

/* Largest height: the PNG format's limit. */
#define DIMENSION_MAX 2147483647ULL
/* Largest width: one row of 32-bit counts and an 8-bit grey PNG fit in one MPI
 * message (an int count of bytes). Channels, RGB and 16-bit PNGs take more:
 * render_check_band_message refuses the combinations that do not fit. */
#define WIDTH_MAX 268435456ULL
/* Job files are small text files; anything larger is a mistake. */
#define JOB_FILE_MAX (1 << 20)
#define JOB_LINE_MAX (VIEW_DECIMAL_MAX + 256) /* a centre coordinate of the longest kind fits */
/* Most threads per rank: more than any node has cores; beyond it the OpenMP
 * runtime fails to start them and kills the run. */
#define THREADS_MAX 4096u

enum opt_type {
    OPT_CHOICE,  /* one name of the option's choices table, stored as its value */
    OPT_DOUBLE,  /* finite floating-point number */
    OPT_UINT32,
    OPT_UINT64,
    OPT_PATH,    /* file name */
    OPT_NO_PATH, /* flag that clears a file name (turns an output off) */
    OPT_BOOL,    /* flag: stores 1 (or 0 when inverted); yes/no in job files */
    OPT_CHANNELS, /* comma-separated list: counts, smooth, distance */
    OPT_CENTRE,  /* decimal number of any precision, kept as text (VIEW_DECIMAL_MAX) */
    OPT_ZOOM,    /* positive decimal number of any size, kept as text (VIEW_ZOOM_MAX) */
    OPT_JOB,     /* --job FILE: read before the command line is applied */
    OPT_HELP,
    OPT_VERSION
};

/* One accepted name of an OPT_CHOICE option and the value it stores. A name
 * whose value an earlier entry already has is an alias, not listed. */
struct choice {
    const char *name;
    int value;
};

struct option_def {
    char short_name;      /* 0: long form only */
    const char *long_name;
    const char *metavar;  /* NULL: takes no value on the command line */
    enum opt_type type;
    size_t offset;        /* field of struct render_params (an int-sized one for OPT_CHOICE) */
    int inverted;         /* OPT_BOOL: the flag stores 0 */
    const char *help;     /* OPT_CHOICE: follows the list of choices */
    const char *section;  /* starts a section of --help */
    const struct choice *choices; /* OPT_CHOICE: ends with a NULL name */
    const char *chosen;   /* OPT_CHOICE: what a name picks, for messages ("colour map") */
};

#define FIELD(name) offsetof(struct render_params, name)

static const struct choice fractal_choices[] = {
    {"mandelbrot", FRACTAL_MANDELBROT}, {"julia", FRACTAL_JULIA}, {NULL, 0}};
static const struct choice kernel_choices[] = {
    {"auto", KERNEL_AUTO}, {"scalar", KERNEL_SCALAR}, {"avx2", KERNEL_AVX2}, {"avx512", KERNEL_AVX512}, {NULL, 0}};
static const struct choice dtype_choices[] = {{"auto", 0}, {"uint8", 8}, {"uint16", 16}, {"uint32", 32}, {NULL, 0}};
static const struct choice colormap_choices[] = {
    {"gray", COLORMAP_GRAY}, {"grey", COLORMAP_GRAY}, {"viridis", COLORMAP_VIRIDIS}, {"cyclic", COLORMAP_CYCLIC},
    {NULL, 0}};
static const struct choice engine_choices[] = {
    {"auto", ENGINE_AUTO}, {"double", ENGINE_DOUBLE}, {"perturbation", ENGINE_PERTURBATION}, {NULL, 0}};
static const struct choice color_by_choices[] = {{"counts", 0}, {"smooth", 1}, {NULL, 0}};

/* OPT_CHOICE stores an int into fields of these types. */
_Static_assert(sizeof(enum fractal_kind) == sizeof(int) && sizeof(enum colormap_kind) == sizeof(int) &&
                   sizeof(((struct render_params *)0)->dtype_bits) == sizeof(int) &&
                   sizeof(((struct render_params *)0)->engine) == sizeof(int),
               "choice fields are int-sized");

static const struct option_def option_table[] = {
    {'f', "fractal", "NAME", OPT_CHOICE, FIELD(fractal), 0,
     "what to render [julia]", "What to render", fractal_choices, "fractal"},
    {'x', "xleft", "X", OPT_DOUBLE, FIELD(view.xleft), 0,
     "left edge, real axis [julia -0.1, mandelbrot -2.5]", NULL, NULL, NULL},
    {'X', "xright", "X", OPT_DOUBLE, FIELD(view.xright), 0,
     "right edge, real axis [julia 0.1, mandelbrot 1]", NULL, NULL, NULL},
    {'y', "ybot", "Y", OPT_DOUBLE, FIELD(view.ybot), 0,
     "bottom edge, imaginary axis [julia -0.1, mandelbrot -1.25]", NULL, NULL, NULL},
    {'Y', "ytop", "Y", OPT_DOUBLE, FIELD(view.ytop), 0,
     "top edge, imaginary axis [julia 0.1, mandelbrot 1.25]", NULL, NULL, NULL},
    {0, "center-re", "RE", OPT_CENTRE, FIELD(view.center_re), 0,
     "or a view by its centre: real part, a decimal of any length (deep zooms)", NULL, NULL, NULL},
    {0, "center-im", "IM", OPT_CENTRE, FIELD(view.center_im), 0,
     "imaginary part of the centre [0 with --zoom]", NULL, NULL, NULL},
    {0, "zoom", "Z", OPT_ZOOM, FIELD(view.zoom), 0,
     "zoom factor, a decimal such as 1e1000: the image's half-height is 2/Z [1]", NULL, NULL, NULL},
    {'r', "real", "CR", OPT_DOUBLE, FIELD(c_re), 0,
     "real part of the Julia constant c [-0.835]", NULL, NULL, NULL},
    {'i', "imag", "CI", OPT_DOUBLE, FIELD(c_im), 0,
     "imaginary part of the Julia constant c [-0.2321]", NULL, NULL, NULL},
    {'R', "resolution", "N", OPT_UINT64, FIELD(width), 0,
     "samples along the real axis: the image width [4000]", "Sampling", NULL, NULL},
    {0, "height", "N", OPT_UINT64, FIELD(height), 0,
     "samples along the imaginary axis; 0 = automatic [from the aspect ratio]", NULL, NULL, NULL},
    {0, "samples", "K", OPT_UINT32, FIELD(samples), 0,
     "K x K samples per pixel: the PNG averages their colours, smooth/distance their means [1]", NULL, NULL, NULL},
    {'t', "threshold", "T", OPT_DOUBLE, FIELD(threshold), 0,
     "escape radius: a point escapes when |z| > T [2]", "Iterations", NULL, NULL},
    {'m', "itermin", "N", OPT_UINT32, FIELD(itermin), 0,
     "counts up to N are black in the PNG [20]", NULL, NULL, NULL},
    {'M', "itermax", "N", OPT_UINT32, FIELD(itermax), 0,
     "iteration limit; points that never escape count N [100]", NULL, NULL, NULL},
    {'o', "output", "FILE", OPT_PATH, FIELD(hdf5_path), 0,
     "HDF5 file of escape counts [FRACTAL.h5]", "Output", NULL, NULL},
    {0, "no-hdf5", NULL, OPT_NO_PATH, FIELD(hdf5_path), 0,
     "write no HDF5 file (with no --png: a timing run, nothing written)", NULL, NULL, NULL},
    {'p', "png", "FILE", OPT_PATH, FIELD(png_path), 0,
     "also write a PNG (8-bit grey; see --png-depth and --colormap) [none]", NULL, NULL, NULL},
    {0, "no-png", NULL, OPT_NO_PATH, FIELD(png_path), 0,
     "write no PNG, even if the job file names one", NULL, NULL, NULL},
    {0, "fast", NULL, OPT_BOOL, FIELD(png_fast), 0,
     "fastest PNG compression (zlib level 1) instead of level 6", NULL, NULL, NULL},
    {0, "png-depth", "BITS", OPT_UINT32, FIELD(png_depth), 0,
     "8 or 16 bits per grey or RGB level; 16 keeps counts up to itermax 65535 apart [8]", NULL, NULL, NULL},
    {0, "channels", "LIST", OPT_CHANNELS, FIELD(channels), 0,
     "HDF5 datasets, comma-separated: counts (always), smooth, distance [counts]", NULL, NULL, NULL},
    {0, "smooth-radius", "R", OPT_DOUBLE, FIELD(smooth_radius), 0,
     "smooth and distance follow escaped orbits to |z| > R (counts keep -t) [65536]", NULL, NULL, NULL},
    {0, "colormap", "NAME", OPT_CHOICE, FIELD(colormap), 0,
     "the PNG's colours (gray: the seed's grey ramp; the others RGB) [gray]", NULL, colormap_choices, "colour map"},
    {0, "color-by", "WHAT", OPT_CHOICE, FIELD(color_by_smooth), 0,
     "what colours the PNG (smooth adds the smooth channel) [counts]", NULL, color_by_choices, "value"},
    {0, "color-cycle", "N", OPT_UINT32, FIELD(color_cycle), 0,
     "iterations per turn of the cyclic colour map [32]", NULL, NULL, NULL},
    {0, "equalize", NULL, OPT_BOOL, FIELD(equalize), 0,
     "histogram-equalised PNG colours (the PNG is made from the HDF5 file at the end)", NULL, NULL, NULL},
    {0, "compress", "LEVEL", OPT_UINT32, FIELD(compress), 0,
     "HDF5 deflate level 0-9 with byte shuffle, done by the computing ranks; 0 = off [1]", NULL, NULL, NULL},
    {0, "dtype", "TYPE", OPT_CHOICE, FIELD(dtype_bits), 0,
     "the HDF5 counts type (auto: the smallest that holds itermax: uint8 up to 255, uint16 up to 65534) [auto]", NULL, dtype_choices, "type"},
    {0, "force", NULL, OPT_BOOL, FIELD(force), 0,
     "overwrite output files that exist; skip the free-space check", NULL, NULL, NULL},
    {0, "resume", NULL, OPT_BOOL, FIELD(resume), 0,
     "finish an interrupted render: compute only the rows its HDF5 file lacks", NULL, NULL, NULL},
    {0, "continue", NULL, OPT_BOOL, FIELD(resume_if_exists), 0,
     "--resume if the HDF5 output exists, else start it (for job scripts that are rerun)", NULL, NULL, NULL},
    {0, "frames", "N", OPT_UINT32, FIELD(frames), 0,
     "a zoom of N frames from the region above to the --end-* view [none]", "Zoom sequences", NULL, NULL},
    {0, "frame", "K", OPT_UINT32, FIELD(frame), 0,
     "the frame to render, 0 to N-1; its number is added to the output names", NULL, NULL, NULL},
    {0, "end-xleft", "X", OPT_DOUBLE, FIELD(end.xleft), 0, "left edge of the last frame", NULL, NULL, NULL},
    {0, "end-xright", "X", OPT_DOUBLE, FIELD(end.xright), 0, "right edge of the last frame", NULL, NULL, NULL},
    {0, "end-ybot", "Y", OPT_DOUBLE, FIELD(end.ybot), 0, "bottom edge of the last frame", NULL, NULL, NULL},
    {0, "end-ytop", "Y", OPT_DOUBLE, FIELD(end.ytop), 0, "top edge of the last frame", NULL, NULL, NULL},
    {0, "end-zoom", "Z", OPT_ZOOM, FIELD(end.zoom), 0,
     "the last frame's zoom (centre views keep their centre)", NULL, NULL, NULL},
    {0, "band-rows", "N", OPT_UINT32, FIELD(band_rows), 0,
     "rows per work unit handed to a rank [automatic]", "Running", NULL, NULL},
    {0, "threads", "N", OPT_UINT32, FIELD(threads), 0,
     "threads per rank; 0 = automatic [OMP_NUM_THREADS, else the CPUs the launcher gave the rank]", NULL, NULL, NULL},
    {0, "kernel", "NAME", OPT_CHOICE, FIELD(kernel), 0,
     "the escape-time code path [auto]", NULL, kernel_choices, "kernel"},
    {0, "engine", "NAME", OPT_CHOICE, FIELD(engine), 0,
     "how samples are computed (auto: double precision where it resolves the view, else "
     "perturbation) [auto]", NULL, engine_choices, "engine"},
    {0, "reference", "FILE", OPT_PATH, FIELD(reference_path), 0,
     "perturbation: read the reference orbit from FILE if it serves this view, else compute it and "
     "save it there (frames of one zoom share it) [none]", NULL, NULL, NULL},
    {0, "no-bla", NULL, OPT_BOOL, FIELD(no_bla), 0,
     "perturbation: take every step, no bilinear approximation skips (slower; counts differ in a few "
     "samples per 10,000)", NULL, NULL, NULL},
    {0, "no-shortcuts", NULL, OPT_BOOL, FIELD(no_shortcuts), 0,
     "iterate every sample to its end: no cardioid/bulb or cycle tests (same counts, slower)", NULL, NULL, NULL},
    {0, "progress", NULL, OPT_BOOL, FIELD(progress), 0,
     "report progress on stderr [when stderr is a terminal]", NULL, NULL, NULL},
    {0, "no-progress", NULL, OPT_BOOL, FIELD(progress), 1,
     "never report progress", NULL, NULL, NULL},
    {'q', "quiet", NULL, OPT_BOOL, FIELD(quiet), 0,
     "no progress and no summary line", NULL, NULL, NULL},
    {0, "job", "FILE", OPT_JOB, 0, 0,
     "read options from a job file (also: a lone FILE argument)", NULL, NULL, NULL},
    {'h', "help", NULL, OPT_HELP, 0, 0, "show this help and exit", NULL, NULL, NULL},
    {'V', "version", NULL, OPT_VERSION, 0, 0, "show the version and exit", NULL, NULL, NULL},
};

#define OPTION_COUNT (sizeof option_table / sizeof option_table[0])

/* Default view of each fractal, used for the region edges nobody set. */
static const double default_view[2][4] = {
    [FRACTAL_MANDELBROT] = {-2.5, 1.0, -1.25, 1.25},
    [FRACTAL_JULIA] = {-0.1, 0.1, -0.1, 0.1},
};

const char *fractal_name(enum fractal_kind kind)
{
    return kind == FRACTAL_MANDELBROT ? "mandelbrot" : "julia";
}

/* Whether doubles cannot resolve the view of these parameters (view.h). */
static int params_too_deep_for_double(const struct render_params *params)
{
    const double julia_c[2] = {params->c_re, params->c_im};
    return view_too_deep_for_double(&params->view, params->width, params->height,
                                    params->fractal == FRACTAL_JULIA ? julia_c : NULL);
}

enum engine_choice params_engine(const struct render_params *params)
{
    if (params->engine != ENGINE_AUTO)
        return (enum engine_choice)params->engine;
    return params_too_deep_for_double(params) ? ENGINE_PERTURBATION
                                                                                  : ENGINE_DOUBLE;
}

uint32_t params_count_bits(const struct render_params *params)
{
    if (params->dtype_bits)
        return params->dtype_bits;
    /* uint16's largest value is netCDF's default fill value for the type, which
     * ncdump and netCDF4-python show as missing whatever the file says: a
     * count must never be it (bytes have no default fill value) */
    return params->itermax <= UINT8_MAX ? 8 : params->itermax < UINT16_MAX ? 16 : 32;
}

/* Where a value came from, for messages: "option --xleft" or "jobs/a.job:3: key 'xleft'". */
struct origin {
    const char *file; /* NULL: the command line */
    unsigned line;
};

static void set_error(char *err, size_t errlen, const struct origin *from,
                      const struct option_def *opt, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (from && from->file && opt)
        snprintf(err, errlen, "%s:%u: %s: %s", from->file, from->line, opt->long_name, detail);
    else if (from && from->file)
        snprintf(err, errlen, "%s:%u: %s", from->file, from->line, detail);
    else if (opt)
        snprintf(err, errlen, "option --%s: %s", opt->long_name, detail);
    else
        snprintf(err, errlen, "%s", detail);
}

static const struct option_def *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const char *candidate = option_table[i].long_name;
        if (strlen(candidate) != len)
            continue;
        size_t k;
        for (k = 0; k < len; k++) { /* job files may spell itermax_foo for itermax-foo */
            char c = name[k] == '_' ? '-' : name[k];
            if (c != candidate[k])
                break;
        }
        if (k == len)
            return &option_table[i];
    }
    return NULL;
}

static const struct option_def *find_short(char name)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (option_table[i].short_name == name)
            return &option_table[i];
    return NULL;
}

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0')
        return -1;
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return -2;
    *out = v;
    return 0;
}

static int parse_unsigned(const char *text, uint64_t max, uint64_t *out)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-')
        return -3; /* negative */
    if (*p < '0' || *p > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (*end != '\0')
        return -1;
    if (errno == ERANGE || v > max)
        return -2;
    *out = v;
    return 0;
}

static int parse_bool(const char *text, int *out)
{
    static const char *yes[] = {"1", "yes", "true", "on"};
    static const char *no[] = {"0", "no", "false", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(text, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

/* The names of an OPT_CHOICE option for messages and --help, aliases left
 * out: "a, b or c". */
static void choice_list(const struct option_def *opt, char *out, size_t outlen)
{
    const char *names[16];
    size_t n = 0, used = 0;
    for (const struct choice *c = opt->choices; c->name && n < 16; c++) {
        int alias = 0;
        for (const struct choice *earlier = opt->choices; earlier < c; earlier++)
            alias |= earlier->value == c->value;
        if (!alias)
            names[n++] = c->name;
    }
    out[0] = '\0';
    for (size_t i = 0; i < n && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
}

/* Numbers are read without the blanks around them, so that ' 100' and '100 '
 * (a quoted shell variable) are alike for every numeric option. Returns value
 * without them, copied into buf, or value itself if it has none or is too long. */
static const char *number_text(const char *value, char *buf, size_t len)
{
    size_t start = strspn(value, " \t"), end = strlen(value);
    while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t'))
        end--;
    if ((start == 0 && value[end] == '\0') || end - start >= len)
        return value;
    memcpy(buf, value + start, end - start);
    buf[end - start] = '\0';
    return buf;
}

/* Stores one option's value into params. value is NULL for a command-line flag. */
static int apply_value(const struct option_def *opt, const char *value, struct render_params *params,
                       const struct origin *from, char *err, size_t errlen)
{
    char *field = (char *)params + opt->offset;
    uint64_t u;
    int rc, flag = 1;
    char number[64];

    switch (opt->type) {
    case OPT_CHOICE:
        for (const struct choice *c = opt->choices; c->name; c++)
            if (strcmp(value, c->name) == 0) {
                memcpy(field, &c->value, sizeof c->value);
                return 0;
            }
        char names[256];
        choice_list(opt, names, sizeof names);
        set_error(err, errlen, from, opt, "unknown %s '%s' (choose %s)", opt->chosen, value, names);
        return -1;
    case OPT_CHANNELS: {
        char bad[64];
        if (channel_list_parse(value, (uint32_t *)field, bad, sizeof bad) != 0) {
            set_error(err, errlen, from, opt, "unknown channel '%s' (choose from counts, smooth, distance)", bad);
            return -1;
        }
        return 0;
    }
    case OPT_DOUBLE:
        rc = parse_double(number_text(value, number, sizeof number), (double *)field);
        if (rc == -1)
            set_error(err, errlen, from, opt, "'%s' is not a number", value);
        else if (rc == -2)
            set_error(err, errlen, from, opt, "'%s' is not a finite number", value);
        return rc == 0 ? 0 : -1;
    case OPT_UINT32:
    case OPT_UINT64:
        rc = parse_unsigned(number_text(value, number, sizeof number),
                            opt->type == OPT_UINT32 ? UINT32_MAX : UINT64_MAX, &u);
        if (rc == -1)
            set_error(err, errlen, from, opt, "'%s' is not a whole number", value);
        else if (rc == -2)
            set_error(err, errlen, from, opt, "'%s' is too large (at most %llu)", value,
                      opt->type == OPT_UINT32 ? (unsigned long long)UINT32_MAX
                                              : (unsigned long long)UINT64_MAX);
        else if (rc == -3)
            set_error(err, errlen, from, opt, "'%s' is negative", value);
        if (rc != 0)
            return -1;
        if (opt->type == OPT_UINT32)
            *(uint32_t *)field = (uint32_t)u;
        else
            *(uint64_t *)field = u;
        return 0;
    case OPT_CENTRE:
    case OPT_ZOOM: {
        size_t size = opt->type == OPT_CENTRE ? VIEW_DECIMAL_MAX : VIEW_ZOOM_MAX;
        size_t start = strspn(value, " \t"), len = strlen(value + start); /* blanks around it, as for numbers */
        while (len > 0 && (value[start + len - 1] == ' ' || value[start + len - 1] == '\t'))
            len--;
        if (len >= size) {
            set_error(err, errlen, from, opt, "the number is longer than %zu characters", size - 1);
            return -1;
        }
        char decimal[VIEW_DECIMAL_MAX];
        memcpy(decimal, value + start, len);
        decimal[len] = '\0';
        double mantissa;
        long exponent;
        if (view_decimal_parse(decimal, &mantissa, &exponent) != 0) {
            size_t bad = strspn(decimal, "0123456789+-.eE");
            if (decimal[bad])
                set_error(err, errlen, from, opt, "'%c' at character %zu of '%.40s%s' is not part of a decimal "
                          "number", decimal[bad], bad + 1, decimal, len > 40 ? "..." : "");
            else
                set_error(err, errlen, from, opt, "'%.60s%s' is not a decimal number (digits, one point, an "
                          "optional exponent such as e-300)", decimal, len > 60 ? "..." : "");
            return -1;
        }
        if (opt->type == OPT_ZOOM && !(mantissa > 0.0)) {
            set_error(err, errlen, from, opt, "'%.60s' is not a positive zoom", decimal);
            return -1;
        }
        if (opt->type == OPT_ZOOM && exponent < -2) { /* a sign slip: 1e-20 for 1e20 */
            char suggestion[VIEW_ZOOM_MAX] = "a zoom above 1 (larger zooms show smaller views)";
            const char *minus = strstr(decimal, "e-") ? strstr(decimal, "e-") : strstr(decimal, "E-");
            if (minus)
                snprintf(suggestion, sizeof suggestion, "%.*s%s", (int)(minus - decimal + 1), decimal, minus + 2);
            set_error(err, errlen, from, opt, "zoom %s shows a view about %.0e high: did you mean %s?", decimal,
                      4.0 / mantissa * pow(10.0, (double)-exponent), suggestion);
            return -1;
        }
        strcpy(field, decimal);
        return 0;
    }
    case OPT_PATH:
        if (value[0] == '\0') {
            set_error(err, errlen, from, opt, "the file name is empty");
            return -1;
        }
        if (strlen(value) >= PARAMS_PATH_MAX) {
            set_error(err, errlen, from, opt, "the file name is longer than %d bytes", PARAMS_PATH_MAX - 1);
            return -1;
        }
        strcpy(field, value);
        return 0;
    case OPT_NO_PATH:
    case OPT_BOOL:
        if (value && parse_bool(value, &flag) != 0) {
            set_error(err, errlen, from, opt, "'%s' is not yes or no", value);
            return -1;
        }
        if (opt->type == OPT_NO_PATH) {
            if (flag)
                field[0] = '\0';
        } else {
            *(int *)field = opt->inverted ? !flag : flag;
        }
        return 0;
    default:
        set_error(err, errlen, from, opt, "cannot be used here");
        return -1;
    }
}

/* Which options were given, so that defaults that depend on others fill only the rest. */
struct given {
    unsigned char by_file[OPTION_COUNT];
    unsigned line[OPTION_COUNT]; /* job-file line that set each option, for duplicate keys */
    unsigned char by_command_line[OPTION_COUNT];
};

static size_t option_index(const struct option_def *opt)
{
    return (size_t)(opt - option_table);
}

static int was_given(const struct given *given, const char *long_name)
{
    const struct option_def *opt = find_long(long_name, strlen(long_name));
    size_t i = option_index(opt);
    return given->by_file[i] || given->by_command_line[i];
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Kalles Fraktaler location files (.kfr): "Key: value" lines. The keys that
 * say where to look map to options; the others (colours, KF's own settings)
 * do not apply and are named in one note. */
static const struct {
    const char *key, *option;
} kfr_keys[] = {{"Re", "center-re"}, {"Im", "center-im"}, {"Zoom", "zoom"}, {"Iterations", "itermax"}};

/* Whether a job file is a Kalles Fraktaler location file, by its name. */
static int is_kfr_file(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".kfr") == 0;
}

/* Whether a .kfr line of len bytes sets one of the keys that apply. */
static int kfr_line_used(const char *line, size_t len)
{
    for (size_t k = 0; k < sizeof kfr_keys / sizeof kfr_keys[0]; k++) {
        size_t n = strlen(kfr_keys[k].key);
        if (len > n && strncmp(line, kfr_keys[k].key, n) == 0 && (line[n] == ':' || line[n] == ' '))
            return 1;
    }
    return 0;
}

/* The option a .kfr key sets, or NULL (ignored). Sets *refused to a reason
 * when the file asks for what mpifractal cannot render. */
static const char *kfr_option(const char *key, const char *value, const char **refused)
{
    for (size_t k = 0; k < sizeof kfr_keys / sizeof kfr_keys[0]; k++)
        if (strcmp(key, kfr_keys[k].key) == 0)
            return kfr_keys[k].option;
    if (strcmp(key, "FractalType") == 0 && strcmp(value, "0") != 0)
        *refused = "FractalType is not 0 (the Mandelbrot set): mpifractal renders z^2 + c only";
    if (strcmp(key, "Power") == 0 && strcmp(value, "2") != 0)
        *refused = "Power is not 2: mpifractal renders z^2 + c only";
    return NULL;
}

/* Where a job file line's comment starts: at a '#' that begins the line (after
 * blanks) or follows a blank, so that a '#' inside a value ("a#b.h5") is kept.
 * Returns NULL if the line has none. */
static char *find_comment(char *line)
{
    for (char *p = line; (p = strchr(p, '#')) != NULL; p++)
        if (p == line + strspn(line, " \t") || p[-1] == ' ' || p[-1] == '\t')
            return p;
    return NULL;
}

/* Reads a job file of "key = value" lines into params. A UTF-8 byte-order mark
 * at the start (as Windows editors write) is skipped and CRLF line ends work; a
 * file with no setting at all (empty, or only comments) is refused. */
static int apply_job_file(const char *path, struct render_params *params, struct given *given,
                          char *err, size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; what is not a
     * regular file is refused before anything is read from it */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open job file '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "job file '%s' is %s, not a regular file", path,
                 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "a device or socket");
        close(fd);
        return -1;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open job file '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    char *text = malloc(JOB_FILE_MAX + 1);
    size_t size = text ? fread(text, 1, JOB_FILE_MAX + 1, f) : 0;
    int read_errno = errno, read_error = ferror(f);
    fclose(f);
    if (!text || read_error) {
        snprintf(err, errlen, "cannot read job file '%s': %s", path,
                 text ? strerror(read_errno) : "out of memory");
        free(text);
        return -1;
    }
    if (size > JOB_FILE_MAX) {
        snprintf(err, errlen, "job file '%s' is larger than %d bytes: is it really a job file?", path,
                 JOB_FILE_MAX);
        free(text);
        return -1;
    }
    text[size] = '\0';

    struct origin from = {path, 0};
    int rc = 0, settings = 0;
    const int kfr = is_kfr_file(path);
    char ignored[512] = "";
    size_t ignored_len = 0;
    if (kfr)
        params->fractal = FRACTAL_MANDELBROT; /* Kalles Fraktaler's locations are of the Mandelbrot set */
    char *line = text;
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
        line += 3;
    while (rc == 0 && line < text + size) {
        char *next = memchr(line, '\n', (size_t)(text + size - line));
        size_t len = next ? (size_t)(next - line) : strlen(line);
        from.line++;
        if (memchr(line, '\0', len)) {
            set_error(err, errlen, &from, NULL, "binary data: a job file holds 'key = value' text lines");
            rc = -1;
            break;
        }
        if (len > JOB_LINE_MAX && kfr && !kfr_line_used(line, len)) {
            /* a long Kalles Fraktaler setting (its colour table) that does not apply */
            size_t key_len = strcspn(line, ": \t\r\n");
            if (ignored_len < sizeof ignored)
                ignored_len += (size_t)snprintf(ignored + ignored_len, sizeof ignored - ignored_len, "%s%.*s",
                                                ignored_len ? ", " : "", (int)(key_len < 40 ? key_len : 40), line);
            line = next ? next + 1 : text + size;
            continue;
        }
        if (len > JOB_LINE_MAX) {
            set_error(err, errlen, &from, NULL, "line longer than %d characters", JOB_LINE_MAX);
            rc = -1;
            break;
        }
        line[len] = '\0';
        char *comment = find_comment(line);
        if (comment)
            *comment = '\0';
        char *content = trim(line);
        line = next ? next + 1 : text + size;
        if (*content == '\0')
            continue;
        char *eq = strchr(content, kfr ? ':' : '=');
        if (!eq) {
            set_error(err, errlen, &from, NULL, kfr ? "expected 'Key: value', got '%.60s'"
                                                    : "expected 'key = value', got '%.60s'", content);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(content), *value = trim(eq + 1);
        if (key[0] == '-' && key[1] == '-')
            key += 2;
        if (kfr) {
            const char *refused = NULL, *option = kfr_option(key, value, &refused);
            if (refused) {
                set_error(err, errlen, &from, NULL, "%s", refused);
                rc = -1;
                break;
            }
            if (!option && (strcmp(key, "FractalType") == 0 || strcmp(key, "Power") == 0))
                continue; /* checked above: the formula z^2 + c */
            if (!option) {
                if (ignored_len < sizeof ignored)
                    ignored_len += (size_t)snprintf(ignored + ignored_len, sizeof ignored - ignored_len, "%s%.40s",
                                                    ignored_len ? ", " : "", key);
                continue;
            }
            key = (char *)option;
        }
        const struct option_def *opt = find_long(key, strlen(key));
        if (!opt) {
            set_error(err, errlen, &from, NULL, "unknown key '%.60s' (keys are the long option names of --help)", key);
            rc = -1;
        } else if (opt->type == OPT_JOB || opt->type == OPT_HELP || opt->type == OPT_VERSION) {
            set_error(err, errlen, &from, NULL, "'%s' cannot be used in a job file", opt->long_name);
            rc = -1;
        } else if (given->by_file[option_index(opt)]) {
            set_error(err, errlen, &from, NULL, "'%s' is set twice (first on line %u)", opt->long_name,
                      given->line[option_index(opt)]);
            rc = -1;
        } else if (*value == '\0') {
            set_error(err, errlen, &from, opt, "no value after '='");
            rc = -1;
        } else {
            given->by_file[option_index(opt)] = 1;
            given->line[option_index(opt)] = from.line;
            settings++;
            rc = apply_value(opt, value, params, &from, err, errlen);
        }
    }
    free(text);
    if (rc == 0 && ignored_len) /* one note, so that nothing is dropped silently */
        fprintf(stderr, "mpifractal: note: '%s': Kalles Fraktaler settings that do not apply here were "
                "ignored: %s\n", path, ignored);
    if (rc == 0 && settings == 0) {
        snprintf(err, errlen, "job file '%s' has no settings (expected 'key = value' lines)", path);
        rc = -1;
    }
    return rc;
}

/* One option found on the command line, with its value (NULL for a flag). */
struct cli_item {
    const struct option_def *opt;
    const char *value;
};

/* Splits argv into options and the positional job file. Returns the number of
 * items, or -1 with a message. */
static int scan_command_line(int argc, char **argv, struct cli_item *items, const char **job,
                             char *err, size_t errlen)
{
    int count = 0, only_positional = 0;
    *job = NULL;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        const struct option_def *opt = NULL;
        const char *value = NULL;
        int attached = 0;

        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (*job) {
                snprintf(err, errlen, "unexpected argument '%s': only one job file may be given", arg);
                return -1;
            }
            *job = arg;
            continue;
        }
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            opt = find_long(name, len);
            if (!opt || memchr(name, '_', len)) {
                snprintf(err, errlen, "unknown option '--%.*s' (see --help)", (int)len, name);
                return -1;
            }
            if (eq)
                value = eq + 1, attached = 1;
        } else {
            opt = find_short(arg[1]);
            if (!opt) {
                snprintf(err, errlen, "unknown option '-%c' (see --help)", arg[1]);
                return -1;
            }
            if (arg[2] != '\0') /* -x0.1 and -x=0.1 (the seed CLI's form) */
                value = arg[2] == '=' ? arg + 3 : arg + 2, attached = 1;
        }
        if (opt->metavar && !attached) {
            if (a + 1 >= argc) {
                snprintf(err, errlen, "option --%s needs a value (%s)", opt->long_name, opt->metavar);
                return -1;
            }
            value = argv[++a];
            /* "--x" or "-q" is the next option, not a value; "-0.5" is a value */
            if (value[0] == '-' && (value[1] == '-' || isalpha((unsigned char)value[1]))) {
                snprintf(err, errlen, "option --%s needs a value (%s), not '%s'", opt->long_name, opt->metavar,
                         value);
                return -1;
            }
        } else if (!opt->metavar && attached && opt->type != OPT_BOOL && opt->type != OPT_NO_PATH) {
            snprintf(err, errlen, "option --%s takes no value", opt->long_name);
            return -1;
        }
        if (opt->type == OPT_JOB) {
            if (*job) {
                snprintf(err, errlen, "only one job file may be given ('%s' and '%s')", *job, value);
                return -1;
            }
            *job = value;
            continue;
        }
        items[count].opt = opt;
        items[count].value = value;
        count++;
    }
    return count;
}

static void set_defaults(struct render_params *params)
{
    memset(params, 0, sizeof *params);
    params->fractal = FRACTAL_JULIA;
    params->c_re = -0.835;
    params->c_im = -0.2321;
    params->threshold = 2.0;
    params->itermin = 20;
    params->itermax = 100;
    params->width = 4000;
    params->progress = -1;
    params->png_depth = 8;
    params->compress = 1;
    params->smooth_radius = CHANNEL_DEFAULT_RADIUS;
    params->samples = 1;
    params->color_cycle = 32;
}

/* Largest frame count: frame numbers stay short enough to read. */
#define FRAMES_MAX 1000000u
/* How much the end view's aspect ratio may differ from the start view's (1%). */
#define ZOOM_ASPECT_TOLERANCE 0.01

/* A zoom sequence (--frames): checks the frame and the end view, replaces the
 * view with the frame's view and numbers the output names. The image size
 * was already fixed from the start view, so every frame has the same. */
static int apply_zoom(struct render_params *params, const struct given *given, char *err, size_t errlen)
{
    static const char *zoom_names[6] = {"frame", "end-zoom", "end-xleft", "end-xright", "end-ybot", "end-ytop"};
    static const char *edge_words[4] = {"left", "right", "bottom", "top"};
    const int centre = params->view.kind == VIEW_CENTRE;
    if (!was_given(given, "frames")) {
        for (int k = 0; k < 6; k++)
            if (was_given(given, zoom_names[k])) {
                snprintf(err, errlen, "--%s belongs to a zoom sequence: give --frames N too", zoom_names[k]);
                return -1;
            }
        return 0;
    }
    if (params->frames < 2 || params->frames > FRAMES_MAX) {
        snprintf(err, errlen, "frames (%u) must be between 2 and %u (the start view, the end view and "
                 "the frames between)", params->frames, FRAMES_MAX);
        return -1;
    }
    if (!was_given(given, "frame")) {
        snprintf(err, errlen, "--frames %u needs --frame K, the frame to render (0 to %u)", params->frames,
                 params->frames - 1);
        return -1;
    }
    if (params->frame >= params->frames) {
        snprintf(err, errlen, "frame (%u) must be between 0 and %u (--frames %u counts from 0)", params->frame,
                 params->frames - 1, params->frames);
        return -1;
    }
    for (int k = 1; k < 6; k++) {
        int wanted = centre ? k == 1 : k >= 2;
        if (wanted && !was_given(given, zoom_names[k])) {
            if (centre)
                snprintf(err, errlen, "a zoom sequence of a view by its centre needs --end-zoom (the last frame's zoom)");
            else
                snprintf(err, errlen, "the zoom's end view needs --%s (the %s edge of the last frame)",
                         zoom_names[k], edge_words[k - 2]);
            return -1;
        }
        if (!wanted && was_given(given, zoom_names[k])) {
            snprintf(err, errlen, "--%s ends a zoom of a view given by its %s: use %s", zoom_names[k],
                     centre ? "edges" : "centre", centre ? "--end-zoom" : "--end-xleft, --end-xright, --end-ybot and --end-ytop");
            return -1;
        }
    }
    if (!centre) {
        const struct view_end *end = &params->end;
        if (!(end->xleft < end->xright) || !(end->ybot < end->ytop)) {
            snprintf(err, errlen, "the end view must have end-xleft < end-xright and end-ybot < end-ytop "
                     "(got %.17g, %.17g, %.17g, %.17g)", end->xleft, end->xright, end->ybot, end->ytop);
            return -1;
        }
        const struct view *v = &params->view;
        double start_aspect = (v->xright - v->xleft) / (v->ytop - v->ybot);
        double end_aspect = (end->xright - end->xleft) / (end->ytop - end->ybot);
        if (!isfinite(end_aspect) || !(fabs(log(end_aspect / start_aspect)) <= ZOOM_ASPECT_TOLERANCE)) {
            snprintf(err, errlen, "the end view's width/height (%g) differs from the start view's (%g) by more "
                     "than 1%%: the frames would be stretched", end_aspect, start_aspect);
            return -1;
        }
    }
    if (view_frame(&params->view, &params->end, params->frame, params->frames, err, errlen) != 0)
        return -1;
    char *paths[2] = {params->hdf5_path, params->png_path};
    for (int k = 0; k < 2; k++) {
        char numbered[PARAMS_PATH_MAX];
        if (!paths[k][0])
            continue;
        if (zoom_frame_path(paths[k], params->frame, params->frames, numbered, sizeof numbered) != 0) {
            snprintf(err, errlen, "the file name '%.64s...' is too long to add a frame number", paths[k]);
            return -1;
        }
        strcpy(paths[k], numbered);
    }
    return 0;
}

/* The shortest text that reads back as v (up to 17 significant digits), so
 * that two different numbers never print alike: 0.30000000000000004, not 0.3. */
static const char *exact_text(double v, char buf[32])
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* Decides the kind of view from what was given and checks it: edges (the
 * fractal's default view fills those not given) or a centre and a zoom. */
static int choose_view(struct render_params *params, const struct given *given, char *err, size_t errlen)
{
    static const char *edge_names[4] = {"xleft", "xright", "ybot", "ytop"};
    static const char *centre_names[3] = {"center-re", "center-im", "zoom"};
    int edges_given = -1, centre_given = -1;
    for (int e = 0; e < 4; e++)
        if (was_given(given, edge_names[e]) && edges_given < 0)
            edges_given = e;
    for (int e = 0; e < 3; e++)
        if (was_given(given, centre_names[e]) && centre_given < 0)
            centre_given = e;
    struct view *v = &params->view;
    if (centre_given >= 0) {
        if (edges_given >= 0) {
            snprintf(err, errlen, "--%s and --%s: give the view either by its edges (-x, -X, -y, -Y) or by its "
                     "centre and zoom (--center-re, --center-im, --zoom), not both", edge_names[edges_given],
                     centre_names[centre_given]);
            return -1;
        }
        v->kind = VIEW_CENTRE;
        if (!v->center_re[0])
            strcpy(v->center_re, "0");
        if (!v->center_im[0])
            strcpy(v->center_im, "0");
        if (!v->zoom[0])
            strcpy(v->zoom, "1");
        return 0;
    }
    v->kind = VIEW_EDGES;
    char low[32], high[32];
    double *edges[4] = {&v->xleft, &v->xright, &v->ybot, &v->ytop};
    for (int e = 0; e < 4; e++)
        if (!was_given(given, edge_names[e]))
            *edges[e] = default_view[params->fractal][e];
    if (!(v->xleft < v->xright)) {
        snprintf(err, errlen, "xleft (-x %s) must be less than xright (-X %s)", exact_text(v->xleft, low),
                 exact_text(v->xright, high));
        return -1;
    }
    if (!(v->ybot < v->ytop)) {
        snprintf(err, errlen, "ybot (-y %s) must be less than ytop (-Y %s)", exact_text(v->ybot, low),
                 exact_text(v->ytop, high));
        return -1;
    }
    if (!isfinite(v->xright - v->xleft) || !isfinite(v->ytop - v->ybot)) {
        snprintf(err, errlen, "the region is too wide to represent (xright - xleft or ytop - ybot overflows)");
        return -1;
    }
    return 0;
}

/* Checks that the engine can render the view: doubles must resolve a view
 * they compute, and perturbation takes its centre from decimals. */
static int check_engine(const struct render_params *params, char *err, size_t errlen)
{
    int deep = params_too_deep_for_double(params);
    if (params->view.kind == VIEW_EDGES && deep) {
        snprintf(err, errlen, "the view is too narrow for double precision (its samples would round to the "
                 "same values and draw blocks): give it by --center-re, --center-im and --zoom, which "
                 "renders it with perturbation");
        return -1;
    }
    if (params->engine == ENGINE_DOUBLE && deep) {
        snprintf(err, errlen, "the view at zoom %s is too deep for --engine double: use --engine auto or "
                 "perturbation", params->view.zoom);
        return -1;
    }
    if (params->engine == ENGINE_PERTURBATION && params->view.kind != VIEW_CENTRE) {
        snprintf(err, errlen, "--engine perturbation needs the view by --center-re, --center-im and --zoom");
        return -1;
    }
    if (params->reference_path[0] && ((params->hdf5_path[0] && output_same_file(params->reference_path, params->hdf5_path)) ||
                                       (params->png_path[0] && output_same_file(params->reference_path, params->png_path)))) {
        snprintf(err, errlen, "--reference '%.200s' names an output file: give the reference orbit a file of its own",
                 params->reference_path);
        return -1;
    }
    if (params->reference_path[0] && params->frames == 0 && params_engine(params) != ENGINE_PERTURBATION) {
        snprintf(err, errlen, "--reference is the reference orbit of perturbation, which this view does not "
                 "use (give --engine perturbation, or a deeper view)");
        return -1;
    }
    return 0;
}

/* Checks the parameters together and fills the defaults that depend on others. */
static int finish_params(struct render_params *params, const struct given *given, char *err,
                         size_t errlen)
{
    if (choose_view(params, given, err, errlen) != 0)
        return -1;
    if (!was_given(given, "output") && !was_given(given, "no-hdf5"))
        snprintf(params->hdf5_path, sizeof params->hdf5_path, "%s.h5", fractal_name(params->fractal));

    if (!(params->threshold > 0.0) || !isfinite(params->threshold * params->threshold)) {
        snprintf(err, errlen, "threshold (-t %g) must be positive and its square finite", params->threshold);
        return -1;
    }
    if (params->itermax <= params->itermin) {
        snprintf(err, errlen, "itermax (-M %u) must be greater than itermin (-m %u)", params->itermax,
                 params->itermin);
        return -1;
    }
    if (params->width < 2 || params->width > WIDTH_MAX) {
        snprintf(err, errlen, "resolution (-R %llu) must be between 2 and %llu (samples include both edges)",
                 (unsigned long long)params->width, WIDTH_MAX);
        return -1;
    }
    if (params->height == 0) {
        params->height = view_default_height(&params->view, params->width);
        if (params->height == 0 || params->height > DIMENSION_MAX) {
            snprintf(err, errlen, "the region's aspect ratio gives more than %llu rows at resolution %llu: "
                     "give --height or a smaller resolution", DIMENSION_MAX, (unsigned long long)params->width);
            return -1;
        }
    } else if (params->height < 2 || params->height > DIMENSION_MAX) {
        snprintf(err, errlen, "height (%llu) must be between 2 and %llu (samples include both edges)",
                 (unsigned long long)params->height, DIMENSION_MAX);
        return -1;
    }
    if (apply_zoom(params, given, err, errlen) != 0 || check_engine(params, err, errlen) != 0)
        return -1;
    if (params->resume_if_exists && !params->hdf5_path[0]) {
        snprintf(err, errlen, "--continue needs the HDF5 output to continue, not --no-hdf5");
        return -1;
    }
    if (params->resume_if_exists && params->force) {
        snprintf(err, errlen, "--continue keeps an existing output and --force overwrites it: choose one");
        return -1;
    }
    if (params->resume && params->force) {
        snprintf(err, errlen, "--resume keeps the existing output and --force overwrites it: choose one");
        return -1;
    }
    if (params->threads > THREADS_MAX) {
        snprintf(err, errlen, "threads (%u) must be at most %u per rank (0 = automatic)", params->threads,
                 THREADS_MAX);
        return -1;
    }
    if (params->compress > 9) {
        snprintf(err, errlen, "compress (%u) must be a deflate level from 0 (off) to 9", params->compress);
        return -1;
    }
    if (params->png_depth != 8 && params->png_depth != 16) {
        snprintf(err, errlen, "png-depth (%u) must be 8 or 16", params->png_depth);
        return -1;
    }
    if (!(params->smooth_radius >= 2.0 && params->smooth_radius <= 1e50)) {
        snprintf(err, errlen, "smooth-radius (%g) must be between 2 and 1e50", params->smooth_radius);
        return -1;
    }
    if (params->samples < 1 || params->samples > 16) {
        snprintf(err, errlen, "samples (%u) must be between 1 and 16 (samples x samples per pixel)",
                 params->samples);
        return -1;
    }
    if (params->color_cycle == 0) {
        snprintf(err, errlen, "color-cycle must be at least 1 iteration");
        return -1;
    }
    /* options that only shape the PNG, or only the supersampled outputs, would
     * do nothing: refused, unless --no-png turned off a PNG (of a job file, say)
     * that they were meant for, and then ignored */
    int png_turned_off = !params->png_path[0] && was_given(given, "no-png");
    static const char *png_only[] = {"colormap", "color-by", "color-cycle", "equalize", "png-depth"};
    for (size_t k = 0; k < sizeof png_only / sizeof png_only[0] && !png_turned_off; k++)
        if (!params->png_path[0] && was_given(given, png_only[k]) &&
            (params->equalize || strcmp(png_only[k], "equalize") != 0)) { /* equalize = no is harmless */
            snprintf(err, errlen, "--%s sets the PNG's colours: give --png FILE too", png_only[k]);
            return -1;
        }
    if (was_given(given, "color-cycle") && params->colormap != COLORMAP_CYCLIC && !png_turned_off) {
        snprintf(err, errlen, "--color-cycle sets the cyclic colour map's period: give --colormap cyclic too");
        return -1;
    }
    if (was_given(given, "smooth-radius") && !params->channels && !params->color_by_smooth) {
        snprintf(err, errlen, "--smooth-radius shapes the smooth and distance channels: give --channels too");
        return -1;
    }
    if (params->samples > 1 && !params->png_path[0] && !params->channels && !png_turned_off) {
        snprintf(err, errlen, "--samples %u changes only the PNG and the smooth and distance channels: give "
                 "--png FILE or --channels too (the counts are those of the grid points)", params->samples);
        return -1;
    }
    if (params->color_by_smooth) /* the PNG's colours come from the smooth channel: compute and keep it */
        params->channels |= CHANNEL_SMOOTH;
    if (png_turned_off)
        params->equalize = 0; /* it only shapes the PNG */
    if (params->equalize && !params->hdf5_path[0]) {
        snprintf(err, errlen, "--equalize makes the PNG from the HDF5 file once it is complete: it cannot "
                 "be used with --no-hdf5");
        return -1;
    }
    if (params->equalize && params->samples > 1) {
        snprintf(err, errlen, "--equalize cannot be combined with --samples %u (the HDF5 file does not hold "
                 "every sample)", params->samples);
        return -1;
    }
    if (params->dtype_bits && params->dtype_bits < 32 && params->itermax >> params->dtype_bits) {
        snprintf(err, errlen, "--dtype uint%u cannot hold itermax %u: use a wider type or auto",
                 params->dtype_bits, params->itermax);
        return -1;
    }
    if (!kernel_path_supported((enum kernel_path)params->kernel)) {
        snprintf(err, errlen, "this CPU cannot run the %s kernel: use --kernel auto",
                 kernel_path_name((enum kernel_path)params->kernel));
        return -1;
    }
    return 0;
}

enum options_action options_parse(int argc, char **argv, struct render_params *params, char *err,
                                  size_t errlen)
{
    struct given given;
    memset(&given, 0, sizeof given);
    set_defaults(params);
    err[0] = '\0';

    struct cli_item *items = calloc((size_t)(argc > 0 ? argc : 1), sizeof *items);
    if (!items) {
        snprintf(err, errlen, "out of memory");
        return OPTIONS_ERROR;
    }
    const char *job = NULL;
    enum options_action action = OPTIONS_RENDER;
    int count = scan_command_line(argc, argv, items, &job, err, errlen);
    if (count < 0)
        action = OPTIONS_ERROR;
    for (int k = 0; action == OPTIONS_RENDER && k < count; k++) {
        if (items[k].opt->type == OPT_HELP)
            action = OPTIONS_HELP;
        else if (items[k].opt->type == OPT_VERSION)
            action = OPTIONS_VERSION;
    }
    if (action == OPTIONS_RENDER && job && apply_job_file(job, params, &given, err, errlen) != 0)
        action = OPTIONS_ERROR;
    for (int k = 0; action == OPTIONS_RENDER && k < count; k++) {
        struct origin from = {NULL, 0};
        given.by_command_line[option_index(items[k].opt)] = 1;
        if (apply_value(items[k].opt, items[k].value, params, &from, err, errlen) != 0)
            action = OPTIONS_ERROR;
    }
    free(items);
    if (action == OPTIONS_RENDER && job && is_kfr_file(job) && params->fractal != FRACTAL_MANDELBROT) {
        snprintf(err, errlen, "'%.200s' is a Kalles Fraktaler location of the Mandelbrot set: it cannot be "
                 "rendered as a Julia set", job);
        action = OPTIONS_ERROR;
    }
    if (action == OPTIONS_RENDER && finish_params(params, &given, err, errlen) != 0)
        action = OPTIONS_ERROR;
    return action;
}

/* Checks that path can be created: the directory exists and is writable, the
 * file does not exist unless force. */
static int check_output_path(const char *path, const char *what, int force, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s output '%s' is a directory", what, path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) { /* it would be replaced by a regular file, even /dev/null */
            snprintf(err, errlen, "%s output '%s' is %s, not a regular file: outputs are only written as "
                     "regular files", what, path, S_ISFIFO(st.st_mode) ? "a FIFO" : "a device or socket");
            return -1;
        }
        if (!force) {
            snprintf(err, errlen, "%s output '%s' exists: use --force to overwrite it%s", what, path,
                     strcmp(what, "HDF5") == 0 ? ", or --resume to finish an interrupted render" : "");
            return -1;
        }
        if (access(path, W_OK) != 0) {
            snprintf(err, errlen, "%s output '%s' cannot be overwritten: %s", what, path, strerror(errno));
            return -1;
        }
    }
    char dir[PARAMS_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0 && errno == ENOTDIR) {
        snprintf(err, errlen, "cannot write %s output '%s': a part of '%s' is not a directory", what, path, dir);
        return -1;
    }
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "cannot write %s output '%s': directory '%s' does not exist", what, path, dir);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot write %s output '%s': '%s' is not a directory", what, path, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "cannot write %s output '%s': directory '%s' is not writable", what, path, dir);
        return -1;
    }
    return 0;
}

int options_check_outputs(struct render_params *params, char *err, size_t errlen)
{
    struct stat st;
    if (params->resume_if_exists && stat(params->hdf5_path, &st) == 0)
        params->resume = 1;
    if (params->resume) {
        if (!params->hdf5_path[0]) {
            snprintf(err, errlen, "--resume needs the HDF5 output of the interrupted render, not --no-hdf5");
            return -1;
        }
        if (stat(params->hdf5_path, &st) != 0) {
            snprintf(err, errlen, "cannot resume '%s': %s", params->hdf5_path, strerror(errno));
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "cannot resume '%s': it is not a regular file", params->hdf5_path);
            return -1;
        }
    } else if (params->hdf5_path[0] &&
               check_output_path(params->hdf5_path, "HDF5", params->force, err, errlen)) {
        return -1;
    }
    if (params->resume && params->png_path[0] && params->samples > 1) {
        snprintf(err, errlen, "a resumed render makes its PNG from the HDF5 file, which does not hold every "
                 "sample of --samples %u: resume with --no-png", params->samples);
        return -1;
    }
    /* a resumed render replaces the PNG: one is only ever left whole, by a finished run */
    if (params->png_path[0] &&
        check_output_path(params->png_path, "PNG", params->force || params->resume, err, errlen))
        return -1;
    /* by device and inode, or directory and name: "a.h5" and "./a.h5" are one file */
    if (params->hdf5_path[0] && params->png_path[0] && output_same_file(params->hdf5_path, params->png_path)) {
        snprintf(err, errlen, "the HDF5 and PNG outputs are the same file ('%s' and '%s')", params->hdf5_path,
                 params->png_path);
        return -1;
    }
    return 0;
}

void options_help(FILE *out, const char *program)
{
    fprintf(out,
            "Usage: mpirun -np N %s [JOBFILE] [OPTIONS]\n"
            "       %s [JOBFILE] [OPTIONS]          (one process)\n"
            "\n"
            "Renders the escape-time counts of the Mandelbrot set or a Julia set over a\n"
            "region of the complex plane into an HDF5 dataset and, optionally, a PNG.\n"
            "Rank 0 hands out bands of rows to all ranks (itself included) as they ask\n"
            "for work and writes the results in order; the output is the same for any\n"
            "number of ranks and any band height.\n",
            program, program);
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const struct option_def *opt = &option_table[i];
        char left[64];
        if (opt->section)
            fprintf(out, "\n%s:\n", opt->section);
        else if (i + 1 < OPTION_COUNT && opt->type == OPT_JOB)
            fprintf(out, "\nJob files and help:\n");
        int n = 0;
        if (opt->short_name)
            n = snprintf(left, sizeof left, "  -%c, --%s", opt->short_name, opt->long_name);
        else
            n = snprintf(left, sizeof left, "      --%s", opt->long_name);
        if (opt->metavar)
            snprintf(left + n, sizeof left - (size_t)n, " %s", opt->metavar);
        char names[256] = "";
        if (opt->type == OPT_CHOICE) {
            choice_list(opt, names, sizeof names);
            strcat(names, ": ");
        }
        fprintf(out, "%-27s %s%s\n", left, names, opt->help);
    }
    fprintf(out,
            "\n"
            "Escape count: z(k+1) = z(k)^2 + c, with z(0) = 0 and c = the sample\n"
            "(mandelbrot) or z(0) = the sample and c = CR + CI i (julia). The count is\n"
            "the first k (0-based) at which |z(k+1)| > T, or itermax if that never happens.\n"
            "\n"
            "Sampling: x = numpy.linspace(xleft, xright, width) and\n"
            "y = numpy.linspace(ytop, ybot, height): both edges are samples and row 0 is\n"
            "the top (ytop). The height keeps the spacing of x and y equal unless given.\n"
            "The region edges default to the chosen fractal's view (shown in brackets).\n"
            "\n"
            "Deep zooms: --center-re, --center-im and --zoom Z give the view by its centre\n"
            "(decimals of any length, never rounded) and its zoom, as Kalles Fraktaler\n"
            "and Fraktaler-3 do: the image's half-height is 2/Z, the spacing d =\n"
            "4 / (Z (height - 1)), sample (i, j) is at centre + ((i - (width-1)/2) d,\n"
            "((height-1)/2 - j) d), and the height defaults to 16:9. A Kalles Fraktaler\n"
            "location file (.kfr: Re, Im, Zoom, Iterations) is read like a job file.\n"
            "Views deeper than double precision resolves (from about zoom 1e10) are\n"
            "computed by perturbation: one reference orbit in arbitrary precision\n"
            "(MPFR), shared by all ranks, and each sample's small difference from it\n"
            "in doubles. Give the Mandelbrot set's locations with -f mandelbrot.\n"
            "\n"
            "PNG grey level: 255 * (max(n, itermin) - itermin) / (itermax - itermin),\n"
            "rounded: black escapes fast, white never escapes. --colormap viridis maps\n"
            "the same position to matplotlib's viridis, --colormap cyclic repeats a\n"
            "rainbow every --color-cycle iterations; both colour the interior black.\n"
            "\n"
            "Channels: smooth = m - log2(log2 |z(m)|) and distance = |z| ln|z| / |dz|\n"
            "at the first m with |z(m)| > --smooth-radius (escaped orbits are followed\n"
            "past their count; the counts keep -t), NaN where a sample never escaped.\n"
            "\n"
            "Zoom sequences: with --frames N, the region options give the first frame's\n"
            "view and --end-xleft, --end-xright, --end-ybot, --end-ytop the last one's.\n"
            "Frame K (t = K / (N-1)) moves every edge e to e_start + (e_end - e_start) *\n"
            "(s^t - 1) / (s - 1), s = end width / start width: the width changes\n"
            "geometrically (start width * s^t) and the point the two views share stays\n"
            "put on screen. The image size is the first frame's for all of them, and\n"
            "the outputs get the frame number: -o zoom.h5 --frame 7 writes zoom-0007.h5.\n"
            "A view by its centre keeps the centre, and its zoom goes geometrically from\n"
            "--zoom to --end-zoom; --reference FILE lets all frames share one reference\n"
            "orbit (computed once, for the deepest frame).\n"
            "\n"
            "Job files: one 'key = value' per line, keys are the long option names\n"
            "(itermax = 200), '#' at the start of a line or after a blank starts a comment;\n"
            "the command line overrides the file.\n"
            "\n"
            "Examples:\n"
            "  mpirun -np 2 %s jobs/seed-julia.job\n"
            "  %s -x=-0.1 -X=0.1 -y=-0.1 -Y=0.1 -m=20 -M=100 -R=4000 -o seed.h5 --png seed.png\n"
            "  mpirun -np 2 %s -f mandelbrot -R 8000 -M 1000 -o mandel.h5 --png mandel.png\n"
            "  %s jobs/zoom.job --frame 0        (frame 0 of the zoom sequence)\n"
            "  %s jobs/minibrot-1e300.job        (a minibrot at 1e-300, by perturbation)\n"
            "\n"
            "Exit status: 0 done, 1 failed while rendering or writing, 2 bad input\n"
            "(nothing was computed and no output was created), 3 interrupted by SIGINT,\n"
            "SIGTERM or SIGUSR1 (the rows stored are saved: run again with --resume).\n",
            program, program, program, program, program);
}
