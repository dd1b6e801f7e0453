/* writer_png.c - PNG output: grey rows deflated by the computing ranks, joined into one zlib stream on rank 0. */
#include "writer.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "colormap.h"
#include "config.h"
#include "description.h"
#include "output_files.h"

/* IDAT chunks are written when this much compressed data has gathered. */
#define IDAT_BYTES (1u << 20)

/* Each band's encoding: a raw deflate segment of its scanlines that starts a
 * fresh stream (no reference to earlier bands) and ends on a byte boundary
 * (sync flush), so that segments from different ranks can be concatenated into
 * one zlib stream, as pigz does; the Adler-32 of the scanlines lets rank 0
 * combine the check value without seeing them. */
struct segment_header {
    uint64_t raw_length;
    uint64_t deflated_length;
    uint32_t adler;
};

struct png_state {
    png_structp png;
    png_infop info;
    FILE *file;
    char part_path[PARAMS_PATH_MAX + 16]; /* written here (output_create_part), renamed when whole */
    int published;                        /* part_path got its final name */
    uint8_t *idat;                        /* compressed bytes not yet written */
    size_t idat_used, idat_size;
    uint32_t adler;                       /* of all scanlines so far */
    char libpng_error[256];
    char *description; /* the render's description, as job-file lines (a tEXt chunk) */
};

static int zlib_level(const struct render_params *p)
{
    return p->png_fast ? Z_BEST_SPEED : 6;
}

static size_t scanline_bytes(const struct render_params *p)
{
    /* filter byte, then the samples of each pixel */
    return 1 + (size_t)p->width * colormap_components(p->colormap) * (p->png_depth / 8);
}

/* Bands are cut into segments on a fixed grid of rows (the HDF5 chunk rows),
 * so that the PNG's bytes do not depend on how many ranks made it. */
static uint32_t segment_rows(const struct render_params *p)
{
    return writer_hdf5_chunk_rows(p);
}

static size_t png_encoded_bound(const struct render_params *p, uint32_t nrows)
{
    uint32_t rows = segment_rows(p);
    uint64_t segments = (nrows + rows - 1) / rows;
    uint64_t raw = (uint64_t)rows * scanline_bytes(p);
    /* per segment: header, deflate's bound, the sync flush's empty block and slack */
    return (size_t)(segments * (sizeof(struct segment_header) + compressBound((uLong)raw) + 64));
}

/* The PNG samples of row r of a band, in PNG order (16-bit big-endian): the
 * band's colour plane when it has one (supersampled or equalised colours),
 * else the colours of its counts (from table, per count, when given) or
 * smooth values. */
static void colour_row(const struct render_params *p, const struct colouring *colouring,
                       const struct band_data *band, uint32_t r, const uint16_t *table, uint8_t *samples)
{
    const unsigned n = colouring->components;
    const size_t first = (size_t)r * p->width;
    if (!band->colour && table && n == 1 && p->png_depth == 8) { /* the usual case, without a test per sample */
        for (uint64_t i = 0; i < p->width; i++)
            samples[i] = (uint8_t)table[band->counts[first + i]];
        return;
    }
    for (uint64_t i = 0; i < p->width; i++) {
        uint16_t computed[3];
        const uint16_t *levels;
        if (band->colour)
            levels = band->colour + (first + i) * n;
        else if (table)
            levels = table + (size_t)band->counts[first + i] * n;
        else {
            colouring_sample(colouring, band->counts[first + i], band->smooth ? band->smooth[first + i] : NAN,
                             computed);
            levels = computed;
        }
        for (unsigned k = 0; k < n; k++) {
            size_t at = (size_t)i * n + k;
            if (p->png_depth == 16) {
                samples[2 * at] = (uint8_t)(levels[k] >> 8);
                samples[2 * at + 1] = (uint8_t)levels[k];
            } else {
                samples[at] = (uint8_t)levels[k];
            }
        }
    }
}

/* Deflates the scanlines of rows [first, first + nrows) of the band as one
 * independent segment. Each segment's first scanline has filter None, the
 * others filter Up (the difference from the row above): escape counts change
 * little from row to row, so Up plus zlib's run-length strategy compresses
 * about as well as zlib level 6 at a quarter of its time. */
