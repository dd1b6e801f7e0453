/* fuzz_hdf5.c - libFuzzer target: mutated HDF5 outputs resumed by the HDF5 writer (hdf5_check's validation) and read back. */
#include <fcntl.h>
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "band.h"
#include "channels.h"
#include "options.h"
#include "writer.h"

/* The renders the seeds in tests/fuzz-seeds-h5 come from: each input is
 * resumed as each of them, so that a mutated seed of either kind gets past
 * the parameter checks to the datasets and the rows. */
static const char *const renders[][16] = {
    {"fuzz", "-f", "mandelbrot", "-R", "64", "-M", "50", "--quiet", "--resume", "-o", NULL},
    {"fuzz", "-f", "mandelbrot", "-R", "48", "-M", "50", "--channels", "smooth,distance", "--compress", "0",
     "--quiet", "--resume", "-o", NULL},
};
#define RENDERS (sizeof renders / sizeof renders[0])

static char dir[] = "/tmp/fuzz_hdf5.XXXXXX";
static char path[sizeof dir + 8];
static struct render_params params[RENDERS];

/* A real output of the first render, made at start-up (the base of the edits). */
static uint8_t *base_image;
static size_t base_size;

static void remove_file(void)
{
    unlink(path);
    rmdir(dir);
}

static void make_base_image(void);
static void put_input(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir)) {
        perror("fuzz_hdf5: mkdtemp");
        abort();
    }
    snprintf(path, sizeof path, "%s/o.h5", dir);
    atexit(remove_file);
    writer_hdf5_library_init();
    for (size_t r = 0; r < RENDERS; r++) {
        char *words[16];
        int n = 0;
        while (renders[r][n]) {
            words[n] = (char *)renders[r][n];
            n++;
        }
        words[n++] = path; /* after -o */
        words[n] = NULL;
        char err[512];
        if (options_parse(n, words, &params[r], err, sizeof err) != OPTIONS_RENDER) {
            fprintf(stderr, "fuzz_hdf5: %s\n", err);
            abort();
        }
        params[r].png_path[0] = '\0';
    }
    make_base_image();
    return 0;
}

/* Writes the input as the file at path. */
static void put_input(const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
        perror(path);
        abort();
    }
}

/* Renders nothing (all counts 0) into a complete output of the first render
 * through the writer itself, and keeps its bytes in base_image. */
static void make_base_image(void)
{
    struct render_params p = params[0];
    p.resume = 0;
    p.force = 1;
    struct writer w = {.ops = &writer_hdf5_ops, .params = &p};
    struct band_layout layout = {0};
    struct band_data band;
    size_t bound = w.ops->encoded_bound(&p, (uint32_t)p.height);
    uint8_t *encoded = malloc(bound);
    struct render_report report = {.ranks = 1, .threads = 1, .kernel = "none"};
    if (!encoded || band_data_alloc(&band, &layout, (size_t)p.width * p.height) != 0 || w.ops->open(&w) != 0)
        abort();
    size_t length = w.ops->encode(&p, 0, (uint32_t)p.height, &band, encoded);
    if (length == 0 || w.ops->write_band(&w, 0, (uint32_t)p.height, encoded, length) != 0 ||
        w.ops->finish(&w, &report) != 0)
        abort();
    free(encoded);
    band_data_free(&band);
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (base_size = (size_t)ftell(f)) == 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(base_image = malloc(base_size)) || fread(base_image, 1, base_size, f) != base_size)
        abort();
    fclose(f);
}

/* The edit list of an input, read a byte or a number at a time (zeros once it ends). */
struct edits {
    const uint8_t *data;
    size_t size, used;
};

static unsigned next_byte(struct edits *e)
{
    return e->used < e->size ? e->data[e->used++] : 0;
}

static unsigned next_u16(struct edits *e)
{
    return next_byte(e) | next_byte(e) << 8;
}

/* Fills n bytes from the input, over and over. */
static void fill_from(struct edits *e, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = e->size ? e->data[(e->used + i) % e->size] : 0;
}

