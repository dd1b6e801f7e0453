/* space.c - estimates the size of a render's outputs and checks the target filesystems can hold them. */
#include "space.h"

#include <libgen.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "channels.h"
#include "colormap.h"

#define COMPRESSION_MARGIN 3

uint64_t space_estimate_hdf5(const struct render_params *p)
{
    if (!p->hdf5_path[0])
        return 0;
    uint64_t counts = p->width * p->height * (params_count_bits(p) / 8);
    if (p->compress > 0)
        counts /= COMPRESSION_MARGIN;
    /* float32 channels hardly compress: counted at their raw size */
    uint64_t channels = ((p->channels & CHANNEL_SMOOTH) != 0) + ((p->channels & CHANNEL_DISTANCE) != 0);
    return counts + channels * p->width * p->height * sizeof(float) + (p->width + p->height) * sizeof(double);
}

uint64_t space_estimate_png(const struct render_params *p)
{
    if (!p->png_path[0])
        return 0;
    return p->width * p->height * colormap_components(p->colormap) * (p->png_depth / 8) /
           COMPRESSION_MARGIN;
}

/* The filesystem a new file at path would be on, and its free bytes. */
static int filesystem_of(const char *path, dev_t *device, uint64_t *free_bytes, char *dir, size_t dirlen)
{
    char copy[PARAMS_PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(dir, dirlen, "%s", dirname(copy));
    struct stat st;
    struct statvfs vfs;
    if (stat(dir, &st) != 0 || statvfs(dir, &vfs) != 0 || vfs.f_blocks == 0)
        return -1; /* unknown, or a pseudo filesystem such as /proc that reports no size */
    *device = st.st_dev;
    *free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    return 0;
}

static double gib(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0 * 1024.0);
}

int space_check(const struct render_params *params, char *err, size_t errlen)
{
    if (params->force || params->resume) /* a resumed file already holds most of its size */
        return 0;
    const char *paths[2] = {params->hdf5_path, params->png_path};
    uint64_t need[2] = {space_estimate_hdf5(params), space_estimate_png(params)};
    dev_t device[2];
    uint64_t free_bytes[2];
    char dir[2][PARAMS_PATH_MAX];
    for (int i = 0; i < 2; i++)
        if (paths[i][0] && filesystem_of(paths[i], &device[i], &free_bytes[i], dir[i], sizeof dir[i]) != 0)
            need[i] = 0; /* cannot tell: let the write itself report any problem */
    for (int i = 0; i < 2; i++) {
        if (!need[i])
            continue;
        uint64_t total = need[i];
        if (i == 0 && need[1] && device[1] == device[0])
            total += need[1];
        else if (i == 1 && need[0] && device[0] == device[1])
            continue; /* counted with the HDF5 output */
        if (total > free_bytes[i]) {
            snprintf(err, errlen,
                     "the output%s need%s about %.2f GiB (estimated) but '%s' has %.2f GiB free: "
                     "free some space, render a smaller image, or use --force to try anyway",
                     total > need[i] ? "s" : "", total > need[i] ? "" : "s", gib(total), dir[i],
                     gib(free_bytes[i]));
            return -1;
        }
    }
    return 0;
}
