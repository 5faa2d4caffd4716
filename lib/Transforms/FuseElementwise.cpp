//===- FuseElementwise.cpp - Elementwise fusion around kernel products ----===//
//
// Upstream's elementwise fusion (linalg-fuse-elementwise-ops), with two
// rules more, both against computing a value many times over:
// - Ops that mocc-select-kernels marked for a microkernel are neither fused
//   into nor reshaped. Fused into, a product would compute its neighbours
//   inside its reduction (attention's softmax exponentials 64 times each,
//   inside AV) and no longer be the multiply-accumulate the kernels compute.
// - A producer that computes is not fused into a consumer that broadcasts
//   its result: it runs on its own, over its own smaller space.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mocc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

bool isMarked(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic && generic.getLibraryCallAttr();
}

/// Whether `consumer` reads `operand` through a broadcast: each element of
/// it at several iterations.
bool readsBroadcast(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  return consumer && !consumer.getMatchingIndexingMap(operand).isPermutation();
}

/// Whether `producer` computes something (more than yield its inputs).
bool computes(Operation *producer) {
  auto generic = dyn_cast<linalg::GenericOp>(producer);
  return !generic || !generic.getBody()->without_terminator().empty();
}

/// Upstream's default (fuse a producer with one use), never across a
/// marked product, and never a computation into a consumer that reads its
/// result through a broadcast: fused, it would be computed again at every
/// broadcast iteration (a squeeze-excitation's sigmoid of 32 channels, once
/// per pixel).
bool fusable(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  return producer && producer->hasOneUse() && !isMarked(producer) &&
         !isMarked(operand->getOwner()) &&
         !(readsBroadcast(operand) && computes(producer));
}

struct FuseElementwisePass
    : impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusable);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, fusable);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    linalg::populateConstantFoldLinalgOperations(patterns, fusable);
    if (failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace mocc
