//===- Resize.cpp - Lowering of moc.resize --------------------------------===//
//
// Shapes are static, so the source coordinates are computed at compile time,
// per resized dimension, exactly as onnx's reference (op_resize.py,
// _interpolate_1d_along_axis) computes them in doubles: for every output
// position the indices of its taps (clamped to the input: edge padding) and
// their weights. The IR reads these tables:
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
// the reference's dimension-by-dimension interpolation.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The taps of one resized dimension: `taps` per output position, row-major
/// (position, tap) indices into the input and weights; positions that map
/// outside the region of tf_crop_and_resize are flagged.
struct AxisTable {
  int64_t taps = 0;
  SmallVector<int64_t> indices;
  SmallVector<double> weights;
  SmallVector<bool> extrapolated;
  bool anyExtrapolated = false;
};

//===----------------------------------------------------------------------===//
// The reference's arithmetic (onnx/reference/ops/op_resize.py)
//===----------------------------------------------------------------------===//

SmallVector<double> nearestCoeffs(double ratio, moc::NearestMode mode) {
  if (ratio == std::floor(ratio))
    return {0, 1};
  switch (mode) {
  case moc::NearestMode::round_prefer_floor:
    return {double(ratio <= 0.5), double(ratio > 0.5)};
  case moc::NearestMode::round_prefer_ceil:
    return {double(ratio < 0.5), double(ratio >= 0.5)};
  case moc::NearestMode::floor:
    return {1, 0};
  case moc::NearestMode::ceil:
    return {0, 1};
  }
  llvm_unreachable("unknown nearest mode");
}

SmallVector<double> linearCoeffs(double ratio, double scale, bool antialias) {
  if (!antialias)
    return {1 - ratio, ratio};
  scale = std::min(scale, 1.0);
  int64_t start = int64_t(std::floor(-1 / scale) + 1);
  int64_t footprint = 2 - 2 * start;
  SmallVector<double> coeffs;
  double sum = 0;
  for (int64_t i = start; i < start + footprint; ++i) {
    double arg = (double(i) - ratio) * scale;
    double c = std::clamp(1 - std::abs(arg), 0.0, 1.0);
    coeffs.push_back(c);
    sum += c;
  }
  for (double &c : coeffs)
    c /= sum;
  return coeffs;
}

SmallVector<double> cubicCoeffs(double ratio, double scale, double a,
                                bool antialias) {
  if (!antialias) {
    double r1 = ratio + 1, s = 1 - ratio, s1 = s + 1;
    return {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
            ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a * s1 - 5 * a) * s1 + 8 * a) * s1 - 4 * a};
  }
  scale = std::min(scale, 1.0);
  auto coeff = [&](double x) {
    x = std::abs(x);
    double x2 = x * x, x3 = x * x2;
    if (x <= 1)
      return (a + 2) * x3 - (a + 3) * x2 + 1;
    if (x < 2)
      return a * x3 - 5 * a * x2 + 8 * a * x - 4 * a;
    return 0.0;
  };
  int64_t start = int64_t(std::floor(-2 / scale) + 1);
  int64_t end = 2 - start;
  SmallVector<double> coeffs;
  double sum = 0;
  for (int64_t i = start; i < end; ++i) {
    coeffs.push_back(coeff(scale * (double(i) - ratio)));
    sum += coeffs.back();
  }
  for (double &c : coeffs)
    c /= sum;
  return coeffs;
}

