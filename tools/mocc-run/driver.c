#include "driver.h"

#include "bench.h"
#include "compare.h"
#include "model_api.h"
#include "profile_report.h"
#include "tensor.h"
#include "value_file.h"

#include <stdlib.h>
#include <string.h>

/* Inputs and outputs come as values (ONNX graph inputs and outputs), each
 * carried by a run of the model's tensors. */
typedef struct session {
  mr_model_api api;
  mocc_model *model;
  size_t num_inputs, num_outputs; /* tensors */
  mocc_tensor_info *input_infos, *output_infos;
  size_t num_input_values, num_output_values;
  mocc_value_info *input_values, *output_values;
  mr_value *inputs; /* per input value; kind 0 until read */
  mocc_tensor *run_inputs;
  mr_tensor *outputs; /* per output tensor: views of the model's buffers */
} session;

/* ONNX wrote bfloat16 test data as uint16 tensors of the same bits before
   numpy could hold bfloat16 (ONNX 1.12): read those as what the model
   declares. */
static void adopt_bfloat16_bits(mr_value *value, const mocc_tensor_info *infos,
                                const mocc_value_info *info) {
  for (size_t i = 0; i < value->num_tensors; ++i)
    if (value->tensors[i].dtype == MOCC_DTYPE_UINT16 &&
        infos[info->first_tensor + i].dtype == MOCC_DTYPE_BFLOAT16)
      value->tensors[i].dtype = MOCC_DTYPE_BFLOAT16;
}

/* The --input-shape form that compiles a model for `given`, for a hint. */
static const char *input_shape_hint(const mr_value *given) {
  if (given->kind == MOCC_VALUE_OPTIONAL && !given->content)
    return "none";
  return given->kind == MOCC_VALUE_SEQUENCE ||
                 given->content == MOCC_VALUE_SEQUENCE
             ? "[...]"
             : "DIMS";
}

static int set_input(session *s, size_t index, const char *path,
                     mr_error *error) {
  const mocc_value_info *info = &s->input_values[index];
  mr_value value;
  if (mr_read_value(path, info->kind, &value, error))
    return -1;
  if (value.num_tensors != info->num_tensors) {
    mr_fail(error,
            "input '%s' holds %zu tensors; the library was compiled for %zu "
            "(mocc --input-shape %s=%s)",
            info->name, value.num_tensors, info->num_tensors, info->name,
            input_shape_hint(&value));
    mr_value_free(&value);
    return -1;
  }
  adopt_bfloat16_bits(&value, s->input_infos, info);
  mr_value_free(&s->inputs[index]);
  s->inputs[index] = value;
  return 0;
}

