//===- Reduction.cpp - Lowering of reductions and arg_max/arg_min ---------===//
//
// Each reduction is one reduction generic (mean divides by the number of
// reduced elements afterwards); keepdims re-inserts the unit dimensions with
// tensor.expand_shape. arg_max/arg_min carry (value, index) pairs and break
// ties by index, so the result does not depend on the order a later
// transformation visits the elements in. NaN counts as the extreme value, as
// in numpy.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

enum class ReduceKind { Sum, Mean, Max, Min, Prod };

Value replaceWith(ConversionPatternRewriter &rewriter, Operation *op,
                  Value result, RankedTensorType resultType) {
  if (result.getType() != resultType)
    result = rewriter.create<tensor::CastOp>(op->getLoc(), resultType, result);
  rewriter.replaceOp(op, result);
  return result;
}

template <typename OpTy, ReduceKind Kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    ArrayRef<int64_t> axes = op.getAxes();
    if (axes.empty()) {
      replaceWith(rewriter, op, input, resultType);
      return success();
    }
    Type element = resultType.getElementType();
    Type accType = computeTypeOf(element);
    bool isUnsigned = isUnsignedInteger(elementOf(op.getInput().getType()));

    Value init;
    switch (Kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      init = scalarConstant(rewriter, loc, accType, 0);
      break;
    case ReduceKind::Prod:
      init = scalarConstant(rewriter, loc, accType, 1);
      break;
    case ReduceKind::Max:
      init = lowestValue(rewriter, loc, accType, isUnsigned);
      break;
    case ReduceKind::Min:
      init = highestValue(rewriter, loc, accType, isUnsigned);
      break;
    }
    Value result = buildReduction(
        rewriter, loc, input, {}, axes, init,
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0], acc = args[1];
          if (isa<FloatType>(accType))
            x = convertFloat(b, l, x, accType);
          switch (Kind) {
          case ReduceKind::Sum:
          case ReduceKind::Mean:
            return {createAdd(b, l, acc, x)};
          case ReduceKind::Prod:
            return {createMul(b, l, acc, x)};
          case ReduceKind::Max:
            return {createMax(b, l, acc, x, isUnsigned)};
          case ReduceKind::Min:
            return {createMin(b, l, acc, x, isUnsigned)};
          }
          llvm_unreachable("unknown reduction");
        })[0];

    if (Kind == ReduceKind::Mean) {
      Value count = countElements(rewriter, loc, input, axes, accType);
      int64_t rank = cast<RankedTensorType>(result.getType()).getRank();
      result = buildMapped(rewriter, loc, result, accType, result,
                           rewriter.getMultiDimIdentityMap(rank),
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             return createDiv(b, l, args[0], count, isUnsigned);
                           });
    }
    if (isa<FloatType>(accType))
      result = convertElementType(rewriter, loc, result, element);
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result, axes);
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

template <typename OpTy, bool IsMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    Type element = cast<RankedTensorType>(input.getType()).getElementType();
    bool isUnsigned = isUnsignedInteger(elementOf(op.getInput().getType()));
    bool last = op.getSelectLastIndex();
    int64_t axis = op.getAxis();
    Type i64 = rewriter.getI64Type();

    Value initValue = IsMax ? lowestValue(rewriter, loc, element, isUnsigned)
                            : highestValue(rewriter, loc, element, isUnsigned);
    Value initIndex = rewriter.create<arith::ConstantOp>(
        loc, rewriter.getI64IntegerAttr(
                 last ? -1 : std::numeric_limits<int64_t>::max()));
    Value result = buildReduction(
        rewriter, loc, input, {}, axis, {initValue, initIndex},
        [&](OpBuilder &b, Location l, ValueRange args) -> SmallVector<Value> {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = b.create<arith::IndexCastOp>(
              l, i64, b.create<linalg::IndexOp>(l, axis));
          Value better, equal;
          if (isa<FloatType>(element)) {
            better = b.create<arith::CmpFOp>(l,
                                             IsMax ? arith::CmpFPredicate::OGT
                                                   : arith::CmpFPredicate::OLT,
                                             x, best);
            equal =
                b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OEQ, x, best);
            // NaN beats any number and ties with NaN.
            Value xNaN =
                b.create<arith::CmpFOp>(l, arith::CmpFPredicate::UNO, x, x);
            Value bestNaN = b.create<arith::CmpFOp>(
                l, arith::CmpFPredicate::UNO, best, best);
            Value bestNumber = b.create<arith::XOrIOp>(
                l, bestNaN, scalarConstant(b, l, b.getI1Type(), 1));
            better = b.create<arith::OrIOp>(
                l, better, b.create<arith::AndIOp>(l, xNaN, bestNumber));
            equal = b.create<arith::OrIOp>(
                l, equal, b.create<arith::AndIOp>(l, xNaN, bestNaN));
          } else {
            bool asUnsigned = isUnsigned || element.isInteger(1);
            arith::CmpIPredicate predicate =
                IsMax ? (asUnsigned ? arith::CmpIPredicate::ugt
                                    : arith::CmpIPredicate::sgt)
                      : (asUnsigned ? arith::CmpIPredicate::ult
                                    : arith::CmpIPredicate::slt);
            better = b.create<arith::CmpIOp>(l, predicate, x, best);
            equal =
                b.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, x, best);
          }
          Value tieWins = b.create<arith::CmpIOp>(
              l, last ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
              index, bestIndex);
          Value update = b.create<arith::OrIOp>(
              l, better, b.create<arith::AndIOp>(l, equal, tieWins));
          return {b.create<arith::SelectOp>(l, update, x, best),
                  b.create<arith::SelectOp>(l, update, index, bestIndex)};
        })[1];
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result, axis);
    replaceWith(rewriter, op, result, resultType);
    return success();
  }
};

} // namespace

void populateReductionPatterns(TypeConverter &converter,
                               RewritePatternSet &patterns) {
  using namespace moc;
  MLIRContext *context = patterns.getContext();
  patterns.add<ReduceLowering<ReduceSumOp, ReduceKind::Sum>,
               ReduceLowering<ReduceMeanOp, ReduceKind::Mean>,
               ReduceLowering<ReduceMaxOp, ReduceKind::Max>,
               ReduceLowering<ReduceMinOp, ReduceKind::Min>,
               ReduceLowering<ReduceProdOp, ReduceKind::Prod>,
               ArgReduceLowering<ArgMaxOp, true>,
               ArgReduceLowering<ArgMinOp, false>>(converter, context);
}

} // namespace mocc::moc_to_linalg
