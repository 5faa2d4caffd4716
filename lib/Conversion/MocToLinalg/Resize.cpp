//===- Resize.cpp - Lowering of moc.resize --------------------------------===//
//
// Per resized dimension, small tables say which input positions every output
// position reads (clamped to the input: edge padding) and with which weights
// (ResizeTaps.cpp computes them per run, so scales, sizes and the region of
// interest may be known at run time only). The IR reads these tables:
//
//   nearest          a parallel linalg.generic over the output whose body
//                    extracts the input at the tabled indices;
//   linear, cubic    a generic over (output..., taps of every resized dim)
//                    accumulating weight product x input element (f32, or
//                    f64 for f64 and integer data), then a generic that
//                    converts back and writes extrapolation_value where
//                    tf_crop_and_resize maps outside the input.
//
// Interpolation is separable, so the product of per-dimension weights equals
// the reference's dimension-by-dimension interpolation. Nearest with
// tf_crop_and_resize takes the second form with one tap of weight 1.
//
//===----------------------------------------------------------------------===//
#include "ResizeTaps.h"
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// True if `axis` is copied (the reference's skip: scale close to 1,
/// unchanged size and, for tf_crop_and_resize, the whole region); only known
/// where these are constants.
bool isIdentityAxis(const ResizedAxis &axis) {
  auto isCloseTo = [](Value value, double y) {
    APFloat constant(0.0);
    if (!value || !matchPattern(value, m_ConstantFloat(&constant)))
      return false;
    bool lost;
    constant.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                     &lost);
    double x = constant.convertToDouble();
    return std::abs(x - y) <= 1e-9 * std::max(std::abs(x), std::abs(y));
  };
  if (!isCloseTo(axis.scale, 1.0) ||
      getConstantIntValue(axis.outputSize) != axis.inputWidth)
    return false;
  return !axis.roiStart ||
         (isCloseTo(axis.roiStart, 0.0) && isCloseTo(axis.roiEnd, 1.0));
}

/// The dimensions `op` resizes, with their scales, sizes and region of
/// interest as scalars.
SmallVector<ResizedAxis> resizedAxes(OpBuilder &b, Location loc,
                                     moc::ResizeOp op,
                                     moc::ResizeOp::Adaptor adaptor,
                                     RankedTensorType inputType,
                                     ArrayRef<OpFoldResult> sizes) {
  int64_t rank = inputType.getRank();
  auto scalar = [&](ArrayRef<double> constants, ValueRange values, int64_t i,
                    FloatType type) -> Value {
    if (constants.empty())
      return values[i];
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(type, type.isF32() ? double(float(constants[i]))
                                               : constants[i]));
  };
  bool crop = op.getCoordinateTransformationMode() ==
              moc::CoordinateTransform::tf_crop_and_resize;
  SmallVector<ResizedAxis> axes;
  for (int64_t d = 0; d < rank; ++d) {
    ResizedAxis axis{
        d, inputType.getDimSize(d),
        scalar(op.getScales(), adaptor.getDynamicScales(), d, b.getF64Type()),
        sizes[d]};
    if (crop) {
      axis.roiStart =
          scalar(op.getRoi(), adaptor.getDynamicRoi(), d, b.getF32Type());
      axis.roiEnd = scalar(op.getRoi(), adaptor.getDynamicRoi(), d + rank,
                           b.getF32Type());
    }
    if (!isIdentityAxis(axis))
      axes.push_back(axis);
  }
  return axes;
}

/// Inside a generic over the output (loops 0..rank-1): the coordinates of
/// the input element to read, the resized dimensions' from `indices` (i64
/// scalars, in the order of `axes`).
SmallVector<Value> inputCoordinates(OpBuilder &b, Location loc, int64_t rank,
                                    ArrayRef<ResizedAxis> axes,
                                    ValueRange indices) {
  SmallVector<Value> coordinates;
  for (int64_t d = 0, r = 0; d < rank; ++d) {
    if (r < int64_t(axes.size()) && axes[r].dim == d)
      coordinates.push_back(
          b.create<arith::IndexCastOp>(loc, b.getIndexType(), indices[r++]));
    else
      coordinates.push_back(b.create<linalg::IndexOp>(loc, d));
  }
  return coordinates;
}

