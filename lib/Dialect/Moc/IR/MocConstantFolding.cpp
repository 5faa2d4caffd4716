//===- MocConstantFolding.cpp - Evaluating moc ops on constants -----------===//
//
// Folders that compute small constant results at compile time: the shape
// arithmetic exporters emit (Shape -> Gather -> Concat -> Reshape) and the
// identities x + 0, x * 1. Large tensors are left to the constant folding
// pass, which can afford to materialize them once.
//
//===----------------------------------------------------------------------===//
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APSInt.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc {
namespace {

/// Whether a constant of `type` is small enough to evaluate element by
/// element (the moc dialect's folding budget).
bool isEvaluable(ShapedType type) {
  auto *dialect = type.getContext()->getLoadedDialect<MocDialect>();
  return type.hasStaticShape() &&
         type.getNumElements() <= dialect->getFoldingElementLimit();
}

/// `attr` as a dense constant small enough to evaluate, or null.
DenseElementsAttr smallDense(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !isEvaluable(dense.getType()))
    return {};
  return dense;
}

/// The linear index into an operand of `operandShape` that broadcasting maps
/// result element `linear` of `resultShape` to.
int64_t broadcastIndex(int64_t linear, ArrayRef<int64_t> resultShape,
                       ArrayRef<int64_t> operandShape) {
  int64_t index = 0, stride = 1;
  int64_t offset = resultShape.size() - operandShape.size();
  for (int64_t d = resultShape.size() - 1; d >= 0; --d) {
    int64_t position = linear % resultShape[d];
    linear /= resultShape[d];
    if (d < offset)
      continue;
    int64_t size = operandShape[d - offset];
    if (size != 1)
      index += position * stride;
    stride *= size;
  }
  return index;
}

/// An elementwise result over broadcast dense operands: `compute` maps the
/// operands' elements at one position to the result's element.
template <typename Compute>
Attribute evaluateElementwise(ArrayRef<DenseElementsAttr> operands,
                              RankedTensorType resultType, Compute compute) {
  if (!isEvaluable(resultType))
    return {};
  SmallVector<SmallVector<Attribute>> values;
  for (DenseElementsAttr operand : operands)
    values.emplace_back(operand.getValues<Attribute>());
  SmallVector<Attribute> result;
  SmallVector<Attribute> at(operands.size());
  for (int64_t i = 0; i < resultType.getNumElements(); ++i) {
    for (size_t o = 0; o < operands.size(); ++o)
      at[o] = values[o][broadcastIndex(i, resultType.getShape(),
                                       operands[o].getType().getShape())];
    Attribute value = compute(at);
    if (!value)
      return {};
    result.push_back(value);
  }
  return DenseElementsAttr::get(resultType, result);
}

bool isUnsigned(Type type) { return getElementTypeOrSelf(type).isUnsignedInteger(); }

/// Folds an arithmetic op on two constants with `onInt` / `onFloat`.
template <typename IntFn, typename FloatFn>
Attribute foldArithmetic(Attribute lhs, Attribute rhs, RankedTensorType type,
                         IntFn onInt, FloatFn onFloat) {
  DenseElementsAttr a = smallDense(lhs), b = smallDense(rhs);
  if (!a || !b)
    return {};
  Type element = type.getElementType();
  bool unsignedElements = isUnsigned(element);
  return evaluateElementwise({a, b}, type, [&](ArrayRef<Attribute> v) -> Attribute {
    if (auto x = dyn_cast<IntegerAttr>(v[0])) {
      std::optional<APInt> r =
          onInt(x.getValue(), cast<IntegerAttr>(v[1]).getValue(), unsignedElements);
      return r ? IntegerAttr::get(element, *r) : Attribute();
    }
    return FloatAttr::get(element, onFloat(cast<FloatAttr>(v[0]).getValue(),
                                           cast<FloatAttr>(v[1]).getValue()));
  });
}

/// Folds a comparison of two constants into an i1 constant.
template <typename Predicate>
Attribute foldComparison(Attribute lhs, Attribute rhs, RankedTensorType type,
                         Predicate predicate) {
  DenseElementsAttr a = smallDense(lhs), b = smallDense(rhs);
  if (!a || !b || a.getElementType() != b.getElementType())
    return {};
  bool unsignedElements = isUnsigned(a.getElementType());
  Type i1 = type.getElementType();
  return evaluateElementwise({a, b}, type, [&](ArrayRef<Attribute> v) -> Attribute {
    int order;
    if (auto x = dyn_cast<IntegerAttr>(v[0])) {
      APInt p = x.getValue(), q = cast<IntegerAttr>(v[1]).getValue();
      order = p == q ? 0 : (unsignedElements ? p.ult(q) : p.slt(q)) ? -1 : 1;
    } else {
      APFloat::cmpResult c =
          cast<FloatAttr>(v[0]).getValue().compare(cast<FloatAttr>(v[1]).getValue());
      if (c == APFloat::cmpUnordered)
        return IntegerAttr::get(i1, 0);
      order = c == APFloat::cmpEqual ? 0 : c == APFloat::cmpLessThan ? -1 : 1;
    }
    return IntegerAttr::get(i1, predicate(order) ? 1 : 0);
  });
}

/// Folds a unary op on a constant with `onInt` / `onFloat`.
template <typename IntFn, typename FloatFn>
Attribute foldUnary(Attribute input, RankedTensorType type, IntFn onInt,
                    FloatFn onFloat) {
  DenseElementsAttr a = smallDense(input);
  if (!a)
    return {};
  Type element = type.getElementType();
  return evaluateElementwise({a}, type, [&](ArrayRef<Attribute> v) -> Attribute {
    if (auto x = dyn_cast<IntegerAttr>(v[0]))
      return IntegerAttr::get(element, onInt(x.getValue()));
    return FloatAttr::get(element, onFloat(cast<FloatAttr>(v[0]).getValue()));
  });
}

/// True if `attr` is a constant whose every element is `value`.
bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat || splat.getElementType().isInteger(1))
    return false;
  if (isa<FloatType>(splat.getElementType()))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  return splat.getSplatValue<APInt>().getSExtValue() == int64_t(value);
}

