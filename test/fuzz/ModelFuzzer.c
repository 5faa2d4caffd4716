/* libFuzzer target that runs compiled models through the C ABI
 * (mocc/model.h) with fuzzed input shapes, ranks, dtypes and values.
 *
 * MOCC_FUZZ_MODELS names the model libraries, separated by ':' (the
 * fuzz.models test compiles them from models with dynamic dimensions). Each
 * gets one instance with two threads, kept across inputs, so a failed run
 * must also leave the instance usable. The first bytes of an input pick the
 * model and the shapes; the rest are the inputs' values.
 *
 * The generated code is not instrumented, so ASan cannot see its reads: each
 * input buffer instead ends at an inaccessible page, and a read past its end
 * faults. A run must either fail with a one-line status or succeed with
 * outputs that can be read in full; a crash, a fault, a sanitizer report (in
 * the runtime's C called from here, or in this harness), a leak or a hang is
 * a bug.
 *
 * Built only by the fuzzer build (MOCC_ENABLE_FUZZER, build/fuzz). */
#include "model_api.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum {
  MAX_MODELS = 16,
  MAX_INPUTS = 8,
  MAX_RANK = 6,
  /* Bounds each input's extent, so the fuzzer explores shapes rather than
   * waiting on large runs. */
  MAX_ELEMENTS = 1 << 16,
  /* A byte at or above this takes the unusual branch; the bytes past the
   * input's end read as 0, the usual one. */
  RARELY = 248,
};

typedef struct fuzzed_model {
  mr_model_api api;
  mocc_model *instance;
} fuzzed_model;

static fuzzed_model models[MAX_MODELS];
static size_t num_models;

static void broken(const char *what, const char *detail) {
  fprintf(stderr, "model fuzzer: %s%s%s\n", what, detail ? ": " : "",
          detail ? detail : "");
  abort();
}

static void open_model(const char *path) {
  if (num_models == MAX_MODELS)
    broken("too many models in MOCC_FUZZ_MODELS", path);
  fuzzed_model *model = &models[num_models];
  mr_error error;
  if (mr_model_api_open(&model->api, path, &error))
    broken("cannot open a model", error.message);
  if (mr_check_status(&model->api, model->api.create(&model->instance),
                      &error) ||
      mr_check_status(&model->api,
                      model->api.set_num_threads(model->instance, 2), &error))
    broken("cannot create an instance", error.message);
  if (model->api.num_inputs(model->instance) > MAX_INPUTS)
    broken("a model has too many inputs", path);
  ++num_models;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *list = getenv("MOCC_FUZZ_MODELS");
  if (!list || !*list)
    broken("MOCC_FUZZ_MODELS names no model library", NULL);
  char *paths = strdup(list);
  for (char *path = strtok(paths, ":"); path; path = strtok(NULL, ":"))
    open_model(path);
  free(paths);
  return 0;
}

/* The fuzzer's bytes, read one at a time; zeros once they run out, so a
 * short input runs the model as declared. */
typedef struct byte_reader {
  const uint8_t *next, *end;
} byte_reader;

static unsigned next_byte(byte_reader *reader) {
  return reader->next < reader->end ? *reader->next++ : 0;
}

/* A buffer whose last byte is followed by an inaccessible page. */
typedef struct guarded_buffer {
  uint8_t *mapping;
  size_t mapping_size;
  void *data;
} guarded_buffer;

static void guarded_alloc(guarded_buffer *buffer, size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t data_pages = (bytes + page - 1) / page * page;
  buffer->mapping_size = data_pages + page;
  buffer->mapping = mmap(NULL, buffer->mapping_size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buffer->mapping == MAP_FAILED ||
      mprotect(buffer->mapping + data_pages, page, PROT_NONE))
    broken("cannot map an input buffer", NULL);
  buffer->data = buffer->mapping + data_pages - bytes;
}

static void guarded_free(guarded_buffer *buffer) {
  munmap(buffer->mapping, buffer->mapping_size);
}

/* A dimension for a fuzzed shape: mostly small, sometimes large, sometimes
 * the one all dynamic dimensions share in this run. */
