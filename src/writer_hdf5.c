/* writer_hdf5.c - HDF5 output: chunked counts compressed by the computing ranks, x/y dimension scales, attributes. */
#include "writer.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "grid.h"

/* Target size of one chunk of the counts dataset. The chunk shape depends only
 * on the image width and the count type, never on ranks or band height. */
#define CHUNK_BYTES (256u << 10)
/* Coordinates are written this many at a time. */
#define COORD_BLOCK 65536

static const char hdf5_sampling_note[] =
    "x = numpy.linspace(xleft, xright, width), y = numpy.linspace(ytop, ybot, height): "
    "both edges are samples; counts[j, i] is the sample (x[i], y[j]); row 0 is ytop";

struct hdf5_state {
    hid_t file, counts;
    uint64_t rows_written;
};

struct error_walk {
    char *text;
    size_t len;
};

static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    struct error_walk *walk = data;
    if (n != 0) /* the innermost error says what really went wrong */
        return 0;
    const char *desc = e->desc ? e->desc : "unknown error";
    /* A failed system call's description is a long list ending in the system's
     * own words ("error message = 'No space left on device'"): keep those. */
    const char *system = strstr(desc, "error message = '");
    if (system) {
        system += strlen("error message = '");
        snprintf(walk->text, walk->len, "%.*s", (int)strcspn(system, "'"), system);
    } else {
        snprintf(walk->text, walk->len, "%.*s (in %s)", (int)strcspn(desc, "\n"), desc,
                 e->func_name ? e->func_name : "HDF5");
    }
    return 0;
}

/* Puts "what: HDF5's innermost message" in w->error. Returns -1. */
static int hdf5_fail(struct writer *w, const char *what)
{
    char detail[512] = "unknown HDF5 error";
    struct error_walk walk = {detail, sizeof detail};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &walk);
    H5Eclear2(H5E_DEFAULT);
    snprintf(w->error, sizeof w->error, "%s '%s': %s", what, w->params->hdf5_path, detail);
    return -1;
}

static int put_string(hid_t object, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, strlen(value) + 1);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, type, value);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    return rc < 0 ? -1 : 0;
}

/* Writes (or overwrites) a scalar numeric attribute. */
static int put_scalar(hid_t object, const char *name, hid_t file_type, hid_t mem_type, const void *value)
{
    if (H5Aexists(object, name) > 0 && H5Adelete(object, name) < 0)
        return -1;
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(object, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, mem_type, value);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    return rc < 0 ? -1 : 0;
}

