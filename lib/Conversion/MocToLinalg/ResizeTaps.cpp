//===- ResizeTaps.cpp - Per-dimension taps of moc.resize ------------------===//
//
// The arithmetic of onnx's reference (op_resize.py: _compute_x_ori, the
// nearest, linear and cubic coefficient functions, _interpolate_1d_along_axis)
// emitted as IR on f64 scalars, so that scales, sizes and the region of
// interest may be values known at run time only. On constants it folds as
// far as arith folds. The tables it builds are small: output size x taps
// per resized dimension, computed once per run.
//
//===----------------------------------------------------------------------===//
#include "ResizeTaps.h"
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// Emits the reference's scalar arithmetic for one axis with a builder:
/// outside a generic's body (folding on constants) or inside it.
class AxisArithmetic {
public:
  AxisArithmetic(OpBuilder &b, Location loc, moc::ResizeOp op,
                 const ResizedAxis &axis)
      : b(b), loc(loc), op(op), axis(axis) {}

  Value f64(double value) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(value));
  }
  Value f32(float value) {
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
  }
  Value i64(int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64);
  }
  Value add(Value x, Value y) { return fold<arith::AddFOp>(x, y); }
  Value sub(Value x, Value y) { return fold<arith::SubFOp>(x, y); }
  Value mul(Value x, Value y) { return fold<arith::MulFOp>(x, y); }
  Value div(Value x, Value y) { return fold<arith::DivFOp>(x, y); }
  Value floor(Value x) { return fold<math::FloorOp>(x); }
  Value abs(Value x) { return fold<math::AbsFOp>(x); }
  Value compare(arith::CmpFPredicate predicate, Value x, Value y) {
    return b.createOrFold<arith::CmpFOp>(loc, predicate, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return b.createOrFold<arith::SelectOp>(loc, condition, x, y);
  }
  /// An index or i64 as f64.
  Value toF64(Value integer) {
    if (integer.getType().isIndex())
      integer =
          b.createOrFold<arith::IndexCastOp>(loc, b.getI64Type(), integer);
    return b.createOrFold<arith::SIToFPOp>(loc, b.getF64Type(), integer);
  }
  /// floor(x) as an i64, x kept within +-2^40 first (NaN to the lower
  /// bound): coordinates that far outside the input clamp to its edge
  /// anyway.
  Value floorToI64(Value x) {
    x = fold<arith::MaxNumFOp>(x, f64(-0x1p40));
    x = fold<arith::MinNumFOp>(x, f64(0x1p40));
    return b.createOrFold<arith::FPToSIOp>(loc, b.getI64Type(), floor(x));
  }

  Value outputWidth() { return mul(axis.scale, f64(double(axis.inputWidth))); }

  /// The input coordinate (f64) of output `position` (index).
  Value sourceCoordinate(Value position) {
    Value y = toF64(position);
    Value scale = axis.scale;
    auto isOne = [&] {
      return compare(arith::CmpFPredicate::OEQ, outputWidth(), f64(1));
    };
    Value half = f64(0.5);
    switch (op.getCoordinateTransformationMode()) {
    case moc::CoordinateTransform::align_corners:
      return select(isOne(), f64(0),
                    div(mul(y, f64(double(axis.inputWidth - 1))),
                        sub(outputWidth(), f64(1))));
    case moc::CoordinateTransform::asymmetric:
      return div(y, scale);
    case moc::CoordinateTransform::tf_crop_and_resize: {
      // The reference computes with the float32 roi: differences and
      // products with integers stay float32.
      Value last = f32(float(axis.inputWidth - 1));
      Value span = fold<arith::SubFOp>(axis.roiEnd, axis.roiStart);
      Value centered = extend(
          fold<arith::DivFOp>(fold<arith::MulFOp>(span, last), f32(2.0f)));
      Value spread = div(mul(mul(y, extend(span)), f64(axis.inputWidth - 1)),
                         sub(outputWidth(), f64(1)));
      return add(select(isOne(), centered, spread),
                 extend(fold<arith::MulFOp>(axis.roiStart, last)));
    }
    case moc::CoordinateTransform::pytorch_half_pixel:
      return select(isOne(), f64(-0.5), sub(div(add(y, half), scale), half));
    case moc::CoordinateTransform::half_pixel:
      return sub(div(add(y, half), scale), half);
    case moc::CoordinateTransform::half_pixel_symmetric: {
      Value adjustment =
          div(toF64(getValueOrCreateConstantIndexOp(b, loc, axis.outputSize)),
              outputWidth());
      Value center = f64(double(axis.inputWidth) / 2);
      Value offset = mul(center, sub(f64(1), adjustment));
      return sub(add(offset, div(add(y, half), scale)), half);
    }
    case moc::CoordinateTransform::tf_half_pixel_for_nn:
      return div(add(y, half), scale);
    }
    llvm_unreachable("unknown coordinate transformation");
  }

  /// The fractional part of `x`, 1 where it is 0 (the reference's ratio).
  Value ratioOf(Value x, Value floorX) {
    return select(compare(arith::CmpFPredicate::OEQ, x, floorX), f64(1),
                  sub(x, floorX));
  }

  /// The first of the `taps` (an even i64) input positions nearest `x`,
  /// ties to the smaller (the reference pads the input by taps / 2 on both
  /// sides and rounds in the padded coordinates).
  Value firstTap(Value x, Value taps) {
    Value half = fold<arith::DivSIOp>(taps, i64(2));
    Value padded = add(x, toF64(half));
    Value exact = compare(arith::CmpFPredicate::OEQ, padded, floor(padded));
    Value offset = select(exact, fold<arith::SubIOp>(i64(0), half),
                          fold<arith::SubIOp>(i64(1), half));
    return fold<arith::SubIOp>(fold<arith::AddIOp>(floorToI64(padded), offset),
                               half);
  }

  /// `min(scale, 1)`: antialias widens the filter by 1 / scale when
  /// downsampling.
  Value filterScale() { return fold<arith::MinimumFOp>(axis.scale, f64(1)); }

  /// The number of taps of a linear or cubic filter (i64): 2 or 4, or with
  /// antialias -2 floor(-support / filterScale) for support 1 or 2.
  Value tapCount() {
    bool cubic = op.getMode() == moc::ResizeMode::cubic;
    if (!op.getAntialias())
      return i64(cubic ? 4 : 2);
    Value support = f64(cubic ? -2 : -1);
    return fold<arith::MulIOp>(i64(-2),
                               floorToI64(div(support, filterScale())));
  }

  /// The unnormalized coefficient (f64) of tap `t` (i64) of a linear or
  /// cubic filter at `ratio`; `antialiasStart` is the antialias filter's
  /// offset of tap 0 (f64).
  Value coefficient(Value ratio, Value t, Value antialiasStart) {
    double a = op.getCubicCoeffA().convertToDouble();
    bool cubic = op.getMode() == moc::ResizeMode::cubic;
    auto isTap = [&](int64_t n) {
      return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, t,
                                           i64(n));
    };
    if (!op.getAntialias() && !cubic)
      return select(isTap(0), sub(f64(1), ratio), ratio);
    if (!op.getAntialias()) {
      auto outer = [&](Value s) { // ((a s - 5a) s + 8a) s - 4a
        return sub(
            mul(add(mul(sub(mul(f64(a), s), f64(5 * a)), s), f64(8 * a)), s),
            f64(4 * a));
      };
      auto inner = [&](Value s) { // ((a + 2) s - (a + 3)) s s + 1
        return add(mul(mul(sub(mul(f64(a + 2), s), f64(a + 3)), s), s), f64(1));
      };
      Value rest = sub(f64(1), ratio);
      Value c0 = outer(add(ratio, f64(1))), c1 = inner(ratio), c2 = inner(rest),
            c3 = outer(add(rest, f64(1)));
      return select(isTap(0), c0,
                    select(isTap(1), c1, select(isTap(2), c2, c3)));
    }
    Value distance =
        mul(filterScale(), sub(add(antialiasStart, toF64(t)), ratio));
    if (!cubic) {
      Value c = sub(f64(1), abs(distance));
      return fold<arith::MaxNumFOp>(fold<arith::MinNumFOp>(c, f64(1)), f64(0));
    }
    Value x = abs(distance);
    Value x2 = mul(x, x), x3 = mul(x, x2);
    Value near = add(sub(mul(f64(a + 2), x3), mul(f64(a + 3), x2)), f64(1));
    Value far =
        sub(add(sub(mul(f64(a), x3), mul(f64(5 * a), x2)), mul(f64(8 * a), x)),
            f64(4 * a));
    return select(
        compare(arith::CmpFPredicate::OLE, x, f64(1)), near,
        select(compare(arith::CmpFPredicate::OLT, x, f64(2)), far, f64(0)));
  }

  /// Where the antialias filter's tap 0 lies relative to floor(x):
  /// floor(-support / filterScale) + 1.
  Value antialiasStart() {
    double support = op.getMode() == moc::ResizeMode::cubic ? 2 : 1;
    return add(floor(div(f64(-support), filterScale())), f64(1));
  }

  /// `position` (i64) clamped to the input: the reference's edge padding.
  Value clampToInput(Value position) {
    Value clamped = b.createOrFold<arith::MaxSIOp>(loc, position, i64(0));
    return b.createOrFold<arith::MinSIOp>(loc, clamped,
                                          i64(axis.inputWidth - 1));
  }

  /// Whether `position` (i64) lies inside the input.
  Value isInside(Value position) {
    Value low = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sge,
                                              position, i64(0));
    Value high = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                               position, i64(axis.inputWidth));
    return b.createOrFold<arith::AndIOp>(loc, low, high);
  }

  Value extend(Value f32Value) {
    return b.createOrFold<arith::ExtFOp>(loc, b.getF64Type(), f32Value);
  }

