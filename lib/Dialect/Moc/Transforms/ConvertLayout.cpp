//===- ConvertLayout.cpp - Channels-last convolution regions --------------===//
//
// Convolutions and poolings switch to channels-last (NHWC) activations with
// their weights re-laid out at compile time (F x KH x KW x C), between a
// transpose into NHWC and one back to NCHW. The transposes back then sink
// through the layout-agnostic ops after them (elementwise math, concat,
// reductions that keep their dimensions) until they meet the transpose into
// NHWC of the next convolution and cancel. A CNN is left with one transpose
// at its input and one at each output.
//
//===----------------------------------------------------------------------===//
#include "mocc/Dialect/Moc/Transforms/Passes.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mocc::moc {
#define GEN_PASS_DEF_CONVERTLAYOUTPASS
#include "mocc/Dialect/Moc/Transforms/Passes.h.inc"
} // namespace mocc::moc

using namespace mlir;

namespace mocc::moc {
namespace {

constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};
constexpr int64_t kWeightToChannelsLast[] = {0, 2, 3, 1};

Value transpose(PatternRewriter &rewriter, Location loc, Value value,
                ArrayRef<int64_t> permutation) {
  return rewriter.create<TransposeOp>(loc, value,
                                      rewriter.getDenseI64ArrayAttr(permutation));
}

/// The type `type` has before `transpose(_, permutation)` makes it.
RankedTensorType untransposed(RankedTensorType type,
                              ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> shape(type.getRank());
  for (auto [i, source] : llvm::enumerate(permutation))
    shape[source] = type.getDimSize(i);
  return type.clone(shape);
}

bool is4d(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getRank() == 4;
}

/// A convolution's weight, re-laid out at compile time, must be static (its
/// input's batch and spatial sizes may be known only at run time).
bool isStatic4d(Value value) {
  return is4d(value) && cast<RankedTensorType>(value.getType()).hasStaticShape();
}

/// conv(x, w) -> to_nchw(conv_nhwc(to_nhwc(x), w re-laid out)).
struct ConvToChannelsLast : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    if (conv.getChannelsLast() || !is4d(conv.getInput()) ||
        !isStatic4d(conv.getWeight()))
      return rewriter.notifyMatchFailure(conv, "expects a 2-d NCHW conv");
    Location loc = conv.getLoc();
    Value input = transpose(rewriter, loc, conv.getInput(), kToChannelsLast);
    Value weight =
        transpose(rewriter, loc, conv.getWeight(), kWeightToChannelsLast);
    auto lastConv = rewriter.create<ConvOp>(
        loc, input, weight, conv.getBias(), conv.getStridesAttr(),
        conv.getDilationsAttr(), conv.getPadsAttr(), conv.getGroupAttr(),
        rewriter.getUnitAttr());
    rewriter.replaceOp(conv, transpose(rewriter, loc, lastConv, kToChannelsFirst));
    return success();
  }
};

/// pool(x) -> to_nchw(pool_nhwc(to_nhwc(x))).
template <typename PoolOp>
struct PoolToChannelsLast : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    if (pool.getChannelsLast() || !is4d(pool.getInput()))
      return rewriter.notifyMatchFailure(pool, "expects a 2-d NCHW pool");
    Location loc = pool.getLoc();
    Value input = transpose(rewriter, loc, pool.getInput(), kToChannelsLast);
    Operation *lastPool = rewriter.clone(*pool);
    lastPool->setOperand(0, input);
    lastPool->setAttr(pool.getChannelsLastAttrName(), rewriter.getUnitAttr());
    lastPool->getResult(0).setType(untransposed(
        cast<RankedTensorType>(pool.getType()), kToChannelsFirst));
    rewriter.replaceOp(pool, transpose(rewriter, loc, lastPool->getResult(0),
                                       kToChannelsFirst));
    return success();
  }
};

