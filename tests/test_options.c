/* test_options.c - unit tests of option parsing, job files and the sampling grid. */
#include <stdio.h>
#include <string.h>

#include "colormap.h"
#include "grid.h"
#include "kernel.h"
#include "options.h"
#include "tap.h"

static enum options_action parse(struct render_params *p, char *err, const char *const *args)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "mpifractal";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return options_parse(argc, argv, p, err, 1024);
}

int main(void)
{
    struct render_params p;
    char err[1024];
    plan(48);

    const char *defaults[] = {NULL};
    ok(parse(&p, err, defaults) == OPTIONS_RENDER, "no arguments: the seed Julia");
    ok(p.fractal == FRACTAL_JULIA && p.width == 4000 && p.height == 4000 && p.itermin == 20 &&
           p.itermax == 100 && p.threshold == 2.0 && p.c_re == -0.835 && p.c_im == -0.2321,
       "defaults are the seed Julia workload");
    ok(p.view.xleft == -0.1 && p.view.xright == 0.1 && p.view.ybot == -0.1 && p.view.ytop == 0.1, "default Julia view");
    ok(strcmp(p.hdf5_path, "julia.h5") == 0 && p.png_path[0] == '\0', "default outputs: julia.h5, no PNG");

    const char *seed[] = {"-x=-0.2", "-X=0.3", "-y=-0.1", "-Y=0.15", "-m=5", "-M=60", "-R=501",
                          "-r=0.285", "-i=0.01", "-t=3", "--fast", NULL};
    ok(parse(&p, err, seed) == OPTIONS_RENDER, "seed juliaset flags with '=' parse");
    ok(p.view.xleft == -0.2 && p.view.xright == 0.3 && p.view.ybot == -0.1 && p.view.ytop == 0.15 && p.itermin == 5 &&
           p.itermax == 60 && p.width == 501 && p.c_re == 0.285 && p.c_im == 0.01 && p.threshold == 3 &&
           p.png_fast == 1,
       "seed flags reach their fields");
    ok(p.height == 251, "height from the aspect ratio: 0.25 / (0.5 / 500) + 1 = 251 (got %llu)",
       (unsigned long long)p.height);

    const char *attached[] = {"-R300", "-m0", "--itermax=7", "-M", "9", "--xleft", "-0.05", NULL};
    ok(parse(&p, err, attached) == OPTIONS_RENDER && p.width == 300 && p.itermax == 9 && p.view.xleft == -0.05,
       "-R300, --itermax=7, later options win, negative values after a space");

    const char *mandel[] = {"-f", "mandelbrot", "-R", "8000", NULL};
    ok(parse(&p, err, mandel) == OPTIONS_RENDER, "mandelbrot");
    ok(p.view.xleft == -2.5 && p.view.xright == 1.0 && p.view.ybot == -1.25 && p.view.ytop == 1.25, "default Mandelbrot view");
    ok(p.height == 5715, "8000 samples over the full view give 5715 rows (got %llu)", (unsigned long long)p.height);
    ok(strcmp(p.hdf5_path, "mandelbrot.h5") == 0, "default output named for the fractal");

    const char *partial[] = {"-f", "mandelbrot", "-x", "-1", NULL};
    ok(parse(&p, err, partial) == OPTIONS_RENDER && p.view.xleft == -1 && p.view.xright == 1.0,
       "edges not given keep the fractal's view");

    FILE *job = fopen("test_options.job", "w");
    fprintf(job, "# a job\n  fractal = mandelbrot  # trailing comment\n\nitermax=250\nband_rows = 3\npng = a.png\nfast = yes\n");
    fclose(job);
    const char *with_job[] = {"test_options.job", "-M", "300", NULL};
    ok(parse(&p, err, with_job) == OPTIONS_RENDER, "job file as a positional argument");
    ok(p.fractal == FRACTAL_MANDELBROT && p.band_rows == 3 && strcmp(p.png_path, "a.png") == 0 &&
           p.png_fast == 1,
       "job file keys (band_rows spelled with '_', comments, blank lines, yes)");
    ok(p.itermax == 300, "the command line overrides the job file");
    const char *job_option[] = {"--job", "test_options.job", NULL};
    ok(parse(&p, err, job_option) == OPTIONS_RENDER && p.itermax == 250, "--job FILE");
    remove("test_options.job");

    job = fopen("test_options.job", "wb"); /* as a Windows editor saves it: BOM, CRLF */
    fprintf(job, "\xEF\xBB\xBF# a job\r\nfractal = mandelbrot\r\nitermax = 250\r\npng = a.png\r\n");
    fclose(job);
    const char *windows[] = {"test_options.job", NULL};
    ok(parse(&p, err, windows) == OPTIONS_RENDER, "a job file with a UTF-8 BOM and CRLF line ends: %s", err);
    ok(p.fractal == FRACTAL_MANDELBROT && p.itermax == 250 && strcmp(p.png_path, "a.png") == 0,
       "BOM and CR are not part of keys or values");
    job = fopen("test_options.job", "wb");
    fclose(job);
    ok(parse(&p, err, windows) == OPTIONS_ERROR && strstr(err, "job file 'test_options.job' has no settings"),
       "an empty job file is refused: %s", err);
    remove("test_options.job");
    const char *twice[] = {"--itermax", "70", "--itermax", "80", "-M", "90", NULL};
    ok(parse(&p, err, twice) == OPTIONS_RENDER && p.itermax == 90,
       "an option repeated on the command line: the last one wins");

    const char *bad[] = {"-M", "10", "-m", "10", NULL};
    ok(parse(&p, err, bad) == OPTIONS_ERROR && strstr(err, "itermax (-M 10) must be greater than itermin"),
       "itermax <= itermin is refused: %s", err);
    const char *help[] = {"-R", "5", "--help", NULL};
    ok(parse(&p, err, help) == OPTIONS_HELP, "--help wins over other options");
    const char *version[] = {"-V", NULL};
    ok(parse(&p, err, version) == OPTIONS_VERSION, "-V is --version");

    const char *zoom[] = {"-f", "mandelbrot", "-R", "101", "--frames", "24", "--frame", "23", "--end-xleft",
                          "-0.744643887", "--end-xright", "-0.742643887", "--end-ybot", "0.131111618",
                          "--end-ytop", "0.132540190", "-o", "z.h5", "--png", "dir/z.png", NULL};
    ok(parse(&p, err, zoom) == OPTIONS_RENDER, "a zoom on the command line parses: %s", err);
    ok(p.view.xleft == -0.744643887 && p.view.xright == -0.742643887 && p.view.ybot == 0.131111618 && p.view.ytop == 0.132540190,
       "the last frame renders the end view");
    ok(p.height == 72, "every frame has the start view's size: 101 x 72 (got %llu rows)",
       (unsigned long long)p.height);
    ok(strcmp(p.hdf5_path, "z-0023.h5") == 0 && strcmp(p.png_path, "dir/z-0023.png") == 0,
       "outputs numbered: %s, %s", p.hdf5_path, p.png_path);

    job = fopen("test_options.job", "w");
    fprintf(job, "fractal = mandelbrot\nframes = 3\nend_xleft = -1\nend_xright = -0.3\nend_ybot = -0.25\nend_ytop = 0.25\n"
                 "resolution = 8\noutput = out/z.h5\n");
    fclose(job);
    const char *zoom_job[] = {"test_options.job", "--frame", "0", NULL};
    ok(parse(&p, err, zoom_job) == OPTIONS_RENDER && p.view.xleft == -2.5 && p.view.xright == 1.0 && p.view.ybot == -1.25 &&
           p.view.ytop == 1.25 && strcmp(p.hdf5_path, "out/z-0000.h5") == 0,
       "a zoom in a job file (end_xleft...): frame 0 is the start view, in out/z-0000.h5: %s", err);
    remove("test_options.job");

    double x[5];
    grid_linspace(-1.0, 1.0, 5, x);
    ok(x[0] == -1.0 && x[1] == -0.5 && x[2] == 0.0 && x[3] == 0.5 && x[4] == 1.0, "linspace(-1, 1, 5)");
    grid_linspace(0.1, -0.1, 3, x);
    ok(x[0] == 0.1 && x[2] == -0.1, "linspace ends exactly on both edges, also downwards");
    ok(grid_linspace_at(-0.1, 0.1, 4000, 1234) == 1234 * (0.2 / 3999) + -0.1, "linspace_at is i * step + start");
    ok(grid_height_from_aspect(-1, 1, 0, 1, 3) == 2, "a 2 x 1 region at 3 samples wide has 2 rows");
    /* Choices: each name stores its value, an alias too, and the names the
     * outputs print for the values are the ones the options accept. */
    const char *chosen[] = {"-f", "julia", "--kernel", "scalar", "--dtype", "uint16", "--png", "x.png",
                            "--colormap", "viridis", "--color-by", "smooth", NULL};
    ok(parse(&p, err, chosen) == OPTIONS_RENDER && p.fractal == FRACTAL_JULIA && p.kernel == KERNEL_SCALAR &&
           p.dtype_bits == 16 && p.colormap == COLORMAP_VIRIDIS && p.color_by_smooth == 1,
       "every choice option stores its value");
    ok(strcmp(fractal_name(p.fractal), "julia") == 0 && strcmp(kernel_path_name(p.kernel), "scalar") == 0 &&
           strcmp(colormap_name(p.colormap), "viridis") == 0,
       "the names printed for the values are the names given");
    const char *alias[] = {"--png", "x.png", "--colormap", "grey", "--dtype", "auto", "--color-by", "counts", NULL};
    ok(parse(&p, err, alias) == OPTIONS_RENDER && p.colormap == COLORMAP_GRAY && p.dtype_bits == 0 &&
           p.color_by_smooth == 0, "grey is gray; auto and counts store 0");
    const char *unknown[] = {"--png", "x.png", "--colormap", "jet", NULL};
    ok(parse(&p, err, unknown) == OPTIONS_ERROR &&
           strcmp(err, "option --colormap: unknown colour map 'jet' (choose gray, viridis or cyclic)") == 0,
       "an unknown name lists the choices, aliases left out: %s", err);

    /* Numbers: blanks around them are alike on either side, for every numeric option. */
    const char *blank_before[] = {"-R", " 100", "-x", " -0.05", "--height", " 7", NULL};
    ok(parse(&p, err, blank_before) == OPTIONS_RENDER && p.width == 100 && p.view.xleft == -0.05 && p.height == 7,
       "' 100': a blank before a number is ignored: %s", err);
    const char *blank_after[] = {"-R", "100 ", "-x", "-0.05 ", "--height", "7\t", NULL};
    ok(parse(&p, err, blank_after) == OPTIONS_RENDER && p.width == 100 && p.view.xleft == -0.05 && p.height == 7,
       "'100 ': a blank after a number is ignored too: %s", err);
    const char *inner_blank[] = {"-R", "1 00", NULL};
    ok(parse(&p, err, inner_blank) == OPTIONS_ERROR && strstr(err, "'1 00' is not a whole number"),
       "a blank inside a number is refused: %s", err);

    /* '#' starts a comment only at the start of a line or after a blank */
    job = fopen("test_options.job", "w");
    fprintf(job, "  # a comment\noutput = a#b.h5\nresolution = 50 # a comment\nitermax = 70\t# another\n");
    fclose(job);
    ok(parse(&p, err, windows) == OPTIONS_RENDER && strcmp(p.hdf5_path, "a#b.h5") == 0 && p.width == 50 &&
           p.itermax == 70,
       "'output = a#b.h5' keeps the '#'; comments after a blank still work (got '%s'): %s", p.hdf5_path, err);
    remove("test_options.job");

    /* --no-png turns off a job file's PNG and the options that only shape it */
    job = fopen("test_options.job", "w");
    fprintf(job, "png = x.png\ncolormap = cyclic\ncolor-cycle = 5\nequalize = yes\npng-depth = 16\n"
                 "samples = 2\noutput = x.h5\n");
    fclose(job);
    const char *no_png[] = {"test_options.job", "--no-png", NULL};
    ok(parse(&p, err, no_png) == OPTIONS_RENDER && p.png_path[0] == '\0' && p.equalize == 0,
       "--no-png: the job file's PNG-only options are ignored: %s", err);
    const char *no_png_given[] = {"--colormap", "viridis", "-o", "x.h5", NULL};
    ok(parse(&p, err, no_png_given) == OPTIONS_ERROR && strstr(err, "--colormap sets the PNG's colours"),
       "without any PNG to turn off, --colormap is still refused: %s", err);
    remove("test_options.job");

    const char *threads_max[] = {"--threads", "4096", NULL};
    ok(parse(&p, err, threads_max) == OPTIONS_RENDER && p.threads == 4096, "--threads 4096 is accepted: %s", err);
    const char *threads_absurd[] = {"--threads", "4294967295", NULL};
    ok(parse(&p, err, threads_absurd) == OPTIONS_ERROR &&
           strstr(err, "threads (4294967295) must be at most 4096 per rank"),
       "--threads 4294967295 is refused, naming the limit: %s", err);
    const char *height_zero[] = {"-f", "mandelbrot", "-R", "8000", "--height", "0", NULL};
    ok(parse(&p, err, height_zero) == OPTIONS_RENDER && p.height == 5715,
       "--height 0 is automatic, as --help says: 5715 rows (got %llu)", (unsigned long long)p.height);
    const char *resume_force[] = {"--resume", "--force", NULL};
    ok(parse(&p, err, resume_force) == OPTIONS_ERROR &&
           strstr(err, "--resume keeps the existing output and --force overwrites it: choose one"),
       "--resume --force is refused, as --continue --force is: %s", err);
    const char *close_edges[] = {"-x", "0.30000000000000004", "-X", "0.3", NULL};
    ok(parse(&p, err, close_edges) == OPTIONS_ERROR &&
           strstr(err, "xleft (-x 0.30000000000000004) must be less than xright (-X 0.3)"),
       "edges that differ in the 17th digit print apart: %s", err);

    return done_testing();
}