/// The input coordinate of output position `y` (the reference's
/// _compute_x_ori); sets `extrapolated` for tf_crop_and_resize outside the
/// input.
double sourceCoordinate(moc::CoordinateTransform transform, double y,
                        double scale, int64_t inputWidth, int64_t outputSize,
                        float roiStart, float roiEnd, bool &extrapolated) {
  double outputWidth = scale * double(inputWidth);
  extrapolated = false;
  switch (transform) {
  case moc::CoordinateTransform::align_corners:
    return outputWidth == 1 ? 0.0
                            : y * double(inputWidth - 1) / (outputWidth - 1);
  case moc::CoordinateTransform::asymmetric:
    return y / scale;
  case moc::CoordinateTransform::tf_crop_and_resize: {
    // The reference computes with the float32 roi: differences and products
    // with integers stay float32.
    float span = roiEnd - roiStart;
    double x = outputWidth == 1 ? double(span * float(inputWidth - 1) / 2.0f)
                                : y * double(span) * double(inputWidth - 1) /
                                      (outputWidth - 1);
    x = x + double(roiStart * float(inputWidth - 1));
    extrapolated = x < 0 || x > double(inputWidth - 1);
    return x;
  }
  case moc::CoordinateTransform::pytorch_half_pixel:
    return outputWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
  case moc::CoordinateTransform::half_pixel:
    return (y + 0.5) / scale - 0.5;
  case moc::CoordinateTransform::half_pixel_symmetric: {
    double adjustment = double(outputSize) / outputWidth;
    double center = double(inputWidth) / 2;
    double offset = center * (1 - adjustment);
    return offset + (y + 0.5) / scale - 0.5;
  }
  case moc::CoordinateTransform::tf_half_pixel_for_nn:
    return (y + 0.5) / scale;
  }
  llvm_unreachable("unknown coordinate transformation");
}

/// The taps of dimension `d` of `op`, from an input of `inputWidth` to
/// `outputSize` positions (the reference's _interpolate_1d_along_axis).
AxisTable buildAxisTable(moc::ResizeOp op, int64_t d, int64_t inputWidth,
                         int64_t outputSize) {
  double scale = op.getScales()[d];
  int64_t rank = op.getScales().size();
  float roiStart = 0, roiEnd = 1;
  if (!op.getRoi().empty()) {
    roiStart = float(op.getRoi()[d]);
    roiEnd = float(op.getRoi()[d + rank]);
  }
  moc::ResizeMode mode = op.getMode();
  double a = op.getCubicCoeffA().convertToDouble();
  bool antialias = op.getAntialias();
  AxisTable table;
  for (int64_t position = 0; position < outputSize; ++position) {
    bool extrapolated;
    double x = sourceCoordinate(op.getCoordinateTransformationMode(),
                                double(position), scale, inputWidth, outputSize,
                                roiStart, roiEnd, extrapolated);
    double floorX = std::floor(x);
    double ratio = x == floorX ? 1.0 : x - floorX;
    SmallVector<double> coeffs;
    if (mode == moc::ResizeMode::nearest)
      coeffs = nearestCoeffs(ratio, op.getNearestMode());
    else if (mode == moc::ResizeMode::linear)
      coeffs = linearCoeffs(ratio, scale, antialias);
    else
      coeffs = cubicCoeffs(ratio, scale, a, antialias);
    int64_t n = coeffs.size();
    // The n indices nearest to x, ties to the smaller (in the edge-padded
    // coordinates of the reference).
    int64_t padWidth = (n + 1) / 2;
    double padded = x + double(padWidth);
    double floorPadded = std::floor(padded);
    double frac = padded - floorPadded;
    int64_t offset;
    if (n % 2 == 0)
      offset = frac == 0 ? -(n / 2) : -(n / 2) + 1;
    else
      offset = frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1;
    int64_t start = int64_t(floorPadded) + offset - padWidth;
    if (op.getExcludeOutside()) {
      double sum = 0;
      for (int64_t t = 0; t < n; ++t) {
        if (start + t < 0 || start + t >= inputWidth)
          coeffs[t] = 0;
        sum += coeffs[t];
      }
      if (sum == 0)
        sum = 1;
      for (double &c : coeffs)
        c /= sum;
    }
    if (mode == moc::ResizeMode::nearest) {
      // One of the two coefficients is 1: keep that tap only.
      table.taps = 1;
      int64_t t = coeffs[0] != 0 ? 0 : 1;
      table.indices.push_back(
          std::clamp<int64_t>(start + t, 0, inputWidth - 1));
      table.weights.push_back(1);
    } else {
      table.taps = n;
      for (int64_t t = 0; t < n; ++t) {
        table.indices.push_back(
            std::clamp<int64_t>(start + t, 0, inputWidth - 1));
        table.weights.push_back(coeffs[t]);
      }
    }
    table.extrapolated.push_back(extrapolated);
    table.anyExtrapolated |= extrapolated;
  }
  return table;
}

