//===- Normalization.cpp - Lowering of normalizations and softmax ---------===//
//
// batch_norm folds its four channel vectors into one scale and one shift per
// channel, then applies them in one generic. layer_norm reduces the mean, then
// the variance, then normalizes. softmax and log_softmax subtract the maximum
// before exponentiating. Statistics of 16-bit floats are kept in f32.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

Value toCompute(OpBuilder &b, Location loc, Value x) {
  return convertFloat(b, loc, x, computeTypeOf(x.getType()));
}

Value replaceWith(ConversionPatternRewriter &rewriter, Operation *op,
                  Value result, RankedTensorType resultType) {
  if (result.getType() != resultType)
    result = rewriter.create<tensor::CastOp>(op->getLoc(), resultType, result);
  rewriter.replaceOp(op, result);
  return result;
}

//===----------------------------------------------------------------------===//
// BatchNorm
//===----------------------------------------------------------------------===//

struct BatchNormLowering : OpConversionPattern<moc::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    double epsilon = op.getEpsilon().convertToDouble();

    // Per channel: a = scale / sqrt(variance + epsilon), b = bias - mean * a.
    Value vector = adaptor.getScale();
    AffineMap identity1 = rewriter.getMultiDimIdentityMap(1);
    SmallVector<AffineMap> vectorMaps(4, identity1);
    SmallVector<Value> vectors = {adaptor.getScale(), adaptor.getBias(),
                                  adaptor.getMean(), adaptor.getVariance()};
    Value multiplier =
        buildMapped(rewriter, loc, vector, accType, vectors, vectorMaps,
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      Value scale = toCompute(b, l, args[0]);
                      Value variance = toCompute(b, l, args[3]);
                      Value shifted = b.create<arith::AddFOp>(
                          l, variance, scalarConstant(b, l, accType, epsilon));
                      return b.create<arith::DivFOp>(
                          l, scale, b.create<math::SqrtOp>(l, shifted));
                    });
    Value offset = buildMapped(
        rewriter, loc, vector, accType,
        ValueRange{multiplier, adaptor.getBias(), adaptor.getMean()},
        {identity1, identity1, identity1},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value bias = toCompute(b, l, args[1]);
          Value mean = toCompute(b, l, args[2]);
          return b.create<arith::SubFOp>(
              l, bias, b.create<arith::MulFOp>(l, mean, args[0]));
        });

    int64_t rank = resultType.getRank();
    AffineMap channel =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(1), context);
    Value result =
        buildMapped(rewriter, loc, adaptor.getInput(), element,
                    ValueRange{adaptor.getInput(), multiplier, offset},
                    {rewriter.getMultiDimIdentityMap(rank), channel, channel},
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      Value x = toCompute(b, l, args[0]);
                      Value y = b.create<arith::AddFOp>(
                          l, b.create<arith::MulFOp>(l, x, args[1]), args[2]);
                      return convertFloat(b, l, y, element);
                    });
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// LayerNorm
//===----------------------------------------------------------------------===//

struct LayerNormLowering : OpConversionPattern<moc::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank();
    SmallVector<int64_t> dims;
    for (int64_t d = op.getAxis(); d < rank; ++d)
      dims.push_back(d);
    Value count = countElements(rewriter, loc, input, dims, accType);
    Value zero = scalarConstant(rewriter, loc, accType, 0);

    Value sum = buildReduction(
        rewriter, loc, input, {}, dims, zero,
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          return {
              b.create<arith::AddFOp>(l, args[1], toCompute(b, l, args[0]))};
        })[0];
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap kept = keptDimsMap(context, rank, dims);
    Value mean =
        buildMapped(rewriter, loc, sum, accType, sum,
                    rewriter.getMultiDimIdentityMap(rank - dims.size()),
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      return b.create<arith::DivFOp>(l, args[0], count);
                    });
    Value squares = buildReduction(
        rewriter, loc, input, mean, dims, zero,
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value centered =
              b.create<arith::SubFOp>(l, toCompute(b, l, args[0]), args[1]);
          Value square = b.create<arith::MulFOp>(l, centered, centered);
          return {b.create<arith::AddFOp>(l, args[2], square)};
        })[0];
    double epsilon = op.getEpsilon().convertToDouble();
    Value invStd = buildMapped(
        rewriter, loc, squares, accType, squares,
        rewriter.getMultiDimIdentityMap(rank - dims.size()),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value variance = b.create<arith::DivFOp>(l, args[0], count);
          Value shifted = b.create<arith::AddFOp>(
              l, variance, scalarConstant(b, l, accType, epsilon));
          return b.create<arith::DivFOp>(l, scalarConstant(b, l, accType, 1),
                                         b.create<math::SqrtOp>(l, shifted));
        });

    // Scale and bias broadcast against the normalized dimensions.
    ArrayRef<int64_t> shape = resultType.getShape();
    auto trailingMap = [&](Value param) {
      auto type = cast<RankedTensorType>(param.getType());
      return broadcastMap(context, type.getShape(), shape);
    };
    Value scale = adaptor.getScale(), bias = adaptor.getBias();
    Value result = buildMapped(
        rewriter, loc, input, element,
        ValueRange{input, mean, invStd, scale, bias},
        {identity, kept, kept, trailingMap(scale), trailingMap(bias)},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value centered =
              b.create<arith::SubFOp>(l, toCompute(b, l, args[0]), args[1]);
          Value normalized = b.create<arith::MulFOp>(l, centered, args[2]);
          Value y = b.create<arith::AddFOp>(
              l,
              b.create<arith::MulFOp>(l, normalized, toCompute(b, l, args[3])),
              toCompute(b, l, args[4]));
          return convertFloat(b, l, y, element);
        });
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax and LogSoftmax
//===----------------------------------------------------------------------===//

template <typename OpTy, bool IsLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis();

    Value max = buildReduction(
        rewriter, loc, input, {}, axis,
        lowestValue(rewriter, loc, accType, false),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          return {b.create<arith::MaximumFOp>(l, args[1],
                                              toCompute(b, l, args[0]))};
        })[0];
    Value sum = buildReduction(
        rewriter, loc, input, max, axis,
        scalarConstant(rewriter, loc, accType, 0),
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value shifted =
              b.create<arith::SubFOp>(l, toCompute(b, l, args[0]), args[1]);
          return {b.create<arith::AddFOp>(l, args[2],
                                          b.create<math::ExpOp>(l, shifted))};
        })[0];
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap kept = keptDimsMap(rewriter.getContext(), rank, axis);
    Value result = buildMapped(
        rewriter, loc, input, element, ValueRange{input, max, sum},
        {identity, kept, kept},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted =
              b.create<arith::SubFOp>(l, toCompute(b, l, args[0]), args[1]);
          Value y;
          if (IsLog)
            y = b.create<arith::SubFOp>(l, shifted,
                                        b.create<math::LogOp>(l, args[2]));
          else
            y = b.create<arith::DivFOp>(l, b.create<math::ExpOp>(l, shifted),
                                        args[2]);
          return convertFloat(b, l, y, element);
        });
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BatchNormLowering, LayerNormLowering>(converter, context);
  patterns.add<SoftmaxLowering<moc::SoftmaxOp, false>,
               SoftmaxLowering<moc::LogSoftmaxOp, true>>(converter, context);
}

} // namespace mocc::moc_to_linalg
