//===- GPUTarget.h - The GPU code generation targets ------------*- C++ -*-===//
#ifndef MOCC_TARGETS_GPU_GPUTARGET_H
#define MOCC_TARGETS_GPU_GPUTARGET_H

#include "mocc/Target/TargetBackend.h"

namespace mocc::gpu {

/// -target=vulkan: kernels as SPIR-V compute shaders, the host code and the
/// CPU fallback for the machine mocc runs on.
std::unique_ptr<TargetBackend> createVulkanTarget();

/// -target=cuda: kernels as PTX for -mcpu=sm_XX (default sm_80), loaded by
/// the CUDA driver at run time.
std::unique_ptr<TargetBackend> createCUDATarget();

} // namespace mocc::gpu

#endif // MOCC_TARGETS_GPU_GPUTARGET_H
