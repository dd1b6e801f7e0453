/* hdf5_check.c - validates an existing HDF5 output against what this render would write, before reading it. */
#include "hdf5_check.h"

#include <stdio.h>
#include <string.h>

#include "view.h"

enum value_class { TEXT, REAL, WHOLE };

/* One root attribute that mpifractal reads back, or writes over in place. */
struct attribute_rule {
    const char *name;
    enum value_class value_class;
    /* TEXT: most bytes with the terminating NUL (files store the characters
     * alone since netCDF-4 readers took a stored NUL for text; older files
     * count it: both are read); REAL: exact bytes; WHOLE: most bytes */
    size_t size;
};

/* Every root attribute an output holds that a resumed render reads or
 * overwrites in place: one line each. (Strings that are only ever replaced
 * whole, such as title or kernel, are never read, so they need no rule.) */
static const struct attribute_rule root_attributes[] = {
    {"status", TEXT, 32},
    {"software", TEXT, 256},
    {"history", TEXT, 4096},
    {"fractal", TEXT, 256},
    {"counts_dtype", TEXT, 256},
    {"channels", TEXT, 256},
    {"engine", TEXT, 256},
    {"no_bla", TEXT, 256},
    {"center_re", TEXT, VIEW_DECIMAL_MAX},
    {"center_im", TEXT, VIEW_DECIMAL_MAX},
    {"zoom", TEXT, VIEW_ZOOM_MAX},
    {"xleft", REAL, 8},
    {"xright", REAL, 8},
    {"ybot", REAL, 8},
    {"ytop", REAL, 8},
    {"c_real", REAL, 8},
    {"c_imag", REAL, 8},
    {"threshold", REAL, 8},
    {"smooth_radius", REAL, 8},
    {"wall_seconds", REAL, 8},
    {"itermin", WHOLE, 4},
    {"itermax", WHOLE, 4},
    {"compression_level", WHOLE, 4},
    {"samples", WHOLE, 4},
    {"ranks", WHOLE, 4},
    {"threads_per_rank", WHOLE, 4},
    {"width", WHOLE, 8},
    {"height", WHOLE, 8},
    {"rows_complete", WHOLE, 8},
    {"total_iterations", WHOLE, 8},
};

#define ROOT_ATTRIBUTES (sizeof root_attributes / sizeof root_attributes[0])

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

void hdf5_printable(char *text)
{
    for (; *text; text++)
        if (*text < 0x20 || *text > 0x7e)
            *text = '?';
}

void hdf5_last_error(char *text, size_t len)
{
    struct error_walk walk = {text, len};
    snprintf(text, len, "unknown HDF5 error");
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &walk);
    H5Eclear2(H5E_DEFAULT);
    hdf5_printable(text);
}

/* Puts "its 'name' attribute|dataset cannot be read: HDF5's reason" in why. Returns -1. */
static int unreadable(const char *kind, const char *name, char *why, size_t why_len)
{
    char detail[256];
    hdf5_last_error(detail, sizeof detail);
    snprintf(why, why_len, "its '%s' %s cannot be read: %s", name, kind, detail);
    return -1;
}

