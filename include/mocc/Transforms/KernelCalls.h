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

/// The coefficient of loop `loop` in `expr`, a sum of loops times constants
/// (a window's `oh * stride + kh * dilation`); 0 if it has none.
int64_t loopCoefficient(mlir::AffineExpr expr, unsigned loop);

} // namespace mocc

#endif // MOCC_TRANSFORMS_KERNELCALLS_H