/// `x op c` is `x` when `c` is the identity and broadcasting it changes
/// nothing.
OpFoldResult foldIdentityOperand(Operation *op, Value lhs, Value rhs,
                                 Attribute lhsAttr, Attribute rhsAttr,
                                 double identity, bool commutative) {
  Type resultType = op->getResult(0).getType();
  if (isSplatOf(rhsAttr, identity) && lhs.getType() == resultType)
    return lhs;
  if (commutative && isSplatOf(lhsAttr, identity) && rhs.getType() == resultType)
    return rhs;
  return {};
}

} // namespace

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult identity = foldIdentityOperand(
          *this, getLhs(), getRhs(), adaptor.getLhs(), adaptor.getRhs(), 0, true))
    return identity;
  return foldArithmetic(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APInt a, APInt b, bool) -> std::optional<APInt> { return a + b; },
      [](APFloat a, APFloat b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult identity = foldIdentityOperand(
          *this, getLhs(), getRhs(), adaptor.getLhs(), adaptor.getRhs(), 0, false))
    return identity;
  return foldArithmetic(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APInt a, APInt b, bool) -> std::optional<APInt> { return a - b; },
      [](APFloat a, APFloat b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult identity = foldIdentityOperand(
          *this, getLhs(), getRhs(), adaptor.getLhs(), adaptor.getRhs(), 1, true))
    return identity;
  return foldArithmetic(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APInt a, APInt b, bool) -> std::optional<APInt> { return a * b; },
      [](APFloat a, APFloat b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult identity = foldIdentityOperand(
          *this, getLhs(), getRhs(), adaptor.getLhs(), adaptor.getRhs(), 1, false))
    return identity;
  return foldArithmetic(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APInt a, APInt b, bool isUnsigned) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt; // Left for run time, like every other trap.
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      },
      [](APFloat a, APFloat b) { return a / b; });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      adaptor.getInput(), getType(), [](APInt a) { return -a; },
      [](APFloat a) { return neg(a); });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  bool unsignedElements = isUnsigned(getType());
  return foldUnary(
      adaptor.getInput(), getType(),
      [&](APInt a) { return unsignedElements ? a : a.abs(); },
      [](APFloat a) { return abs(a); });
}

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  bool unsignedElements = isUnsigned(getType());
  return foldUnary(
      adaptor.getInput(), getType(),
      [&](APInt a) {
        return unsignedElements || !a.isNegative() ? a
                                                   : APInt(a.getBitWidth(), 0);
      },
      [](APFloat a) {
        // NaN stays NaN, -0 becomes 0, as max(x, 0) does.
        bool positive = !a.isNegative() && !a.isZero();
        return a.isNaN() || positive ? a : APFloat::getZero(a.getSemantics());
      });
}

