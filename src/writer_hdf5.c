/* writer_hdf5.c - HDF5 output: chunked counts compressed by the computing ranks, x/y dimension scales, attributes. */
#define _GNU_SOURCE /* sync_file_range */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "channels.h"
#include "config.h"
#include "description.h"
#include "grid.h"
#include "hdf5_check.h"
#include "output_files.h"

/* Target size of one chunk of the counts dataset. The chunk shape depends on
 * the image's size, the count type and the engine (chunk_shape), never on
 * ranks or band height. */
#define CHUNK_BYTES (256u << 10)
/* Chunks down an image of costly samples at least (where the height allows):
 * the finest cut of the work into bands, whatever the number of ranks. */
#define CHUNKS_DOWN 256
/* Coordinates are written this many at a time. */
#define COORD_BLOCK 65536


/* Rows written are made durable, and recorded as such, at most this often. */
#define CHECKPOINT_SECONDS 2.0

/* One dataset of the image, [height][width] with the x and y scales: every
 * one is created by make_image_dataset from this table and stored the same
 * way (same chunks, compressed by the computing ranks). */
struct image_dataset {
    const char *name;
    uint32_t channel; /* 0: always written (the counts), else the CHANNEL_* bit that asks for it */
    const char *long_name;
    const char *units;
    const char *description;
};

static const struct image_dataset image_datasets[] = {
    {"counts", 0, "escape-time iteration count", "1",
     "first k >= 0 with |z(k+1)| > threshold, itermax if none; with samples > 1, the count of the "
     "pixel's grid point"},
    {"smooth", CHANNEL_SMOOTH, "smooth iteration count", "1",
     "m - log2(log2 |z(m)|) at the first m with |z(m)| > smooth_radius (escaped orbits are followed "
     "past their count); continuous; with threshold 2, within [count - 0.2, count + 1.35] over the "
     "seed julia view and, for 99% of the escaped samples of the default mandelbrot view at itermax "
     "500, within [count - 0.35, count + 2.1]; NaN "
     "where the sample never escaped; with samples > 1, the mean over the pixel's escaped samples"},
    {"distance", CHANNEL_DISTANCE, "exterior distance estimate", "1",
     "|z(m)| ln|z(m)| / |dz(m)| at the same m, dz the derivative by c (mandelbrot) or by z(0) "
     "(julia), in units of the plane for views by their edges and in pixel spacings "
     "(d = 4 / (zoom (height - 1))) for views by centre and zoom: the distance to the set lies between half and twice it "
     "near the set; NaN where the sample never escaped; with samples > 1, the mean over the "
     "pixel's escaped samples"},
};

#define IMAGE_DATASETS (sizeof image_datasets / sizeof image_datasets[0])

static int dataset_wanted(const struct render_params *p, size_t d)
{
    return image_datasets[d].channel == 0 || (p->channels & image_datasets[d].channel);
}

/* Bytes per element of dataset d in the file. */
static size_t dataset_element(const struct render_params *p, size_t d)
{
    return image_datasets[d].channel ? sizeof(float) : params_count_bits(p) / 8;
}

static hid_t dataset_file_type(const struct render_params *p, size_t d)
{
    if (image_datasets[d].channel)
        return H5T_IEEE_F32LE;
    uint32_t bits = params_count_bits(p);
    return bits == 8 ? H5T_STD_U8LE : bits == 16 ? H5T_STD_U16LE : H5T_STD_U32LE;
}

/* The plane of a band that dataset d stores: 4 bytes per sample (uint32 or float32). */
static const void *dataset_plane(const struct band_data *band, size_t d)
{
    switch (image_datasets[d].channel) {
    case CHANNEL_SMOOTH: return band->smooth;
    case CHANNEL_DISTANCE: return band->distance;
    default: return band->counts;
    }
}

struct hdf5_state {
    hid_t file;
    hid_t datasets[IMAGE_DATASETS]; /* -1 for those not written */
    uint64_t rows_written;  /* rows [0, rows_written) are in the file */
    uint64_t rows_recorded; /* the rows_complete attribute: durable rows */
    double last_checkpoint;
    int write_failed;       /* the file cannot take more: no checkpoint on discard */
    int opened;             /* open succeeded: discard may save progress (a refused file is left alone) */
    char target[PATH_MAX + 1];            /* the output's path, or where it leads when it is a symbolic link */
    char creating[PATH_MAX + 64];         /* the new file's temporary name until it is renamed into place */
};

static double monotonic_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* Puts "what: HDF5's innermost message" in w->error. Returns -1. */
static int hdf5_fail(struct writer *w, const char *what)
{
    char detail[512];
    hdf5_last_error(detail, sizeof detail);
    snprintf(w->error, sizeof w->error, "%s '%s': %s", what, w->params->hdf5_path, detail);
    return -1;
}

/* Writes a string attribute, replacing one of that name. */
static int put_string(hid_t object, const char *name, const char *value)
{
    if (H5Aexists(object, name) > 0 && H5Adelete(object, name) < 0)
        return -1;
    /* netCDF's own text attributes: the characters only, no NUL counted
     * (netCDF-C would hand the NUL on as part of the text) */
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, value[0] ? strlen(value) : 1);
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
    hid_t attr;
    if (H5Aexists(object, name) > 0) {
        attr = H5Aopen(object, name, H5P_DEFAULT);
    } else {
        hid_t space = H5Screate(H5S_SCALAR);
        attr = H5Acreate2(object, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Sclose(space);
    }
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, mem_type, value);
    if (attr >= 0)
        H5Aclose(attr);
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
    return put_string(file, "status", status);
}

