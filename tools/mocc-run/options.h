/* mocc-run's command line. */
#ifndef MOCC_RUN_OPTIONS_H
#define MOCC_RUN_OPTIONS_H

#include "error.h"

#include <stddef.h>
#include <stdio.h>

typedef struct mr_named_input {
  const char *name; /* points into argv (the '=' is replaced) */
  const char *path;
} mr_named_input;

typedef enum mr_output_format {
  MR_FORMAT_PB,
  MR_FORMAT_NPY,
} mr_output_format;

typedef struct mr_options {
  const char *model_path;
  const char *inputs_dir;
  mr_named_input *named_inputs;
  size_t num_named_inputs;
  const char *write_dir;
  mr_output_format write_format;
  const char *compare_dir;
  double rtol, atol;
  long bench_runs; /* 0: no benchmark */
  long threads;    /* -1: the library's default */
  long device;     /* -1: not given (mocc_model_create) */
  int profile;
  const char *profile_json; /* NULL: no trace */
  int print;
  int help;
} mr_options;

/* Parses argv (modifying the NAME=FILE arguments in place). */
int mr_options_parse(int argc, char **argv, mr_options *options,
                     mr_error *error);
void mr_options_free(mr_options *options);
void mr_print_usage(FILE *stream);

#endif /* MOCC_RUN_OPTIONS_H */
