/* A model whose entry splits its loop over the instance's thread pool, as
 * generated code does. */
#include "fake_models.h"

#include "mocc/model.h"
#include "thread_pool.h"

#include <stdint.h>

typedef struct memref_1d {
  void *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref_1d;

typedef struct double_closure {
  const float *x;
  float *y;
} double_closure;

static void double_chunk(void *closure, int64_t begin, int64_t end) {
  const double_closure *c = closure;
  for (int64_t i = begin; i < end; ++i)
    c->y[i] = 2 * c->x[i];
}

static void parallel_entry(void **descriptors) {
  const memref_1d *x = descriptors[0], *y = descriptors[1];
  const memref_1d *threads = descriptors[2];
  /* descriptors[3] is the (empty) arena. */
  mocc_thread_pool *pool = descriptors[4];
  double_closure closure = {x->aligned, y->aligned};
  mocc_parallel_for(pool, FAKE_PARALLEL_SIZE, double_chunk, &closure);
  *(int32_t *)threads->aligned = mocc_thread_pool_num_threads(pool);
}

static const int64_t kSize[] = {FAKE_PARALLEL_SIZE};
static const int64_t k1[] = {1};
static const mocc_compiled_tensor kInputs[] = {
    {"x", MOCC_DTYPE_FLOAT32, 1, kSize},
};
static const mocc_compiled_tensor kOutputs[] = {
    {"y", MOCC_DTYPE_FLOAT32, 1, kSize},
    {"threads", MOCC_DTYPE_INT32, 1, k1},
};
static const mocc_compiled_value kInputValues[] = {
    {"x", MOCC_VALUE_TENSOR, 0, 1},
};
static const mocc_compiled_value kOutputValues[] = {
    {"y", MOCC_VALUE_TENSOR, 0, 1},
    {"threads", MOCC_VALUE_TENSOR, 1, 1},
};

const mocc_compiled_model_desc fake_parallel_model = {
    .abi_version = MOCC_ABI_VERSION,
    .num_inputs = 1,
    .num_outputs = 2,
    .inputs = kInputs,
    .outputs = kOutputs,
    .entry = parallel_entry,
    .num_input_values = 1,
    .num_output_values = 2,
    .input_values = kInputValues,
    .output_values = kOutputValues,
};
