/* The fake GPU model of fake_models.h, which dispatches its two kernels as
 * generated code does, on the arena and on the model's own buffers, whatever
 * the API, syncing before the host touches memory and before it returns. */
#include "fake_models.h"

#include "gpu/gpu.h"
#include "mocc/model.h"

#include <stdint.h>

typedef struct memref_1d_f32 {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref_1d_f32;

/* t = x + 1 on the device into the arena (bound in place), t *= 2 on the
 * host as an op without a GPU lowering would, y = t + 1 on the device (y is
 * the runtime's buffer: staged). */
static void gpu_entry(void **descriptors) {
  const memref_1d_f32 *x = descriptors[0], *y = descriptors[1];
  const memref_1d_f32 *arena = descriptors[2];
  mocc_gpu *gpu = descriptors[4]; /* after the thread pool's slot */
  const int64_t bytes = FAKE_GPU_SIZE * sizeof(float);
  const int64_t groups = (FAKE_GPU_SIZE + 63) / 64;
  float *t = arena->aligned;

  mocc_gpu_bind(gpu, 0, x->aligned + x->offset, bytes, MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, t, bytes, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 0, groups, 1, 1);
  mocc_gpu_download(gpu, t, bytes);
  mocc_gpu_sync(gpu);
  for (int i = 0; i < FAKE_GPU_SIZE; ++i)
    t[i] *= 2;
  mocc_gpu_upload(gpu, t, bytes);
  mocc_gpu_bind(gpu, 0, t, bytes, MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, y->aligned + y->offset, bytes, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 1, groups, 1, 1);
  mocc_gpu_sync(gpu);
}

static const int64_t kSize[] = {FAKE_GPU_SIZE};
static const mocc_compiled_tensor kGpuInputs[] = {
    {"x", MOCC_DTYPE_FLOAT32, 1, kSize},
};
static const mocc_compiled_tensor kGpuOutputs[] = {
    {"y", MOCC_DTYPE_FLOAT32, 1, kSize},
};
static const mocc_compiled_value kGpuInputValues[] = {
    {"x", MOCC_VALUE_TENSOR, 0, 1},
};
static const mocc_compiled_value kGpuOutputValues[] = {
    {"y", MOCC_VALUE_TENSOR, 0, 1},
};

mocc_compiled_model_desc fake_gpu_model(const mocc_compiled_gpu *kernels) {
  mocc_compiled_model_desc desc = {
      .abi_version = MOCC_ABI_VERSION,
      .num_inputs = 1,
      .num_outputs = 1,
      .inputs = kGpuInputs,
      .outputs = kGpuOutputs,
      .arena_bytes = FAKE_GPU_SIZE * sizeof(float),
      .entry = gpu_entry,
      .num_input_values = 1,
      .num_output_values = 1,
      .input_values = kGpuInputValues,
      .output_values = kGpuOutputValues,
      .gpu = kernels,
  };
  return desc;
}
