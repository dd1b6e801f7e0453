/* writer_png.c - PNG output: 8-bit grayscale rows streamed as they arrive, no whole-image buffer. */
#include "writer.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"

/* Counts up to this many get a lookup table for their grey level. */
#define GREY_TABLE_MAX (1u << 22)

struct png_state {
    png_structp png;
    png_infop info;
    FILE *file;
    char part_path[PARAMS_PATH_MAX + 8]; /* written here, renamed when whole */
    uint8_t *row;
    uint8_t *grey_table; /* grey level of each count, or NULL */
    uint32_t itermin, itermax;
    char libpng_error[256];
};

static void on_png_error(png_structp png, png_const_charp message)
{
    struct png_state *s = png_get_error_ptr(png);
    snprintf(s->libpng_error, sizeof s->libpng_error, "%s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static uint8_t grey_level(uint32_t count, uint32_t itermin, uint32_t itermax)
{
    uint64_t span = (uint64_t)itermax - itermin;
    uint64_t above = count > itermin ? (uint64_t)count - itermin : 0;
    return (uint8_t)((above * 255 + span / 2) / span);
}

static int png_writer_open(struct writer *w)
{
    const struct render_params *p = w->params;
    struct png_state *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(w->error, sizeof w->error, "out of memory"), -1;
    w->state = s;
    s->itermin = p->itermin;
    s->itermax = p->itermax;
    s->row = malloc(p->width);
    if (p->itermax < GREY_TABLE_MAX) {
        s->grey_table = malloc((size_t)p->itermax + 1);
        for (uint32_t n = 0; s->grey_table && n <= p->itermax; n++)
            s->grey_table[n] = grey_level(n, p->itermin, p->itermax);
    }
    if (!s->row || (p->itermax < GREY_TABLE_MAX && !s->grey_table))
        return snprintf(w->error, sizeof w->error, "out of memory for a PNG row"), -1;

    snprintf(s->part_path, sizeof s->part_path, "%s.part", p->png_path);
    s->file = fopen(s->part_path, "wb");
    if (!s->file)
        return snprintf(w->error, sizeof w->error, "cannot create '%s': %s", s->part_path,
                        strerror(errno)), -1;
    s->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_png_error, on_png_warning);
    s->info = s->png ? png_create_info_struct(s->png) : NULL;
    if (!s->info)
        return snprintf(w->error, sizeof w->error, "libpng could not start"), -1;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    png_init_io(s->png, s->file);
    png_set_compression_level(s->png, p->png_fast ? Z_BEST_SPEED : Z_DEFAULT_COMPRESSION);
    png_set_IHDR(s->png, s->info, (png_uint_32)p->width, (png_uint_32)p->height, 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    char description[512];
    if (p->fractal == FRACTAL_JULIA)
        snprintf(description, sizeof description,
                 "julia c=%.17g%+.17gi x=[%.17g,%.17g] y=[%.17g,%.17g] threshold=%.17g itermin=%u itermax=%u",
                 p->c_re, p->c_im, p->xleft, p->xright, p->ybot, p->ytop, p->threshold, p->itermin,
                 p->itermax);
    else
        snprintf(description, sizeof description,
                 "mandelbrot x=[%.17g,%.17g] y=[%.17g,%.17g] threshold=%.17g itermin=%u itermax=%u",
                 p->xleft, p->xright, p->ybot, p->ytop, p->threshold, p->itermin, p->itermax);
    png_text text[2] = {
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Software", .text = PACKAGE_STRING},
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Description", .text = description},
    };
    png_set_text(s->png, s->info, text, 2);
    png_write_info(s->png, s->info);
    return 0;
}

static int png_writer_write_rows(struct writer *w, uint64_t row0, uint32_t nrows, const uint32_t *counts)
{
    struct png_state *s = w->state;
    uint64_t width = w->params->width;
    (void)row0;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    for (uint32_t r = 0; r < nrows; r++) {
        const uint32_t *in = counts + (size_t)r * width;
        if (s->grey_table)
            for (uint64_t i = 0; i < width; i++)
                s->row[i] = s->grey_table[in[i]];
        else
            for (uint64_t i = 0; i < width; i++)
                s->row[i] = grey_level(in[i], s->itermin, s->itermax);
        png_write_row(s->png, s->row);
    }
    return 0;
}

static void png_writer_free(struct png_state *s)
{
    if (s->png)
        png_destroy_write_struct(&s->png, s->info ? &s->info : NULL);
    free(s->row);
    free(s->grey_table);
    free(s);
}

static int png_writer_finish(struct writer *w, const struct render_report *report)
{
    struct png_state *s = w->state;
    (void)report;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot finish PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    png_write_end(s->png, s->info);
    int failed = fflush(s->file) != 0 || ferror(s->file);
    int saved_errno = errno;
    failed |= fclose(s->file) != 0;
    s->file = NULL;
    if (failed)
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        strerror(saved_errno ? saved_errno : errno)), -1;
    if (rename(s->part_path, w->params->png_path) != 0)
        return snprintf(w->error, sizeof w->error, "cannot rename '%s' to '%s': %s", s->part_path,
                        w->params->png_path, strerror(errno)), -1;
    png_writer_free(s);
    w->state = NULL;
    return 0;
}

static void png_writer_discard(struct writer *w)
{
    struct png_state *s = w->state;
    if (!s)
        return;
    if (s->file) {
        fclose(s->file);
        remove(s->part_path);
    }
    png_writer_free(s);
    w->state = NULL;
}

const struct writer_ops writer_png_ops = {
    .name = "PNG",
    .open = png_writer_open,
    .write_rows = png_writer_write_rows,
    .finish = png_writer_finish,
    .discard = png_writer_discard,
};