struct ResizeLowering : OpConversionPattern<moc::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto resultType = convertedResultType(*this, op);
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    if (!resultType || !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expects a static input shape");
    int64_t rank = resultType.getRank();
    Type element = resultType.getElementType();
    Type mocElement = elementOf(op.getInput().getType());
    bool isUnsigned = isUnsignedInteger(mocElement);
    SmallVector<OpFoldResult> sizes =
        getMixedValues(op.getSizes(), adaptor.getDynamicSizes(), rewriter);
    if (inputType.getNumElements() == 0) {
      // Nothing to read.
      Value zero = scalarConstant(rewriter, loc, element, 0);
      rewriter.replaceOp(op, createFilled(rewriter, loc, sizes, zero));
      return success();
    }

    SmallVector<ResizedAxis> axes =
        resizedAxes(rewriter, loc, op, adaptor, inputType, sizes);
    if (axes.empty()) {
      // Every dimension is copied (a crop of the whole region, say).
      rewriter.replaceOpWithNewOp<tensor::CastOp>(op, resultType, input);
      return success();
    }
    bool extrapolates = op.getCoordinateTransformationMode() ==
                        moc::CoordinateTransform::tf_crop_and_resize;

    if (op.getMode() == moc::ResizeMode::nearest && !extrapolates) {
      // One tap per dimension: a gather.
      SmallVector<Value> indexTables;
      SmallVector<AffineMap> maps;
      for (const ResizedAxis &axis : axes) {
        indexTables.push_back(buildNearestIndices(rewriter, loc, op, axis));
        maps.push_back(AffineMap::get(
            rank, 0, rewriter.getAffineDimExpr(axis.dim), context));
      }
      Value result = buildMapped(
          rewriter, loc, createEmpty(rewriter, loc, sizes, element), element,
          indexTables, maps, [&](OpBuilder &b, Location l, ValueRange args) {
            return b
                .create<tensor::ExtractOp>(
                    l, input, inputCoordinates(b, l, rank, axes, args))
                .getResult();
          });
      rewriter.replaceOp(op, result);
      return success();
    }

    // Weighted sums: loops (output dims..., one tap dim per resized dim).
    Type accType = isa<FloatType>(element) ? computeTypeOf(element)
                                           : Type(rewriter.getF64Type());
    int64_t loops = rank + axes.size();
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    for (auto [r, axis] : llvm::enumerate(axes)) {
      AxisTaps taps;
      if (op.getMode() == moc::ResizeMode::nearest) {
        Value indices = buildNearestIndices(rewriter, loc, op, axis);
        taps.indices = expand(rewriter, loc, indices, {{0, 1}},
                              {axis.outputSize, rewriter.getIndexAttr(1)});
        taps.weights = createFilled(rewriter, loc,
                                    {axis.outputSize, rewriter.getIndexAttr(1)},
                                    scalarConstant(rewriter, loc, accType, 1));
      } else {
        taps = buildAxisTaps(rewriter, loc, op, axis, accType);
      }
      ins.append({taps.indices, taps.weights});
      AffineMap map = AffineMap::get(loops, 0,
                                     {rewriter.getAffineDimExpr(axis.dim),
                                      rewriter.getAffineDimExpr(rank + r)},
                                     context);
      maps.append({map, map});
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(rewriter.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(loops, 0, outExprs, context));
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.append(axes.size(), utils::IteratorType::reduction);
    Value init = createFilled(rewriter, loc, sizes,
                              scalarConstant(rewriter, loc, accType, 0));
    Value sum =
        rewriter
            .create<linalg::GenericOp>(
                loc, init.getType(), ins, init, maps, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  SmallVector<Value> indices;
                  Value weight;
                  for (size_t r = 0; r < axes.size(); ++r) {
                    indices.push_back(args[2 * r]);
                    Value w = args[2 * r + 1];
                    weight =
                        weight
                            ? b.create<arith::MulFOp>(l, weight, w).getResult()
                            : w;
                  }
                  Value value = b.create<tensor::ExtractOp>(
                      l, input, inputCoordinates(b, l, rank, axes, indices));
                  value = createNumericCast(b, l, value, accType, isUnsigned,
                                            false);
                  Value product = b.create<arith::MulFOp>(l, weight, value);
                  b.create<linalg::YieldOp>(
                      l, ValueRange{
                             b.create<arith::AddFOp>(l, args.back(), product)});
                })
            .getResult(0);

    // Back to the element type; extrapolation_value outside the region.
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    Value result = buildMapped(
        rewriter, loc, sum, element, {sum},
        {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = args[0];
          Value outside;
          for (const ResizedAxis &axis :
               extrapolates ? axes : ArrayRef<ResizedAxis>{}) {
            Value flag = isExtrapolated(b, l, op, axis,
                                        b.create<linalg::IndexOp>(l, axis.dim));
            outside = outside ? b.create<arith::OrIOp>(l, outside, flag) : flag;
          }
          if (outside)
            value = b.create<arith::SelectOp>(
                l, outside, scalarConstant(b, l, accType, extrapolation),
                value);
          if (isa<FloatType>(element))
            return convertFloat(b, l, value, element);
          // Integers round half to even and saturate.
          value = b.create<math::RoundEvenOp>(l, value);
          Value low =
              createNumericCast(b, l, lowestValue(b, l, element, isUnsigned),
                                accType, isUnsigned, false);
          Value high =
              createNumericCast(b, l, highestValue(b, l, element, isUnsigned),
                                accType, isUnsigned, false);
          value = b.create<arith::MaximumFOp>(
              l, b.create<arith::MinimumFOp>(l, value, high), low);
          return createNumericCast(b, l, value, element, false, isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateResizePatterns(TypeConverter &converter,
                            RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
