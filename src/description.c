/* description.c - one description of a render: the parameters that shape its outputs, which every writer stores and the resume check compares. */
#include "description.h"

#include <stdio.h>

#include "channels.h"

/* The datasets written, as a list: "counts", "counts,smooth", ... */
static const char *channel_names(const struct render_params *p)
{
    static const char *const lists[4] = {"counts", "counts,smooth", "counts,distance", "counts,smooth,distance"};
    return lists[p->channels & (CHANNEL_SMOOTH | CHANNEL_DISTANCE)];
}

/* The name of the counts' type, as numpy names it: "uint8", "uint16" or "uint32". */
static const char *counts_dtype_name(const struct render_params *p)
{
    uint32_t bits = params_count_bits(p);
    return bits == 8 ? "uint8" : bits == 16 ? "uint16" : "uint32";
}

#define STRING(n, o, v, a) ((struct description_item){.name = n, .option = o, .type = DESCRIPTION_STRING, .text = v, .absent = a})
#define DOUBLE(n, o, v) ((struct description_item){.name = n, .option = o, .type = DESCRIPTION_DOUBLE, .real = v})
#define U32(n, o, v, a) ((struct description_item){.name = n, .option = o, .type = DESCRIPTION_U32, .whole = v, .absent = a})
#define U64(n, o, v) ((struct description_item){.name = n, .option = o, .type = DESCRIPTION_U64, .whole = v})

int description_of_render(const struct render_params *p, struct description_item *items)
{
    int n = 0;
    items[n++] = STRING("fractal", "fractal", fractal_name(p->fractal), NULL);
    if (p->view.kind == VIEW_EDGES) {
        items[n++] = DOUBLE("xleft", "xleft", p->view.xleft);
        items[n++] = DOUBLE("xright", "xright", p->view.xright);
        items[n++] = DOUBLE("ybot", "ybot", p->view.ybot);
        items[n++] = DOUBLE("ytop", "ytop", p->view.ytop);
    } else {
        items[n++] = STRING("center_re", "center-re", p->view.center_re, NULL);
        items[n++] = STRING("center_im", "center-im", p->view.center_im, NULL);
        items[n++] = STRING("zoom", "zoom", p->view.zoom, NULL);
    }
    if (p->fractal == FRACTAL_JULIA) {
        items[n++] = DOUBLE("c_real", "real", p->c_re);
        items[n++] = DOUBLE("c_imag", "imag", p->c_im);
    }
    items[n++] = DOUBLE("threshold", "threshold", p->threshold);
    items[n++] = U32("itermin", "itermin", p->itermin, NULL);
    items[n++] = U32("itermax", "itermax", p->itermax, NULL);
    items[n++] = U64("width", "resolution", p->width);
    items[n++] = U64("height", "height", p->height);
    items[n++] = STRING("engine", "engine", params_engine(p) == ENGINE_PERTURBATION ? "perturbation" : "double",
                        "double");
    if (params_engine(p) == ENGINE_PERTURBATION) /* BLA is an approximation: a resume keeps the choice */
        items[n++] = STRING("no_bla", "no-bla", p->no_bla ? "yes" : "no", "no");
    items[n++] = STRING("counts_dtype", "dtype", counts_dtype_name(p), NULL);
    items[n++] = U32("compression_level", "compress", p->compress, NULL);
    items[n++] = STRING("channels", "channels", channel_names(p), "counts");
    if (p->channels)
        items[n++] = DOUBLE("smooth_radius", "smooth-radius", p->smooth_radius);
    items[n++] = U32("samples", "samples", p->samples, "1");
    return n;
}

void description_value_text(const struct description_item *item, char *out, size_t len)
{
    switch (item->type) {
    case DESCRIPTION_STRING: snprintf(out, len, "%s", item->text); break;
    case DESCRIPTION_DOUBLE: snprintf(out, len, "%.17g", item->real); break;
    default: snprintf(out, len, "%llu", (unsigned long long)item->whole); break;
    }
}

size_t description_job_text(const struct description_item *items, int n, char *out, size_t len)
{
    size_t used = 0;
    if (len)
        out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!items[i].option)
            continue;
        char value[64];
        const char *text = value;
        if (items[i].type == DESCRIPTION_STRING)
            text = items[i].text; /* a centre may be long */
        else
            description_value_text(&items[i], value, sizeof value);
        int wrote = snprintf(used < len ? out + used : NULL, used < len ? len - used : 0, "%s = %s\n",
                             items[i].option, text);
        used += wrote > 0 ? (size_t)wrote : 0;
    }
    return used;
}