static int64_t fuzzed_dim(byte_reader *reader, int64_t shared) {
  unsigned choice = next_byte(reader);
  if (choice < 128)
    return shared;
  if (choice < 240)
    return choice % 9;
  return (int64_t)next_byte(reader) * 16 + next_byte(reader);
}

/* Shapes the inputs as declared most of the time, and otherwise with another
 * rank, dtype or static dimension, which the model must reject. */
static void fuzz_info(byte_reader *reader, const mocc_tensor_info *declared,
                      int64_t shared, mocc_tensor *tensor, int64_t *dims) {
  tensor->dtype = declared->dtype;
  tensor->rank = declared->rank;
  if (next_byte(reader) >= RARELY)
    tensor->rank = (int32_t)(next_byte(reader) % (MAX_RANK + 1));
  if (next_byte(reader) >= RARELY)
    tensor->dtype = next_byte(reader) % 2 ? MOCC_DTYPE_INT64 : MOCC_DTYPE_FLOAT32;
  /* The loops' trip counts, empty dimensions counted as 1: a kernel may loop
   * over the other dimensions of an empty tensor. */
  int64_t extent = 1;
  for (int32_t d = 0; d < tensor->rank; ++d) {
    int keep = tensor->rank == declared->rank && declared->dims[d] >= 0 &&
               next_byte(reader) < RARELY;
    dims[d] = keep ? declared->dims[d] : fuzzed_dim(reader, shared);
    if (dims[d] > 1 && extent > MAX_ELEMENTS / dims[d])
      dims[d] = 1;
    extent *= dims[d] ? dims[d] : 1;
  }
  tensor->dims = dims;
}

/* Reads every byte of every output the run left, as a caller would. */
static void read_outputs(const fuzzed_model *model) {
  size_t count = model->api.num_outputs(model->instance);
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < count; ++i) {
    mocc_tensor out;
    mr_error error;
    if (mr_check_status(&model->api,
                        model->api.get_output(model->instance, i, &out),
                        &error))
      broken("a successful run has no output", error.message);
    size_t bytes = mocc_dtype_size(out.dtype);
    for (int32_t d = 0; d < out.rank; ++d) {
      if (out.dims[d] < 0)
        broken("an output has a negative dimension", NULL);
      bytes *= (size_t)out.dims[d];
    }
    for (size_t b = 0; b < bytes; ++b)
      sink ^= ((const uint8_t *)out.data)[b];
  }
  (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  byte_reader reader = {data, data + size};
  fuzzed_model *model = &models[next_byte(&reader) % num_models];
  int64_t shared = next_byte(&reader) % 9;
  size_t num_inputs = model->api.num_inputs(model->instance);
  mocc_tensor inputs[MAX_INPUTS];
  int64_t dims[MAX_INPUTS][MAX_RANK];
  guarded_buffer buffers[MAX_INPUTS];
  for (size_t i = 0; i < num_inputs; ++i) {
    mocc_tensor_info declared;
    mr_error error;
    if (mr_check_status(&model->api,
                        model->api.input_info(model->instance, i, &declared),
                        &error))
      broken("an input has no info", error.message);
    fuzz_info(&reader, &declared, shared, &inputs[i], dims[i]);
    size_t bytes = mocc_dtype_size(inputs[i].dtype);
    for (int32_t d = 0; d < inputs[i].rank; ++d)
      bytes *= (size_t)dims[i][d];
    guarded_alloc(&buffers[i], bytes);
    inputs[i].data = buffers[i].data;
    /* The values: what is left of the fuzzer's bytes, repeated. */
    for (size_t b = 0; b < bytes; ++b)
      ((uint8_t *)inputs[i].data)[b] =
          reader.next < reader.end
              ? reader.next[b % (size_t)(reader.end - reader.next)]
              : 0;
  }

  mocc_status status = model->api.run(model->instance, inputs, num_inputs);
  if (status) {
    const char *message = model->api.status_message(status);
    if (!message || !*message || strchr(message, '\n'))
      broken("a failed run's message is not one line", message);
    model->api.status_release(status);
  } else {
    read_outputs(model);
  }
  for (size_t i = 0; i < num_inputs; ++i)
    guarded_free(&buffers[i]);
  return 0;
}
