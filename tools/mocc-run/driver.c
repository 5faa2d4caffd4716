#include "driver.h"

#include "bench.h"
#include "compare.h"
#include "file.h"
#include "model_api.h"
#include "npy.h"
#include "tensor.h"
#include "tensor_proto.h"

#include <stdlib.h>
#include <string.h>

typedef struct session {
  mr_model_api api;
  mocc_model *model;
  size_t num_inputs, num_outputs;
  mocc_tensor_info *input_infos, *output_infos;
  mr_tensor *inputs; /* owned; data NULL until read */
  mocc_tensor *run_inputs;
  mr_tensor *outputs; /* views of the model's buffers */
} session;

static int ends_with(const char *text, const char *suffix) {
  size_t length = strlen(text), suffix_length = strlen(suffix);
  return length >= suffix_length &&
         !strcmp(text + length - suffix_length, suffix);
}

/* Prefixes a decoder's message with the file it was reading. */
static int fail_in_file(const char *path, mr_error *error) {
  mr_error inner = *error;
  return mr_fail(error, "'%s': %s", path, inner.message);
}

/* Reads a .npy or a TensorProto .pb file. */
static int read_tensor(const char *path, mr_tensor *tensor, mr_error *error) {
  int is_npy = ends_with(path, ".npy");
  if (!is_npy && !ends_with(path, ".pb"))
    return mr_fail(error, "'%s': expected a .npy or .pb file", path);
  uint8_t *bytes;
  size_t size;
  if (mr_read_file(path, &bytes, &size, error))
    return -1;
  int failed = is_npy
                   ? mr_npy_decode(bytes, size, tensor, error)
                   : mr_tensor_proto_decode(bytes, size, tensor, NULL, error);
  free(bytes);
  return failed ? fail_in_file(path, error) : 0;
}

static int write_tensor(const char *path, const mr_tensor *tensor,
                        const char *name, mr_output_format format,
                        mr_error *error) {
  uint8_t *bytes;
  size_t size;
  int failed = format == MR_FORMAT_NPY
                   ? mr_npy_encode(tensor, &bytes, &size, error)
                   : mr_tensor_proto_encode(tensor, name, &bytes, &size, error);
  if (failed)
    return fail_in_file(path, error);
  failed = mr_write_file(path, bytes, size, error);
  free(bytes);
  return failed;
}

/* ONNX wrote bfloat16 test data as uint16 tensors of the same bits before
   numpy could hold bfloat16 (ONNX 1.12): read those as what the model
   declares. */
static void adopt_bfloat16_bits(mr_tensor *tensor, mocc_dtype declared) {
  if (tensor->dtype == MOCC_DTYPE_UINT16 && declared == MOCC_DTYPE_BFLOAT16)
    tensor->dtype = MOCC_DTYPE_BFLOAT16;
}

static int set_input(session *s, size_t index, const char *path,
                     mr_error *error) {
  mr_tensor_free(&s->inputs[index]);
  if (read_tensor(path, &s->inputs[index], error))
    return -1;
  adopt_bfloat16_bits(&s->inputs[index], s->input_infos[index].dtype);
  return 0;
}

static int find_input(const session *s, const char *name, size_t *out_index,
                      mr_error *error) {
  for (size_t i = 0; i < s->num_inputs; ++i) {
    if (!strcmp(s->input_infos[i].name, name)) {
      *out_index = i;
      return 0;
    }
  }
  return mr_fail(error, "--input %s: the model has no input named '%s'", name,
                 name);
}

/* --inputs first, then --input overrides by name. */
static int read_inputs(session *s, const mr_options *options, mr_error *error) {
  char path[4096];
  for (size_t i = 0; options->inputs_dir && i < s->num_inputs; ++i) {
    snprintf(path, sizeof(path), "%s/input_%zu.pb", options->inputs_dir, i);
    if (set_input(s, i, path, error))
      return -1;
  }
  for (size_t i = 0; i < options->num_named_inputs; ++i) {
    const mr_named_input *named = &options->named_inputs[i];
    size_t index = 0;
    if (find_input(s, named->name, &index, error) ||
        set_input(s, index, named->path, error))
      return -1;
  }
  for (size_t i = 0; i < s->num_inputs; ++i) {
    if (!s->inputs[i].data)
      return mr_fail(error,
                     "input '%s' (index %zu) is not given (use --inputs DIR "
                     "or --input %s=FILE)",
                     s->input_infos[i].name, i, s->input_infos[i].name);
    s->run_inputs[i] = mr_tensor_to_mocc(&s->inputs[i]);
  }
  return 0;
}

