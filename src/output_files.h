/* output_files.h - output files on disk: one file by two names, special files, exclusive temporary files. */
#ifndef MPIFRACTAL_OUTPUT_FILES_H
#define MPIFRACTAL_OUTPUT_FILES_H

#include <stddef.h>

/* 1 if paths a and b name the same file, else 0: the same device and inode
 * when both exist; otherwise the same directory (by device and inode) and the
 * same last component, so that "a.h5" and "./a.h5" or "d/../a.h5" match
 * before either exists. Paths whose directory cannot be looked at are compared
 * as strings. */
int output_same_file(const char *a, const char *b);

/* Creates a new, empty temporary file beside final_path, exclusively (O_EXCL:
 * never an existing file, not even one named final_path + ".part" by its
 * user), named final_path + ".XXXXXX.part" with a unique XXXXXX, so that
 * two runs never share one. Writes its name to part_path (part_len bytes).
 * Returns an open file descriptor (write only), or -1 with errno set. */
int output_create_part(const char *final_path, char *part_path, size_t part_len);

/* Gives the finished temporary file part_path its final name. With replace,
 * an existing file of that name is replaced (rename); without it, a file that
 * appeared there since the run started (another run, a user) is left alone
 * and -1 is returned with errno EEXIST. Returns 0, or -1 with errno set; the
 * temporary file is then left for the caller to remove. */
int output_publish(const char *part_path, const char *final_path, int replace);

#endif
