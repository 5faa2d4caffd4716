//===- ConcatInPlace.cpp - Compute concatenated tensors in their result ---===//
//
// A concatenation is a chain of tensor.insert_slice into an empty tensor.
// Upstream's empty tensor elimination lets the producer of each inserted
// tensor write straight into the result, but only where the result (the
// chain so far) is defined before that producer. This pass orders the chain
// so: the empty result first, each insertion right after its source's
// producer. It also gives every user of an empty tensor its own: the
// elimination rewrites all users of the one it replaces; slices of an empty
// tensor become empty tensors first.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mocc {
#define GEN_PASS_DEF_CONCATINPLACEPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// Whether every operand of `op` is defined at or before `point`.
bool operandsAvailableAfter(Operation *op, Operation *point) {
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    Operation *producer = operand.getDefiningOp();
    return !producer || producer == point ||
           (producer->getBlock() == point->getBlock() &&
            producer->isBeforeInBlock(point));
  });
}

/// Clones each empty tensor of `block` that has several users in `block`,
/// so that each of them has its own. (Users nested in loops slice it: they
/// keep the one they have.)
void unshareEmptyTensors(Block &block) {
  for (auto empty : llvm::to_vector(block.getOps<tensor::EmptyOp>())) {
    SmallVector<std::pair<Operation *, unsigned>> uses;
    for (OpOperand &use : empty->getUses())
      if (use.getOwner()->getBlock() == &block)
        uses.push_back({use.getOwner(), use.getOperandNumber()});
    if (uses.size() < 2)
      continue;
    for (auto [user, number] : llvm::drop_begin(uses)) {
      OpBuilder builder(user);
      user->setOperand(number, builder.clone(*empty)->getResult(0));
    }
  }
}

struct ConcatInPlacePass : impl::ConcatInPlacePassBase<ConcatInPlacePass> {
  void runOnOperation() override {
    // A slice of an empty tensor (a fused kernel's per-tile buffer) becomes
    // an empty tensor of its own, in its loop.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    if (getOperation().isExternal()) // A runtime helper's declaration.
      return;
    Block &block = getOperation().getBody().front();
    unshareEmptyTensors(block);
    auto inserts = llvm::to_vector(block.getOps<tensor::InsertSliceOp>());
    for (tensor::InsertSliceOp insert : inserts) {
      if (auto empty = insert.getDest().getDefiningOp<tensor::EmptyOp>())
        if (empty->getBlock() == &block && empty.getDynamicSizes().empty())
          empty->moveBefore(&block.front());
      Operation *producer = insert.getSource().getDefiningOp();
      if (producer && producer->getBlock() == &block &&
          operandsAvailableAfter(insert, producer))
        insert->moveAfter(producer);
    }
  }
};

} // namespace
} // namespace mocc