static size_t encode_segment(const struct render_params *p, const struct colouring *colouring,
                             const struct band_data *band, uint32_t nrows, const uint16_t *table,
                             uint8_t *raw, uint8_t *grey, uint8_t *out, size_t room)
{
    size_t line = scanline_bytes(p), samples = line - 1;
    for (uint32_t r = 0; r < nrows; r++) {
        uint8_t *dst = raw + (size_t)r * line;
        colour_row(p, colouring, band, r, table, grey + (r % 2) * samples);
        const uint8_t *now = grey + (r % 2) * samples, *above = grey + ((r + 1) % 2) * samples;
        dst[0] = r == 0 ? 0 : 2;
        if (r == 0)
            memcpy(dst + 1, now, samples);
        else
#pragma omp simd /* GCC -O2 leaves it scalar */
            for (size_t i = 0; i < samples; i++)
                dst[1 + i] = (uint8_t)(now[i] - above[i]);
    }
    size_t raw_length = (size_t)nrows * line;
    struct segment_header header = {.raw_length = raw_length};
    header.adler = (uint32_t)adler32(adler32(0, Z_NULL, 0), raw, (uInt)raw_length);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, zlib_level(p), Z_DEFLATED, -15, 8, Z_RLE) != Z_OK)
        return 0;
    z.next_in = raw;
    z.avail_in = (uInt)raw_length;
    z.next_out = out + sizeof header;
    z.avail_out = (uInt)(room - sizeof header);
    int rc = deflate(&z, Z_SYNC_FLUSH);
    header.deflated_length = z.total_out;
    deflateEnd(&z);
    if (rc != Z_OK || z.avail_in != 0)
        return 0;
    memcpy(out, &header, sizeof header);
    return sizeof header + (size_t)header.deflated_length;
}

static size_t png_encode(const struct render_params *p, uint64_t row0, uint32_t nrows,
                         const struct band_data *band, uint8_t *out)
{
    uint32_t rows = segment_rows(p);
    size_t line = scanline_bytes(p);
    struct colouring colouring;
    colouring_init(&colouring, p, NULL);
    /* colours by count come from a table of every count's colour */
    int tabulate = !band->colour && !p->color_by_smooth && p->itermax < UINT16_MAX;
    uint8_t *raw = malloc((size_t)rows * line), *grey = malloc(2 * (line - 1));
    uint16_t *table = tabulate ? malloc(((size_t)p->itermax + 1) * colouring.components * sizeof *table) : NULL;
    size_t used = 0, room = png_encoded_bound(p, nrows);
    (void)row0;
    if (!raw || !grey || (tabulate && !table)) {
        free(raw);
        free(grey);
        free(table);
        return 0;
    }
    for (uint32_t n = 0; table && n <= p->itermax; n++)
        colouring_sample(&colouring, n, NAN, table + (size_t)n * colouring.components);
    for (uint32_t first = 0; first < nrows; first += rows) {
        uint32_t n = nrows - first < rows ? nrows - first : rows;
        struct band_data segment = band_data_rows(band, first, p->width);
        size_t length = encode_segment(p, &colouring, &segment, n, table, raw, grey, out + used, room - used);
        if (length == 0) {
            used = 0;
            break;
        }
        used += length;
    }
    free(raw);
    free(grey);
    free(table);
    return used;
}

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

/* Writes the gathered compressed bytes as one IDAT chunk (libpng adds length and CRC). */
static void flush_idat(struct png_state *s)
{
    if (s->idat_used > 0)
        png_write_chunk(s->png, (png_const_bytep) "IDAT", s->idat, s->idat_used);
    s->idat_used = 0;
}

static void append_idat(struct png_state *s, const uint8_t *bytes, size_t n)
{
    while (n > 0) {
        size_t room = s->idat_size - s->idat_used, take = n < room ? n : room;
        memcpy(s->idat + s->idat_used, bytes, take);
        s->idat_used += take;
        bytes += take;
        n -= take;
        if (s->idat_used == s->idat_size)
            flush_idat(s);
    }
}

static int png_writer_open(struct writer *w)
{
    const struct render_params *p = w->params;
    struct png_state *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(w->error, sizeof w->error, "out of memory"), -1;
    w->state = s;
    s->idat_size = IDAT_BYTES;
    s->idat = malloc(s->idat_size);
    s->adler = (uint32_t)adler32(0, Z_NULL, 0);
    if (!s->idat)
        return snprintf(w->error, sizeof w->error, "out of memory for PNG output"), -1;

    int fd = output_create_part(p->png_path, s->part_path, sizeof s->part_path);
    s->file = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!s->file) {
        int saved_errno = errno;
        if (fd >= 0) {
            close(fd);
            remove(s->part_path);
        }
        s->part_path[0] = '\0';
        return snprintf(w->error, sizeof w->error,
                        "cannot write PNG output '%s' (it is written under a temporary name '%s.XXXXXX.part' "
                        "first): %s", p->png_path, p->png_path, strerror(saved_errno)), -1;
    }
    s->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_png_error, on_png_warning);
    s->info = s->png ? png_create_info_struct(s->png) : NULL;
    if (!s->info)
        return snprintf(w->error, sizeof w->error, "libpng could not start"), -1;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    png_init_io(s->png, s->file);
    /* libpng refuses images wider or taller than a million pixels unless told otherwise */
    png_set_user_limits(s->png, 0x7fffffff, 0x7fffffff);
    png_set_IHDR(s->png, s->info, (png_uint_32)p->width, (png_uint_32)p->height, (int)p->png_depth,
                 colormap_components(p->colormap) == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    /* the render's description as job-file lines: mpifractal reads them back as a job file */
    struct description_item items[DESCRIPTION_MAX];
    int nitems = description_of_render(p, items);
    size_t description_len = description_job_text(items, nitems, NULL, 0) + 1;
    s->description = malloc(description_len);
    if (!s->description)
        return snprintf(w->error, sizeof w->error, "out of memory"), -1;
    description_job_text(items, nitems, s->description, description_len);
    png_text text[2] = {
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Software", .text = PACKAGE_STRING},
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Description", .text = s->description},
    };
    png_set_text(s->png, s->info, text, 2);
    png_write_info(s->png, s->info);
    /* zlib header: deflate, 32 KiB window, no dictionary, level hint; CMF*256+FLG is a multiple of 31 */
    int level_hint = p->png_fast ? 0 : 2;
    uint8_t zlib_header[2] = {0x78, (uint8_t)(level_hint << 6)};
    zlib_header[1] = (uint8_t)(zlib_header[1] + 31 - (0x78 * 256 + zlib_header[1]) % 31);
    append_idat(s, zlib_header, 2);
    return 0;
}

