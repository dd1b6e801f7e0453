/* hdf5_check.h - validates an existing HDF5 output against what this render would write, before reading it. */
#ifndef MPIFRACTAL_HDF5_CHECK_H
#define MPIFRACTAL_HDF5_CHECK_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* A file at the output path is untrusted input (a SLURM requeue resumes
 * whatever it finds there). Every function here looks at an attribute's or a
 * dataset's class, size and dataspace before reading a byte of it, never
 * prints (HDF5's automatic error printing must be off), and explains a
 * refusal in why: one phrase naming the object and what is wrong with it,
 * such as "its 'xleft' attribute holds 1000 values, not one". */

/* Checks every attribute of the root group that an mpifractal output can
 * hold (the table in hdf5_check.c: name, class, size) and that object has:
 * each must be a single value of its class and size. Attributes it lacks are
 * not checked. Returns 0, or -1 with the first problem in why. */
int hdf5_check_attributes(hid_t object, char *why, size_t why_len);

/* Reads a string attribute (fixed-length or variable-length, as h5py writes
 * str) into text, NUL-terminated. Returns 0; 1 if object has no such
 * attribute; -1 with the reason in why if it is not one string shorter than
 * len bytes or cannot be read. */
int hdf5_read_text(hid_t object, const char *name, char *text, size_t len, char *why, size_t why_len);

/* Reads a floating-point attribute of one 8-byte value. Returns 0, 1 if
 * absent, or -1 with the reason in why. */
int hdf5_read_real(hid_t object, const char *name, double *value, char *why, size_t why_len);

/* Reads an unsigned integer attribute of one value of at most 8 bytes.
 * Returns 0, 1 if absent, or -1 with the reason in why. */
int hdf5_read_whole(hid_t object, const char *name, uint64_t *value, char *why, size_t why_len);

/* How one image dataset of this render is stored. */
struct hdf5_dataset_rule {
    const char *name;
    hid_t type;             /* its type in the file, such as H5T_STD_U8LE */
    hsize_t dims[2];        /* [height][width] */
    hsize_t chunk[2];       /* the chunk shape */
    int compressed;         /* 1: shuffle then deflate, 0: no filters */
};

/* Checks that dset (the dataset rule->name) is what this render writes:
 * its type, its shape, chunked with the rule's chunk shape, and its filter
 * pipeline. Returns 0, or -1 with the first difference in why. */
int hdf5_check_dataset(hid_t dset, const struct hdf5_dataset_rule *rule, char *why, size_t why_len);

/* Replaces in place every byte of text that is not printable ASCII by '?':
 * text read from a file goes into messages only through it, so that a
 * hostile file cannot send control sequences or line breaks to a terminal. */
void hdf5_printable(char *text);

/* Puts HDF5's innermost error message for the last failed call in text
 * (the system's own words for a failed system call), printable, and clears
 * the error stack. */
void hdf5_last_error(char *text, size_t len);

#endif