private:
  template <typename OpTy, typename... Args> Value fold(Args... args) {
    return b.createOrFold<OpTy>(loc, args...);
  }

  OpBuilder &b;
  Location loc;
  moc::ResizeOp op;
  const ResizedAxis &axis;
};

Value indexToI64(OpBuilder &b, Location loc, Value index) {
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), index);
}

} // namespace

AxisTaps buildAxisTaps(OpBuilder &b, Location loc, moc::ResizeOp op,
                       const ResizedAxis &axis, Type accType) {
  AxisArithmetic outside(b, loc, op, axis);
  Value taps = outside.tapCount();
  Value start = op.getAntialias() ? outside.antialiasStart() : Value();
  SmallVector<OpFoldResult> sizes = {
      axis.outputSize, getAsOpFoldResult(b.createOrFold<arith::IndexCastOp>(
                           loc, b.getIndexType(), taps))};
  bool normalizes = op.getAntialias() || op.getExcludeOutside();
  Type rawType = normalizes ? Type(b.getF64Type()) : accType;
  Value indicesInit = createEmpty(b, loc, sizes, b.getI64Type());
  Value weightsInit = createEmpty(b, loc, sizes, rawType);
  AffineMap identity = b.getMultiDimIdentityMap(2);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{indicesInit.getType(), weightsInit.getType()},
      ValueRange{}, ValueRange{indicesInit, weightsInit},
      SmallVector<AffineMap>{identity, identity}, parallelIterators(2),
      [&](OpBuilder &nb, Location nl, ValueRange) {
        AxisArithmetic inside(nb, nl, op, axis);
        Value x = inside.sourceCoordinate(nb.create<linalg::IndexOp>(nl, 0));
        Value t = indexToI64(nb, nl, nb.create<linalg::IndexOp>(nl, 1));
        Value tap = nb.create<arith::AddIOp>(nl, inside.firstTap(x, taps), t);
        Value weight =
            inside.coefficient(inside.ratioOf(x, inside.floor(x)), t, start);
        if (op.getExcludeOutside())
          weight = nb.create<arith::SelectOp>(nl, inside.isInside(tap), weight,
                                              inside.f64(0));
        weight = convertFloat(nb, nl, weight, rawType);
        nb.create<linalg::YieldOp>(
            nl, ValueRange{inside.clampToInput(tap), weight});
      });
  AxisTaps result{generic.getResult(0), generic.getResult(1)};
  if (!normalizes)
    return result;

  // Weights summing to 1: antialias widens the filter, exclude_outside drops
  // the taps outside the input (all of them: the sum 0 divides by 1).
  Value sums =
      buildReduction(b, loc, result.weights, {}, {1},
                     {scalarConstant(b, loc, b.getF64Type(), 0)},
                     [](OpBuilder &nb, Location nl, ValueRange args) {
                       return SmallVector<Value>{
                           nb.create<arith::AddFOp>(nl, args[1], args[0])};
                     })
          .front();
  AffineMap rows = AffineMap::get(2, 0, b.getAffineDimExpr(0), b.getContext());
  result.weights = buildMapped(
      b, loc, result.weights, accType, {result.weights, sums}, {identity, rows},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        AxisArithmetic inside(nb, nl, op, axis);
        Value zero =
            inside.compare(arith::CmpFPredicate::OEQ, args[1], inside.f64(0));
        Value sum = inside.select(zero, inside.f64(1), args[1]);
        return convertFloat(nb, nl, inside.div(args[0], sum), accType);
      });
  return result;
}

