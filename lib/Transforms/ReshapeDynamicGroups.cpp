//===- ReshapeDynamicGroups.cpp - Expansions bufferization cannot infer ---===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mocc {
#define GEN_PASS_DEF_RESHAPEDYNAMICGROUPSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// Whether a group of `op` expands into more than one dynamic size.
bool hasGroupOfDynamicSizes(tensor::ExpandShapeOp op) {
  RankedTensorType result = op.getResultType();
  return llvm::any_of(op.getReassociationIndices(),
                      [&](const ReassociationIndices &group) {
                        return llvm::count_if(group, [&](int64_t d) {
                                 return result.isDynamicDim(d);
                               }) > 1;
                      });
}

struct ReshapeDynamicGroupsPass
    : impl::ReshapeDynamicGroupsPassBase<ReshapeDynamicGroupsPass> {
  void runOnOperation() override {
    SmallVector<tensor::ExpandShapeOp> expansions;
    getOperation().walk([&](tensor::ExpandShapeOp op) {
      if (hasGroupOfDynamicSizes(op))
        expansions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (tensor::ExpandShapeOp op : expansions) {
      rewriter.setInsertionPoint(op);
      SmallVector<Value> sizes;
      for (OpFoldResult size : getMixedValues(op.getStaticOutputShape(),
                                              op.getOutputShape(), rewriter))
        sizes.push_back(
            getValueOrCreateConstantIndexOp(rewriter, op.getLoc(), size));
      Value shape =
          rewriter.create<tensor::FromElementsOp>(op.getLoc(), sizes);
      rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(
          op, op.getResultType(), op.getSrc(), shape);
    }
  }
};

} // namespace
} // namespace mocc
