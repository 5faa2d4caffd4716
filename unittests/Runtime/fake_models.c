#include "fake_models.h"

#include "mocc/model.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The descriptors as MLIR lowers memref<2x3xf32>, memref<?x3xf32>,
 * memref<3xf32> and memref<?xi8> for the C calling convention, written out
 * here rather than taken from the runtime so that the layout is checked. */
typedef struct memref_2d_f32 {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref_2d_f32;

typedef struct memref_1d {
  void *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref_1d;

static int is_aligned(const void *pointer) {
  return (uintptr_t)pointer % 64 == 0;
}

static int is_dense(const memref_2d_f32 *m, int64_t rows, int64_t columns) {
  return m->aligned && m->allocated && m->offset == 0 && m->sizes[0] == rows &&
         m->sizes[1] == columns && m->strides[0] == columns &&
         m->strides[1] == 1;
}

static void add_entry(void **descriptors) {
  const memref_2d_f32 *a = descriptors[0], *b = descriptors[1];
  const memref_2d_f32 *y = descriptors[2];
  const memref_1d *arena = descriptors[3];
  int valid = is_dense(a, 2, 3) && is_dense(b, 2, 3) && is_dense(y, 2, 3) &&
              is_aligned(y->aligned) && is_aligned(arena->aligned) &&
              arena->offset == 0 && arena->sizes[0] == FAKE_ADD_ARENA_BYTES &&
              arena->strides[0] == 1;
  float *sum = arena->aligned;
  for (int i = 0; i < 6; ++i)
    sum[i] = a->aligned[i] + b->aligned[i];
  for (int i = 0; i < 6; ++i)
    y->aligned[i] = valid ? sum[i] : NAN;
}

static const int64_t k2x3[] = {2, 3};
static const mocc_compiled_tensor kAddInputs[] = {
    {"a", MOCC_DTYPE_FLOAT32, 2, k2x3},
    {"b", MOCC_DTYPE_FLOAT32, 2, k2x3},
};
static const mocc_compiled_tensor kAddOutputs[] = {
    {"y", MOCC_DTYPE_FLOAT32, 2, k2x3},
};
static const mocc_compiled_value kAddInputValues[] = {
    {"a", MOCC_VALUE_TENSOR, 0, 1},
    {"b", MOCC_VALUE_TENSOR, 1, 1},
};
/* Values of one tensor, for the add model and the models below. */
static const mocc_compiled_value kXValue[] = {{"x", MOCC_VALUE_TENSOR, 0, 1}};
static const mocc_compiled_value kYValue[] = {{"y", MOCC_VALUE_TENSOR, 0, 1}};
static const mocc_compiled_value kSValue[] = {{"s", MOCC_VALUE_TENSOR, 0, 1}};

const mocc_compiled_model_desc mocc_compiled_model = {
    .abi_version = MOCC_ABI_VERSION,
    .num_inputs = 2,
    .num_outputs = 1,
    .inputs = kAddInputs,
    .outputs = kAddOutputs,
    .arena_bytes = FAKE_ADD_ARENA_BYTES,
    .entry = add_entry,
    .num_input_values = 2,
    .num_output_values = 1,
    .input_values = kAddInputValues,
    .output_values = kYValue,
};

static void column_sum_entry(void **descriptors) {
  const memref_2d_f32 *x = descriptors[0];
  const memref_1d *s = descriptors[1];
  float *sums = s->aligned;
  int valid = x->offset == 0 && x->sizes[1] == 3 && x->strides[0] == 3 &&
              x->strides[1] == 1 && s->sizes[0] == 3 && s->strides[0] == 1;
  for (int64_t j = 0; j < 3; ++j) {
    sums[j] = 0;
    for (int64_t i = 0; i < x->sizes[0]; ++i)
      sums[j] += x->aligned[x->offset + i * x->strides[0] + j];
    if (!valid)
      sums[j] = NAN;
  }
}

static const int64_t kAnyBy3[] = {-1, 3};
static const int64_t k3[] = {3};
static const mocc_compiled_tensor kColumnSumInputs[] = {
    {"x", MOCC_DTYPE_FLOAT32, 2, kAnyBy3},
};
static const mocc_compiled_tensor kColumnSumOutputs[] = {
    {"s", MOCC_DTYPE_FLOAT32, 1, k3},
};

const mocc_compiled_model_desc fake_column_sum_model = {
    .abi_version = MOCC_ABI_VERSION,
    .num_inputs = 1,
    .num_outputs = 1,
    .inputs = kColumnSumInputs,
    .outputs = kColumnSumOutputs,
    .entry = column_sum_entry,
    .num_input_values = 1,
    .num_output_values = 1,
    .input_values = kXValue,
    .output_values = kSValue,
};

static void double_entry(void **descriptors) {
  const memref_2d_f32 *x = descriptors[0];
  memref_2d_f32 *y = descriptors[1];
  int64_t rows = x->sizes[0], offset = 4;
  float *allocated = malloc((size_t)(rows * 3 + offset) * sizeof(float) + 64);
  float *aligned = (float *)(((uintptr_t)allocated + 63) / 64 * 64);
  for (int64_t i = 0; i < rows * 3; ++i)
    aligned[offset + i] = 2 * x->aligned[x->offset + i];
  *y = (memref_2d_f32){allocated, aligned, offset, {rows, 3}, {3, 1}};
}

static const mocc_compiled_tensor kDoubleInputs[] = {
    {"x", MOCC_DTYPE_FLOAT32, 2, kAnyBy3},
};
static const mocc_compiled_tensor kDoubleOutputs[] = {
    {"y", MOCC_DTYPE_FLOAT32, 2, kAnyBy3},
};

const mocc_compiled_model_desc fake_double_model = {
    .abi_version = MOCC_ABI_VERSION,
    .num_inputs = 1,
    .num_outputs = 1,
    .inputs = kDoubleInputs,
    .outputs = kDoubleOutputs,
    .entry = double_entry,
    .num_input_values = 1,
    .num_output_values = 1,
    .input_values = kXValue,
    .output_values = kYValue,
};
