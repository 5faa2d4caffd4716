/* The Vulkan kernels of fake_models.h and the fake GPU model, which
 * dispatches add_one.spvasm (out = in + 1 on float32) as generated code
 * does, on the arena and on the model's own buffers. */
#include "fake_models.h"

#include "gpu/gpu.h"
#include "mocc/model.h"

#include <stdint.h>

/* SPIR-V words are 4-byte aligned, as generated code emits them. */
static _Alignas(4) const unsigned char kAddOneSpirv[] = {
#include "add_one.spv.inc"
};

static const mocc_compiled_gpu_kernel kAddOneKernels[] = {
    {"add_one", kAddOneSpirv, sizeof(kAddOneSpirv), 2, 0},
    {"add_one", kAddOneSpirv, sizeof(kAddOneSpirv), 2, 0},
};

const mocc_compiled_gpu fake_add_one_kernels = {
    .api = MOCC_GPU_API_VULKAN,
    .num_kernels = 2,
    .kernels = kAddOneKernels,
};

static _Alignas(4) const unsigned char kWidenInt8Spirv[] = {
#include "widen_int8.spv.inc"
};

static const mocc_compiled_gpu_kernel kWidenInt8Kernel = {
    "widen_int8", kWidenInt8Spirv, sizeof(kWidenInt8Spirv), 2, 0};

const mocc_compiled_gpu fake_widen_int8_kernels = {
    .api = MOCC_GPU_API_VULKAN,
    .num_kernels = 1,
    .kernels = &kWidenInt8Kernel,
};

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
  for (int i = 0; i < FAKE_GPU_SIZE; ++i)
    t[i] *= 2;
  mocc_gpu_bind(gpu, 0, t, bytes, MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, y->aligned + y->offset, bytes, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 1, groups, 1, 1);
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

const mocc_compiled_model_desc fake_gpu_model = {
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
    .gpu = &fake_add_one_kernels,
};
