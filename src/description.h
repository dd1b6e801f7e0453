/* description.h - one description of a render: the parameters that shape its outputs, which every writer stores and the resume check compares. */
#ifndef MPIFRACTAL_DESCRIPTION_H
#define MPIFRACTAL_DESCRIPTION_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* Most items a description has. */
#define DESCRIPTION_MAX 32

/* One parameter: the HDF5 attribute name, the job-file key that sets it, its
 * value in one of four types. */
struct description_item {
    const char *name;   /* attribute name ("xleft", "center_re", "counts_dtype") */
    const char *option; /* job-file key (a long option name), or NULL when no option sets it */
    enum { DESCRIPTION_STRING, DESCRIPTION_DOUBLE, DESCRIPTION_U32, DESCRIPTION_U64 } type;
    const char *text;   /* DESCRIPTION_STRING (points into the parameters or a constant) */
    double real;        /* DESCRIPTION_DOUBLE */
    uint64_t whole;     /* DESCRIPTION_U32, DESCRIPTION_U64 */
    /* The value files made before the item existed have (they lack it);
     * NULL: every file has it. */
    const char *absent;
};

/* Fills items (DESCRIPTION_MAX of them) with the parameters that decide the
 * counts and channels of params and how they are stored, in a fixed order.
 * Returns how many. The strings point into params: keep it alive. */
int description_of_render(const struct render_params *params, struct description_item *items);

/* The value of an item as text: strings as they are, doubles with 17
 * significant digits (so that they read back exactly), whole numbers in
 * decimal. */
void description_value_text(const struct description_item *item, char *out, size_t len);

/* The description as job-file lines ("key = value\n", for the items an option
 * sets) into out. Returns the length, or the length it would need (as snprintf). */
size_t description_job_text(const struct description_item *items, int n, char *out, size_t len);

#endif
