/* fuzz_options.c - libFuzzer target: arbitrary bytes as a job file and as command-line words to options_parse(). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

#define MAX_WORDS 512

/* The job file every input is written to, in a private temporary directory. */
static char job_dir[] = "/tmp/fuzz_options.XXXXXX";
static char job_path[sizeof job_dir + 4];
static int job_fd = -1;

static void remove_job_file(void)
{
    unlink(job_path);
    rmdir(job_dir);
}

/* Set-up once per process: the job file, and standard input from /dev/null so
 * that a word such as /dev/stdin cannot block the parser. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int null_fd = open("/dev/null", O_RDONLY);
    if (!mkdtemp(job_dir) || null_fd < 0 || dup2(null_fd, 0) < 0) {
        perror("fuzz_options: set-up");
        abort();
    }
    close(null_fd);
    snprintf(job_path, sizeof job_path, "%s/job", job_dir);
    job_fd = open(job_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (job_fd < 0) {
        perror(job_path);
        abort();
    }
    atexit(remove_job_file);
    return 0;
}

/* Aborts (a finding for libFuzzer) unless the outcome keeps options_parse()'s
 * contract: an error is one non-empty line, and parameters to render are valid. */
static void check_outcome(enum options_action action, const struct render_params *p, const char *err)
{
    if (action == OPTIONS_ERROR) {
        if (err[0] == '\0' || strchr(err, '\n'))
            abort();
    } else if (action == OPTIONS_RENDER) {
        const struct view *v = &p->view;
        int view_ok = v->kind == VIEW_EDGES ? v->xleft < v->xright && v->ybot < v->ytop
                                            : view_decimal_parse(v->center_re, NULL, NULL) == 0 &&
                                                  view_decimal_parse(v->center_im, NULL, NULL) == 0 &&
                                                  view_decimal_parse(v->zoom, NULL, NULL) == 0;
        if (!view_ok || p->itermax <= p->itermin ||
            p->width < 2 || p->width > 2147483647u || p->height < 2 || p->height > 2147483647u ||
            !(p->threshold > 0.0))
            abort();
    }
}

static void parse_and_check(int argc, char **argv)
{
    static struct render_params params; /* large (two paths): not on the stack */
    char err[3 * PARAMS_PATH_MAX];
    enum options_action action = options_parse(argc, argv, &params, err, sizeof err);
    check_outcome(action, &params, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. The bytes as a job file. */
    if (ftruncate(job_fd, 0) != 0 || pwrite(job_fd, data, size, 0) != (ssize_t)size)
        abort();
    char *job_argv[] = {"mpifractal", job_path, NULL};
    parse_and_check(2, job_argv);

    /* 2. The bytes as command-line words, split on NUL and newline, after that
     * job file (overriding its settings), then 3. alone. */
    char *text = malloc(size + 1);
    char **words = malloc((MAX_WORDS + 3) * sizeof *words);
    if (!text || !words)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 0;
    words[argc++] = "mpifractal";
    words[argc++] = job_path;
    char *word = text;
    for (size_t i = 0; i <= size && argc <= MAX_WORDS + 1; i++) {
        if (i == size || text[i] == '\0' || text[i] == '\n') {
            text[i] = '\0';
            words[argc++] = word;
            word = text + i + 1;
        }
    }
    words[argc] = NULL;
    parse_and_check(argc, words);
    words[1] = "mpifractal";
    parse_and_check(argc - 1, words + 1);
    free(words);
    free(text);
    return 0;
}