Value buildNearestIndices(OpBuilder &b, Location loc, moc::ResizeOp op,
                          const ResizedAxis &axis) {
  Value init = createEmpty(b, loc, {axis.outputSize}, b.getI64Type());
  return b
      .create<linalg::GenericOp>(
          loc, init.getType(), ValueRange{}, init, b.getMultiDimIdentityMap(1),
          parallelIterators(1),
          [&](OpBuilder &nb, Location nl, ValueRange) {
            AxisArithmetic inside(nb, nl, op, axis);
            Value x =
                inside.sourceCoordinate(nb.create<linalg::IndexOp>(nl, 0));
            Value ratio = inside.ratioOf(x, inside.floor(x));
            // Of the two taps around x, the reference keeps the first if its
            // coefficient is 1: never at integral ratios, else by rounding.
            Value first;
            switch (op.getNearestMode()) {
            case moc::NearestMode::round_prefer_floor:
              first = inside.compare(arith::CmpFPredicate::OLE, ratio,
                                     inside.f64(0.5));
              break;
            case moc::NearestMode::round_prefer_ceil:
              first = inside.compare(arith::CmpFPredicate::OLT, ratio,
                                     inside.f64(0.5));
              break;
            case moc::NearestMode::floor:
              first = nb.create<arith::ConstantIntOp>(nl, 1, 1);
              break;
            case moc::NearestMode::ceil:
              first = nb.create<arith::ConstantIntOp>(nl, 0, 1);
              break;
            }
            Value integral = inside.compare(arith::CmpFPredicate::OEQ, ratio,
                                            inside.floor(ratio));
            first = nb.create<arith::AndIOp>(
                nl, first,
                nb.create<arith::XOrIOp>(
                    nl, integral, nb.create<arith::ConstantIntOp>(nl, 1, 1)));
            Value tap = inside.firstTap(x, inside.i64(2));
            if (op.getExcludeOutside())
              first = nb.create<arith::AndIOp>(nl, first, inside.isInside(tap));
            Value second = nb.create<arith::AddIOp>(nl, tap, inside.i64(1));
            tap = nb.create<arith::SelectOp>(nl, first, tap, second);
            nb.create<linalg::YieldOp>(nl, inside.clampToInput(tap));
          })
      .getResult(0);
}

Value isExtrapolated(OpBuilder &b, Location loc, moc::ResizeOp op,
                     const ResizedAxis &axis, Value position) {
  AxisArithmetic arithmetic(b, loc, op, axis);
  Value x = arithmetic.sourceCoordinate(position);
  Value below =
      arithmetic.compare(arith::CmpFPredicate::OLT, x, arithmetic.f64(0));
  Value above = arithmetic.compare(arith::CmpFPredicate::OGT, x,
                                   arithmetic.f64(double(axis.inputWidth - 1)));
  return b.create<arith::OrIOp>(loc, below, above);
}

} // namespace mocc::moc_to_linalg
