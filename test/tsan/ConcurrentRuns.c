/* Compiled models run at once from several threads, for ThreadSanitizer:
 *
 *   concurrent-runs MODEL.so...
 *
 * For each model: one instance on one thread gives the reference outputs;
 * then four instances of two threads each run on threads of their own while
 * the main thread runs one instance of four threads, each run checked
 * against the reference. The inputs are the model's own shapes, dynamic
 * dimensions set to 8, filled with small values.
 *
 * run_tsan.sh builds the models with their code and the runtime's
 * instrumented for ThreadSanitizer and this program with -fsanitize=thread,
 * so a data race in the generated code, the thread pool or the runtime's
 * kernels is a report (and exit 66). Exits 1 when a result differs. */
#include "model_api.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  kRuns = 8,
  kInstances = 4,
  kDynamicDim = 8,
  kMaxInputs = 16,
  kMaxOutputs = 16,
};

typedef struct model_case {
  const char *path;
  mr_model_api api;
  size_t num_inputs, num_outputs;
  mocc_tensor inputs[kMaxInputs];
  int64_t input_dims[kMaxInputs][8];
  /* The single-threaded run's outputs. */
  void *reference[kMaxOutputs];
  size_t reference_bytes[kMaxOutputs];
} model_case;

static void die(const model_case *c, const char *what, const char *detail) {
  fprintf(stderr, "concurrent-runs: %s: %s%s%s\n", c->path, what,
          detail ? ": " : "", detail ? detail : "");
  exit(1);
}

static size_t tensor_bytes(const mocc_tensor *t) {
  size_t bytes = mocc_dtype_size(t->dtype);
  for (int32_t d = 0; d < t->rank; ++d)
    bytes *= (size_t)t->dims[d];
  return bytes;
}

/* Small values of the input's dtype: integers 0..2, floats multiples of
 * 1/8 (valid indices and well-scaled activations alike). */
static void fill(mocc_tensor *t) {
  size_t count = tensor_bytes(t) / mocc_dtype_size(t->dtype);
  for (size_t i = 0; i < count; ++i) {
    int small = (int)(i * 7 % 3);
    switch (t->dtype) {
    case MOCC_DTYPE_FLOAT32:
      ((float *)t->data)[i] = (float)(i * 5 % 17) / 8.0f - 1.0f;
      break;
    case MOCC_DTYPE_INT64:
      ((int64_t *)t->data)[i] = small;
      break;
    case MOCC_DTYPE_INT32:
      ((int32_t *)t->data)[i] = small;
      break;
    default:
      memset((char *)t->data + i * mocc_dtype_size(t->dtype), small,
             mocc_dtype_size(t->dtype));
    }
  }
}

static void prepare(model_case *c) {
  mr_error error;
  if (mr_model_api_open(&c->api, c->path, &error))
    die(c, "cannot open", error.message);
  mocc_model *model;
  if (mr_check_status(&c->api, c->api.create(&model), &error))
    die(c, "cannot create an instance", error.message);
  c->num_inputs = c->api.num_inputs(model);
  c->num_outputs = c->api.num_outputs(model);
  if (c->num_inputs > kMaxInputs || c->num_outputs > kMaxOutputs)
    die(c, "too many inputs or outputs", NULL);
  for (size_t i = 0; i < c->num_inputs; ++i) {
    mocc_tensor_info info;
    if (mr_check_status(&c->api, c->api.input_info(model, i, &info), &error))
      die(c, "no input info", error.message);
    if (info.rank > 8)
      die(c, "an input's rank is above 8", NULL);
    for (int32_t d = 0; d < info.rank; ++d)
      c->input_dims[i][d] = info.dims[d] < 0 ? kDynamicDim : info.dims[d];
    c->inputs[i] = (mocc_tensor){NULL, info.dtype, info.rank, c->input_dims[i]};
    c->inputs[i].data = calloc(tensor_bytes(&c->inputs[i]) + 1, 1);
    fill(&c->inputs[i]);
  }
  c->api.destroy(model);
}

/* Runs an instance of `threads` threads kRuns times; with `record`, keeps
 * the first run's outputs as the reference, else compares every run's. */
static int run_instance(model_case *c, int32_t threads, int record) {
  mr_error error;
  mocc_model *model;
  if (mr_check_status(&c->api, c->api.create(&model), &error) ||
      mr_check_status(&c->api, c->api.set_num_threads(model, threads),
                      &error))
    die(c, "cannot create an instance", error.message);
  int mismatches = 0;
  for (int run = 0; run < (record ? 1 : kRuns); ++run) {
    if (mr_check_status(&c->api, c->api.run(model, c->inputs, c->num_inputs),
                        &error))
      die(c, "a run failed", error.message);
    for (size_t o = 0; o < c->num_outputs; ++o) {
      mocc_tensor out;
      if (mr_check_status(&c->api, c->api.get_output(model, o, &out), &error))
        die(c, "no output", error.message);
      size_t bytes = tensor_bytes(&out);
      if (record) {
        c->reference[o] = malloc(bytes + 1);
        memcpy(c->reference[o], out.data, bytes);
        c->reference_bytes[o] = bytes;
        continue;
      }
      /* Threads may split a float reduction differently: compare floats
       * with a tolerance, everything else exactly. */
      int same = bytes == c->reference_bytes[o];
      if (same && out.dtype == MOCC_DTYPE_FLOAT32) {
        const float *got = out.data, *want = c->reference[o];
        for (size_t k = 0; k < bytes / sizeof(float); ++k)
          same &= fabsf(got[k] - want[k]) <= 1e-5f + 1e-5f * fabsf(want[k]);
      } else if (same) {
        same = !memcmp(out.data, c->reference[o], bytes);
      }
      mismatches += !same;
    }
  }
  c->api.destroy(model);
  return mismatches;
}

static void *run_two_threads(void *c) {
  return (void *)(intptr_t)run_instance(c, 2, 0);
}

int main(int argc, char **argv) {
  int failures = 0;
  for (int m = 1; m < argc; ++m) {
    model_case *c = calloc(1, sizeof(model_case));
    c->path = argv[m];
    prepare(c);
    run_instance(c, 1, 1);
    pthread_t threads[kInstances];
    for (int t = 0; t < kInstances; ++t)
      pthread_create(&threads[t], NULL, run_two_threads, c);
    int mismatches = run_instance(c, 4, 0);
    for (int t = 0; t < kInstances; ++t) {
      void *result;
      pthread_join(threads[t], &result);
      mismatches += (int)(intptr_t)result;
    }
    printf("%s: %d instances x %d runs and one of 4 threads x %d runs, "
           "%d mismatches\n",
           c->path, kInstances, kRuns, kRuns, mismatches);
    failures += mismatches != 0;
    for (size_t i = 0; i < c->num_inputs; ++i)
      free(c->inputs[i].data);
    for (size_t o = 0; o < c->num_outputs; ++o)
      free(c->reference[o]);
    mr_model_api_close(&c->api);
    free(c);
  }
  return failures ? 1 : 0;
}