/* The render parameters and their conventions, as attributes of the root group. */
static int put_parameters(hid_t file, const struct render_params *p)
{
    struct description_item list[DESCRIPTION_MAX];
    int n = description_of_render(p, list), rc = 0;
    for (int i = 0; i < n; i++) {
        switch (list[i].type) {
        case DESCRIPTION_STRING: rc |= put_string(file, list[i].name, list[i].text); break;
        case DESCRIPTION_DOUBLE: rc |= put_double(file, list[i].name, list[i].real); break;
        case DESCRIPTION_U32: rc |= put_u32(file, list[i].name, (uint32_t)list[i].whole); break;
        case DESCRIPTION_U64: rc |= put_u64(file, list[i].name, list[i].whole); break;
        }
    }
    rc |= put_string(file, "sampling", view_sampling_note(&p->view));
    rc |= put_string(file, "escape_count",
                     p->fractal == FRACTAL_JULIA
                         ? "first k >= 0 with |z(k+1)| > threshold, z(k+1) = z(k)^2 + c, z(0) = sample; "
                           "itermax if none"
                         : "first k >= 0 with |z(k+1)| > threshold, z(k+1) = z(k)^2 + sample, z(0) = 0; "
                           "itermax if none");
    rc |= put_string(file, "software", PACKAGE_STRING);
    return rc;
}

/* ---- Self-description for netCDF-4 and CF readers (xarray, ncdump) -------------
 * The file is plain HDF5 that netCDF-4 readers open as is: x and y are
 * dimension scales, so they become the dimensions and coordinate variables of
 * counts. Strings are fixed-length ASCII whose size is their length (no NUL
 * stored), which netCDF-C reads as text attributes and xarray shows as str
 * with either engine. The file and every dataset track the creation order of
 * their links and attributes, which netCDF-4 needs to write (NCO's ncatted,
 * netCDF4-python in append mode) and follows when it lists attributes. */

/* Creation order of links, tracked and indexed as netCDF-4 does. */
#define CREATION_ORDER (H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)
/* Creation order of attributes: tracked only, which is what netCDF-4 needs
 * to write and to list them in order. An index too breaks HDF5 1.10's
 * deletion of attributes kept in dense storage ("record is not in B-tree",
 * h5py's del of rows_complete), as a root with this many attributes is. */
#define ATTRIBUTE_ORDER H5P_CRT_ORDER_TRACKED

/* A dataset creation property list whose attributes keep their creation order. */
static hid_t ordered_dataset_creation(void)
{
    hid_t create = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_attr_creation_order(create, ATTRIBUTE_ORDER);
    return create;
}

/* Describes one dataset for CF readers: its long_name and its units (a UDUNITS
 * string, "1" for a dimensionless number). Call it once for each dataset
 * written; it replaces earlier values. Returns 0, or -1 on an HDF5 error. */
static int describe_variable(hid_t dset, const char *long_name, const char *units)
{
    return put_string(dset, "long_name", long_name) == 0 && put_string(dset, "units", units) == 0 ? 0 : -1;
}