static int put_double(hid_t object, const char *name, double value)
{
    return put_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

static int put_u32(hid_t object, const char *name, uint32_t value)
{
    return put_scalar(object, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &value);
}

static int put_u64(hid_t object, const char *name, uint64_t value)
{
    return put_scalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

static int set_status(hid_t file, const char *status)
{
    if (H5Aexists(file, "status") > 0 && H5Adelete(file, "status") < 0)
        return -1;
    return put_string(file, "status", status);
}

/* The render parameters, as attributes of the file's root group. */
static int put_parameters(hid_t file, const struct render_params *p)
{
    int rc = 0;
    rc |= put_string(file, "fractal", fractal_name(p->fractal));
    rc |= put_double(file, "xleft", p->xleft);
    rc |= put_double(file, "xright", p->xright);
    rc |= put_double(file, "ybot", p->ybot);
    rc |= put_double(file, "ytop", p->ytop);
    if (p->fractal == FRACTAL_JULIA) {
        rc |= put_double(file, "c_real", p->c_re);
        rc |= put_double(file, "c_imag", p->c_im);
    }
    rc |= put_double(file, "threshold", p->threshold);
    rc |= put_u32(file, "itermin", p->itermin);
    rc |= put_u32(file, "itermax", p->itermax);
    rc |= put_u64(file, "width", p->width);
    rc |= put_u64(file, "height", p->height);
    rc |= put_string(file, "sampling", hdf5_sampling_note);
    rc |= put_string(file, "escape_count",
                     p->fractal == FRACTAL_JULIA
                         ? "first k >= 0 with |z(k+1)| > threshold, z(k+1) = z(k)^2 + c, z(0) = sample; "
                           "itermax if none"
                         : "first k >= 0 with |z(k+1)| > threshold, z(k+1) = z(k)^2 + sample, z(0) = 0; "
                           "itermax if none");
    rc |= put_string(file, "software", PACKAGE_STRING);
    return rc;
}

/* Creates a 1-D float64 coordinate dataset holding linspace(start, stop, n) as a dimension scale. */
static hid_t make_coordinate(hid_t file, const char *name, double start, double stop, uint64_t n,
                             const char *long_name)
{
    hsize_t dims = n;
    hid_t space = H5Screate_simple(1, &dims, NULL);
    hid_t dset = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double *block = malloc(COORD_BLOCK * sizeof(double));
    int ok = dset >= 0 && block;
    for (uint64_t first = 0; ok && first < n; first += COORD_BLOCK) {
        hsize_t count = n - first < COORD_BLOCK ? n - first : COORD_BLOCK, offset = first;
        for (hsize_t i = 0; i < count; i++)
            block[i] = grid_linspace_at(start, stop, n, first + i);
        hid_t mem = H5Screate_simple(1, &count, NULL);
        ok = H5Sselect_hyperslab(space, H5S_SELECT_SET, &offset, NULL, &count, NULL) >= 0 &&
             H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, block) >= 0;
        H5Sclose(mem);
    }
    free(block);
    H5Sclose(space);
    ok = ok && H5DSset_scale(dset, name) >= 0 && put_string(dset, "long_name", long_name) == 0 &&
         put_string(dset, "units", "1") == 0;
    if (!ok) {
        if (dset >= 0)
            H5Dclose(dset);
        return -1;
    }
    return dset;
}

/* Shape of every chunk: whole rows when a row fits in CHUNK_BYTES, else part of one row. */
static void chunk_shape(const struct render_params *p, hsize_t chunk[2])
{
    hsize_t element = params_count_bits(p) / 8;
    hsize_t cols = p->width < CHUNK_BYTES / element ? p->width : CHUNK_BYTES / element;
    hsize_t rows = CHUNK_BYTES / element / cols;
    chunk[0] = rows < p->height ? rows : p->height;
    chunk[1] = cols;
}

uint32_t writer_hdf5_chunk_rows(const struct render_params *params)
{
    hsize_t chunk[2];
    chunk_shape(params, chunk);
    return (uint32_t)chunk[0];
}

/* The chunks of a band: every chunk column of each chunk row the band covers. */
static uint64_t band_chunks(const struct render_params *p, uint32_t nrows, hsize_t chunk[2])
{
    chunk_shape(p, chunk);
    uint64_t chunk_rows_in_band = (nrows + chunk[0] - 1) / chunk[0];
    uint64_t chunk_cols = (p->width + chunk[1] - 1) / chunk[1];
    return chunk_rows_in_band * chunk_cols;
}

/* Each encoded chunk: its stored size, then its bytes. */
struct chunk_header {
    uint64_t size;
};

static size_t hdf5_encoded_bound(const struct render_params *p, uint32_t nrows)
{
    hsize_t chunk[2];
    uint64_t chunks = band_chunks(p, nrows, chunk);
    uint64_t raw = chunk[0] * chunk[1] * (params_count_bits(p) / 8);
    return (size_t)(chunks * (sizeof(struct chunk_header) + compressBound((uLong)raw)));
}

/* Fills one chunk's bytes from the band's counts, in the file's type and byte
 * order (little-endian). With shuffle, byte b of element k goes to b * n + k,
 * as HDF5's shuffle filter does, in the same pass. Parts of an edge chunk
 * outside the image are zeros, the full chunk shape that H5Dwrite_chunk needs. */
static void fill_chunk(const struct render_params *p, const uint32_t *counts, uint32_t nrows, uint64_t r0,
                       uint64_t c0, const hsize_t chunk[2], size_t element, int shuffle, uint8_t *buf)
{
    size_t n = (size_t)(chunk[0] * chunk[1]);
    uint64_t cols = p->width - c0 < chunk[1] ? p->width - c0 : chunk[1];
    uint64_t rows = nrows - r0 < chunk[0] ? nrows - r0 : chunk[0];
    if (cols < chunk[1] || rows < chunk[0])
        memset(buf, 0, n * element);
    for (uint64_t r = 0; r < rows; r++) {
        const uint32_t *src = counts + (r0 + r) * p->width + c0;
        size_t k0 = (size_t)(r * chunk[1]);
        if (shuffle) {
            for (size_t b = 0; b < element; b++) {
                uint8_t *plane = buf + b * n + k0;
                for (uint64_t i = 0; i < cols; i++)
                    plane[i] = (uint8_t)(src[i] >> (8 * b));
            }
        } else {
            uint8_t *dst = buf + k0 * element;
            for (uint64_t i = 0; i < cols; i++)
                for (size_t b = 0; b < element; b++)
                    dst[i * element + b] = (uint8_t)(src[i] >> (8 * b));
        }
    }
}

/* Encodes every chunk of the band: the bytes the dataset's filter pipeline
 * (shuffle, then deflate, when compression is on) would store, so that any
 * HDF5 reader decodes them. */
static size_t hdf5_encode(const struct render_params *p, uint64_t row0, uint32_t nrows,
                          const uint32_t *counts, uint8_t *out)
{
    hsize_t chunk[2];
    uint64_t chunks = band_chunks(p, nrows, chunk);
    uint64_t chunk_cols = (p->width + chunk[1] - 1) / chunk[1];
    size_t element = params_count_bits(p) / 8, n = (size_t)(chunk[0] * chunk[1]);
    uint8_t *raw = p->compress ? malloc(n * element) : NULL;
    size_t used = 0;
    (void)row0;
    if (p->compress && !raw)
        return 0;
    for (uint64_t c = 0; c < chunks; c++) {
        uint64_t r0 = (c / chunk_cols) * chunk[0], c0 = (c % chunk_cols) * chunk[1];
        struct chunk_header header;
        uint8_t *dest = out + used + sizeof header;
        if (p->compress == 0) {
            fill_chunk(p, counts, nrows, r0, c0, chunk, element, 0, dest);
            header.size = n * element;
        } else {
            fill_chunk(p, counts, nrows, r0, c0, chunk, element, 1, raw);
            uLongf size = compressBound((uLong)(n * element));
            if (compress2(dest, &size, raw, (uLong)(n * element), (int)p->compress) != Z_OK) {
                free(raw);
                return 0;
            }
            header.size = size;
        }
        memcpy(out + used, &header, sizeof header);
        used += sizeof header + (size_t)header.size;
    }
    free(raw);
    return used;
}

void writer_hdf5_library_init(void)
{
    H5dont_atexit();
    H5open();
}

static int hdf5_open(struct writer *w)
{
    const struct render_params *p = w->params;
    struct hdf5_state *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(w->error, sizeof w->error, "out of memory"), -1;
    s->file = s->counts = -1;
    w->state = s;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported once, by hdf5_fail */

    s->file = H5Fcreate(p->hdf5_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (s->file < 0)
        return hdf5_fail(w, "cannot create HDF5 file");
    if (set_status(s->file, "incomplete") != 0 || put_parameters(s->file, p) != 0)
        return hdf5_fail(w, "cannot write attributes to");

    hsize_t dims[2] = {p->height, p->width}, chunk[2];
    chunk_shape(p, chunk);
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t create = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(create, 2, chunk);
    if (p->compress > 0) { /* the pipeline the encoded chunks went through */
        H5Pset_shuffle(create);
        H5Pset_deflate(create, p->compress);
    }
    hid_t type = params_count_bits(p) == 16 ? H5T_STD_U16LE : H5T_STD_U32LE;
    s->counts = H5Dcreate2(s->file, "counts", type, space, H5P_DEFAULT, create, H5P_DEFAULT);
    H5Pclose(create);
    H5Sclose(space);
    if (s->counts < 0)
        return hdf5_fail(w, "cannot create dataset 'counts' in");
    if (put_string(s->counts, "long_name", "escape-time iteration count") != 0 ||
        put_string(s->counts, "units", "iterations") != 0 ||
        put_u32(s->counts, "itermax", p->itermax) != 0 ||
        put_string(s->file, "counts_dtype", params_count_bits(p) == 16 ? "uint16" : "uint32") != 0 ||
        put_u32(s->file, "compression_level", p->compress) != 0)
        return hdf5_fail(w, "cannot write attributes to");

    hid_t y = make_coordinate(s->file, "y", p->ytop, p->ybot, p->height, "imaginary part");
    hid_t x = make_coordinate(s->file, "x", p->xleft, p->xright, p->width, "real part");
    int ok = x >= 0 && y >= 0 && H5DSattach_scale(s->counts, y, 0) >= 0 &&
             H5DSattach_scale(s->counts, x, 1) >= 0;
    if (x >= 0)
        H5Dclose(x);
    if (y >= 0)
        H5Dclose(y);
    if (!ok)
        return hdf5_fail(w, "cannot write coordinates to");
    return 0;
}

/* Stores the band's encoded chunks as they are, with H5Dwrite_chunk. */
static int hdf5_write_band(struct writer *w, uint64_t row0, uint32_t nrows, const uint8_t *encoded,
                           size_t length)
{
    struct hdf5_state *s = w->state;
    hsize_t chunk[2];
    uint64_t chunks = band_chunks(w->params, nrows, chunk);
    uint64_t chunk_cols = (w->params->width + chunk[1] - 1) / chunk[1];
    size_t used = 0;
    for (uint64_t c = 0; c < chunks; c++) {
        struct chunk_header header;
        if (used + sizeof header > length)
            return snprintf(w->error, sizeof w->error, "a band for '%s' arrived truncated",
                            w->params->hdf5_path), -1;
        memcpy(&header, encoded + used, sizeof header);
        hsize_t offset[2] = {row0 + (c / chunk_cols) * chunk[0], (c % chunk_cols) * chunk[1]};
        if (H5Dwrite_chunk(s->counts, H5P_DEFAULT, 0, offset, (size_t)header.size,
                           encoded + used + sizeof header) < 0)
            return hdf5_fail(w, "cannot write rows to");
        used += sizeof header + (size_t)header.size;
    }
    s->rows_written += nrows;
    return 0;
}

/* Closes what is open; shuts the library down only if everything closed. */
static void hdf5_close_all(struct hdf5_state *s)
{
    int closed = 1;
    if (s->counts >= 0)
        closed &= H5Dclose(s->counts) >= 0;
    if (s->file >= 0)
        closed &= H5Fclose(s->file) >= 0;
    s->counts = s->file = -1;
    if (closed)
        H5close();
}

static int hdf5_finish(struct writer *w, const struct render_report *report)
{
    struct hdf5_state *s = w->state;
    int rc = put_u32(s->file, "ranks", (uint32_t)report->ranks);
    rc |= put_u32(s->file, "threads_per_rank", (uint32_t)report->threads);
    rc |= put_string(s->file, "kernel", report->kernel);
    rc |= put_double(s->file, "wall_seconds", report->wall_seconds);
    rc |= put_u64(s->file, "total_iterations", report->total_iterations);
    if (rc != 0 || H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        return hdf5_fail(w, "cannot finish");
    /* The status says complete only once everything else is on disk. */
    if (set_status(s->file, "complete") != 0 || H5Dclose(s->counts) < 0)
        return hdf5_fail(w, "cannot finish");
    s->counts = -1;
    herr_t closed = H5Fclose(s->file);
    s->file = -1;
    if (closed < 0)
        return hdf5_fail(w, "cannot close");
    H5close();
    free(s);
    w->state = NULL;
    return 0;
}

static void hdf5_discard(struct writer *w)
{
    struct hdf5_state *s = w->state;
    if (!s)
        return;
    int created = s->file >= 0;
    hdf5_close_all(s); /* a file with rows keeps them, marked status = "incomplete" */
    H5Eclear2(H5E_DEFAULT);
    if (created && s->rows_written == 0)
        remove(w->params->hdf5_path);
    free(s);
    w->state = NULL;
}

const struct writer_ops writer_hdf5_ops = {
    .name = "HDF5",
    .encoded_bound = hdf5_encoded_bound,
    .encode = hdf5_encode,
    .open = hdf5_open,
    .write_band = hdf5_write_band,
    .finish = hdf5_finish,
    .discard = hdf5_discard,
};
