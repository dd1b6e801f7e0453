/* output_files.c - output files on disk: one file by two names, special files, exclusive temporary files. */
#define _GNU_SOURCE /* mkostemps */
#include "output_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Splits path into its directory (".", "/" or the part before the last
 * slash) and its last component. Returns 0, or -1 if dir is too small. */
static int split_path(const char *path, char *dir, size_t dir_len, const char **name)
{
    const char *slash = strrchr(path, '/');
    int n;
    if (!slash)
        n = snprintf(dir, dir_len, ".");
    else if (slash == path)
        n = snprintf(dir, dir_len, "/");
    else
        n = snprintf(dir, dir_len, "%.*s", (int)(slash - path), path);
    *name = slash ? slash + 1 : path;
    return n < 0 || (size_t)n >= dir_len ? -1 : 0;
}

int output_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char dir_a[PATH_MAX], dir_b[PATH_MAX];
    const char *name_a, *name_b;
    if (split_path(a, dir_a, sizeof dir_a, &name_a) != 0 || split_path(b, dir_b, sizeof dir_b, &name_b) != 0 ||
        stat(dir_a, &sa) != 0 || stat(dir_b, &sb) != 0)
        return strcmp(a, b) == 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && strcmp(name_a, name_b) == 0;
}

int output_create_part(const char *final_path, char *part_path, size_t part_len)
{
    static const char suffix[] = ".part";
    int n = snprintf(part_path, part_len, "%s.XXXXXX%s", final_path, suffix);
    if (n < 0 || (size_t)n >= part_len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* mkostemps opens with O_CREAT | O_EXCL, mode 0600: widened to what the umask allows */
    int fd = mkostemps(part_path, (int)sizeof suffix - 1, O_CLOEXEC);
    if (fd < 0)
        return -1;
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return fd;
}

int output_publish(const char *part_path, const char *final_path, int replace)
{
    if (replace)
        return rename(part_path, final_path);
    /* link fails with EEXIST rather than replace a file; where hard links are
     * not supported, rename after a last look is as close as it gets */
    if (link(part_path, final_path) == 0) {
        unlink(part_path); /* the image is in place; a temporary name left over is harmless */
        return 0;
    }
    if (errno == EEXIST)
        return -1;
    if (access(final_path, F_OK) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(part_path, final_path);
}
