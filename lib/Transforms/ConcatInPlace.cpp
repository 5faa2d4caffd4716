//===- ConcatInPlace.cpp - Compute concatenated tensors in their result ---===//
//
// A concatenation is a chain of tensor.insert_slice into an empty tensor.
// Upstream's empty tensor elimination lets the producer of each inserted
// tensor write straight into the result, but only where the result (the
// chain so far) is defined before that producer. This pass orders the chain
// so: the empty result first, each insertion right after its source's
// producer. It also gives every user of an empty tensor its own: the
// elimination rewrites all users of the one it replaces.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

/// Clones each empty tensor of `block` that has several users, so that
/// each user has its own.
void unshareEmptyTensors(Block &block) {
  for (auto empty : llvm::to_vector(block.getOps<tensor::EmptyOp>())) {
    for (OpOperand &use : llvm::make_early_inc_range(
             llvm::drop_begin(empty->getUses()))) {
      OpBuilder builder(use.getOwner());
      use.set(builder.clone(*empty)->getResult(0));
    }
  }
}

struct ConcatInPlacePass : impl::ConcatInPlacePassBase<ConcatInPlacePass> {
  void runOnOperation() override {
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