/// True if dimension `d` is copied (the reference's skip: scale close to 1,
/// unchanged size and, for tf_crop_and_resize, the whole region).
bool isIdentityAxis(moc::ResizeOp op, int64_t d, int64_t inputWidth,
                    int64_t outputSize) {
  auto isClose = [](double x, double y) {
    return std::abs(x - y) <= 1e-9 * std::max(std::abs(x), std::abs(y));
  };
  int64_t rank = op.getScales().size();
  if (!isClose(op.getScales()[d], 1.0) || inputWidth != outputSize)
    return false;
  return op.getRoi().empty() ||
         (isClose(op.getRoi()[d], 0.0) && isClose(op.getRoi()[d + rank], 1.0));
}

//===----------------------------------------------------------------------===//
// IR
//===----------------------------------------------------------------------===//

/// A constant tensor of `shape` x `element` holding `values`.
Value tableConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    Type element, ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, element);
  SmallVector<Attribute> attrs;
  for (double v : values) {
    if (isa<FloatType>(element))
      attrs.push_back(b.getFloatAttr(element, v));
    else
      attrs.push_back(b.getIntegerAttr(element, int64_t(v)));
  }
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, attrs));
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
    if (!resultType || !resultType.hasStaticShape() ||
        !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expects static shapes");
    int64_t rank = resultType.getRank();
    Type element = resultType.getElementType();
    Type mocElement = elementOf(op.getInput().getType());
    bool isUnsigned = isUnsignedInteger(mocElement);
    if (llvm::any_of(inputType.getShape(), [](int64_t s) { return s == 0; }) ||
        resultType.getNumElements() == 0) {
      // Nothing to read, or nothing to write.
      Value zero = scalarConstant(rewriter, loc, element, 0);
      rewriter.replaceOp(op, createFilled(rewriter, loc,
                                          getAsIndexOpFoldResult(
                                              context, resultType.getShape()),
                                          zero));
      return success();
    }

    // The tables of the resized dimensions.
    SmallVector<int64_t> resized;
    SmallVector<AxisTable> tables;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inputType.getDimSize(d), out = resultType.getDimSize(d);
      if (isIdentityAxis(op, d, in, out))
        continue;
      resized.push_back(d);
      tables.push_back(buildAxisTable(op, d, in, out));
    }
    bool extrapolates = llvm::any_of(
        tables, [](const AxisTable &t) { return t.anyExtrapolated; });
    Type i64 = rewriter.getI64Type();
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(context, resultType.getShape());

    if (op.getMode() == moc::ResizeMode::nearest && !extrapolates) {
      // One tap per dimension: a gather.
      SmallVector<Value> indexTables;
      SmallVector<AffineMap> maps;
      for (auto [d, table] : llvm::zip(resized, tables)) {
        SmallVector<double> values(table.indices.begin(), table.indices.end());
        indexTables.push_back(tableConstant(
            rewriter, loc, {resultType.getDimSize(d)}, i64, values));
        maps.push_back(
            AffineMap::get(rank, 0, rewriter.getAffineDimExpr(d), context));
      }
      Value result = buildMapped(
          rewriter, loc, createEmpty(rewriter, loc, sizes, element), element,
          indexTables, maps, [&](OpBuilder &b, Location l, ValueRange args) {
            SmallVector<Value> coordinates;
            for (int64_t d = 0, r = 0; d < rank; ++d) {
              if (r < int64_t(resized.size()) && resized[r] == d)
                coordinates.push_back(b.create<arith::IndexCastOp>(
                    l, b.getIndexType(), args[r++]));
              else
                coordinates.push_back(b.create<linalg::IndexOp>(l, d));
            }
            return b.create<tensor::ExtractOp>(l, input, coordinates)
                .getResult();
          });
      rewriter.replaceOp(op, result);
      return success();
    }

    // Weighted sums: loops (output dims..., one tap dim per resized dim).
    Type accType = isa<FloatType>(element) ? computeTypeOf(element)
                                           : Type(rewriter.getF64Type());
    int64_t loops = rank + resized.size();
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    for (auto [r, d, table] : llvm::enumerate(resized, tables)) {
      SmallVector<int64_t> shape = {resultType.getDimSize(d), table.taps};
      SmallVector<double> indices(table.indices.begin(), table.indices.end());
      ins.push_back(tableConstant(rewriter, loc, shape, i64, indices));
      ins.push_back(
          tableConstant(rewriter, loc, shape, accType, table.weights));
      AffineMap map = AffineMap::get(
          loops, 0,
          {rewriter.getAffineDimExpr(d), rewriter.getAffineDimExpr(rank + r)},
          context);
      maps.append({map, map});
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(rewriter.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(loops, 0, outExprs, context));
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.append(resized.size(), utils::IteratorType::reduction);
    Value init = createFilled(rewriter, loc, sizes,
                              scalarConstant(rewriter, loc, accType, 0));
    Value sum =
        rewriter
            .create<linalg::GenericOp>(
                loc, init.getType(), ins, init, maps, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  SmallVector<Value> coordinates;
                  Value weight;
                  for (int64_t d = 0, r = 0; d < rank; ++d) {
                    if (r < int64_t(resized.size()) && resized[r] == d) {
                      coordinates.push_back(b.create<arith::IndexCastOp>(
                          l, b.getIndexType(), args[2 * r]));
                      Value w = args[2 * r + 1];
                      weight = weight ? b.create<arith::MulFOp>(l, weight, w)
                                            .getResult()
                                      : w;
                      ++r;
                    } else {
                      coordinates.push_back(b.create<linalg::IndexOp>(l, d));
                    }
                  }
                  Value value =
                      b.create<tensor::ExtractOp>(l, input, coordinates);
                  value = createNumericCast(b, l, value, accType, isUnsigned,
                                            false);
                  Value product = b.create<arith::MulFOp>(l, weight, value);
                  b.create<linalg::YieldOp>(
                      l, ValueRange{
                             b.create<arith::AddFOp>(l, args.back(), product)});
                })
            .getResult(0);

    // Back to the element type; extrapolation_value outside the region.
    SmallVector<Value> finalIns = {sum};
    SmallVector<AffineMap> finalMaps = {rewriter.getMultiDimIdentityMap(rank)};
    if (extrapolates) {
      for (auto [d, table] : llvm::zip(resized, tables)) {
        SmallVector<double> flags(table.extrapolated.begin(),
                                  table.extrapolated.end());
        finalIns.push_back(tableConstant(rewriter, loc,
                                         {resultType.getDimSize(d)},
                                         rewriter.getI1Type(), flags));
        finalMaps.push_back(
            AffineMap::get(rank, 0, rewriter.getAffineDimExpr(d), context));
      }
    }
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    Value result = buildMapped(
        rewriter, loc, sum, element, finalIns, finalMaps,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = args[0];
          if (extrapolates) {
            Value outside = args[1];
            for (Value flag : args.drop_front(2))
              outside = b.create<arith::OrIOp>(l, outside, flag);
            value = b.create<arith::SelectOp>(
                l, outside, scalarConstant(b, l, accType, extrapolation),
                value);
          }
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
