//===- KernelCalls.h - The runtime kernels that passes call -----*- C++ -*-===//
//
// mocc-select-kernels marks products with the name of the runtime function
// that computes them (a linalg `library_call`); mocc-call-kernels calls it.
// The runtime functions are in runtime/src (sgemm.c, sbatch_matmul.c,
// sconv2d.c, sdwconv2d.c).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TRANSFORMS_KERNELCALLS_H
#define MOCC_TRANSFORMS_KERNELCALLS_H

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mocc {

/// C = A * B, B packed in the GEMM kernel's panels.
inline constexpr llvm::StringLiteral kSgemmCall = "mocc_sgemm_f32";
/// C[b] = A[b] * B[b] for activations A and B: B is packed per batch at run
/// time.
inline constexpr llvm::StringLiteral kSbatchMatmulCall =
    "mocc_sbatch_matmul_f32";
/// A channels-last depthwise convolution, the weight laid out [KH][KW][C].
inline constexpr llvm::StringLiteral kSdwconvCall = "mocc_sdwconv2d_nhwc_f32";
/// A channels-last convolution: the GEMM of its windows by the packed weight.
inline constexpr llvm::StringLiteral kSconvCall = "mocc_sconv2d_nhwc_f32";
/// The most floats of one window (KH * KW * C) the convolution kernel
/// gathers: it keeps a few windows in a 256 KiB buffer on its stack
/// (MOCC_SCONV_SCRATCH_FLOATS in runtime/src/sconv2d.c).
inline constexpr int64_t kSconvMaxWindow = 16384;

/// The argument attribute of the entry's thread pool, its last argument,
/// which mocc-call-kernels adds (mocc-plan-arena puts the arena before it).
inline constexpr llvm::StringLiteral kThreadPoolArg = "mocc.thread_pool";
/// The FLOPs of the product a kernel call computes (an i64 attribute of the
/// call), for mocc --profile.
inline constexpr llvm::StringLiteral kKernelFlopsAttr = "mocc.flops";
/// What a product marked for a kernel carries when mocc-fuse-epilogues
/// folded the elementwise op after it into it: a dictionary with the
/// activation (EpilogueActivation), its bounds (lo, hi: Clip's), and the
/// input indices of the bias and the residual where it has them. The
/// activation codes are the runtime's (runtime/src/epilogue.h).
inline constexpr llvm::StringLiteral kEpilogueAttr = "mocc.epilogue";
inline constexpr llvm::StringLiteral kEpilogueActivation = "activation";
inline constexpr llvm::StringLiteral kEpilogueLo = "lo";
inline constexpr llvm::StringLiteral kEpilogueHi = "hi";
inline constexpr llvm::StringLiteral kEpilogueBias = "bias";
inline constexpr llvm::StringLiteral kEpilogueResidual = "residual";
enum class EpilogueActivation : int64_t {
  None = 0,
  Relu = 1,
  Clip = 2,
  Sigmoid = 3,
  Silu = 4
};

/// Whether `type`'s last dimension holds contiguous elements and its leading
/// dimensions are rows laid out one after the other, evenly strided (as the
/// GEMM and convolution kernels read and write them, taking the stride from
/// the buffer's descriptor: it may be dynamic).
bool hasEvenlyStridedRows(mlir::MemRefType type);

/// Whether the innermost dimension of `type` is contiguous.
bool hasUnitInnerStride(mlir::MemRefType type);

/// Whether the kernel `call` can read its activation (the product's first
/// input) from a buffer of `type`: evenly strided rows for the GEMM, a
/// contiguous innermost dimension for the convolutions.
bool fitsKernelInput(llvm::StringRef call, mlir::MemRefType type);

/// The coefficient of loop `loop` in `expr`, a sum of loops times constants
/// (a window's `oh * stride + kh * dilation`); 0 if it has none.
int64_t loopCoefficient(mlir::AffineExpr expr, unsigned loop);

} // namespace mocc

#endif // MOCC_TRANSFORMS_KERNELCALLS_H
