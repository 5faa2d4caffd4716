/* The Vulkan kernels of fake_models.h: add_one.spvasm (out = in + 1 on
 * float32) and widen_int8.spvasm. */
#include "fake_models.h"
#include "gpu/backend.h"

/* SPIR-V words are 4-byte aligned, as generated code emits them. */
static _Alignas(4) const unsigned char kAddOneSpirv[] = {
#include "add_one.spv.inc"
};

static const mocc_compiled_gpu_kernel kAddOneKernels[] = {
    {"add_one", kAddOneSpirv, sizeof(kAddOneSpirv), 2, 0},
    {"add_one", kAddOneSpirv, sizeof(kAddOneSpirv), 2, 0},
    {"add_one", kAddOneSpirv, sizeof(kAddOneSpirv), 2, 0},
};

const mocc_compiled_gpu fake_add_one_kernels = {
    .open = mocc_vulkan_open,
    .num_kernels = 3,
    .kernels = kAddOneKernels,
};

static _Alignas(4) const unsigned char kWidenInt8Spirv[] = {
#include "widen_int8.spv.inc"
};

static const mocc_compiled_gpu_kernel kWidenInt8Kernel = {
    "widen_int8", kWidenInt8Spirv, sizeof(kWidenInt8Spirv), 2, 0};

const mocc_compiled_gpu fake_widen_int8_kernels = {
    .open = mocc_vulkan_open,
    .num_kernels = 1,
    .kernels = &kWidenInt8Kernel,
};
