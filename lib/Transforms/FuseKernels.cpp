//===- FuseKernels.cpp - Producer/consumer fusion into one loop nest ------===//
//
// Each linalg op that ends a chain (its result does not feed a fusable
// consumer) is tiled over its outer parallel dimensions, and the ops that
// produce its operands are computed per tile inside the same loop nest. A
// fused group is one kernel: a convolution, its bias, its activation and a
// residual add, or a pooling over them, never write a whole intermediate
// tensor; only a tile of it lives, in a buffer the arena planner places.
//
// A producer is fused only if nothing else uses it and the tiles partition
// it, so that nothing is computed twice: every dimension that its consumer
// reads through a window (`oh * stride + kh`) must be read whole. Producers
// that only initialize from constants (fills, broadcast biases) are fused
// into each of their users.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mocc {
#define GEN_PASS_DEF_FUSEKERNELSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// Whether `op` may iterate over something: no loop range is statically 0.
bool mayIterate(linalg::LinalgOp op) {
  return !llvm::is_contained(op.getStaticLoopRanges(), 0);
}

/// Whether `op` has a loop range known at run time only.
bool hasDynamicLoops(linalg::LinalgOp op) {
  return llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

/// Whether loop range `range` may have more than one iteration.
bool mayRepeat(int64_t range) {
  return ShapedType::isDynamic(range) || range > 1;
}

/// Whether `op` is a product mocc-select-kernels gave to a microkernel: it
/// runs whole, neither tiled nor computed per tile of a consumer.
bool isKernelCall(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && generic.getLibraryCallAttr();
}

/// Whether `op` only initializes a tensor from constants (a fill, a
/// broadcast bias): computing it once per user costs no more than reading it.
bool isInitializer(linalg::LinalgOp op) {
  return llvm::all_of(op.getDpsInputs(), [](Value input) {
    return !isa<RankedTensorType>(input.getType()) ||
           matchPattern(input, m_Constant());
  });
}

/// Whether `op` reduces outside a parallel loop of more than one iteration
/// (the channels of an NHWC global pooling): run whole, its innermost loop
/// walks contiguous memory; computed per tile of a consumer, each tile's
/// reduction would stride through it.
bool reducesOutsideParallelLoop(linalg::LinalgOp op) {
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = reductions.empty() ? ranges.size() : reductions.front();
       d < ranges.size(); ++d)
    if (iterators[d] == utils::IteratorType::parallel && ranges[d] != 1)
      return true;
  return false;
}

/// The ops that may be computed per tile of `root`: linalg producers of its
/// operands, transitively, all of whose users are in the group (a softmax's
/// statistics and its input), and initializers.
llvm::SetVector<Operation *> fusableProducers(linalg::LinalgOp root) {
  llvm::SetVector<Operation *> group;
  group.insert(root);
  for (bool grown = true; grown;) {
    grown = false;
    for (size_t i = 0; i < group.size(); ++i) {
      for (Value operand : group[i]->getOperands()) {
        auto producer = operand.getDefiningOp<linalg::LinalgOp>();
        if (!producer || group.contains(producer) || isKernelCall(producer) ||
            producer->getBlock() != root->getBlock() ||
            producer->getNumResults() != 1 || !mayIterate(producer) ||
            reducesOutsideParallelLoop(producer))
          continue;
        bool usersInGroup = llvm::all_of(operand.getUsers(), [&](Operation *user) {
          return group.contains(user);
        });
        if (usersInGroup || isInitializer(producer))
          grown |= group.insert(producer);
      }
    }
  }
  group.remove(root);
  return group;
}

