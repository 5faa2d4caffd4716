//===- KernelMappings.h - How a kernel maps onto GPU threads ---*- C++ -*-===//
//
// What mocc-gpu-map-kernels' two mappings share: a kernel is either one
// thread per point (MapKernels.cpp) or, where its points are few and its
// reductions long, one workgroup per point (ReduceInWorkgroup.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGETS_GPU_KERNELMAPPINGS_H
#define MOCC_TARGETS_GPU_KERNELMAPPINGS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mocc::gpu {

/// The most points a kernel runs a workgroup each for. More fill a device's
/// workgroups with one thread per point (four workgroups of 256), and the
/// workgroups' barriers cost more than they save: on lavapipe, mapping
/// products and convolutions of up to 65535 points this way made SqueezeNet
/// 1.1 1.3x and ResNet-50 1.2x slower. Products and convolutions need
/// shared-memory tiles instead.
constexpr int64_t kMaxWorkgroupReductionPoints = 1024;

/// How a kernel's body combines one value into its single output, each
/// point's values in any order: `output = combiner(output, reduced)`.
struct WorkgroupReduction {
  mlir::Operation *combiner;
  mlir::BlockArgument output;
  mlir::Value reduced;
  mlir::arith::AtomicRMWKind kind;
  int64_t threads; // per workgroup, a power of two
};

/// The reduction of `op` (parallel dimensions first, `points` of them) if a
/// workgroup per point suits it: few points, long reductions, a combiner
/// whose partial values workgroup memory holds.
std::optional<WorkgroupReduction>
matchWorkgroupReduction(mlir::linalg::LinalgOp op, int64_t points);

/// Replaces `op` by a gpu.launch of one workgroup per point.
mlir::LogicalResult launchPerWorkgroup(mlir::RewriterBase &rewriter,
                                       mlir::linalg::LinalgOp op,
                                       const WorkgroupReduction &reduction,
                                       int64_t points);

/// Moves into `launch` the constants and static views it uses
/// (MapKernels.cpp).
void sinkIntoKernel(mlir::RewriterBase &rewriter, mlir::gpu::LaunchOp launch);

/// The coordinates of the row-major `index` over `ranges` (MapKernels.cpp).
llvm::SmallVector<mlir::Value> delinearize(mlir::RewriterBase &rewriter,
                                           mlir::Location loc,
                                           mlir::Value index,
                                           llvm::ArrayRef<int64_t> ranges);

} // namespace mocc::gpu

#endif // MOCC_TARGETS_GPU_KERNELMAPPINGS_H