static int png_writer_write_band(struct writer *w, uint64_t row0, uint32_t nrows, const uint8_t *encoded,
                                 size_t length)
{
    struct png_state *s = w->state;
    (void)row0;
    (void)nrows;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    for (size_t used = 0; used < length;) {
        struct segment_header header;
        if (length - used < sizeof header)
            return snprintf(w->error, sizeof w->error, "a band for '%s' arrived truncated", s->part_path), -1;
        memcpy(&header, encoded + used, sizeof header);
        append_idat(s, encoded + used + sizeof header, (size_t)header.deflated_length);
        s->adler = (uint32_t)adler32_combine(s->adler, header.adler, (z_off_t)header.raw_length);
        used += sizeof header + (size_t)header.deflated_length;
    }
    return 0;
}

static void png_writer_free(struct png_state *s)
{
    if (s->png)
        png_destroy_write_struct(&s->png, s->info ? &s->info : NULL);
    free(s->idat);
    free(s->description);
    free(s);
}

static int png_writer_finish(struct writer *w, const struct render_report *report)
{
    struct png_state *s = w->state;
    (void)report;
    if (setjmp(png_jmpbuf(s->png)))
        return snprintf(w->error, sizeof w->error, "cannot finish PNG '%s': %s", s->part_path,
                        s->libpng_error), -1;
    /* a last, empty, final fixed-Huffman block, then the Adler-32 (big-endian) */
    uint8_t tail[6] = {0x03, 0x00, (uint8_t)(s->adler >> 24), (uint8_t)(s->adler >> 16),
                       (uint8_t)(s->adler >> 8), (uint8_t)s->adler};
    append_idat(s, tail, sizeof tail);
    flush_idat(s);
    png_write_chunk(s->png, (png_const_bytep) "IEND", NULL, 0);
    int failed = fflush(s->file) != 0 || ferror(s->file);
    int saved_errno = errno;
    failed |= fclose(s->file) != 0;
    s->file = NULL;
    if (failed)
        return snprintf(w->error, sizeof w->error, "cannot write PNG '%s': %s", s->part_path,
                        strerror(saved_errno ? saved_errno : errno)), -1;
    /* a resumed render replaces the PNG of an earlier try, as --force any */
    if (output_publish(s->part_path, w->params->png_path, w->params->force || w->params->resume) != 0) {
        if (errno == EEXIST)
            return snprintf(w->error, sizeof w->error, "PNG output '%s' appeared while rendering (another "
                            "run?): it is left alone and this run's PNG removed (--force replaces it)",
                            w->params->png_path), -1;
        return snprintf(w->error, sizeof w->error, "cannot rename '%s' to '%s': %s", s->part_path,
                        w->params->png_path, strerror(errno)), -1;
    }
    s->published = 1;
    png_writer_free(s);
    w->state = NULL;
    return 0;
}

static void png_writer_discard(struct writer *w)
{
    struct png_state *s = w->state;
    if (!s)
        return;
    if (s->file)
        fclose(s->file);
    if (s->part_path[0] && !s->published) /* nothing that looks like an output is left behind */
        remove(s->part_path);
    png_writer_free(s);
    w->state = NULL;
}

const struct writer_ops writer_png_ops = {
    .name = "PNG",
    .encoded_bound = png_encoded_bound,
    .encode = png_encode,
    .open = png_writer_open,
    .write_band = png_writer_write_band,
    .finish = png_writer_finish,
    .discard = png_writer_discard,
};