/// Rounds a float constant to an integral value in `mode`.
static Attribute foldRounding(Attribute input, RankedTensorType type,
                              APFloat::roundingMode mode) {
  return foldUnary(
      input, type, [](APInt a) { return a; },
      [&](APFloat a) {
        a.roundToIntegral(mode);
        return a;
      });
}

OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldRounding(adaptor.getInput(), getType(), APFloat::rmTowardNegative);
}

OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldRounding(adaptor.getInput(), getType(), APFloat::rmTowardPositive);
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      adaptor.getInput(), getType(), [](APInt a) { return ~a; },
      [](APFloat a) { return a; });
}

/// Folds the maximum (`takeLarger`) or minimum of two constants.
static Attribute foldExtremum(Attribute lhs, Attribute rhs, RankedTensorType type,
                              bool takeLarger) {
  return foldArithmetic(
      lhs, rhs, type,
      [&](APInt a, APInt b, bool isUnsigned) -> std::optional<APInt> {
        bool aIsLess = isUnsigned ? a.ult(b) : a.slt(b);
        return aIsLess == takeLarger ? b : a;
      },
      [&](APFloat a, APFloat b) {
        if (a.isNaN() || b.isNaN())
          return a.isNaN() ? a : b;
        return takeLarger ? maximum(a, b) : minimum(a, b);
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldExtremum(adaptor.getLhs(), adaptor.getRhs(), getType(), true);
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldExtremum(adaptor.getLhs(), adaptor.getRhs(), getType(), false);
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  if (isa<FloatType>(getType().getElementType()))
    return {};
  return foldArithmetic(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APInt a, APInt b, bool isUnsigned) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.urem(b);
        APInt r = a.srem(b);
        // The remainder takes the divisor's sign.
        if (!r.isZero() && r.isNegative() != b.isNegative())
          r += b;
        return r;
      },
      [](APFloat a, APFloat) { return a; });
}

/// Folds a logical op on two i1 constants.
template <typename Fn>
static Attribute foldLogical(Attribute lhs, Attribute rhs, RankedTensorType type,
                             Fn fn) {
  return foldArithmetic(
      lhs, rhs, type,
      [&](APInt a, APInt b, bool) -> std::optional<APInt> { return fn(a, b); },
      [](APFloat a, APFloat) { return a; });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldLogical(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](APInt a, APInt b) { return a & b; });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldLogical(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](APInt a, APInt b) { return a | b; });
}

OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldLogical(adaptor.getLhs(), adaptor.getRhs(), getType(),
                     [](APInt a, APInt b) { return a ^ b; });
}

OpFoldResult LessEqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](int order) { return order <= 0; });
}

OpFoldResult GreaterEqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](int order) { return order >= 0; });
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](int order) { return order == 0; });
}

OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](int order) { return order < 0; });
}

OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](int order) { return order > 0; });
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr condition = smallDense(adaptor.getCondition()),
                    onTrue = smallDense(adaptor.getOnTrue()),
                    onFalse = smallDense(adaptor.getOnFalse());
  if (!condition || !onTrue || !onFalse)
    return {};
  return evaluateElementwise(
      {condition, onTrue, onFalse}, getType(), [](ArrayRef<Attribute> v) {
        return cast<IntegerAttr>(v[0]).getValue().isZero() ? v[2] : v[1];
      });
}

OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = smallDense(adaptor.getInput());
  if (!input)
    return {};
  return evaluateElementwise({input}, getType(), [&](ArrayRef<Attribute> v) -> Attribute {
    auto element = cast<FloatAttr>(v[0]);
    return FloatAttr::get(element.getType(),
                          std::sqrt(element.getValueAsDouble()));
  });
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = smallDense(adaptor.getInput());
  if (!input || isByteCodedFloat(getType().getElementType()))
    return {};
  Type from = input.getElementType(), to = getType().getElementType();
  return evaluateElementwise({input}, getType(), [&](ArrayRef<Attribute> v) -> Attribute {
    if (auto integer = dyn_cast<IntegerAttr>(v[0])) {
      APInt value = integer.getValue();
      if (auto floatType = dyn_cast<FloatType>(to)) {
        APFloat result(floatType.getFloatSemantics());
        result.convertFromAPInt(value, !isUnsigned(from) && !from.isInteger(1),
                                APFloat::rmNearestTiesToEven);
        return FloatAttr::get(to, result);
      }
      unsigned width = to.getIntOrFloatBitWidth();
      if (to.isInteger(1))
        return IntegerAttr::get(to, !value.isZero());
      return IntegerAttr::get(to, isUnsigned(from) || from.isInteger(1)
                                      ? value.zextOrTrunc(width)
                                      : value.sextOrTrunc(width));
    }
    APFloat value = cast<FloatAttr>(v[0]).getValue();
    if (auto floatType = dyn_cast<FloatType>(to)) {
      bool lost;
      value.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &lost);
      return FloatAttr::get(to, value);
    }
    if (to.isInteger(1))
      return IntegerAttr::get(to, !value.isZero());
    APSInt result(to.getIntOrFloatBitWidth(), isUnsigned(to));
    bool exact;
    if (value.convertToInteger(result, APFloat::rmTowardZero, &exact) &
        APFloat::opInvalidOp)
      return Attribute(); // Out of range: undefined in ONNX, left to run time.
    return IntegerAttr::get(to, result);
  });
}

/// Every element of a small constant, or empty if it is not one.
static SmallVector<Attribute> elementsOf(Attribute attr) {
  DenseElementsAttr dense = smallDense(attr);
  if (!dense)
    return {};
  return SmallVector<Attribute>(dense.getValues<Attribute>());
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getType();
  if (!isEvaluable(type))
    return {};
  int64_t axis = getAxis();
  // Rows: the product of the dimensions before the axis.
  int64_t rows = 1;
  for (int64_t d = 0; d < axis; ++d)
    rows *= type.getDimSize(d);
  SmallVector<SmallVector<Attribute>> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    if (!smallDense(attr))
      return {};
    inputs.push_back(elementsOf(attr));
  }
  SmallVector<Attribute> result;
  for (int64_t row = 0; row < rows; ++row)
    for (const SmallVector<Attribute> &input : inputs) {
      int64_t chunk = input.size() / std::max<int64_t>(rows, 1);
      result.append(input.begin() + row * chunk,
                    input.begin() + (row + 1) * chunk);
    }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = smallDense(adaptor.getInput());
  RankedTensorType type = getType();
  if (!input || !type.hasStaticShape())
    return {};
  SmallVector<Attribute> values(input.getValues<Attribute>());
  ArrayRef<int64_t> inputShape = input.getType().getShape();
  SmallVector<Attribute> result;
  SmallVector<int64_t> index(type.getRank(), 0);
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    int64_t source = 0;
    for (int64_t d = 0; d < type.getRank(); ++d)
      source = source * inputShape[d] + getStarts()[d] + index[d] * getSteps()[d];
    result.push_back(values[source]);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = smallDense(adaptor.getInput()),
                    indices = smallDense(adaptor.getIndices());
  RankedTensorType type = getType();
  if (!input || !indices || !type.hasStaticShape())
    return {};
  SmallVector<Attribute> values(input.getValues<Attribute>());
  ArrayRef<int64_t> shape = input.getType().getShape();
  int64_t axis = getAxis(), size = shape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (APInt index : indices.getValues<APInt>()) {
      int64_t i = index.getSExtValue();
      if (i < 0)
        i += size;
      if (i < 0 || i >= size)
        return {}; // Out of range: reported at run time, not folded.
      for (int64_t n = 0; n < inner; ++n)
        result.push_back(values[(o * size + i) * inner + n]);
    }
  return DenseElementsAttr::get(type, result);
}

} // namespace mocc::moc
