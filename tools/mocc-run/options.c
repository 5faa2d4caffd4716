#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void mr_print_usage(FILE *stream) {
  fputs("usage: mocc-run MODEL.so [options]\n"
        "Loads a model library built by mocc, runs it and checks its outputs.\n"
        "\n"
        "  --inputs DIR         read graph input i from DIR/input_<i>.pb\n"
        "  --input NAME=FILE    read graph input NAME from FILE (.pb or .npy)\n"
        "  --write-outputs DIR  write graph output i to DIR/output_<i>.pb\n"
        "  --output-format F    pb (default) or npy for --write-outputs\n"
        "  --compare DIR        compare with DIR/output_<i>.pb; exit 1 on a\n"
        "                       mismatch\n"
        "  --rtol R, --atol A   tolerances: |a-b| <= A + R*|b| (1e-3, 1e-4)\n"
        "  --bench N            time N runs after one warm-up; prints\n"
        "                       device=NAME, then median_ms=X min_ms=Y\n"
        "  --threads T          run on T threads (0: one per core, the\n"
        "                       default)\n"
        "  --device N           run on device N of the model's GPU API (0,\n"
        "                       the default, is the first; a CPU model has\n"
        "                       only 0)\n"
        "  --profile            print each kernel's time over the runs (a\n"
        "                       library compiled with mocc --profile)\n"
        "  --profile-json FILE  write the last run's kernels as a Chrome\n"
        "                       trace (implies --profile)\n"
        "  --print              print the outputs' types and first values\n"
        "  --help               show this help\n"
        "\n"
        "A .pb file holds a TensorProto, or a SequenceProto or OptionalProto\n"
        "for a sequence or an optional; a .npy file holds a tensor.\n"
        "Exit status: 0 success, 1 outputs differ, 2 error.\n",
        stream);
}

static int parse_tolerance(const char *text, const char *option, double *out,
                           mr_error *error) {
  char *end;
  errno = 0;
  double value = strtod(text, &end);
  if (end == text || *end || errno || !(value >= 0) || isinf(value))
    return mr_fail(error, "%s expects a non-negative number, got '%s'", option,
                   text);
  *out = value;
  return 0;
}

static int parse_runs(const char *text, long *out, mr_error *error) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (end == text || *end || errno || value < 1 || value > 100000000)
    return mr_fail(error, "--bench expects a positive count, got '%s'", text);
  *out = value;
  return 0;
}

static int parse_threads(const char *text, long *out, mr_error *error) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (end == text || *end || errno || value < 0 || value > INT32_MAX)
    return mr_fail(error, "--threads expects a non-negative count, got '%s'",
                   text);
  *out = value;
  return 0;
}

static int parse_device(const char *text, long *out, mr_error *error) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (end == text || *end || errno || value < 0 || value > INT32_MAX)
    return mr_fail(error, "--device expects a non-negative index, got '%s'",
                   text);
  *out = value;
  return 0;
}

static int parse_named_input(char *text, mr_options *options, mr_error *error) {
  char *equals = strchr(text, '=');
  if (!equals || equals == text || !equals[1])
    return mr_fail(error, "--input expects NAME=FILE, got '%s'", text);
  *equals = '\0';
  mr_named_input *input = &options->named_inputs[options->num_named_inputs++];
  input->name = text;
  input->path = equals + 1;
  return 0;
}

typedef enum option_id {
  kInputs,
  kInput,
  kWriteOutputs,
  kOutputFormat,
  kCompare,
  kRtol,
  kAtol,
  kBench,
  kThreads,
  kDevice,
  kProfile,
  kProfileJson,
  kPrint,
  kHelp,
} option_id;

static const struct {
  const char *name;
  option_id id;
  int takes_value;
} kOptions[] = {
    {"--inputs", kInputs, 1},
    {"--input", kInput, 1},
    {"--write-outputs", kWriteOutputs, 1},
    {"--output-format", kOutputFormat, 1},
    {"--compare", kCompare, 1},
    {"--rtol", kRtol, 1},
    {"--atol", kAtol, 1},
    {"--bench", kBench, 1},
    {"--threads", kThreads, 1},
    {"--device", kDevice, 1},
    {"--profile", kProfile, 0},
    {"--profile-json", kProfileJson, 1},
    {"--print", kPrint, 0},
    {"--help", kHelp, 0},
    {"-h", kHelp, 0},
};

static int apply_option(option_id id, const char *name, char *value,
                        mr_options *options, mr_error *error) {
  switch (id) {
  case kInputs:
    options->inputs_dir = value;
    return 0;
  case kInput:
    return parse_named_input(value, options, error);
  case kWriteOutputs:
    options->write_dir = value;
    return 0;
  case kOutputFormat:
    if (strcmp(value, "pb") && strcmp(value, "npy"))
      return mr_fail(error, "--output-format expects pb or npy, got '%s'",
                     value);
    options->write_format = value[0] == 'n' ? MR_FORMAT_NPY : MR_FORMAT_PB;
    return 0;
  case kCompare:
    options->compare_dir = value;
    return 0;
  case kRtol:
    return parse_tolerance(value, name, &options->rtol, error);
  case kAtol:
    return parse_tolerance(value, name, &options->atol, error);
  case kBench:
    return parse_runs(value, &options->bench_runs, error);
  case kThreads:
    return parse_threads(value, &options->threads, error);
  case kDevice:
    return parse_device(value, &options->device, error);
  case kProfile:
    options->profile = 1;
    return 0;
  case kProfileJson:
    options->profile = 1;
    options->profile_json = value;
    return 0;
  case kPrint:
    options->print = 1;
    return 0;
  case kHelp:
    options->help = 1;
    return 0;
  }
  return 0;
}

int mr_options_parse(int argc, char **argv, mr_options *options,
                     mr_error *error) {
  memset(options, 0, sizeof(*options));
  options->rtol = 1e-3;
  options->atol = 1e-4;
  options->threads = -1;
  options->device = -1;
  options->named_inputs = calloc((size_t)argc, sizeof(mr_named_input));
  if (!options->named_inputs)
    return mr_fail(error, "out of memory");

  for (int i = 1; i < argc; ++i) {
    char *arg = argv[i];
    if (arg[0] != '-' || !arg[1]) {
      if (options->model_path)
        return mr_fail(error, "unexpected argument '%s' (one model only)", arg);
      options->model_path = arg;
      continue;
    }
    /* --name=value or --name value */
    char *value = NULL;
    char *equals = strncmp(arg, "--", 2) ? NULL : strchr(arg, '=');
    if (equals) {
      *equals = '\0';
      value = equals + 1;
    }
    size_t k = 0, count = sizeof(kOptions) / sizeof(kOptions[0]);
    while (k < count && strcmp(arg, kOptions[k].name))
      ++k;
    if (k == count)
      return mr_fail(error, "unknown option '%s' (see --help)", arg);
    if (!kOptions[k].takes_value && value)
      return mr_fail(error, "%s takes no value", arg);
    if (kOptions[k].takes_value && !value) {
      if (i + 1 == argc)
        return mr_fail(error, "%s expects a value", arg);
      value = argv[++i];
    }
    if (apply_option(kOptions[k].id, arg, value, options, error))
      return -1;
  }
  if (!options->model_path && !options->help)
    return mr_fail(error, "no model given (usage: mocc-run MODEL.so "
                          "[options], see --help)");
  return 0;
}

void mr_options_free(mr_options *options) {
  free(options->named_inputs);
  options->named_inputs = NULL;
}