/* The UTC time now as "YYYY-MM-DDTHH:MM:SSZ", the start of a history line. */
static void utc_timestamp(char *text, size_t len)
{
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(text, len, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* The file-wide CF attributes of a new file: Conventions, title, source and
 * the first history line. Returns 0, or -1 on an HDF5 error. */
static int describe_file(hid_t file, const struct render_params *p)
{
    char stamp[32], history[sizeof p->command_line + 128];
    utc_timestamp(stamp, sizeof stamp);
    snprintf(history, sizeof history, "%s %s: rendered: %s", stamp, PACKAGE_STRING, p->command_line);
    /* CF-1.9: the first version that allows unsigned integers (the counts) */
    int rc = put_string(file, "Conventions", "CF-1.9");
    rc |= put_string(file, "title", p->fractal == FRACTAL_JULIA
                                        ? "Julia set: escape-time iteration counts"
                                        : "Mandelbrot set: escape-time iteration counts");
    rc |= put_string(file, "source", PACKAGE_STRING " (escape-time iteration of z^2 + c)");
    rc |= put_string(file, "history", history);
    return rc;
}

/* Appends "TIME mpifractal VERSION: what: COMMAND LINE" as a new line of the
 * history attribute (CF: one line per program that modified the file).
 * Returns 0 or -1. */
static int append_history(hid_t file, const char *what, const char *command_line)
{
    char stamp[32], line[PARAMS_COMMAND_MAX + 128], history[4096] = "";
    utc_timestamp(stamp, sizeof stamp);
    snprintf(line, sizeof line, "%s %s: %s: %s", stamp, PACKAGE_STRING, what, command_line);
    char why[256];
    size_t used = hdf5_read_text(file, "history", history, sizeof history, why, sizeof why) == 0 ? strlen(history) : 0;
    if (used + strlen(line) + 2 > sizeof history)
        used = 0; /* too long to keep: start again rather than fail the render */
    snprintf(history + used, sizeof history - used, "%s%s", used ? "\n" : "", line);
    return put_string(file, "history", history);
}

/* Checks that the file was written by mpifractal for the same parameters,
 * every attribute checked before it is read. Returns 0, or -1 with the first
 * difference or problem in w->error. */
static int check_parameters(struct writer *w, hid_t file)
{
    const struct render_params *p = w->params;
    char text[256], why[256];
    if (hdf5_check_attributes(file, why, sizeof why) != 0)
        return snprintf(w->error, sizeof w->error, "cannot resume '%s': %s", p->hdf5_path, why), -1;
    if (hdf5_read_text(file, "software", text, sizeof text, why, sizeof why) != 0 ||
        strncmp(text, "mpifractal ", 11) != 0)
        return snprintf(w->error, sizeof w->error, "cannot resume '%s': it is not an mpifractal output",
                        p->hdf5_path), -1;
    struct description_item list[DESCRIPTION_MAX];
    int n = description_of_render(p, list);
    for (int i = 0; i < n; i++) {
        const struct description_item *want = &list[i];
        char was[VIEW_DECIMAL_MAX], now[VIEW_DECIMAL_MAX];
        double real = 0;
        uint64_t whole = 0;
        int rc;
        switch (want->type) {
        case DESCRIPTION_STRING:
            rc = hdf5_read_text(file, want->name, was, sizeof was, why, sizeof why);
            break;
        case DESCRIPTION_DOUBLE:
            rc = hdf5_read_real(file, want->name, &real, why, sizeof why);
            snprintf(was, sizeof was, "%.17g", real);
            break;
        default:
            rc = hdf5_read_whole(file, want->name, &whole, why, sizeof why);
            snprintf(was, sizeof was, "%llu", (unsigned long long)whole);
            break;
        }
        description_value_text(want, now, sizeof now);
        if (rc < 0)
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': %s", p->hdf5_path, why), -1;
        hdf5_printable(was); /* it may be shown below */
        if (rc > 0 && want->absent)
            snprintf(was, sizeof was, "%s", want->absent); /* a file older than the parameter */
        else if (rc > 0)
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': it has no '%s' attribute",
                            p->hdf5_path, want->name), -1;
        if (strcmp(was, now) != 0 && strcmp(want->name, "counts_dtype") == 0)
            /* files of earlier versions store itermax < 256 as uint16 */
            return snprintf(w->error, sizeof w->error,
                            "cannot resume '%s': its counts are %.40s, not %.40s: add --dtype %.40s", p->hdf5_path,
                            was, now, was), -1;
        if (strcmp(was, now) != 0)
            return snprintf(w->error, sizeof w->error,
                            "cannot resume '%s': it was rendered with %s = %.200s, not %.200s (give the same options)",
                            p->hdf5_path, want->name, was, now), -1;
    }
    return 0;
}

/* Creates a 1-D float64 coordinate dataset holding the axis's values as a
 * dimension scale, with the CF axis attribute ("X" or "Y") by which GDAL and
 * CDO know the image's columns and rows. */
static hid_t make_coordinate(hid_t file, const char *name, const struct view_axis *axis, const char *long_name,
                             const char *cf_axis)
{
    uint64_t n = axis->n;
    hsize_t dims = n;
    hid_t space = H5Screate_simple(1, &dims, NULL), create = ordered_dataset_creation();
    hid_t dset = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, create, H5P_DEFAULT);
    H5Pclose(create);
    double *block = malloc(COORD_BLOCK * sizeof(double));
    int ok = dset >= 0 && block;
    for (uint64_t first = 0; ok && first < n; first += COORD_BLOCK) {
        hsize_t count = n - first < COORD_BLOCK ? n - first : COORD_BLOCK, offset = first;
        for (hsize_t i = 0; i < count; i++)
            block[i] = view_axis_at(axis, first + i);
        hid_t mem = H5Screate_simple(1, &count, NULL);
        ok = H5Sselect_hyperslab(space, H5S_SELECT_SET, &offset, NULL, &count, NULL) >= 0 &&
             H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, block) >= 0;
        H5Sclose(mem);
    }
    free(block);
    H5Sclose(space);
    /* No units: CF's dimensionless coordinate (GDAL places the image only
     * when x and y have no units or lengths) */
    ok = ok && H5DSset_scale(dset, name) >= 0 && put_string(dset, "long_name", long_name) == 0 &&
         put_string(dset, "axis", cf_axis) == 0;
    if (!ok) {
        if (dset >= 0)
            H5Dclose(dset);
        return -1;
    }
    return dset;
}

/* Shape of every chunk, of every dataset (in elements, from the counts'
 * type): whole rows when a row fits in CHUNK_BYTES, else part of one row;
 * with perturbation, at most height / CHUNKS_DOWN rows. */
static void chunk_shape(const struct render_params *p, hsize_t chunk[2])
{
    hsize_t element = params_count_bits(p) / 8;
    hsize_t cols = p->width < CHUNK_BYTES / element ? p->width : CHUNK_BYTES / element;
    hsize_t rows = CHUNK_BYTES / element / cols;
    /* costly samples (perturbation): at least CHUNKS_DOWN chunks down the
     * image, since bands are whole chunks and every rank needs work */
    hsize_t for_bands = p->height / CHUNKS_DOWN > 0 ? p->height / CHUNKS_DOWN : 1;
    if (params_engine(p) == ENGINE_PERTURBATION && rows > for_bands)
        rows = for_bands;
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
    uint64_t chunks = band_chunks(p, nrows, chunk), bound = 0;
    for (size_t d = 0; d < IMAGE_DATASETS; d++) {
        uint64_t raw = chunk[0] * chunk[1] * dataset_element(p, d);
        if (dataset_wanted(p, d))
            bound += chunks * (sizeof(struct chunk_header) + compressBound((uLong)raw));
    }
    return (size_t)bound;
}

/* Value i of a row of 4-byte values, whatever their type. */
static inline uint32_t value_at(const uint8_t *row, uint64_t i)
{
    uint32_t v;
    memcpy(&v, row + i * sizeof v, sizeof v);
    return v;
}

