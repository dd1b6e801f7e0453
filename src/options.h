/* options.h - the option table: command line, job files and --help from one description. */
#ifndef MPIFRACTAL_OPTIONS_H
#define MPIFRACTAL_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "params.h"

/* What option parsing decided the program should do. */
enum options_action {
    OPTIONS_RENDER,  /* params are complete and valid: render */
    OPTIONS_HELP,    /* --help was given: print options_help() and exit 0 */
    OPTIONS_VERSION, /* --version was given */
    OPTIONS_ERROR    /* bad input: the message is in the error buffer; exit 2 */
};

/* Builds render parameters from defaults, then the job file (--job FILE or a
 * lone positional argument), then the command line, which overrides the file.
 * Values are checked one by one (numbers, ranges, NaN and infinity) and then
 * together (region, iteration limits, image size). Nothing is written and no
 * output file is looked at: see options_check_outputs().
 * On OPTIONS_ERROR, err holds one line (no trailing newline) naming the problem. */
enum options_action options_parse(int argc, char **argv, struct render_params *params,
                                  char *err, size_t errlen);

/* Checks the output paths of valid parameters: each must be creatable (its
 * directory exists and is writable) and must not exist unless params->force;
 * with params->resume the HDF5 output must exist. params->resume_if_exists
 * (--continue) first turns params->resume on when the HDF5 output exists.
 * Returns 0, or -1 with one line in err. */
int options_check_outputs(struct render_params *params, char *err, size_t errlen);

/* Prints the full --help text, generated from the option table. */
void options_help(FILE *out, const char *program);

#endif