/* Attribute names an edit can target: those mpifractal reads or writes, and one it never does. */
static const char *const attribute_names[] = {
    "status", "software", "history", "fractal", "counts_dtype", "channels", "xleft", "xright", "ybot", "ytop",
    "threshold", "itermin", "itermax", "width", "height", "compression_level", "samples", "rows_complete",
    "ranks", "wall_seconds", "total_iterations", "smooth_radius", "title"};
#define NAMES (sizeof attribute_names / sizeof attribute_names[0])

/* A type an edit gives an attribute or the counts. Returns one to close, or -1 for H5T_VARIABLE strings. */
static hid_t pick_type(struct edits *e, size_t *string_len)
{
    unsigned k = next_byte(e) % 14;
    hsize_t three = 3;
    switch (k) {
    case 0: return H5Tcopy(H5T_STD_U8LE);
    case 1: return H5Tcopy(H5T_STD_U16LE);
    case 2: return H5Tcopy(H5T_STD_U32LE);
    case 3: return H5Tcopy(H5T_STD_U64LE);
    case 4: return H5Tcopy(H5T_STD_I32LE);
    case 5: return H5Tcopy(H5T_STD_I64LE);
    case 6: return H5Tcopy(H5T_STD_U32BE);
    case 7: return H5Tcopy(H5T_IEEE_F32LE);
    case 8: return H5Tcopy(H5T_IEEE_F64LE);
    case 9: return H5Tcopy(H5T_IEEE_F64BE);
    case 10: return H5Tarray_create2(H5T_NATIVE_DOUBLE, 1, &three);
    case 11: { /* a fixed-length string */
        hid_t t = H5Tcopy(H5T_C_S1);
        *string_len = 1 + next_u16(e) % 6000;
        H5Tset_size(t, *string_len);
        return t;
    }
    default: { /* a variable-length string, as h5py writes str */
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, H5T_CSET_UTF8);
        return t;
    }
    }
}

/* A dataspace of one value, of none, or of up to 2000. */
static hid_t pick_space(struct edits *e, hsize_t *n)
{
    unsigned k = next_byte(e) % 4;
    if (k == 0)
        return *n = 1, H5Screate(H5S_SCALAR);
    if (k == 1)
        return *n = 0, H5Screate(H5S_NULL);
    *n = k == 2 ? 1 : 1 + next_u16(e) % 2000;
    return H5Screate_simple(1, n, NULL);
}

/* Replaces attribute name of the root with one of the type and shape the input picks. */
static void replace_attribute(hid_t file, struct edits *e)
{
    const char *name = attribute_names[next_byte(e) % NAMES];
    size_t string_len = 0;
    hsize_t n = 0;
    hid_t type = pick_type(e, &string_len), space = pick_space(e, &n);
    if (H5Aexists(file, name) > 0)
        H5Adelete(file, name);
    hid_t attr = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0 && n > 0) {
        if (H5Tis_variable_str(type) > 0) {
            char text[301], **values = malloc(n * sizeof *values);
            fill_from(e, (uint8_t *)text, sizeof text - 1);
            text[next_byte(e) % (sizeof text)] = '\0';
            text[sizeof text - 1] = '\0';
            for (hsize_t i = 0; values && i < n; i++)
                values[i] = text;
            if (values)
                H5Awrite(attr, type, values);
            free(values);
        } else {
            size_t bytes = n * H5Tget_size(type);
            uint8_t *values = malloc(bytes);
            if (values) {
                fill_from(e, values, bytes);
                H5Awrite(attr, type, values);
            }
            free(values);
        }
    }
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/* Replaces counts with a dataset of the type, shape, chunks and filters the input picks. */
static void replace_counts(hid_t file, struct edits *e)
{
    const struct render_params *p = &params[0];
    hsize_t dims[2] = {p->height + next_byte(e) % 3 - 1, p->width + next_byte(e) % 3 - 1};
    hsize_t chunk[2] = {1 + next_byte(e) % dims[0], 1 + next_byte(e) % dims[1]};
    unsigned filters = next_byte(e);
    size_t string_len = 0;
    hid_t type = pick_type(e, &string_len);
    if (H5Tget_class(type) != H5T_INTEGER && H5Tget_class(type) != H5T_FLOAT) {
        H5Tclose(type);
        type = H5Tcopy(H5T_STD_U8LE);
    }
    hid_t create = H5Pcreate(H5P_DATASET_CREATE), space = H5Screate_simple(2, dims, NULL);
    H5Pset_chunk(create, 2, chunk);
    if (filters & 1)
        H5Pset_shuffle(create);
    if (filters & 2)
        H5Pset_deflate(create, 1);
    if (filters & 4)
        H5Pset_fletcher32(create);
    if (filters & 8) /* not scaleoffset: HDF5 1.10 itself crashes writing some of those */
        H5Pset_nbit(create);
    if (H5Lexists(file, "counts", H5P_DEFAULT) > 0)
        H5Ldelete(file, "counts", H5P_DEFAULT);
    hid_t dset = H5Dcreate2(file, "counts", type, space, H5P_DEFAULT, create, H5P_DEFAULT);
    if (dset >= 0 && (filters & 16)) { /* some values, else the fill value */
        size_t bytes = (size_t)(dims[0] * dims[1]) * H5Tget_size(type);
        uint8_t *values = malloc(bytes);
        if (values) {
            fill_from(e, values, bytes);
            H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
        }
        free(values);
    }
    if (dset >= 0)
        H5Dclose(dset);
    H5Sclose(space);
    H5Pclose(create);
    H5Tclose(type);
}