/* Fills one chunk's bytes from a plane of the band (4-byte values: uint32
 * counts or float32 bits), in the file's type and byte order (little-endian:
 * the low element bytes of each value). With shuffle, byte b of element k
 * goes to b * n + k, as HDF5's shuffle filter does, in the same pass. Parts
 * of an edge chunk outside the image are zeros, the full chunk shape that
 * H5Dwrite_chunk needs. */
static void fill_chunk(const struct render_params *p, const void *plane, uint32_t nrows, uint64_t r0,
                       uint64_t c0, const hsize_t chunk[2], size_t element, int shuffle, uint8_t *buf)
{
    size_t n = (size_t)(chunk[0] * chunk[1]);
    uint64_t cols = p->width - c0 < chunk[1] ? p->width - c0 : chunk[1];
    uint64_t rows = nrows - r0 < chunk[0] ? nrows - r0 : chunk[0];
    if (cols < chunk[1] || rows < chunk[0])
        memset(buf, 0, n * element);
    for (uint64_t r = 0; r < rows; r++) {
        const uint8_t *row = (const uint8_t *)plane + ((r0 + r) * p->width + c0) * sizeof(uint32_t);
        size_t k0 = (size_t)(r * chunk[1]);
        if (shuffle) {
            for (size_t b = 0; b < element; b++) {
                uint8_t *plane_bytes = buf + b * n + k0;
#pragma omp simd /* GCC -O2 leaves it scalar: then ~2% of a seed Julia run with HDF5 output */
                for (uint64_t i = 0; i < cols; i++)
                    plane_bytes[i] = (uint8_t)(value_at(row, i) >> (8 * b));
            }
        } else {
            uint8_t *dst = buf + k0 * element;
            for (uint64_t i = 0; i < cols; i++)
                for (size_t b = 0; b < element; b++)
                    dst[i * element + b] = (uint8_t)(value_at(row, i) >> (8 * b));
        }
    }
}

/* Deflates a chunk as a zlib stream, what HDF5's deflate filter reads back.
 * With the shuffle before it, a chunk is long runs of equal bytes (the high
 * bytes of counts are mostly zero), so zlib's run-length strategy is used
 * from level 1 to 3: as small as the default strategy here and faster.
 * Returns the compressed size, or 0 on failure. */
static size_t deflate_chunk(const uint8_t *in, size_t n, int level, uint8_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15, 8, level <= 3 ? Z_RLE : Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = (uint8_t *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)compressBound((uLong)n);
    int rc = deflate(&z, Z_FINISH);
    size_t size = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? size : 0;
}

/* Encodes every chunk of the band: the bytes the dataset's filter pipeline
 * (shuffle, then deflate, when compression is on) would store, so that any
 * HDF5 reader decodes them. */
static size_t hdf5_encode(const struct render_params *p, uint64_t row0, uint32_t nrows,
                          const struct band_data *band, uint8_t *out)
{
    hsize_t chunk[2];
    uint64_t chunks = band_chunks(p, nrows, chunk);
    uint64_t chunk_cols = (p->width + chunk[1] - 1) / chunk[1];
    size_t n = (size_t)(chunk[0] * chunk[1]);
    uint8_t *raw = p->compress ? malloc(n * sizeof(uint32_t)) : NULL;
    size_t used = 0;
    (void)row0;
    if (p->compress && !raw)
        return 0;
    for (uint64_t k = 0; k < chunks * IMAGE_DATASETS; k++) {
        size_t d = (size_t)(k / chunks), element = dataset_element(p, d);
        uint64_t c = k % chunks;
        const void *plane = dataset_plane(band, d);
        if (!dataset_wanted(p, d))
            continue;
        if (!plane) { /* the band lacks a plane this file needs */
            free(raw);
            return 0;
        }
        uint64_t r0 = (c / chunk_cols) * chunk[0], c0 = (c % chunk_cols) * chunk[1];
        struct chunk_header header;
        uint8_t *dest = out + used + sizeof header;
        if (p->compress == 0) {
            fill_chunk(p, plane, nrows, r0, c0, chunk, element, 0, dest);
            header.size = n * element;
        } else {
            fill_chunk(p, plane, nrows, r0, c0, chunk, element, 1, raw);
            size_t size = deflate_chunk(raw, n * element, (int)p->compress, dest);
            if (size == 0) {
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

/* File access for a crash-tolerant render: metadata formats that carry
 * checksums (so a torn write is detected, never read as data), and a metadata
 * cache that writes only when flushed, so that between checkpoints the file
 * on disk stays as the last checkpoint left it; chunks written since then
 * land past its end. */
static hid_t crash_tolerant_access(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110);
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    H5Pget_mdc_config(fapl, &config);
    config.evictions_enabled = 0;
    config.incr_mode = H5C_incr__off;
    config.flash_incr_mode = H5C_flash_incr__off;
    config.decr_mode = H5C_decr__off;
    H5Pset_mdc_config(fapl, &config);
    return fapl;
}

/* Flushes and syncs to disk, so that what the file says is durable. */
static int flush_to_disk(hid_t file)
{
    int *fd = NULL;
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0 || H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fd) < 0)
        return -1;
    return fd && fsync(*fd) != 0 ? -1 : 0;
}

/* Starts writing the file's dirty pages to disk without waiting for them, so
 * that the fsync of the next checkpoint or of the finish has little left to
 * do (seed Julia, 2 ranks, loaded machine: the finish's first fsync took
 * ~20 ms, with this ~3 ms). Durability still comes from those fsyncs alone. */
static void start_writeback(hid_t file)
{
#ifdef SYNC_FILE_RANGE_WRITE
    int *fd = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fd) >= 0 && fd)
        sync_file_range(*fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)file;
#endif
}

/* Whether the file's name still leads to the file being written: a user or a
 * cleanup job may have removed or replaced it, and the rows would then be
 * written to a file nobody can open. */
