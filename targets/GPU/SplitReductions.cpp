//===- SplitReductions.cpp - Long reductions over many workgroups ---------===//
//
// A reduction to few points of many values each (the rows of a 2 x 65536
// sum) runs a workgroup per point (ReduceInWorkgroup.cpp): two workgroups,
// where a GPU has a hundred multiprocessors. Before bufferization, such a
// reduction is split in two (MLIR's linalg::splitReduction): a partial
// reduction of `ratio` contiguous chunks per point, a parallel dimension
// more, then the reduction of each point's partial values. Both are
// reductions of few points that mocc-gpu-map-kernels gives a workgroup per
// point where their values are many enough.
//
//===----------------------------------------------------------------------===//
#include "mocc/Target/GPU/Passes.h"

#include "KernelMappings.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mocc::gpu {
#define GEN_PASS_DEF_SPLITREDUCTIONSPASS
#include "mocc/Target/GPU/Passes.h.inc"
} // namespace mocc::gpu

using namespace mlir;

namespace mocc::gpu {
namespace {

/// The fewest values a workgroup of the partial reduction combines: four
/// for each of its 256 threads.
constexpr int64_t kMinChunk = 1024;

/// Fewer chunks than this leave the split not worth its second kernel.
constexpr int64_t kMinRatio = 8;

/// How to split `op`: into the most chunks, a power of two, that divide its
/// reduction, keep each chunk at least kMinChunk long and the partial
/// reduction within kMaxWorkgroupReductionPoints points; ratio 0 (no split)
/// for fewer than kMinRatio, several reduction dimensions, several outputs
/// or sizes known only at run time. Nor where an operand is indexed by more
/// than a dimension (a pooling window: splitReduction reshapes operands by
/// dimension) or the body reads its indices (linalg.index, which the split
/// would leave numbering the new loops).
linalg::SplitReductionOptions chooseSplit(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() != 1 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || !op.hasOnlyProjectedPermutations() ||
      op.hasIndexSemantics())
    return {};
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t points = 1, length = 0;
  for (auto [range, iterator] : llvm::zip(ranges, op.getIteratorTypesArray())) {
    if (ShapedType::isDynamic(range))
      return {};
    if (linalg::isReductionIterator(iterator))
      length = range;
    else
      points *= range;
  }
  int64_t ratio = 1;
  while (points * ratio * 2 <= kMaxWorkgroupReductionPoints &&
         length % (ratio * 2) == 0 && length / (ratio * 2) >= kMinChunk)
    ratio *= 2;
  if (ratio < kMinRatio)
    return {};
  // The chunks innermost in the partial values, which the second reduction
  // reads a point's of together.
  auto rank = cast<ShapedType>(op.getDpsInits()[0].getType()).getRank();
  return {ratio, static_cast<unsigned>(rank), /*innerParallel=*/false};
}

struct SplitReductionsPass
    : impl::SplitReductionsPassBase<SplitReductionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> reductions;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (chooseSplit(op).ratio > 1)
        reductions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : reductions) {
      rewriter.setInsertionPoint(op);
      // An op whose combiner has no identity, or whose inputs cannot be
      // reshaped into chunks, stays whole.
      (void)linalg::splitReduction(rewriter, op, chooseSplit);
    }
  }
};

} // namespace
} // namespace mocc::gpu