static int find_input(const session *s, const char *name, size_t *out_index,
                      mr_error *error) {
  for (size_t i = 0; i < s->num_input_values; ++i) {
    if (!strcmp(s->input_values[i].name, name)) {
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
  for (size_t i = 0; options->inputs_dir && i < s->num_input_values; ++i) {
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
  for (size_t i = 0; i < s->num_input_values; ++i) {
    const mocc_value_info *info = &s->input_values[i];
    /* A value of no tensors (an absent optional) needs no file. */
    if (!s->inputs[i].kind && info->num_tensors)
      return mr_fail(error,
                     "input '%s' (index %zu) is not given (use --inputs DIR "
                     "or --input %s=FILE)",
                     info->name, i, info->name);
    for (size_t k = 0; k < s->inputs[i].num_tensors; ++k)
      s->run_inputs[info->first_tensor + k] =
          mr_tensor_to_mocc(&s->inputs[i].tensors[k]);
  }
  return 0;
}

typedef mocc_status (*value_info_fn)(const mocc_model *, size_t,
                                     mocc_value_info *);

/* Fills `infos` and checks that they stay within the model's tensors. */
static int read_value_infos(const session *s, value_info_fn get, size_t count,
                            size_t num_tensors, mocc_value_info *infos,
                            mr_error *error) {
  for (size_t i = 0; i < count; ++i) {
    if (mr_check_status(&s->api, get(s->model, i, &infos[i]), error))
      return -1;
    if (infos[i].first_tensor > num_tensors ||
        infos[i].num_tensors > num_tensors - infos[i].first_tensor)
      return mr_fail(error,
                     "value '%s' (index %zu) has tensors beyond the %zu "
                     "of the model",
                     infos[i].name, i, num_tensors);
  }
  return 0;
}

/* --threads T, unless T is -1 (not given). */
static int set_threads(session *s, const char *model_path, long threads,
                       mr_error *error) {
  const mr_model_api *api = &s->api;
  if (threads < 0 || (threads == 1 && !api->set_num_threads))
    return 0;
  if (!api->set_num_threads)
    return mr_fail(error,
                   "--threads %ld: '%s' does not export "
                   "mocc_model_set_num_threads (built by an older mocc, it "
                   "runs on one thread: use --threads 1)",
                   threads, model_path);
  return mr_check_status(
      api, api->set_num_threads(s->model, (int32_t)threads), error);
}

/* Creates the instance, on --device N when given. */
static int create_model(session *s, const char *model_path, long device,
                        mr_error *error) {
  const mr_model_api *api = &s->api;
  if (device < 0 || (device == 0 && !api->create_on_device))
    return mr_check_status(api, api->create(&s->model), error);
  if (!api->create_on_device)
    return mr_fail(error,
                   "--device %ld: '%s' does not export "
                   "mocc_model_create_on_device (built by an older mocc, it "
                   "runs on the CPU: use --device 0)",
                   device, model_path);
  return mr_check_status(api, api->create_on_device(&s->model, (int32_t)device),
                         error);
}

static int open_session(session *s, const mr_options *options,
                        mr_error *error) {
  if (mr_model_api_open(&s->api, options->model_path, error))
    return -1;
  const mr_model_api *api = &s->api;
  if (create_model(s, options->model_path, options->device, error) ||
      set_threads(s, options->model_path, options->threads, error))
    return -1;
  s->num_inputs = api->num_inputs(s->model);
  s->num_outputs = api->num_outputs(s->model);
  s->num_input_values = api->num_input_values(s->model);
  s->num_output_values = api->num_output_values(s->model);
  /* +1: calloc(0) may return NULL, which would read as out of memory. */
  s->input_infos = calloc(s->num_inputs + 1, sizeof(mocc_tensor_info));
  s->output_infos = calloc(s->num_outputs + 1, sizeof(mocc_tensor_info));
  s->input_values = calloc(s->num_input_values + 1, sizeof(mocc_value_info));
  s->output_values = calloc(s->num_output_values + 1, sizeof(mocc_value_info));
  s->inputs = calloc(s->num_input_values + 1, sizeof(mr_value));
  s->run_inputs = calloc(s->num_inputs + 1, sizeof(mocc_tensor));
  s->outputs = calloc(s->num_outputs + 1, sizeof(mr_tensor));
  if (!s->input_infos || !s->output_infos || !s->input_values ||
      !s->output_values || !s->inputs || !s->run_inputs || !s->outputs)
    return mr_fail(error, "out of memory");
  for (size_t i = 0; i < s->num_inputs; ++i)
    if (mr_check_status(api, api->input_info(s->model, i, &s->input_infos[i]),
                        error))
      return -1;
  for (size_t i = 0; i < s->num_outputs; ++i)
    if (mr_check_status(api, api->output_info(s->model, i, &s->output_infos[i]),
                        error))
      return -1;
  if (read_value_infos(s, api->input_value_info, s->num_input_values,
                       s->num_inputs, s->input_values, error) ||
      read_value_infos(s, api->output_value_info, s->num_output_values,
                       s->num_outputs, s->output_values, error))
    return -1;
  return 0;
}

static void close_session(session *s) {
  for (size_t i = 0; s->inputs && i < s->num_input_values; ++i)
    mr_value_free(&s->inputs[i]);
  free(s->inputs);
  free(s->run_inputs);
  free(s->outputs);
  free(s->input_infos);
  free(s->output_infos);
  free(s->input_values);
  free(s->output_values);
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

/* A view of output value `index`. An optional holds a tensor when it is one
 * tensor named as the value, else a sequence (NAME[i]). */
static mr_value output_value(const session *s, size_t index) {
  const mocc_value_info *info = &s->output_values[index];
  mr_value value = {info->kind, 0, &s->outputs[info->first_tensor],
                    info->num_tensors};
  if (info->kind == MOCC_VALUE_OPTIONAL && info->num_tensors)
    value.content =
        info->num_tensors == 1 &&
                !strcmp(s->output_infos[info->first_tensor].name, info->name)
            ? MOCC_VALUE_TENSOR
            : MOCC_VALUE_SEQUENCE;
  return value;
}

static int write_outputs(const session *s, const char *dir,
                         mr_output_format format, mr_error *error) {
  char path[4096];
  for (size_t i = 0; i < s->num_output_values; ++i) {
    snprintf(path, sizeof(path), "%s/output_%zu.%s", dir, i,
             format == MR_FORMAT_NPY ? "npy" : "pb");
    mr_value value = output_value(s, i);
    if (mr_write_value(path, &value, s->output_values[i].name, format, error))
      return -1;
  }
  return 0;
}

/* Compares each tensor of output value `index`; returns whether all match. */
static int compare_value(const session *s, size_t index, mr_value *expected,
                         const mr_options *options) {
  const mocc_value_info *info = &s->output_values[index];
  if (!info->num_tensors || expected->num_tensors != info->num_tensors)
    return mr_compare_report_count(stdout, index, info->name, info->num_tensors,
                                   expected->num_tensors);
  adopt_bfloat16_bits(expected, s->output_infos, info);
  int all_match = 1;
  for (size_t i = 0; i < info->num_tensors; ++i) {
    size_t tensor = info->first_tensor + i;
    mr_compare_result result =
        mr_compare(&s->outputs[tensor], &expected->tensors[i], options->rtol,
                   options->atol);
    all_match &=
        mr_compare_report(stdout, index, s->output_infos[tensor].name,
                          &s->outputs[tensor], &expected->tensors[i], &result);
  }
  return all_match;
}

/* Returns 1 when every output matches, 0 when one differs, -1 on error. */
static int compare_outputs(const session *s, const mr_options *options,
                           mr_error *error) {
  char path[4096];
  int all_match = 1;
  for (size_t i = 0; i < s->num_output_values; ++i) {
    snprintf(path, sizeof(path), "%s/output_%zu.pb", options->compare_dir, i);
    mr_value expected;
    if (mr_read_value(path, s->output_values[i].kind, &expected, error))
      return -1;
    all_match &= compare_value(s, i, &expected, options);
    mr_value_free(&expected);
  }
  return all_match;
}

static void print_outputs(const session *s) {
  for (size_t i = 0; i < s->num_output_values; ++i) {
    const mocc_value_info *info = &s->output_values[i];
    if (!info->num_tensors)
      printf("output %zu '%s': no tensors\n", i, info->name);
    for (size_t k = info->first_tensor;
         k < info->first_tensor + info->num_tensors; ++k) {
      printf("output %zu '%s': ", i, s->output_infos[k].name);
      mr_tensor_print_summary(stdout, &s->outputs[k]);
    }
  }
}

static int run_session(session *s, const mr_options *options, mr_error *error) {
  if (open_session(s, options, error) ||
      (options->profile &&
       mr_profile_check(&s->api, s->model, options->model_path, error)) ||
      read_inputs(s, options, error) || run_once(s, error))
    return -1;
  if (options->write_dir &&
      write_outputs(s, options->write_dir, options->write_format, error))
    return -1;
  int nothing_else = !options->write_dir && !options->compare_dir &&
                     !options->bench_runs && !options->profile;
  if (options->print || nothing_else)
    print_outputs(s);
  int matches = 1;
  if (options->compare_dir &&
      (matches = compare_outputs(s, options, error)) < 0)
    return -1;
  if (options->bench_runs) {
    /* Profile the timed runs, not the first one (which starts the threads
     * and touches every page). */
    if (options->profile &&
        mr_check_status(&s->api, s->api.profile_reset(s->model), error))
      return -1;
    mr_bench_result timing;
    if (mr_bench(&s->api, s->model, s->run_inputs, s->num_inputs,
                 options->bench_runs, &timing, error))
      return -1;
    if (s->api.device_name)
      printf("device=%s\n", s->api.device_name(s->model));
    printf("median_ms=%.6g min_ms=%.6g\n", timing.median_ms, timing.min_ms);
  }
  if (options->profile &&
      (mr_profile_print(&s->api, s->model, stdout, error) ||
       (options->profile_json &&
        mr_profile_write_trace(&s->api, s->model, options->profile_json,
                               error))))
    return -1;
  return matches ? 0 : 1;
}

int mr_driver_run(const mr_options *options, mr_error *error) {
  session s;
  memset(&s, 0, sizeof(s));
  int result = run_session(&s, options, error);
  close_session(&s);
  return result;
}