static int still_named(struct writer *w)
{
    struct hdf5_state *s = w->state;
    struct stat named, open_file;
    int *fd = NULL;
    if (H5Fget_vfd_handle(s->file, H5P_DEFAULT, (void **)&fd) < 0 || !fd || fstat(*fd, &open_file) != 0)
        return 1; /* cannot tell */
    return stat(w->params->hdf5_path, &named) == 0 && named.st_dev == open_file.st_dev &&
           named.st_ino == open_file.st_ino;
}

/* Makes the rows written so far durable, then records them in rows_complete
 * (and makes that durable too): the record never runs ahead of the data.
 * Fails, without writing, once the file has lost its name. */
static int checkpoint(struct writer *w)
{
    struct hdf5_state *s = w->state;
    s->last_checkpoint = monotonic_seconds();
    if (!still_named(w)) {
        s->write_failed = 1;
        return snprintf(w->error, sizeof w->error,
                        "the output '%s' was removed or replaced while rendering: stopping",
                        w->params->hdf5_path), -1;
    }
    if (s->rows_written == s->rows_recorded)
        return 0;
    if (flush_to_disk(s->file) != 0 || put_u64(s->file, "rows_complete", s->rows_written) != 0 ||
        flush_to_disk(s->file) != 0) {
        s->write_failed = 1;
        return hdf5_fail(w, "cannot save progress in");
    }
    s->rows_recorded = s->rows_written;
    return 0;
}

void writer_hdf5_library_init(void)
{
    H5dont_atexit();
    H5open();
}

/* How dataset d of this render is stored, for hdf5_check_dataset. */
static struct hdf5_dataset_rule dataset_rule(const struct render_params *p, size_t d)
{
    struct hdf5_dataset_rule rule = {.name = image_datasets[d].name, .type = dataset_file_type(p, d),
                                     .dims = {p->height, p->width}, .compressed = p->compress > 0};
    chunk_shape(p, rule.chunk);
    return rule;
}

/* Checks, on a read-only handle, that file is an output of this render that
 * can be resumed, everything checked before it is read; sets *rows to the
 * rows it holds. Returns 0, or -1 with the reason in w->error. */
static int check_resumable(struct writer *w, hid_t file, uint64_t *rows)
{
    const struct render_params *p = w->params;
    char status[32], why[256];
    if (check_parameters(w, file) != 0)
        return -1;
    int rc = hdf5_read_text(file, "status", status, sizeof status, why, sizeof why);
    if (rc != 0 || (strcmp(status, "complete") != 0 && strcmp(status, "incomplete") != 0))
        return snprintf(w->error, sizeof w->error, "cannot resume '%s': %s", p->hdf5_path,
                        rc < 0 ? why : rc > 0 ? "it has no 'status' attribute"
                                              : "its 'status' attribute is neither complete nor incomplete"), -1;
    for (size_t d = 0; d < IMAGE_DATASETS; d++) {
        if (!dataset_wanted(p, d))
            continue;
        hid_t dset = H5Dopen2(file, image_datasets[d].name, H5P_DEFAULT);
        if (dset < 0) {
            hdf5_last_error(why, sizeof why);
            if (H5Lexists(file, image_datasets[d].name, H5P_DEFAULT) <= 0)
                snprintf(why, sizeof why, "no such dataset");
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': its '%s' dataset cannot be opened: %s",
                            p->hdf5_path, image_datasets[d].name, why), -1;
        }
        /* The chunks this run writes must fit the stored layout exactly. */
        struct hdf5_dataset_rule rule = dataset_rule(p, d);
        rc = hdf5_check_dataset(dset, &rule, why, sizeof why);
        H5Dclose(dset);
        if (rc != 0)
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': %s", p->hdf5_path, why), -1;
    }
    *rows = p->height;
    if (strcmp(status, "complete") != 0) {
        rc = hdf5_read_whole(file, "rows_complete", rows, why, sizeof why);
        if (rc < 0)
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': %s", p->hdf5_path, why), -1;
        if (rc > 0 || *rows > p->height || (*rows % writer_hdf5_chunk_rows(p) != 0 && *rows != p->height))
            return snprintf(w->error, sizeof w->error, "cannot resume '%s': its rows_complete record is "
                            "missing or damaged", p->hdf5_path), -1;
    }
    return 0;
}

/* Whether another program holds a lock on the file at path (HDF5 locks the
 * files it opens). Returns 1, or 0 (unlocked, absent or cannot tell); with
 * 0 and keep_fd, *keep_fd is an open descriptor holding the exclusive lock
 * (-1 if the file could not be opened). */
static int locked_elsewhere(const char *path, int *keep_fd)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    int locked = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    if (keep_fd && !locked) {
        *keep_fd = fd;
        return 0;
    }
    if (fd >= 0)
        close(fd);
    return locked;
}

/* Locks the open file for this run alone (flock on HDF5's own descriptor:
 * the lock HDF5 takes itself, or the only one where HDF5's file locking is
 * turned off, as HDF5_USE_FILE_LOCKING=FALSE does on many clusters), so that
 * another run neither resumes nor replaces it. Returns 0, or -1 if another
 * program holds a lock on it. */
static int lock_for_this_run(hid_t file)
{
    int *fd = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fd) < 0 || !fd) {
        H5Eclear2(H5E_DEFAULT);
        return 0; /* cannot tell */
    }
    return flock(*fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK ? -1 : 0;
}

/* Opens the output of an interrupted render (flags: H5F_ACC_RDONLY or
 * H5F_ACC_RDWR) and locks it for this run. Returns it, or -1 with the reason
 * in w->error, such as another run writing it. */
