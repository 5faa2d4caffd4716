//===- KernelMappings.h - How a kernel maps onto GPU threads ---*- C++ -*-===//
//
// What mocc-gpu-map-kernels' three mappings share: a kernel is one thread
// per point (MapKernels.cpp); where its points are few and its reductions
// long, one workgroup per point (ReduceInWorkgroup.cpp); where its points
// are many and share the values they combine (products, convolutions), one
// workgroup per tile of points (TileProducts.cpp).
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
/// 1.1 1.3x and ResNet-50 1.2x slower. Products and convolutions of many
/// points get a workgroup per tile of them instead (TileProducts.cpp).
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

/// A value of a product's body that a tile's points share, staged in
/// workgroup memory a chunk of the reduction at a time: an operand's
/// element, or what the body computes from the loop indices alone (a padded
/// convolution's input window).
struct StagedValue {
  mlir::Value value;                // in the op's body
  llvm::SmallVector<unsigned> dims; // the parallel dimensions it depends on
  /// The loop dimension along which each thread stages an operand's four
  /// elements at once, neighbours in memory and 16-byte aligned (a GPU
  /// loads them as one vector); none where they do not line up so.
  std::optional<unsigned> vectorDim;
};

/// How a workgroup computes a tile of a product's points.
struct TiledProduct {
  llvm::SmallVector<int64_t> tile; // points along each parallel dimension
  llvm::SmallVector<StagedValue> staged;
  int64_t chunk;            // reduction steps staged at a time
  int64_t pointsPerThread;  // the tile's points, a workgroup's threads apart
  int64_t groups;           // tiles
  int64_t groupsX, groupsY; // the grid, at least `groups`
};

/// How a workgroup per tile computes `op` (parallel dimensions first,
/// `points` of them), if its points are many and values of its body serve
/// several of a tile's points each.
std::optional<TiledProduct> matchTiledProduct(mlir::linalg::LinalgOp op,
                                              int64_t points);

/// Replaces `op` by a gpu.launch of one workgroup per tile.
mlir::LogicalResult launchPerTile(mlir::RewriterBase &rewriter,
                                  mlir::linalg::LinalgOp op,
                                  const TiledProduct &tiled);

/// The grid of `points` threads in workgroups of `workgroupSize`, or
/// nothing if it exceeds two full grid dimensions (MapKernels.cpp).
std::optional<std::pair<int64_t, int64_t>> gridFor(int64_t points,
                                                   int64_t workgroupSize);

/// The buffer a kernel binds for `value`: what its static views (slices,
/// reshapes) view (MapKernels.cpp).
mlir::Value boundBuffer(mlir::Value value);

/// Moves into `launch` the constants and static views it uses
/// (MapKernels.cpp).
void sinkIntoKernel(mlir::RewriterBase &rewriter, mlir::gpu::LaunchOp launch);

/// The coordinates of the row-major `index` over `ranges` (MapKernels.cpp).
llvm::SmallVector<mlir::Value> delinearize(mlir::RewriterBase &rewriter,
                                           mlir::Location loc,
                                           mlir::Value index,
                                           llvm::ArrayRef<int64_t> ranges);

/// The indices `map` gives at `coordinates` (MapKernels.cpp).
llvm::SmallVector<mlir::Value> indicesAt(mlir::RewriterBase &rewriter,
                                         mlir::Location loc,
                                         mlir::AffineMap map,
                                         mlir::ValueRange coordinates);

/// Maps the block arguments of `inputs` (operands of `op`) to their values
/// at `coordinates` (of all its dimensions): a buffer's element loaded
/// there, a scalar itself (MapKernels.cpp).
void mapInputsAt(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                 llvm::ArrayRef<mlir::OpOperand *> inputs,
                 mlir::ValueRange coordinates, mlir::IRMapping &mapping);

/// The workgroup's number in a grid `groupsX` wide (MapKernels.cpp).
mlir::Value groupIndex(mlir::RewriterBase &rewriter, mlir::gpu::LaunchOp launch,
                       int64_t groupsX);

/// Clones the ops of `op`'s body (not its terminator) that `cloned` picks
/// at the rewriter's insertion point, their operands and results through
/// `mapping`, linalg.index at `coordinates` (of all its dimensions)
/// (MapKernels.cpp).
void cloneBodyAt(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                 mlir::IRMapping &mapping, mlir::ValueRange coordinates,
                 llvm::function_ref<bool(mlir::Operation *)> cloned);

} // namespace mocc::gpu

#endif // MOCC_TARGETS_GPU_KERNELMAPPINGS_H
