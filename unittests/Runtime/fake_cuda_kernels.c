/* The CUDA kernels of fake_models.h, the entries of add_one.ptx. */
#include "fake_models.h"
#include "gpu/backend.h"

/* NUL-terminated PTX text, as generated code emits it. */
static const char kAddOnePtx[] = {
#include "add_one.ptx.inc"
    0};

static const mocc_compiled_gpu_kernel kAddOneKernels[] = {
    {"add_one", kAddOnePtx, sizeof(kAddOnePtx), 2, 1},
    {"add_one", kAddOnePtx, sizeof(kAddOnePtx), 2, 1},
    {"add_one", kAddOnePtx, sizeof(kAddOnePtx), 2, 1},
};

const mocc_compiled_gpu fake_cuda_add_one_kernels = {
    .open = mocc_cuda_open,
    .num_kernels = 3,
    .kernels = kAddOneKernels,
};

static const mocc_compiled_gpu_kernel kModelKernels[] = {
    {"add_one_100", kAddOnePtx, sizeof(kAddOnePtx), 2, 64},
    {"add_one_100", kAddOnePtx, sizeof(kAddOnePtx), 2, 64},
};

const mocc_compiled_gpu fake_cuda_model_kernels = {
    .open = mocc_cuda_open,
    .num_kernels = 2,
    .kernels = kModelKernels,
};