static hid_t open_to_resume(struct writer *w, unsigned flags, hid_t fapl)
{
    const char *path = w->params->hdf5_path;
    hid_t file = H5Fopen(path, flags, fapl);
    if (file < 0 && !locked_elsewhere(path, NULL))
        return hdf5_fail(w, "cannot resume: cannot open HDF5 file");
    if (file >= 0 && lock_for_this_run(file) == 0)
        return file;
    if (file >= 0)
        H5Fclose(file);
    H5Eclear2(H5E_DEFAULT);
    return snprintf(w->error, sizeof w->error, "cannot resume '%s': it is open in another program "
                    "(another run writing it?); wait for it to end", path), -1;
}

/* Opens the file of an interrupted render and learns where it stopped. It
 * is checked read-only first: a refused file is left as it was. */
static int hdf5_reopen(struct writer *w, hid_t fapl)
{
    const struct render_params *p = w->params;
    struct hdf5_state *s = w->state;
    uint64_t rows = 0;
    hid_t file = open_to_resume(w, H5F_ACC_RDONLY, fapl);
    if (file < 0)
        return -1;
    int rc = check_resumable(w, file, &rows);
    H5Fclose(file);
    H5Eclear2(H5E_DEFAULT);
    if (rc != 0 || (s->file = open_to_resume(w, H5F_ACC_RDWR, fapl)) < 0)
        return -1;
    for (size_t d = 0; d < IMAGE_DATASETS; d++)
        if (dataset_wanted(p, d) && (s->datasets[d] = H5Dopen2(s->file, image_datasets[d].name, H5P_DEFAULT)) < 0)
            return hdf5_fail(w, "cannot resume: cannot open a dataset of");
    s->rows_written = s->rows_recorded = rows;
    w->resume_row = rows;
    if (append_history(s->file, "resumed", p->command_line) != 0)
        return hdf5_fail(w, "cannot resume: cannot write attributes to");
    s->opened = 1;
    return 0;
}

/* Creates dataset d of image_datasets, [height][width], chunked and filtered
 * as the encoded chunks are, with its attributes. Returns it, or -1. */
static hid_t make_image_dataset(hid_t file, const struct render_params *p, size_t d)
{
    const struct image_dataset *desc = &image_datasets[d];
    hsize_t dims[2] = {p->height, p->width}, chunk[2];
    chunk_shape(p, chunk);
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t create = ordered_dataset_creation();
    H5Pset_chunk(create, 2, chunk);
    /* What netCDF readers take for missing values. The channels: NaN, their
     * value where the sample never escaped (and in rows not yet written).
     * The counts: none ("no fill", netCDF's _NoFill): every value is a
     * count, and a _FillValue would make xarray turn them into floats.
     * ncdump and netCDF4-python still take the type's default fill value
     * (65535 for uint16) for missing, so the automatic counts type never
     * holds it as a count (params_count_bits: itermax 65535 is uint32). */
    const float never_escaped = NAN;
    if (desc->channel)
        H5Pset_fill_value(create, H5T_NATIVE_FLOAT, &never_escaped);
    else
        H5Pset_fill_time(create, H5D_FILL_TIME_NEVER);
    if (p->compress > 0) { /* the pipeline the encoded chunks went through */
        H5Pset_shuffle(create);
        H5Pset_deflate(create, p->compress);
    }
    hid_t dset = H5Dcreate2(file, desc->name, dataset_file_type(p, d), space, H5P_DEFAULT, create, H5P_DEFAULT);
    H5Pclose(create);
    H5Sclose(space);
    if (dset < 0)
        return -1;
    int rc = describe_variable(dset, desc->long_name, desc->units) |
             put_string(dset, "description", desc->description);
    if (desc->channel == 0)
        rc |= put_u32(dset, "itermax", p->itermax);
    else /* netCDF: the attribute has the variable's type */
        rc |= put_scalar(dset, "_FillValue", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &never_escaped);
    if (rc != 0) {
        H5Dclose(dset);
        return -1;
    }
    return dset;
}

/* Creates a new, empty file under a unique temporary name next to the
 * output (in s->creating), so that nothing at the output's path is truncated
 * before this run holds HDF5's lock on its own file. Returns 0, or -1. */
static int create_temporary(struct writer *w)
{
    struct hdf5_state *s = w->state;
    struct stat link;
    /* An output named through a symbolic link is written where the link leads, as before. */
    if (lstat(w->params->hdf5_path, &link) != 0 || !S_ISLNK(link.st_mode) || !realpath(w->params->hdf5_path, s->target))
        snprintf(s->target, sizeof s->target, "%s", w->params->hdf5_path);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(s->creating, sizeof s->creating, "%s.new-%ld-%ld", s->target, (long)getpid(),
                 ((long)now.tv_nsec + attempt) % 1000000000L);
        int fd = open(s->creating, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return close(fd), 0;
        if (errno != EEXIST)
            break;
    }
    int err = errno;
    s->creating[0] = '\0';
    return snprintf(w->error, sizeof w->error, "cannot create HDF5 file '%s': %s", w->params->hdf5_path,
                    strerror(err)), -1;
}

/* Puts the new file, complete with its datasets, in place of whatever is at
 * the output's path; refuses to replace a file that another program has open
 * through HDF5 (which locks what it writes): that run goes on undisturbed.
 * Returns 0, or -1 with the reason in w->error. */