/* Writes the base output edited as the input says: attributes replaced or
 * deleted, counts replaced, as a user's script could. */
static void put_edited_base(const uint8_t *data, size_t size)
{
    struct edits e = {data, size, 0};
    put_input(base_image, base_size);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) {
        fprintf(stderr, "fuzz_hdf5: cannot open the base output\n");
        abort();
    }
    for (int k = 0; k < 8 && e.used < e.size; k++) {
        switch (next_byte(&e) % 3) {
        case 0: replace_attribute(file, &e); break;
        case 1: H5Adelete(file, attribute_names[next_byte(&e) % NAMES]); break;
        default: replace_counts(file, &e); break;
        }
    }
    H5Fclose(file); /* HDF5 may fail to write what an edit asked: then the file is what it is */
    H5Eclear2(H5E_DEFAULT);
}

/* A message of the writer must be one non-empty line. */
static void check_message(const char *text)
{
    if (text[0] == '\0' || strchr(text, '\n')) {
        fprintf(stderr, "fuzz_hdf5: not one line: '%s'\n", text);
        abort();
    }
}

/* An input whose first byte is odd is the file itself (a damaged output:
 * HDF5's checksums refuse most of them); an even one is a list of edits to a
 * real output (attributes of any type and shape, counts of any type, shape,
 * chunks and filters), so that hdf5_check's own checks are reached. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int raw = size > 0 && (data[0] & 1);
    for (size_t r = 0; r < (raw ? RENDERS : 1); r++) {
        const struct render_params *p = &params[r];
        if (raw) /* a resume writes to the file: each render starts from the input */
            put_input(data, size);
        else
            put_edited_base(data + (size > 0), size - (size > 0));
        struct writer w = {.ops = &writer_hdf5_ops, .params = p};
        if (w.ops->open(&w) != 0) {
            check_message(w.error);
            w.ops->discard(&w);
            continue; /* (the object count is checked once all renders are done) */
        }
        if (w.resume_row > p->height)
            abort();
        /* what a resumed render does at its end: read every row back */
        struct band_layout layout = {.smooth = (p->channels & CHANNEL_SMOOTH) != 0,
                                     .distance = (p->channels & CHANNEL_DISTANCE) != 0};
        struct band_data band;
        if (band_data_alloc(&band, &layout, (size_t)p->width * p->height) != 0)
            abort();
        char why[WRITER_ERROR_MAX];
        if (writer_hdf5_read_rows(p->hdf5_path, 0, (uint32_t)p->height, p->width, &band, why, sizeof why) != 0)
            check_message(why);
        band_data_free(&band);
        w.ops->discard(&w);
    }
    H5garbage_collect(); /* HDF5's free lists, else they grow with every input */
    /* every file, dataset, attribute and type the writer opened is closed */
    ssize_t left = H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (left != 0) {
        fprintf(stderr, "fuzz_hdf5: %zd HDF5 objects left open\n", left);
        abort();
    }
    return 0;
}
