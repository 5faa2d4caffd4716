//===- Passes.h - The GPU targets' lowering passes --------------*- C++ -*-===//
//
// The shared GPU lowering: the entry's kernels become gpu.launch
// (mocc-gpu-map-kernels), MLIR's outliner moves them into gpu.module, an
// API's serializer compiles each module (mocc-gpu-serialize-spirv for
// Vulkan), and mocc-gpu-lower-launches turns the launches into calls of the
// runtime's GPU module (runtime/src/gpu/gpu.h).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGET_GPU_PASSES_H
#define MOCC_TARGET_GPU_PASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::affine {
class AffineDialect;
}
namespace mlir::arith {
class ArithDialect;
}
namespace mlir::func {
class FuncDialect;
}
namespace mlir::gpu {
class GPUDialect;
}
namespace mlir::linalg {
class LinalgDialect;
}
namespace mlir::LLVM {
class LLVMDialect;
}
namespace mlir::memref {
class MemRefDialect;
}
namespace mlir::NVVM {
class NVVMDialect;
}
namespace mlir::scf {
class SCFDialect;
}
namespace mlir::spirv {
class SPIRVDialect;
}
namespace mlir::tensor {
class TensorDialect;
}

namespace mocc::gpu {

#define GEN_PASS_DECL
#include "mocc/Target/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mocc/Target/GPU/Passes.h.inc"

/// Module attributes of a model compiled for a GPU (mocc --stats): the
/// kernels that run on the GPU and those left on the CPU.
inline constexpr llvm::StringLiteral kGPUKernelsAttr = "mocc.gpu_kernels";
inline constexpr llvm::StringLiteral kCPUFallbackKernelsAttr =
    "mocc.cpu_fallback_kernels";
/// Of the GPU kernels, those that run a workgroup per point.
inline constexpr llvm::StringLiteral kWorkgroupKernelsAttr =
    "mocc.gpu_workgroup_kernels";
/// Of the GPU kernels, those that run a workgroup per tile of points.
inline constexpr llvm::StringLiteral kTiledKernelsAttr =
    "mocc.gpu_tiled_kernels";
/// The bindings of buffers outside the arena, which the runtime copies.
inline constexpr llvm::StringLiteral kTransfersAttr = "mocc.gpu_transfers";
/// The copies of arena bytes between the host's and the device's arena
/// (where the device has its own): uploads before kernels, downloads before
/// the host's accesses.
inline constexpr llvm::StringLiteral kArenaUploadsAttr =
    "mocc.gpu_arena_uploads";
inline constexpr llvm::StringLiteral kArenaDownloadsAttr =
    "mocc.gpu_arena_downloads";
/// The serialized kernels of a gpu.module (mocc-gpu-serialize-spirv).
inline constexpr llvm::StringLiteral kBinaryAttr = "mocc.binary";
/// The kernel table mocc-gpu-lower-launches leaves for the target: a
/// dictionary {api, kernels}, kernels an array of dictionaries {name, binary
/// (the LLVM global's symbol), buffers, block_size}.
inline constexpr llvm::StringLiteral kKernelTableAttr = "mocc.gpu_kernel_table";

} // namespace mocc::gpu

#endif // MOCC_TARGET_GPU_PASSES_H