/// Whether the slices that the iterations of `loop` (tiles of size 1) take
/// of a producer of run-time shape partition it: along every dimension, each
/// slice is one position given by an induction variable of its own, or the
/// whole of a static dimension, and every induction variable is one of them.
bool partitionsDynamicProducer(tensor::ExtractSliceOp slice,
                               scf::ForallOp loop) {
  RankedTensorType source = slice.getSourceType();
  if (!loop || slice.getType().getRank() != source.getRank())
    return false;
  SmallVector<Value> ivs = loop.getInductionVars();
  llvm::SmallDenseSet<Value> used;
  for (auto [d, offset, size, stride] :
       llvm::enumerate(slice.getMixedOffsets(), slice.getMixedSizes(),
                       slice.getMixedStrides())) {
    if (!isConstantIntValue(stride, 1))
      return false;
    auto iv = dyn_cast<Value>(offset);
    if (iv && llvm::is_contained(ivs, iv) && isConstantIntValue(size, 1)) {
      if (!used.insert(iv).second)
        return false;
      continue;
    }
    if (!isConstantIntValue(offset, 0) || source.isDynamicDim(d) ||
        !isConstantIntValue(size, source.getDimSize(d)))
      return false;
  }
  return used.size() == ivs.size();
}

/// Whether the `tiles` iterations of a loop nest compute every element of
/// the producer of `slice` exactly once: the slices partition the producer
/// (their volume adds up to its volume, and the op that reads a slice reads
/// every windowed dimension whole), and their shape is static. `tiles` is
/// unknown (0) if the loop's ranges are known at run time only; then every
/// slice must be one tile's position or whole along each dimension.
bool partitionsProducer(tensor::ExtractSliceOp slice, int64_t tiles) {
  RankedTensorType type = slice.getType(), source = slice.getSourceType();
  if (!type.hasStaticShape() || !slice->hasOneUse())
    return false;
  if (tiles == 0 || !source.hasStaticShape()) {
    if (!partitionsDynamicProducer(slice,
                                   slice->getParentOfType<scf::ForallOp>()))
      return false;
  } else if (type.getNumElements() * tiles != source.getNumElements()) {
    return false;
  }
  auto reader = dyn_cast<linalg::LinalgOp>(*slice->getUsers().begin());
  if (!reader)
    return false;
  AffineMap map = reader.getMatchingIndexingMap(&*slice->getUses().begin());
  for (auto [d, expr] : llvm::enumerate(map.getResults()))
    if (!isa<AffineDimExpr>(expr) &&
        type.getDimSize(d) != source.getDimSize(d))
      return false;
  return true;
}

/// Whether loop `dim` of `root` indexes every operand produced in `group`
/// directly, never through a window (`oh * stride + kh`): tiles along it
/// partition those producers.
bool isPlainDim(linalg::LinalgOp root, unsigned dim,
                const llvm::SetVector<Operation *> &group) {
  return llvm::all_of(root->getOpOperands(), [&](OpOperand &operand) {
    Operation *producer = operand.get().getDefiningOp();
    if (!producer || !group.contains(producer))
      return true;
    AffineMap map = root.getMatchingIndexingMap(&operand);
    return llvm::all_of(map.getResults(), [&](AffineExpr expr) {
      return isa<AffineDimExpr>(expr) || !expr.isFunctionOfDim(dim);
    });
  });
}

