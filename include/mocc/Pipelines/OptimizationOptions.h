//===- OptimizationOptions.h - Which optimizations run ----------*- C++ -*-===//
#ifndef MOCC_PIPELINES_OPTIMIZATIONOPTIONS_H
#define MOCC_PIPELINES_OPTIMIZATIONOPTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mocc {

/// The optimization passes --disable-pass can turn off, by command-line name.
/// mocc-plan-arena still places every buffer when disabled, but shares no
/// memory between them.
inline constexpr llvm::StringLiteral kOptionalPasses[] = {
    "moc-fold-constants",    "moc-recognize-ops",
    "moc-convert-layout",    "mocc-fold-transposes",
    "mocc-select-kernels",   "mocc-fuse-elementwise",
    "mocc-fuse-kernels",     "mocc-concat-in-place",
    "mocc-plan-arena",       "mocc-vectorizable-loops",
    "mocc-fuse-epilogues",   "mocc-gpu-split-reductions",
    "mocc-gpu-tile-products"};

struct OptimizationOptions {
  /// 0 to 3; 0 runs none of the optional passes.
  unsigned optLevel = 2;
  /// Optional passes turned off one by one, to measure what each does.
  std::vector<std::string> disabledPasses;
  /// Whether the target runs convolutions faster channels-last (NHWC).
  bool channelsLast = false;
  /// The columns of a packed weight panel of the target's GEMM microkernel
  /// (its NR); 0 if the target has no microkernels.
  int64_t gemmPanelWidth = 0;

  /// Whether the optional pass `name` runs.
  bool runs(llvm::StringRef name) const {
    return optLevel > 0 && !llvm::is_contained(disabledPasses, name);
  }
};

} // namespace mocc

#endif // MOCC_PIPELINES_OPTIMIZATIONOPTIONS_H