static int replace_output(struct writer *w)
{
    struct hdf5_state *s = w->state;
    const char *path = w->params->hdf5_path;
    int old = -1;
    if (locked_elsewhere(s->target, &old))
        return snprintf(w->error, sizeof w->error, "'%s' is open in another program (another run writing it?): "
                        "not replaced; wait for it to end or choose another output", path), -1;
    /* without --force, a file that appeared at the path since the options were checked stays */
    int rc = output_publish(s->creating, s->target, w->params->force);
    int err = errno;
    if (old >= 0)
        close(old); /* the lock held the old file until the new one took its name */
    if (rc != 0 && err == EEXIST)
        return snprintf(w->error, sizeof w->error, "HDF5 output '%s' appeared while starting (another run?): "
                        "not replaced; use --force to overwrite it", path), -1;
    if (rc != 0)
        return snprintf(w->error, sizeof w->error, "cannot create HDF5 file '%s': %s", path, strerror(err)), -1;
    s->creating[0] = '\0';
    return 0;
}

static int hdf5_open(struct writer *w)
{
    const struct render_params *p = w->params;
    struct hdf5_state *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(w->error, sizeof w->error, "out of memory"), -1;
    s->file = -1;
    for (size_t d = 0; d < IMAGE_DATASETS; d++)
        s->datasets[d] = -1;
    w->state = s;
    w->resume_row = 0;
    s->last_checkpoint = monotonic_seconds();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported once, by hdf5_fail */

    hid_t fapl = crash_tolerant_access();
    if (p->resume) {
        int rc = hdf5_reopen(w, fapl);
        H5Pclose(fapl);
        return rc;
    }
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_link_creation_order(fcpl, CREATION_ORDER);
    H5Pset_attr_creation_order(fcpl, ATTRIBUTE_ORDER);
    s->file = create_temporary(w) == 0 ? H5Fcreate(s->creating, H5F_ACC_TRUNC, fcpl, fapl) : -2;
    if (s->file == -1) /* said before H5Pclose clears HDF5's error stack */
        hdf5_fail(w, "cannot create HDF5 file");
    H5Pclose(fcpl);
    H5Pclose(fapl);
    if (s->file < 0)
        return -1;
    lock_for_this_run(s->file); /* a new name: nobody else has it open */
    if (set_status(s->file, "incomplete") != 0 || describe_file(s->file, p) != 0 ||
        put_parameters(s->file, p) != 0 || put_u64(s->file, "rows_complete", 0) != 0)
        return hdf5_fail(w, "cannot write attributes to");

    for (size_t d = 0; d < IMAGE_DATASETS; d++) {
        if (!dataset_wanted(p, d))
            continue;
        s->datasets[d] = make_image_dataset(s->file, p, d);
        if (s->datasets[d] < 0)
            return hdf5_fail(w, "cannot create an image dataset in");
    }

    const char *sample = p->fractal == FRACTAL_JULIA ? "z(0)" : "c"; /* what a sample is */
    struct view_axis x_axis, y_axis;
    long scale10 = view_file_axes(&p->view, p->width, p->height, &x_axis, &y_axis);
    char x_name[160], y_name[160];
    if (p->view.kind == VIEW_CENTRE) {
        snprintf(x_name, sizeof x_name, "real part of %s minus center_re, in units of 1e%ld", sample, -scale10);
        snprintf(y_name, sizeof y_name, "imaginary part of %s minus center_im, in units of 1e%ld", sample,
                 -scale10);
    } else {
        snprintf(x_name, sizeof x_name, "real part of %s", sample);
        snprintf(y_name, sizeof y_name, "imaginary part of %s", sample);
    }
    hid_t y = make_coordinate(s->file, "y", &y_axis, y_name, "Y");
    hid_t x = make_coordinate(s->file, "x", &x_axis, x_name, "X");
    int ok = x >= 0 && y >= 0;
    if (ok && p->view.kind == VIEW_CENTRE) /* x = (real part - center_re) * 10^scale10 */
        ok = put_scalar(x, "scale_exponent10", H5T_STD_I64LE, H5T_NATIVE_LONG, &scale10) == 0 &&
             put_scalar(y, "scale_exponent10", H5T_STD_I64LE, H5T_NATIVE_LONG, &scale10) == 0 &&
             put_string(x, "offset_from", "center_re") == 0 && put_string(y, "offset_from", "center_im") == 0;
    for (size_t d = 0; ok && d < IMAGE_DATASETS; d++)
        ok = s->datasets[d] < 0 ||
             (H5DSattach_scale(s->datasets[d], y, 0) >= 0 && H5DSattach_scale(s->datasets[d], x, 1) >= 0);
    if (x >= 0)
        H5Dclose(x);
    if (y >= 0)
        H5Dclose(y);
    if (!ok)
        return hdf5_fail(w, "cannot write coordinates to");
    if (flush_to_disk(s->file) != 0)
        return hdf5_fail(w, "cannot write");
    if (replace_output(w) != 0)
        return -1;
    s->opened = 1;
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
    for (uint64_t k = 0; k < chunks * IMAGE_DATASETS; k++) {
        hid_t dset = s->datasets[k / chunks];
        uint64_t c = k % chunks;
        struct chunk_header header;
        if (dset < 0)
            continue;
        if (used + sizeof header > length)
            return snprintf(w->error, sizeof w->error, "a band for '%s' arrived truncated",
                            w->params->hdf5_path), -1;
        memcpy(&header, encoded + used, sizeof header);
        if (header.size > length - used - sizeof header)
            return snprintf(w->error, sizeof w->error, "a band for '%s' arrived truncated",
                            w->params->hdf5_path), -1;
        hsize_t offset[2] = {row0 + (c / chunk_cols) * chunk[0], (c % chunk_cols) * chunk[1]};
        if (H5Dwrite_chunk(dset, H5P_DEFAULT, 0, offset, (size_t)header.size,
                           encoded + used + sizeof header) < 0)
            return s->write_failed = 1, hdf5_fail(w, "cannot write rows to");
        used += sizeof header + (size_t)header.size;
    }
    s->rows_written = row0 + nrows;
    start_writeback(s->file);
    if (monotonic_seconds() - s->last_checkpoint >= CHECKPOINT_SECONDS)
        return checkpoint(w);
    return 0;
}