static int open_session(session *s, const char *model_path, mr_error *error) {
  if (mr_model_api_open(&s->api, model_path, error))
    return -1;
  const mr_model_api *api = &s->api;
  if (mr_check_status(api, api->create(&s->model), error))
    return -1;
  s->num_inputs = api->num_inputs(s->model);
  s->num_outputs = api->num_outputs(s->model);
  /* +1: calloc(0) may return NULL, which would read as out of memory. */
  s->input_infos = calloc(s->num_inputs + 1, sizeof(mocc_tensor_info));
  s->output_infos = calloc(s->num_outputs + 1, sizeof(mocc_tensor_info));
  s->inputs = calloc(s->num_inputs + 1, sizeof(mr_tensor));
  s->run_inputs = calloc(s->num_inputs + 1, sizeof(mocc_tensor));
  s->outputs = calloc(s->num_outputs + 1, sizeof(mr_tensor));
  if (!s->input_infos || !s->output_infos || !s->inputs || !s->run_inputs ||
      !s->outputs)
    return mr_fail(error, "out of memory");
  for (size_t i = 0; i < s->num_inputs; ++i)
    if (mr_check_status(api, api->input_info(s->model, i, &s->input_infos[i]),
                        error))
      return -1;
  for (size_t i = 0; i < s->num_outputs; ++i)
    if (mr_check_status(api, api->output_info(s->model, i, &s->output_infos[i]),
                        error))
      return -1;
  return 0;
}

static void close_session(session *s) {
  for (size_t i = 0; s->inputs && i < s->num_inputs; ++i)
    mr_tensor_free(&s->inputs[i]);
  free(s->inputs);
  free(s->run_inputs);
  free(s->outputs);
  free(s->input_infos);
  free(s->output_infos);
  if (s->model)
    s->api.destroy(s->model);
  if (s->api.library)
    mr_model_api_close(&s->api);
}

static int run_once(session *s, mr_error *error) {
  const mr_model_api *api = &s->api;
  if (mr_check_status(api, api->run(s->model, s->run_inputs, s->num_inputs),
                      error))
    return -1;
  for (size_t i = 0; i < s->num_outputs; ++i) {
    mocc_tensor output;
    if (mr_check_status(api, api->get_output(s->model, i, &output), error))
      return -1;
    if (output.rank < 0 || output.rank > MR_MAX_RANK)
      return mr_fail(error, "output %zu has unsupported rank %d", i,
                     (int)output.rank);
    s->outputs[i] = mr_tensor_view(&output);
  }
  return 0;
}

static int write_outputs(const session *s, const char *dir,
                         mr_output_format format, mr_error *error) {
  char path[4096];
  for (size_t i = 0; i < s->num_outputs; ++i) {
    snprintf(path, sizeof(path), "%s/output_%zu.%s", dir, i,
             format == MR_FORMAT_NPY ? "npy" : "pb");
    if (write_tensor(path, &s->outputs[i], s->output_infos[i].name, format,
                     error))
      return -1;
  }
  return 0;
}

/* Returns 1 when every output matches, 0 when one differs, -1 on error. */
static int compare_outputs(const session *s, const mr_options *options,
                           mr_error *error) {
  char path[4096];
  int all_match = 1;
  for (size_t i = 0; i < s->num_outputs; ++i) {
    snprintf(path, sizeof(path), "%s/output_%zu.pb", options->compare_dir, i);
    mr_tensor expected;
    if (read_tensor(path, &expected, error))
      return -1;
    adopt_bfloat16_bits(&expected, s->output_infos[i].dtype);
    mr_compare_result result =
        mr_compare(&s->outputs[i], &expected, options->rtol, options->atol);
    all_match &= mr_compare_report(stdout, i, s->output_infos[i].name,
                                   &s->outputs[i], &expected, &result);
    mr_tensor_free(&expected);
  }
  return all_match;
}

static void print_outputs(const session *s) {
  for (size_t i = 0; i < s->num_outputs; ++i) {
    printf("output %zu '%s': ", i, s->output_infos[i].name);
    mr_tensor_print_summary(stdout, &s->outputs[i]);
  }
}

static int run_session(session *s, const mr_options *options, mr_error *error) {
  if (open_session(s, options->model_path, error) ||
      read_inputs(s, options, error) || run_once(s, error))
    return -1;
  if (options->write_dir &&
      write_outputs(s, options->write_dir, options->write_format, error))
    return -1;
  int nothing_else =
      !options->write_dir && !options->compare_dir && !options->bench_runs;
  if (options->print || nothing_else)
    print_outputs(s);
  int matches = 1;
  if (options->compare_dir &&
      (matches = compare_outputs(s, options, error)) < 0)
    return -1;
  if (options->bench_runs) {
    mr_bench_result timing;
    if (mr_bench(&s->api, s->model, s->run_inputs, s->num_inputs,
                 options->bench_runs, &timing, error))
      return -1;
    printf("median_ms=%.6g min_ms=%.6g\n", timing.median_ms, timing.min_ms);
  }
  return matches ? 0 : 1;
}

int mr_driver_run(const mr_options *options, mr_error *error) {
  session s;
  memset(&s, 0, sizeof(s));
  int result = run_session(&s, options, error);
  close_session(&s);
  return result;
}
