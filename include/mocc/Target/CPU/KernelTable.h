//===- KernelTable.h - The CPU microkernels for the lowering ----*- C++ -*-===//
//
// The hot loops of GEMM-like ops and depthwise convolutions come from
// microkernels: Halide generators (targets/CPU/Kernels) built at build time
// into one LLVM bitcode module per ISA, embedded in mocc. This table is all the lowering needs to know about
// them: per op and ISA, the C entry to call, its register tile and the format
// of its packed weights. The compiler picks one ISA per model (selectIsa),
// links that ISA's module (linkKernels) and emits calls of the entries, which
// LLVM may then inline.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGET_CPU_KERNELTABLE_H
#define MOCC_TARGET_CPU_KERNELTABLE_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace llvm {
class MCSubtargetInfo;
class Module;
} // namespace llvm

namespace mocc::cpu {

/// The feature sets the kernels are built for, each a superset of the one
/// before it on its architecture.
enum class Isa {
  X86_64,        // SSE2: any x86-64
  X86_64_AVX2,   // + AVX2, FMA, F16C (x86-64-v3)
  X86_64_AVX512, // + AVX-512 F, CD, BW, DQ, VL (x86-64-v4)
  AArch64_NEON,  // Armv8-A
  AArch64_DotProd,
};

enum class KernelOp {
  /// c[m x n] = a[m x k] * b for f32, b constant. The entry is
  ///   void entry(const float *a, int64_t lda, const float *packed_b,
  ///              float *c, int64_t ldc, int64_t m, int64_t n, int64_t k);
  /// a and c row-major with row strides lda >= k and ldc >= n; m, n, k >= 1.
  /// A call may cover a sub-block: rows (a and c offset by whole rows) or
  /// panels (packed_b offset by p * k * nr floats, c by p * nr).
  GemmF32,
  /// A channels-last convolution of one output row segment whose windows
  /// lie inside the input, f32, with the weight packed as GemmF32's b
  /// (k ordered kh, kw, channels). The entry is
  ///   void entry(const float *in, int64_t row_stride, int64_t pixel_stride,
  ///              int64_t channels, const float *packed_b, float *out,
  ///              int64_t ldc, int64_t pixels, int64_t n, int64_t kh,
  ///              int64_t kw, int64_t sw, int64_t dh, int64_t dw);
  /// out[i][j] = sum over y < kh, x < kw, c < channels of
  ///   in[y * dh][i * sw + x * dw][c] * B((y * kw + x) * channels + c, j),
  /// strides in floats, channels contiguous, in at the first tap of the
  /// first pixel's window; out rows of stride ldc >= n; every size >= 1.
  ConvF32,
  /// A channels-last depthwise convolution of one image, f32. The entry is
  ///   void entry(const float *in, int64_t in_row_stride,
  ///              int64_t in_pixel_stride, const float *w, float *out,
  ///              int64_t out_row_stride, int64_t out_pixel_stride,
  ///              int64_t out_h, int64_t out_w, int64_t channels,
  ///              int64_t kh, int64_t kw, int64_t sh, int64_t sw,
  ///              int64_t dh, int64_t dw);
  /// out[oh][ow][c] = sum over y < kh, x < kw of
  ///   in[oh * sh + y * dh][ow * sw + x * dw][c] * w[y][x][c],
  /// strides in floats, channels contiguous; in zero-padded already (it
  /// points at the first row the first output row reads), w dense
  /// [kh][kw][channels], out overwritten; every size >= 1. A call may cover
  /// a block of output rows (in offset by rows * sh input rows, out by
  /// rows).
  DepthwiseF32,
};

enum class PackedFormat {
  /// b in panels of nr columns, zero-padded: mocc_sgemm_pack_b
  /// (targets/CPU/Kernels/gemm_pack.h).
  GemmPanels,
  /// The depthwise weight [C][1][KH][KW] laid out [KH][KW][C], dense.
  DepthwiseTaps,
};

struct KernelInfo {
  llvm::StringRef entry;  // The C function the lowering calls.
  llvm::StringRef kernel; // The Halide function behind it, named
                          // <op>_<mr>x<nr>_<isa>.
  int mr, nr;             // The register tile: of c (GEMM); output pixels
                          // by channels (depthwise).
  int kc;                 // The K block a call may cover; 0: any K.
  PackedFormat packedB;   // The constant weight's layout.
};

/// The kernel of `op` built for `isa`, or null if there is none.
const KernelInfo *lookupKernel(KernelOp op, Isa isa);

/// The best ISA the subtarget (triple, CPU and features of the compile
/// target) supports, or none for an architecture without kernels.
std::optional<Isa> selectIsa(const llvm::MCSubtargetInfo &subtarget);

/// A short name of the ISA, as in kernel names ("avx512", "neon").
llvm::StringRef isaName(Isa isa);

/// Links the kernels' bitcode for `isa` into `module`, whose data layout and
/// triple it takes. The kernels become hidden: the model does not export
/// them.
bool linkKernels(llvm::Module &module, Isa isa, std::string &error);

} // namespace mocc::cpu

#endif // MOCC_TARGET_CPU_KERNELTABLE_H
