//===- FoldConstants.cpp - Compile-time evaluation of constant subgraphs --===//
#include "mocc/Dialect/Moc/Transforms/Passes.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mocc::moc {
#define GEN_PASS_DEF_FOLDCONSTANTSPASS
#include "mocc/Dialect/Moc/Transforms/Passes.h.inc"
} // namespace mocc::moc

using namespace mlir;

namespace mocc::moc {
namespace {

/// The values of an f32 constant, inline or in a resource blob.
std::optional<SmallVector<float>> readFloats(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(cast<TypedAttr>(attr).getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return SmallVector<float>(dense.getValues<float>());
  std::optional<ArrayRef<char>> data = getRawData(attr);
  if (!data || int64_t(data->size()) != type.getNumElements() * 4)
    return std::nullopt;
  SmallVector<float> values(type.getNumElements());
  std::memcpy(values.data(), data->data(), data->size());
  return values;
}

/// batch_norm(conv(x, w, b)) with constant statistics, weight and bias is
/// conv(x, w * k, (b - mean) * k + shift), k = scale / sqrt(var + epsilon)
/// per output channel.
struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp norm,
                                PatternRewriter &rewriter) const override {
    auto conv = norm.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse() || conv.getChannelsLast())
      return rewriter.notifyMatchFailure(norm, "not the only user of a conv");
    std::optional<SmallVector<float>> weight = readFloats(conv.getWeight()),
                                      scale = readFloats(norm.getScale()),
                                      shift = readFloats(norm.getBias()),
                                      mean = readFloats(norm.getMean()),
                                      variance = readFloats(norm.getVariance());
    if (!weight || !scale || !shift || !mean || !variance)
      return rewriter.notifyMatchFailure(norm, "expects f32 constants");
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t filters = weightType.getDimSize(0);
    SmallVector<float> bias(filters, 0.0f);
    if (Value convBias = conv.getBias()) {
      std::optional<SmallVector<float>> values = readFloats(convBias);
      if (!values)
        return rewriter.notifyMatchFailure(norm, "expects a constant bias");
      bias = *values;
    }
    if (int64_t(scale->size()) != filters || shift->size() != scale->size() ||
        mean->size() != scale->size() || variance->size() != scale->size() ||
        int64_t(bias.size()) != filters)
      return rewriter.notifyMatchFailure(norm, "expects one value per filter");

    double epsilon = norm.getEpsilon().convertToDouble();
    int64_t perFilter = weightType.getNumElements() / filters;
    for (int64_t f = 0; f < filters; ++f) {
      double k = (*scale)[f] / std::sqrt(double((*variance)[f]) + epsilon);
      for (int64_t i = 0; i < perFilter; ++i)
        (*weight)[f * perFilter + i] = float((*weight)[f * perFilter + i] * k);
      bias[f] = float((bias[f] - (*mean)[f]) * k + (*shift)[f]);
    }
    ArrayRef<char> bytes(reinterpret_cast<const char *>(weight->data()),
                         weight->size() * sizeof(float));
    auto newWeight = rewriter.create<ConstantOp>(
        conv.getLoc(),
        DenseResourceElementsAttr::get(
            weightType, "bn_folded",
            HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes,
                                                          alignof(float))));
    auto biasType = RankedTensorType::get({filters}, rewriter.getF32Type());
    auto newBias = rewriter.create<ConstantOp>(
        conv.getLoc(), DenseElementsAttr::get(biasType, ArrayRef<float>(bias)));
    rewriter.replaceOpWithNewOp<ConvOp>(
        norm, norm.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
        conv.getGroupAttr(), conv.getChannelsLastAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// conv(x, w1, b1) + conv(y, w2, b2) with constant biases is
/// conv(x, w1, b1 + b2) + conv(y, w2): a residual block's projection
/// shortcut. With one bias the sum is the second convolution's epilogue
/// (bias and residual), which the kernels apply as they write it.
struct MergeBiasesOfAddedConvs : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    auto first = add.getLhs().getDefiningOp<ConvOp>();
    auto second = add.getRhs().getDefiningOp<ConvOp>();
    if (!first || !second || first == second || !first->hasOneUse() ||
        !second->hasOneUse() || !first.getBias() || !second.getBias() ||
        first.getType() != add.getType() || second.getType() != add.getType())
      return rewriter.notifyMatchFailure(add, "not a sum of two biased convs");
    std::optional<SmallVector<float>> bias = readFloats(first.getBias()),
                                      other = readFloats(second.getBias());
    if (!bias || !other || bias->size() != other->size())
      return rewriter.notifyMatchFailure(add, "expects constant biases");
    for (auto [sum, value] : llvm::zip(*bias, *other))
      sum += value;
    auto merged = rewriter.create<ConstantOp>(
        first.getLoc(), DenseElementsAttr::get(first.getBias().getType(),
                                               ArrayRef<float>(*bias)));
    rewriter.modifyOpInPlace(first,
                             [&] { first.getBiasMutable().assign(merged); });
    rewriter.modifyOpInPlace(second, [&] { second.getBiasMutable().clear(); });
    return success();
  }
};

struct FoldConstantsPass : impl::FoldConstantsPassBase<FoldConstantsPass> {
  using FoldConstantsPassBase::FoldConstantsPassBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    auto *dialect = context->getLoadedDialect<MocDialect>();
    RewritePatternSet patterns(context);
    for (RegisteredOperationName name : context->getRegisteredOperations())
      if (&name.getDialect() == dialect)
        name.getCanonicalizationPatterns(patterns, context);
    patterns.add<FoldBatchNormIntoConv, MergeBiasesOfAddedConvs>(context);
    int64_t limit = dialect->getFoldingElementLimit();
    dialect->setFoldingElementLimit(maxElements);
    LogicalResult converged =
        applyPatternsAndFoldGreedily(getOperation(), std::move(patterns));
    dialect->setFoldingElementLimit(limit);
    if (failed(converged))
      getOperation().emitWarning("constant folding did not converge");
  }
};

} // namespace
} // namespace mocc::moc
