/* A model of sequences and optionals, flattened into tensors as mocc
 * compiles them. */
#include "fake_models.h"

#include "mocc/model.h"

#include <stdint.h>

/* Its own library for mocc-run names it as generated code does. */
#ifndef FAKE_SEQUENCE_MODEL
#define FAKE_SEQUENCE_MODEL fake_sequence_model
#endif

typedef struct memref_1d_f32 {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref_1d_f32;

static void sequence_entry(void **descriptors) {
  const memref_1d_f32 *x0 = descriptors[0], *x1 = descriptors[1];
  const memref_1d_f32 *y0 = descriptors[2], *y1 = descriptors[3];
  const memref_1d_f32 *total = descriptors[4];
  for (int i = 0; i < 3; ++i) {
    y0->aligned[i] = x1->aligned[i];
    y1->aligned[i] = x0->aligned[i];
    total->aligned[i] = x0->aligned[i] + x1->aligned[i];
  }
}

static const int64_t k3[] = {3};
static const mocc_compiled_tensor kInputs[] = {
    {"xs[0]", MOCC_DTYPE_FLOAT32, 1, k3},
    {"xs[1]", MOCC_DTYPE_FLOAT32, 1, k3},
};
static const mocc_compiled_tensor kOutputs[] = {
    {"ys[0]", MOCC_DTYPE_FLOAT32, 1, k3},
    {"ys[1]", MOCC_DTYPE_FLOAT32, 1, k3},
    {"total", MOCC_DTYPE_FLOAT32, 1, k3},
};
static const mocc_compiled_value kInputValues[] = {
    {"xs", MOCC_VALUE_SEQUENCE, 0, 2},
    {"flag", MOCC_VALUE_OPTIONAL, 2, 0},
};
static const mocc_compiled_value kOutputValues[] = {
    {"ys", MOCC_VALUE_SEQUENCE, 0, 2},
    {"total", MOCC_VALUE_OPTIONAL, 2, 1},
    {"nothing", MOCC_VALUE_OPTIONAL, 3, 0},
};

const mocc_compiled_model_desc FAKE_SEQUENCE_MODEL = {
    .abi_version = MOCC_ABI_VERSION,
    .num_inputs = 2,
    .num_outputs = 3,
    .inputs = kInputs,
    .outputs = kOutputs,
    .entry = sequence_entry,
    .num_input_values = 2,
    .num_output_values = 3,
    .input_values = kInputValues,
    .output_values = kOutputValues,
};
