/* params.h - the parameters of one render: fractal, region, iteration limits, outputs. */
#ifndef MPIFRACTAL_PARAMS_H
#define MPIFRACTAL_PARAMS_H

#include <stdint.h>

#include "view.h"

#define PARAMS_PATH_MAX 4096
/* Longest command line kept for the HDF5 history attribute (longer ones are cut). */
#define PARAMS_COMMAND_MAX 2048

enum fractal_kind {
    FRACTAL_MANDELBROT = 0, /* z0 = 0, c = pixel */
    FRACTAL_JULIA = 1       /* z0 = pixel, c = (c_re, c_im) */
};

/* The PNG's colour maps (see colormap.h). */
enum colormap_kind {
    COLORMAP_GRAY = 0, /* black to white: the seed juliaset program's grey ramp */
    COLORMAP_VIRIDIS,  /* matplotlib's default: dark blue, green, yellow; luminance rises */
    COLORMAP_CYCLIC    /* a cosine rainbow that repeats every color_cycle iterations */
};

/* Everything that defines a render. Plain data: rank 0 fills and validates it,
 * then broadcasts it to the other ranks as bytes. */
struct render_params {
    enum fractal_kind fractal;
    struct view view;                 /* the region of the complex plane */
    int engine;                       /* enum engine_choice: how samples are computed */
    char reference_path[PARAMS_PATH_MAX]; /* perturbation: the reference orbit's file, "" = none */
    double c_re, c_im;                /* Julia constant */
    double threshold;                 /* escape radius: escaped when |z| > threshold */
    uint32_t itermin, itermax;        /* PNG grey ramp starts at itermin; counts stop at itermax */
    uint64_t width;                   /* samples along the real axis (--resolution) */
    uint64_t height;                  /* samples along the imaginary axis; 0 = from the aspect ratio */
    uint32_t band_rows;               /* rows per work unit; 0 = automatic */
    int kernel;                       /* enum kernel_path: 0 = the best the CPU supports */
    uint32_t threads;                 /* threads per rank; 0 = the CPUs the launcher gave the rank */
    int no_shortcuts;                 /* iterate every sample to the end (benchmarks) */
    int no_bla;                       /* perturbation: every step, no bilinear approximation skips */
    uint32_t channels;                /* CHANNEL_* bits: float32 channels beside the counts */
    double smooth_radius;             /* escaped orbits are followed to |z| > this for the channels */
    uint32_t samples;                 /* supersampling: samples x samples per pixel (1 = the grid) */
    char hdf5_path[PARAMS_PATH_MAX];  /* "" = no HDF5 output */
    char png_path[PARAMS_PATH_MAX];   /* "" = no PNG output */
    int png_fast;                     /* lowest zlib level for the PNG */
    uint32_t png_depth;               /* 8 or 16 bits per grey sample */
    enum colormap_kind colormap;      /* the PNG's colours */
    int color_by_smooth;              /* colour the PNG from the smooth channel, not the counts */
    uint32_t color_cycle;             /* iterations per turn of the cyclic colour map */
    int equalize;                     /* histogram-equalised PNG colours */
    uint32_t compress;                /* HDF5 deflate level, 0 = none */
    uint32_t dtype_bits;              /* HDF5 counts type: 8, 16, 32, or 0 = the smallest that holds itermax */
    int force;                        /* overwrite existing outputs */
    int resume;                       /* continue the interrupted render in hdf5_path */
    int resume_if_exists;             /* --continue: resume hdf5_path if it exists, else start it */
    uint32_t frames;                  /* frames of a zoom sequence; 0 = a single image */
    uint32_t frame;                   /* the frame this run renders, 0 to frames - 1 */
    struct view_end end;              /* the last frame's view (the view above is the first's) */
    int progress;                     /* -1 = when stderr is a terminal, 0 = never, 1 = always */
    int quiet;                        /* no progress and no summary */
    char command_line[PARAMS_COMMAND_MAX]; /* the argv that asked for the render, quoted as a shell would take it */
};

/* How samples are computed (--engine). */
enum engine_choice {
    ENGINE_AUTO = 0,        /* double precision where it resolves the view, else perturbation */
    ENGINE_DOUBLE = 1,      /* the escape-time kernel in double precision, exact */
    ENGINE_PERTURBATION = 2 /* a reference orbit in arbitrary precision and per-sample deltas */
};

/* The name of a fractal kind as used on the command line and in HDF5 attributes. */
const char *fractal_name(enum fractal_kind kind);

/* The engine that computes the samples: --engine, or for auto the double
 * engine where doubles resolve the view (view_too_deep_for_double) and
 * perturbation elsewhere. Never ENGINE_AUTO. */
enum engine_choice params_engine(const struct render_params *params);

/* Bits of the HDF5 counts type: dtype_bits if set, else the smallest of 8, 16
 * and 32 whose unsigned type holds itermax. */
uint32_t params_count_bits(const struct render_params *params);

#endif