/* Names a type as a user would: "uint8", "float64", "int64 big-endian", "a string of 300 bytes". */
static void type_name(hid_t type, char *text, size_t len)
{
    size_t size = H5Tget_size(type);
    const char *order = H5Tget_order(type) == H5T_ORDER_BE ? " big-endian" : "";
    switch (H5Tget_class(type)) {
    case H5T_INTEGER:
        snprintf(text, len, "%sint%zu%s", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", 8 * size, order);
        break;
    case H5T_FLOAT: snprintf(text, len, "float%zu%s", 8 * size, order); break;
    case H5T_STRING:
        if (H5Tis_variable_str(type) > 0)
            snprintf(text, len, "a variable-length string");
        else
            snprintf(text, len, "a string of %zu bytes", size);
        break;
    case H5T_COMPOUND: snprintf(text, len, "a compound type"); break;
    case H5T_ARRAY: snprintf(text, len, "an array type"); break;
    case H5T_ENUM: snprintf(text, len, "an enumeration"); break;
    case H5T_VLEN: snprintf(text, len, "a variable-length sequence"); break;
    case H5T_REFERENCE: snprintf(text, len, "a reference"); break;
    case H5T_BITFIELD: snprintf(text, len, "a bit field"); break;
    case H5T_OPAQUE: snprintf(text, len, "an opaque type"); break;
    default: snprintf(text, len, "of an unknown type"); break;
    }
}

/* Whether type is a value of the class and size of rule (strings of any
 * length: their length is checked as they are read). */
static int type_fits(hid_t type, enum value_class value_class, size_t size)
{
    size_t have = H5Tget_size(type);
    switch (value_class) {
    case TEXT: return H5Tget_class(type) == H5T_STRING;
    case REAL: return H5Tget_class(type) == H5T_FLOAT && have == size;
    case WHOLE: return H5Tget_class(type) == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_NONE && have <= size;
    }
    return 0;
}

static const char *wanted_name(enum value_class value_class, size_t size)
{
    switch (value_class) {
    case TEXT: return "a string";
    case REAL: return "float64";
    case WHOLE: return size == 4 ? "an unsigned integer of at most 32 bits" : "an unsigned integer";
    }
    return "?";
}

/* The rule for a root attribute of that name, or NULL. */
static const struct attribute_rule *rule_for(const char *name)
{
    for (size_t i = 0; i < ROOT_ATTRIBUTES; i++)
        if (strcmp(root_attributes[i].name, name) == 0)
            return &root_attributes[i];
    return NULL;
}

/* Opens attribute name of object after checking that it is a single value of
 * value_class and size. Returns it (close it with H5Aclose); -2 if object
 * has no such attribute; -1 with the reason in why. */
static hid_t open_single_value(hid_t object, const char *name, enum value_class value_class, size_t size,
                               char *why, size_t why_len)
{
    htri_t exists = H5Aexists(object, name);
    if (exists == 0)
        return -2;
    hid_t attr = exists > 0 ? H5Aopen(object, name, H5P_DEFAULT) : -1;
    if (attr < 0)
        return unreadable("attribute", name, why, why_len);
    hid_t space = H5Aget_space(attr), type = H5Aget_type(attr);
    int ok = space >= 0 && type >= 0;
    if (!ok) {
        unreadable("attribute", name, why, why_len);
    } else {
        H5S_class_t shape = H5Sget_simple_extent_type(space);
        hssize_t values = H5Sget_simple_extent_npoints(space);
        char have[64];
        type_name(type, have, sizeof have);
        if (shape == H5S_NULL || values == 0)
            ok = 0, snprintf(why, why_len, "its '%s' attribute holds no value", name);
        else if (shape != H5S_SCALAR && values != 1)
            ok = 0, snprintf(why, why_len, "its '%s' attribute holds %lld values, not one", name, (long long)values);
        else if (!type_fits(type, value_class, size))
            ok = 0, snprintf(why, why_len, "its '%s' attribute is %s, not %s", name, have,
                             wanted_name(value_class, size));
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (!ok) {
        H5Aclose(attr);
        H5Eclear2(H5E_DEFAULT);
        return -1;
    }
    return attr;
}

int hdf5_check_attributes(hid_t object, char *why, size_t why_len)
{
    for (size_t i = 0; i < ROOT_ATTRIBUTES; i++) {
        const struct attribute_rule *rule = &root_attributes[i];
        hid_t attr = open_single_value(object, rule->name, rule->value_class, rule->size, why, why_len);
        if (attr == -1)
            return -1;
        if (attr >= 0)
            H5Aclose(attr);
    }
    return 0;
}

/* The rule of a root attribute, or the loosest one of its class for others. */
static struct attribute_rule rule_or_default(const char *name, enum value_class value_class, size_t size)
{
    const struct attribute_rule *rule = rule_for(name);
    return rule && rule->value_class == value_class ? *rule : (struct attribute_rule){name, value_class, size};
}

int hdf5_read_text(hid_t object, const char *name, char *text, size_t len, char *why, size_t why_len)
{
    struct attribute_rule rule = rule_or_default(name, TEXT, len);
    hid_t attr = open_single_value(object, name, TEXT, rule.size, why, why_len);
    if (attr < 0)
        return attr == -2 ? 1 : -1;
    size_t most = rule.size < len ? rule.size : len; /* with the NUL */
    hid_t type = H5Aget_type(attr), mem = H5Tcopy(H5T_C_S1);
    int rc = type >= 0 && mem >= 0 ? 0 : -1;
    if (rc == 0)
        H5Tset_cset(mem, H5Tget_cset(type));
    if (rc == 0 && H5Tis_variable_str(type) > 0) {
        char *value = NULL;
        rc = H5Tset_size(mem, H5T_VARIABLE) >= 0 && H5Aread(attr, mem, &value) >= 0 ? 0 : -1;
        if (rc == 0 && value && strlen(value) >= most)
            rc = -2;
        else if (rc == 0)
            snprintf(text, len, "%s", value ? value : "");
        H5free_memory(value);
    } else if (rc == 0) {
        size_t size = H5Tget_size(type);
        if (size >= most) {
            rc = -2;
        } else {
            memset(text, 0, len);
            H5Tset_strpad(mem, H5T_STR_NULLTERM);
            rc = H5Tset_size(mem, size + 1) >= 0 && H5Aread(attr, mem, text) >= 0 ? 0 : -1;
            text[len - 1] = '\0';
        }
    }
    if (rc == -1)
        unreadable("attribute", name, why, why_len);
    else if (rc == -2)
        snprintf(why, why_len, "its '%s' attribute is a string longer than %zu bytes", name, most - 1);
    if (mem >= 0)
        H5Tclose(mem);
    if (type >= 0)
        H5Tclose(type);
    H5Aclose(attr);
    return rc < 0 ? -1 : 0;
}

/* Reads one value of a checked attribute as mem_type. */
static int read_number(hid_t object, const char *name, enum value_class value_class, size_t size,
                       hid_t mem_type, void *value, char *why, size_t why_len)
{
    struct attribute_rule rule = rule_or_default(name, value_class, size);
    hid_t attr = open_single_value(object, name, value_class, rule.size, why, why_len);
    if (attr < 0)
        return attr == -2 ? 1 : -1;
    int rc = H5Aread(attr, mem_type, value) >= 0 ? 0 : unreadable("attribute", name, why, why_len);
    H5Aclose(attr);
    return rc;
}

int hdf5_read_real(hid_t object, const char *name, double *value, char *why, size_t why_len)
{
    return read_number(object, name, REAL, sizeof *value, H5T_NATIVE_DOUBLE, value, why, why_len);
}

int hdf5_read_whole(hid_t object, const char *name, uint64_t *value, char *why, size_t why_len)
{
    return read_number(object, name, WHOLE, sizeof *value, H5T_NATIVE_UINT64, value, why, why_len);
}

/* Names a filter pipeline: "shuffle, deflate", "none". */
static void pipeline_name(hid_t create, char *text, size_t len)
{
    int filters = H5Pget_nfilters(create);
    size_t used = 0;
    snprintf(text, len, "none");
    for (int i = 0; i < filters && used < len; i++) {
        unsigned flags, config;
        size_t values = 0;
        char name[32] = "";
        H5Z_filter_t id = H5Pget_filter2(create, (unsigned)i, &flags, &values, NULL, sizeof name, name, &config);
        const char *known = id == H5Z_FILTER_DEFLATE      ? "deflate"
                            : id == H5Z_FILTER_SHUFFLE     ? "shuffle"
                            : id == H5Z_FILTER_FLETCHER32  ? "fletcher32"
                            : id == H5Z_FILTER_SZIP        ? "szip"
                            : id == H5Z_FILTER_NBIT        ? "nbit"
                            : id == H5Z_FILTER_SCALEOFFSET ? "scaleoffset"
                                                           : NULL;
        if (known)
            used += (size_t)snprintf(text + used, len - used, "%s%s", i ? ", " : "", known);
        else
            used += (size_t)snprintf(text + used, len - used, "%sfilter %d", i ? ", " : "", (int)id);
    }
    H5Eclear2(H5E_DEFAULT);
}

/* Whether the pipeline is exactly shuffle then deflate (compressed) or empty. */
static int pipeline_fits(hid_t create, int compressed)
{
    int filters = H5Pget_nfilters(create);
    if (filters != (compressed ? 2 : 0))
        return 0;
    for (int i = 0; i < filters; i++) {
        unsigned flags, config;
        size_t values = 0;
        H5Z_filter_t id = H5Pget_filter2(create, (unsigned)i, &flags, &values, NULL, 0, NULL, &config);
        if (id != (i == 0 ? H5Z_FILTER_SHUFFLE : H5Z_FILTER_DEFLATE))
            return 0;
    }
    return 1;
}

int hdf5_check_dataset(hid_t dset, const struct hdf5_dataset_rule *rule, char *why, size_t why_len)
{
    hid_t type = H5Dget_type(dset), space = H5Dget_space(dset), create = H5Dget_create_plist(dset);
    int rc = type >= 0 && space >= 0 && create >= 0 ? 0 : unreadable("dataset", rule->name, why, why_len);
    char have[64], want[64];
    if (rc == 0 && H5Tequal(type, rule->type) <= 0) {
        type_name(type, have, sizeof have);
        type_name(rule->type, want, sizeof want);
        rc = -1, snprintf(why, why_len, "its '%s' dataset is %s, not %s", rule->name, have, want);
    }
    hsize_t dims[2] = {0, 0};
    int rank = rc == 0 ? H5Sget_simple_extent_ndims(space) : 0;
    if (rc == 0 && rank != 2)
        rc = -1, snprintf(why, why_len, "its '%s' dataset has %d dimensions, not 2", rule->name, rank);
    if (rc == 0 && (H5Sget_simple_extent_dims(space, dims, NULL) != 2 || dims[0] != rule->dims[0] ||
                    dims[1] != rule->dims[1]))
        rc = -1, snprintf(why, why_len, "its '%s' dataset is %llu x %llu, not %llu x %llu (height x width)",
                          rule->name, (unsigned long long)dims[0], (unsigned long long)dims[1],
                          (unsigned long long)rule->dims[0], (unsigned long long)rule->dims[1]);
    hsize_t chunk[2] = {0, 0};
    if (rc == 0 && (H5Pget_layout(create) != H5D_CHUNKED || H5Pget_chunk(create, 2, chunk) != 2 ||
                    chunk[0] != rule->chunk[0] || chunk[1] != rule->chunk[1]))
        rc = -1, snprintf(why, why_len, "its '%s' dataset is not stored in chunks of %llu x %llu",
                          rule->name, (unsigned long long)rule->chunk[0], (unsigned long long)rule->chunk[1]);
    if (rc == 0 && !pipeline_fits(create, rule->compressed)) {
        pipeline_name(create, have, sizeof have);
        rc = -1, snprintf(why, why_len, "its '%s' dataset's filters are %s, not %s", rule->name, have,
                          rule->compressed ? "shuffle, deflate" : "none");
    }
    if (create >= 0)
        H5Pclose(create);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}