/* Reads rows [row0, row0 + nrows) of dataset name into values as mem_type.
 * Returns 1 on success, else 0 with HDF5's reason in detail. */
static int read_dataset_rows(hid_t file, const char *name, hid_t mem_type, uint64_t row0, uint32_t nrows,
                             uint64_t width, void *values, char *detail, size_t detail_len)
{
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : -1;
    hsize_t offset[2] = {row0, 0}, count[2] = {nrows, width};
    hid_t mem = H5Screate_simple(2, count, NULL);
    int ok = space >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, offset, NULL, count, NULL) >= 0 &&
             H5Dread(dset, mem_type, mem, space, H5P_DEFAULT, values) >= 0;
    if (!ok) /* before the next call clears HDF5's error stack */
        hdf5_last_error(detail, detail_len);
    H5Sclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return ok;
}

/* Reads rows [row0, row0 + nrows) of dataset name, 4-byte values, into
 * values; when they cannot be read, finds the first row that cannot and
 * says so in why. Returns 1 on success. */
static int read_rows_or_say_where(hid_t file, const char *path, const char *name, hid_t mem_type,
                                  uint64_t row0, uint32_t nrows, uint64_t width, void *values, char *why,
                                  size_t why_len)
{
    char detail[256];
    if (read_dataset_rows(file, name, mem_type, row0, nrows, width, values, detail, sizeof detail))
        return 1;
    uint64_t bad = row0;
    while (bad < row0 + nrows - 1 && read_dataset_rows(file, name, mem_type, bad, 1, width,
                                                       (uint8_t *)values + (bad - row0) * width * 4, detail,
                                                       sizeof detail))
        bad++;
    snprintf(why, why_len, "cannot read row %llu of '%s' in '%s' (damaged?): %s", (unsigned long long)bad,
             name, path, detail);
    return 0;
}

int writer_hdf5_read_rows(const char *path, uint64_t row0, uint32_t nrows, uint64_t width,
                          const struct band_data *band, char *why, size_t why_len)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        char detail[256];
        hdf5_last_error(detail, sizeof detail);
        return snprintf(why, why_len, "cannot read back '%s': %s", path, detail), -1;
    }
    int ok = read_rows_or_say_where(file, path, "counts", H5T_NATIVE_UINT32, row0, nrows, width, band->counts,
                                    why, why_len);
    if (ok && band->smooth)
        ok = read_rows_or_say_where(file, path, "smooth", H5T_NATIVE_FLOAT, row0, nrows, width, band->smooth,
                                    why, why_len);
    if (ok && band->distance)
        ok = read_rows_or_say_where(file, path, "distance", H5T_NATIVE_FLOAT, row0, nrows, width,
                                    band->distance, why, why_len);
    H5Fclose(file);
    H5Eclear2(H5E_DEFAULT);
    return ok ? 0 : -1;
}

/* Closes what is open. The library is not shut down: after a failure
 * (a full disk, a damaged file) HDF5 may hold objects it cannot close, and
 * shutting down would then print its "infinite loop closing library" dump;
 * writer_hdf5_library_init keeps it from shutting down at exit. */
static void hdf5_close_all(struct hdf5_state *s)
{
    for (size_t d = 0; d < IMAGE_DATASETS; d++)
        if (s->datasets[d] >= 0)
            H5Dclose(s->datasets[d]);
    if (s->file >= 0)
        H5Fclose(s->file);
    for (size_t d = 0; d < IMAGE_DATASETS; d++)
        s->datasets[d] = -1;
    s->file = -1;
}

static int hdf5_finish(struct writer *w, const struct render_report *report)
{
    struct hdf5_state *s = w->state;
    if (checkpoint(w) != 0)
        return -1;
    int rc = put_u32(s->file, "ranks", (uint32_t)report->ranks);
    rc |= put_u32(s->file, "threads_per_rank", (uint32_t)report->threads);
    rc |= put_string(s->file, "kernel", report->kernel);
    rc |= put_double(s->file, "wall_seconds", report->wall_seconds);
    rc |= put_u64(s->file, "total_iterations", report->total_iterations);
    rc |= put_u64(s->file, "rows_complete", s->rows_written);
    if (rc != 0 || flush_to_disk(s->file) != 0)
        return hdf5_fail(w, "cannot finish");
    /* The status says complete only once everything else is on disk. */
    if (set_status(s->file, "complete") != 0)
        return hdf5_fail(w, "cannot finish");
    for (size_t d = 0; d < IMAGE_DATASETS; d++) {
        if (s->datasets[d] >= 0 && H5Dclose(s->datasets[d]) < 0)
            return hdf5_fail(w, "cannot finish");
        s->datasets[d] = -1;
    }
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
    int created = s->opened && !w->params->resume;
    if (s->opened && s->file >= 0 && !s->write_failed)
        checkpoint(w); /* keep every row written for --resume; status stays "incomplete" */
    hdf5_close_all(s);
    H5Eclear2(H5E_DEFAULT);
    if (s->creating[0])
        remove(s->creating); /* a new file that never took the output's name */
    else if (created && s->rows_written == 0)
        remove(s->target); /* no row was written: nothing to resume */
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