/// Tiles of size 1 over the parallel dimensions of `root` but the innermost
/// two that are plain for the producers in `group`, so that a tile of a
/// convolution is one output plane (NCHW) or row (NHWC); failing that, over
/// the outermost plain parallel dimension with more than one iteration (the
/// channels of a pooling over a fused convolution), or any parallel one.
/// Only the parallel dimensions outside every reduction are candidates: a
/// tile along one inside (the channels of an NHWC global pooling) would make
/// each tile's reduction stride through memory and keep its loops from
/// vectorizing. Nor is the dimension contiguous in the output (the channels
/// of an NHWC pooling): tiles of one element along it would stride through
/// memory too. A root with loop ranges known at run time only is tiled
/// along all these candidates, so that its tiles' intermediate results have
/// a static shape (a softmax's statistics of one row). Empty if the
/// iteration space is empty or has a single tile.
SmallVector<OpFoldResult>
chooseTileSizes(linalg::LinalgOp root,
                const llvm::SetVector<Operation *> &group) {
  if (!mayIterate(root))
    return {};
  SmallVector<int64_t> ranges = root.getStaticLoopRanges();
  SmallVector<unsigned> reductions, parallel;
  root.getReductionDims(reductions);
  unsigned firstReduction =
      reductions.empty() ? ranges.size() : reductions.front();
  root.getParallelDims(parallel);
  AffineMap output = root.getMatchingIndexingMap(root.getDpsInitOperand(0));
  std::optional<unsigned> contiguous;
  if (output.getNumResults() > 1)
    if (auto loop = dyn_cast<AffineDimExpr>(output.getResults().back()))
      contiguous = loop.getPosition();
  llvm::erase_if(parallel, [&](unsigned d) {
    return d > firstReduction || d == contiguous;
  });
  SmallVector<int64_t> sizes(ranges.size(), 0);
  auto tile = [&](ArrayRef<unsigned> dims, bool plainOnly) {
    bool tiled = false;
    for (unsigned d : dims)
      if (mayRepeat(ranges[d]) && (!plainOnly || isPlainDim(root, d, group))) {
        sizes[d] = 1;
        tiled = true;
      }
    return tiled;
  };
  ArrayRef<unsigned> outer = ArrayRef(parallel).drop_back(
      hasDynamicLoops(root) ? 0 : std::min<size_t>(2, parallel.size()));
  bool tiled = tile(outer, /*plainOnly=*/true);
  for (size_t i = 0; !tiled && i < parallel.size(); ++i)
    tiled = tile(parallel[i], /*plainOnly=*/true);
  for (size_t i = 0; !tiled && i < parallel.size(); ++i)
    tiled = tile(parallel[i], /*plainOnly=*/false);
  if (!tiled)
    return {};
  MLIRContext *context = root->getContext();
  return llvm::map_to_vector(sizes, [&](int64_t size) -> OpFoldResult {
    return IntegerAttr::get(IndexType::get(context), size);
  });
}

/// Tiles `root` and fuses its group into the loop nest. Returns false and
/// leaves the IR as it was if there is nothing to fuse.
bool fuseGroup(RewriterBase &rewriter, linalg::LinalgOp root,
               DenseSet<Operation *> &erased) {
  llvm::SetVector<Operation *> group = fusableProducers(root);
  SmallVector<OpFoldResult> tileSizes = chooseTileSizes(root, group);
  if (group.empty() || tileSizes.empty())
    return false;
  // The number of tiles, 0 if known at run time only.
  int64_t tiles = hasDynamicLoops(root) ? 0 : 1;
  for (auto [range, size] : llvm::zip(root.getStaticLoopRanges(), tileSizes))
    if (int64_t step = *getConstantIntValue(size); step && tiles)
      tiles *= range / step;

  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(tileSizes).setLoopType(
      scf::SCFTilingOptions::LoopType::ForallOp);
  options.setFusionControlFn([&](tensor::ExtractSliceOp slice,
                                 OpResult producer, bool) {
    bool fuse = group.contains(producer.getOwner()) &&
                partitionsProducer(slice, tiles);
    return std::make_tuple(fuse, false);
  });
  rewriter.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(root.getOperation()), options);
  if (failed(result))
    return false;
  for (OpResult value : root->getResults())
    rewriter.replaceAllUsesWith(value, result->replacements.lookup(value));
  erased.insert(root);
  rewriter.eraseOp(root);
  // Fused in consumer-to-producer order: each is dead once its user is gone.
  for (Operation *producer : result->fusedProducers) {
    if (!producer->use_empty())
      continue;
    erased.insert(producer);
    rewriter.eraseOp(producer);
  }
  return true;
}

struct FuseKernelsPass : impl::FuseKernelsPassBase<FuseKernelsPass> {
  void runOnOperation() override {
    // Declarations (runtime helpers) have no body.
    if (getOperation().isExternal())
      return;
    SmallVector<linalg::LinalgOp> candidates;
    for (Operation &op : getOperation().getBody().front())
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        if (linalgOp.hasPureTensorSemantics() && !isKernelCall(linalgOp))
          candidates.push_back(linalgOp);
    IRRewriter rewriter(&getContext());
    DenseSet<Operation *> erased;
    // From the last op up, so that a chain is fused from its end.
    for (linalg::LinalgOp root : llvm::reverse(candidates))
      if (!erased.contains(root))
        fuseGroup(rewriter, root, erased);
  }
};

} // namespace
} // namespace mocc