/// The permutation of the transpose that produces `value`, if any.
std::optional<ArrayRef<int64_t>> transposedBy(Value value) {
  if (auto op = value.getDefiningOp<TransposeOp>())
    return op.getPermutation();
  return std::nullopt;
}

/// Whether a transpose of a tensor of `type` moves no data: all its
/// dimensions but at most one are 1 (a squeeze-and-excitation scale
/// [1, C, 1, 1], a bias).
bool isBroadcastVector(RankedTensorType type) {
  return type.hasStaticShape() &&
         llvm::count_if(type.getShape(), [](int64_t d) { return d != 1; }) <= 1;
}

/// op(transpose(x, p), ...) -> transpose(op(x, ...), p) for an op that does
/// not care about the layout: elementwise ops whose other operands are
/// scalars, constants, broadcast vectors (transposed too, unless the result
/// is one: then the two would trade the transpose back and forth) or
/// transposes alike,
/// concatenations, and reductions that keep their dimensions. `axis` and
/// `axes` are renumbered.
struct SinkTranspose : RewritePattern {
  explicit SinkTranspose(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa_and_nonnull<MocDialect>(op->getDialect()) ||
        op->getNumResults() != 1 || op->getNumOperands() == 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    bool elementwise = op->hasTrait<Elementwise>();
    bool concat = isa<ConcatOp>(op);
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    auto keepdims = op->getAttrOfType<BoolAttr>("keepdims");
    bool reduction = axes && keepdims && keepdims.getValue() &&
                     op->getNumOperands() == 1;
    if (!resultType || !(elementwise || concat || reduction))
      return failure();

    std::optional<ArrayRef<int64_t>> permutation;
    for (Value operand : op->getOperands())
      if ((permutation = transposedBy(operand)))
        break;
    if (!permutation)
      return failure();
    SmallVector<int64_t> perm(*permutation);
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      auto type = cast<RankedTensorType>(operand.getType());
      std::optional<ArrayRef<int64_t>> operandPerm = transposedBy(operand);
      if (operandPerm && ArrayRef<int64_t>(perm) == *operandPerm) {
        operands.push_back(operand.getDefiningOp<TransposeOp>().getInput());
      } else if (elementwise && type.getRank() == 0) {
        operands.push_back(operand);
      } else if (elementwise && type.getRank() == resultType.getRank() &&
                 (matchPattern(operand, m_Constant()) ||
                  (isBroadcastVector(type) &&
                   !isBroadcastVector(resultType)))) {
        SmallVector<int64_t> inverse(perm.size());
        for (auto [i, source] : llvm::enumerate(perm))
          inverse[source] = i;
        operands.push_back(transpose(rewriter, op->getLoc(), operand, inverse));
      } else {
        return rewriter.notifyMatchFailure(op, "operands in other layouts");
      }
    }

    OperationState state(op->getLoc(), op->getName());
    state.addOperands(operands);
    state.addAttributes(op->getAttrs());
    state.addTypes(untransposed(resultType, perm));
    Operation *sunk = rewriter.create(state);
    if (concat) {
      int64_t axis = cast<ConcatOp>(op).getAxis();
      sunk->setAttr("axis", rewriter.getI64IntegerAttr(perm[axis]));
    }
    if (reduction) {
      SmallVector<int64_t> renumbered;
      for (int64_t axis : axes.asArrayRef())
        renumbered.push_back(perm[axis]);
      llvm::sort(renumbered);
      sunk->setAttr("axes", rewriter.getDenseI64ArrayAttr(renumbered));
    }
    rewriter.replaceOp(op, transpose(rewriter, op->getLoc(), sunk->getResult(0),
                                     perm));
    return success();
  }
};

struct ConvertLayoutPass : impl::ConvertLayoutPassBase<ConvertLayoutPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<ConvToChannelsLast, PoolToChannelsLast<MaxPoolOp>,
                 PoolToChannelsLast<AveragePoolOp>, SinkTranspose>(context);
    TransposeOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      getOperation().emitWarning("layout conversion did not converge");
  }
};

} // namespace
} // namespace mocc::moc
