//===- Elementwise.cpp - Lowering of elementwise moc ops ------------------===//
//
// Unary, parameterized unary, binary, select and cast ops become one
// `linalg.generic` each; numpy broadcasting lives in the indexing maps. The
// scalar code follows ONNX: integer division truncates, `mod` takes the sign
// of the divisor, max/min propagate NaN, rounding is half to even, and
// unsigned element types pick unsigned arithmetic. 16-bit floats compute the
// transcendental functions in f32.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// What the scalar code of an elementwise op needs besides its arguments.
struct ScalarContext {
  Operation *op;
  /// The moc-level element type of the data operands (it keeps signedness).
  Type operandElement;
  /// The moc-level element type of the result.
  Type resultElement;
  /// The converted (signless) element type of the result.
  Type loweredResultElement;

  bool isUnsigned() const { return isUnsignedInteger(operandElement); }
};

using ScalarFn = Value (*)(OpBuilder &, Location, ValueRange,
                           const ScalarContext &);

template <typename OpTy>
class ElementwiseLowering : public OpConversionPattern<OpTy> {
public:
  ElementwiseLowering(TypeConverter &converter, MLIRContext *context,
                      ScalarFn scalar)
      : OpConversionPattern<OpTy>(converter, context), scalar(scalar) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = convertedResultType(*this, op);
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    // A cast that only changes signedness changes nothing below moc (one
    // from or to a type stored in a byte changes the byte).
    if (isa<moc::CastOp>(op) &&
        adaptor.getOperands().front().getType() == resultType &&
        !isStoredAsByte(elementOf(op->getOperand(0).getType())) &&
        !isStoredAsByte(elementOf(op.getType()))) {
      rewriter.replaceOp(op, adaptor.getOperands().front());
      return success();
    }
    // The data operands come last (select's condition comes first).
    ScalarContext context{op, elementOf(op->getOperands().back().getType()),
                          elementOf(op.getType()), resultType.getElementType()};
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalar(b, loc, args, context);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  ScalarFn scalar;
};

//===----------------------------------------------------------------------===//
// Scalar helpers
//===----------------------------------------------------------------------===//

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  return scalarConstant(b, loc, type, value);
}

/// Applies `fn` to float `x` in its compute type (f32 for 16-bit floats).
template <typename Fn>
Value inComputeType(OpBuilder &b, Location loc, Value x, Fn fn) {
  Type type = x.getType();
  Type compute = computeTypeOf(type);
  Value result = fn(convertFloat(b, loc, x, compute));
  return convertFloat(b, loc, result, type);
}

template <typename Fn>
Value inComputeType(OpBuilder &b, Location loc, Value x, Value y, Fn fn) {
  Type type = x.getType();
  Type compute = computeTypeOf(type);
  Value result =
      fn(convertFloat(b, loc, x, compute), convertFloat(b, loc, y, compute));
  return convertFloat(b, loc, result, type);
}

/// A unary math-dialect op in the compute type.
template <typename MathOp>
Value mathUnary(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &) {
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    return b.create<MathOp>(loc, x);
  });
}

Value cmpF(OpBuilder &b, Location loc, arith::CmpFPredicate predicate, Value x,
           Value y) {
  return b.create<arith::CmpFOp>(loc, predicate, x, y);
}

Value cmpI(OpBuilder &b, Location loc, arith::CmpIPredicate predicate, Value x,
           Value y) {
  return b.create<arith::CmpIOp>(loc, predicate, x, y);
}

Value select(OpBuilder &b, Location loc, Value condition, Value x, Value y) {
  return b.create<arith::SelectOp>(loc, condition, x, y);
}

bool isFloat(Value value) { return isa<FloatType>(value.getType()); }

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

Value lowerAbs(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  Value x = args[0];
  if (isFloat(x))
    return b.create<math::AbsFOp>(loc, x);
  if (context.isUnsigned())
    return x;
  return b.create<math::AbsIOp>(loc, x);
}

Value lowerNeg(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &) {
  Value x = args[0];
  if (isFloat(x))
    return b.create<arith::NegFOp>(loc, x);
  return b.create<arith::SubIOp>(loc, constant(b, loc, x.getType(), 0), x);
}

Value lowerSign(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  Value x = args[0];
  Type type = x.getType();
  Value zero = constant(b, loc, type, 0), one = constant(b, loc, type, 1);
  if (isFloat(x)) {
    // Zeros and NaN map to themselves.
    Value negative =
        select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OLT, x, zero),
               constant(b, loc, type, -1), x);
    return select(b, loc, cmpF(b, loc, arith::CmpFPredicate::OGT, x, zero), one,
                  negative);
  }
  if (context.isUnsigned())
    return select(b, loc, cmpI(b, loc, arith::CmpIPredicate::ne, x, zero), one,
                  zero);
  Value negative =
      select(b, loc, cmpI(b, loc, arith::CmpIPredicate::slt, x, zero),
             constant(b, loc, type, -1), zero);
  return select(b, loc, cmpI(b, loc, arith::CmpIPredicate::sgt, x, zero), one,
                negative);
}

Value lowerRelu(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  Value x = args[0];
  if (!isFloat(x) && context.isUnsigned())
    return x;
  return createMax(b, loc, x, constant(b, loc, x.getType(), 0),
                   /*isUnsigned=*/false);
}

Value lowerAsin(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &) {
  // asin(x) = atan2(x, sqrt((1 - x)(1 + x))): MLIR's polynomial approximation
  // of math.asin loses two digits near +-1, atan2's does not. |x| > 1 gives
  // NaN through the square root.
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Value one = constant(b, loc, x.getType(), 1);
    Value product =
        b.create<arith::MulFOp>(loc, b.create<arith::SubFOp>(loc, one, x),
                                b.create<arith::AddFOp>(loc, one, x));
    return b.create<math::Atan2Op>(loc, x,
                                   b.create<math::SqrtOp>(loc, product));
  });
}

Value lowerReciprocal(OpBuilder &b, Location loc, ValueRange args,
                      const ScalarContext &) {
  Value x = args[0];
  return b.create<arith::DivFOp>(loc, constant(b, loc, x.getType(), 1), x);
}

Value lowerSigmoid(OpBuilder &b, Location loc, ValueRange args,
                   const ScalarContext &) {
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Type type = x.getType();
    Value one = constant(b, loc, type, 1);
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
    return b.create<arith::DivFOp>(loc, one,
                                   b.create<arith::AddFOp>(loc, one, e));
  });
}

Value lowerSoftplus(OpBuilder &b, Location loc, ValueRange args,
                    const ScalarContext &) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), which never overflows.
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Value zero = constant(b, loc, x.getType(), 0);
    Value negAbs = b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x));
    Value tail =
        b.create<math::Log1pOp>(loc, b.create<math::ExpOp>(loc, negAbs));
    return b.create<arith::AddFOp>(
        loc, b.create<arith::MaximumFOp>(loc, x, zero), tail);
  });
}

Value lowerSoftsign(OpBuilder &b, Location loc, ValueRange args,
                    const ScalarContext &) {
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Value one = constant(b, loc, x.getType(), 1);
    Value denominator =
        b.create<arith::AddFOp>(loc, one, b.create<math::AbsFOp>(loc, x));
    return b.create<arith::DivFOp>(loc, x, denominator);
  });
}

Value lowerNot(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &) {
  return b.create<arith::XOrIOp>(loc, args[0],
                                 constant(b, loc, args[0].getType(), 1));
}

Value lowerBitwiseNot(OpBuilder &b, Location loc, ValueRange args,
                      const ScalarContext &) {
  return b.create<arith::XOrIOp>(loc, args[0],
                                 constant(b, loc, args[0].getType(), -1));
}

//===----------------------------------------------------------------------===//
// Unary with parameters
//===----------------------------------------------------------------------===//

template <typename OpTy> double alphaOf(const ScalarContext &context) {
  return cast<OpTy>(context.op).getAlpha().convertToDouble();
}

Value lowerLeakyRelu(OpBuilder &b, Location loc, ValueRange args,
                     const ScalarContext &context) {
  Value x = args[0];
  Type type = x.getType();
  Value scaled = b.create<arith::MulFOp>(
      loc, x, constant(b, loc, type, alphaOf<moc::LeakyReluOp>(context)));
  return select(
      b, loc,
      cmpF(b, loc, arith::CmpFPredicate::OLT, x, constant(b, loc, type, 0)),
      scaled, x);
}

/// alpha * (e^x - 1), in the compute type `x` already has.
Value expMinusOne(OpBuilder &b, Location loc, Value x, double alpha) {
  Value em1 = b.create<math::ExpM1Op>(loc, x);
  return b.create<arith::MulFOp>(loc, em1,
                                 constant(b, loc, x.getType(), alpha));
}

Value lowerElu(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  double alpha = alphaOf<moc::EluOp>(context);
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Value negative = cmpF(b, loc, arith::CmpFPredicate::OLT, x,
                          constant(b, loc, x.getType(), 0));
    return select(b, loc, negative, expMinusOne(b, loc, x, alpha), x);
  });
}

Value lowerCelu(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  double alpha = alphaOf<moc::CeluOp>(context);
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Type type = x.getType();
    Value zero = constant(b, loc, type, 0);
    Value scaled =
        b.create<arith::DivFOp>(loc, x, constant(b, loc, type, alpha));
    Value negativePart = b.create<arith::MinimumFOp>(
        loc, zero, expMinusOne(b, loc, scaled, alpha));
    return b.create<arith::AddFOp>(
        loc, b.create<arith::MaximumFOp>(loc, x, zero), negativePart);
  });
}

Value lowerSelu(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  auto op = cast<moc::SeluOp>(context.op);
  double alpha = op.getAlpha().convertToDouble();
  double gamma = op.getGamma().convertToDouble();
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Type type = x.getType();
    Value positive =
        cmpF(b, loc, arith::CmpFPredicate::OGT, x, constant(b, loc, type, 0));
    Value inner = select(b, loc, positive, x, expMinusOne(b, loc, x, alpha));
    return b.create<arith::MulFOp>(loc, inner, constant(b, loc, type, gamma));
  });
}

Value lowerHardSigmoid(OpBuilder &b, Location loc, ValueRange args,
                       const ScalarContext &context) {
  auto op = cast<moc::HardSigmoidOp>(context.op);
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Type type = x.getType();
    Value linear = b.create<arith::AddFOp>(
        loc, b.create<arith::MulFOp>(loc, x, constant(b, loc, type, alpha)),
        constant(b, loc, type, beta));
    Value upper =
        b.create<arith::MinimumFOp>(loc, linear, constant(b, loc, type, 1));
    return b.create<arith::MaximumFOp>(loc, upper, constant(b, loc, type, 0));
  });
}

Value lowerThresholdedRelu(OpBuilder &b, Location loc, ValueRange args,
                           const ScalarContext &context) {
  Value x = args[0];
  Type type = x.getType();
  Value above =
      cmpF(b, loc, arith::CmpFPredicate::OGT, x,
           constant(b, loc, type, alphaOf<moc::ThresholdedReluOp>(context)));
  return select(b, loc, above, x, constant(b, loc, type, 0));
}

Value lowerGelu(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  bool approximate = cast<moc::GeluOp>(context.op).getTanhApproximation();
  return inComputeType(b, loc, args[0], [&](Value x) -> Value {
    Type type = x.getType();
    Value half = constant(b, loc, type, 0.5);
    Value one = constant(b, loc, type, 1);
    Value phi2; // 1 + erf(x / sqrt 2), or its tanh approximation.
    if (approximate) {
      // tanh(sqrt(2 / pi) * (x + 0.044715 x^3))
      Value cube =
          b.create<arith::MulFOp>(loc, b.create<arith::MulFOp>(loc, x, x), x);
      Value inner = b.create<arith::AddFOp>(
          loc, x,
          b.create<arith::MulFOp>(loc, cube, constant(b, loc, type, 0.044715)));
      Value scaled = b.create<arith::MulFOp>(
          loc, inner, constant(b, loc, type, std::sqrt(2.0 / M_PI)));
      phi2 = b.create<arith::AddFOp>(loc, one,
                                     b.create<math::TanhOp>(loc, scaled));
    } else {
      Value scaled =
          b.create<arith::MulFOp>(loc, x, constant(b, loc, type, M_SQRT1_2));
      phi2 =
          b.create<arith::AddFOp>(loc, one, b.create<math::ErfOp>(loc, scaled));
    }
    return b.create<arith::MulFOp>(loc, b.create<arith::MulFOp>(loc, half, x),
                                   phi2);
  });
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

Value lowerAdd(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &) {
  return createAdd(b, loc, args[0], args[1]);
}

Value lowerSub(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &) {
  if (isFloat(args[0]))
    return b.create<arith::SubFOp>(loc, args[0], args[1]);
  return b.create<arith::SubIOp>(loc, args[0], args[1]);
}

Value lowerMul(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &) {
  return createMul(b, loc, args[0], args[1]);
}

Value lowerDiv(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  return createDiv(b, loc, args[0], args[1], context.isUnsigned());
}

/// `base ^ exponent` on integers by squaring, one step per exponent bit (an
/// scf.for rather than math.ipowi, which needs a library function). Negative
/// exponents give 1 / base^-e truncated: 1 for 1, +-1 for -1, 0 otherwise.
Value integerPower(OpBuilder &b, Location loc, Value base, Value exponent,
                   bool isUnsigned) {
  Type type = base.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  Value zero = constant(b, loc, type, 0), one = constant(b, loc, type, 1);
  Value lower = b.create<arith::ConstantIndexOp>(loc, 0);
  Value upper = b.create<arith::ConstantIndexOp>(loc, width);
  Value step = b.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = b.create<scf::ForOp>(
      loc, lower, upper, step, ValueRange{one, base, exponent},
      [&](OpBuilder &nested, Location l, Value, ValueRange state) {
        Value result = state[0], power = state[1], rest = state[2];
        Value bit = nested.create<arith::AndIOp>(l, rest, one);
        Value odd = nested.create<arith::CmpIOp>(l, arith::CmpIPredicate::ne,
                                                 bit, zero);
        Value multiplied = nested.create<arith::MulIOp>(l, result, power);
        result = nested.create<arith::SelectOp>(l, odd, multiplied, result);
        power = nested.create<arith::MulIOp>(l, power, power);
        rest = nested.create<arith::ShRUIOp>(l, rest, one);
        nested.create<scf::YieldOp>(l, ValueRange{result, power, rest});
      });
  Value positive = loop.getResult(0);
  if (isUnsigned)
    return positive;
  Value negativeExponent =
      cmpI(b, loc, arith::CmpIPredicate::slt, exponent, zero);
  Value isOne = cmpI(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne =
      cmpI(b, loc, arith::CmpIPredicate::eq, base, constant(b, loc, type, -1));
  Value oddExponent = cmpI(b, loc, arith::CmpIPredicate::ne,
                           b.create<arith::AndIOp>(loc, exponent, one), zero);
  Value minusOnePower =
      select(b, loc, oddExponent, constant(b, loc, type, -1), one);
  Value reciprocal = select(b, loc, isOne, one,
                            select(b, loc, isMinusOne, minusOnePower, zero));
  return select(b, loc, negativeExponent, reciprocal, positive);
}

Value lowerPow(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  if (isFloat(args[0]))
    return inComputeType(b, loc, args[0], args[1], [&](Value x, Value y) {
      return b.create<math::PowFOp>(loc, x, y).getResult();
    });
  return integerPower(b, loc, args[0], args[1], context.isUnsigned());
}

Value lowerMax(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  return createMax(b, loc, args[0], args[1], context.isUnsigned());
}

Value lowerMin(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  return createMin(b, loc, args[0], args[1], context.isUnsigned());
}

/// The C remainder (sign of the dividend).
Value remainder(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isFloat(x))
    return inComputeType(b, loc, x, y, [&](Value cx, Value cy) {
      return b.create<arith::RemFOp>(loc, cx, cy).getResult();
    });
  if (isUnsigned)
    return b.create<arith::RemUIOp>(loc, x, y);
  return b.create<arith::RemSIOp>(loc, x, y);
}

Value lowerMod(OpBuilder &b, Location loc, ValueRange args,
               const ScalarContext &context) {
  Value x = args[0], y = args[1];
  Value rem = remainder(b, loc, x, y, context.isUnsigned());
  if (!isFloat(x) && context.isUnsigned())
    return rem;
  // Move a non-zero remainder whose sign differs from the divisor's by one
  // divisor, as Python's % does.
  Value zero = constant(b, loc, x.getType(), 0);
  Value nonZero, remNegative, divisorNegative;
  if (isFloat(x)) {
    nonZero = cmpF(b, loc, arith::CmpFPredicate::ONE, rem, zero);
    remNegative = cmpF(b, loc, arith::CmpFPredicate::OLT, rem, zero);
    divisorNegative = cmpF(b, loc, arith::CmpFPredicate::OLT, y, zero);
  } else {
    nonZero = cmpI(b, loc, arith::CmpIPredicate::ne, rem, zero);
    remNegative = cmpI(b, loc, arith::CmpIPredicate::slt, rem, zero);
    divisorNegative = cmpI(b, loc, arith::CmpIPredicate::slt, y, zero);
  }
  Value signsDiffer =
      b.create<arith::XOrIOp>(loc, remNegative, divisorNegative);
  Value adjust = b.create<arith::AndIOp>(loc, nonZero, signsDiffer);
  Value result = select(b, loc, adjust, createAdd(b, loc, rem, y), rem);
  if (!isFloat(x))
    return result;
  // A zero remainder takes the divisor's sign, as in numpy.
  Value isZero = cmpF(b, loc, arith::CmpFPredicate::OEQ, rem, zero);
  return select(b, loc, isZero, b.create<math::CopySignOp>(loc, rem, y),
                result);
}

Value lowerFmod(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  return remainder(b, loc, args[0], args[1], context.isUnsigned());
}

Value lowerPRelu(OpBuilder &b, Location loc, ValueRange args,
                 const ScalarContext &context) {
  Value x = args[0], slope = args[1];
  if (!isFloat(x) && context.isUnsigned())
    return x;
  Value zero = constant(b, loc, x.getType(), 0);
  Value negative = isFloat(x)
                       ? cmpF(b, loc, arith::CmpFPredicate::OLT, x, zero)
                       : cmpI(b, loc, arith::CmpIPredicate::slt, x, zero);
  return select(b, loc, negative, createMul(b, loc, x, slope), x);
}

template <typename ArithOp>
Value lowerIntegerBinary(OpBuilder &b, Location loc, ValueRange args,
                         const ScalarContext &) {
  return b.create<ArithOp>(loc, args[0], args[1]);
}

/// `x << y`; amounts out of [0, width) give 0 (ONNX BitShift).
Value lowerShiftLeft(OpBuilder &b, Location loc, ValueRange args,
                     const ScalarContext &) {
  Value x = args[0], amount = args[1];
  Type type = x.getType();
  Value shifted = b.create<arith::ShLIOp>(loc, x, amount);
  // Negative amounts are huge when read as unsigned.
  Value inRange = cmpI(b, loc, arith::CmpIPredicate::ult, amount,
                       constant(b, loc, type, type.getIntOrFloatBitWidth()));
  return select(b, loc, inRange, shifted, constant(b, loc, type, 0));
}

/// `x >> y`: logical for unsigned, arithmetic for signed types; amounts out
/// of [0, width) shift every bit out (0, or -1 for negative signed x).
Value lowerShiftRight(OpBuilder &b, Location loc, ValueRange args,
                      const ScalarContext &context) {
  Value x = args[0], amount = args[1];
  Type type = x.getType();
  Value zero = constant(b, loc, type, 0);
  Value inRange = cmpI(b, loc, arith::CmpIPredicate::ult, amount,
                       constant(b, loc, type, type.getIntOrFloatBitWidth()));
  if (context.isUnsigned())
    return select(b, loc, inRange, b.create<arith::ShRUIOp>(loc, x, amount),
                  zero);
  Value negative = cmpI(b, loc, arith::CmpIPredicate::slt, x, zero);
  Value allOut = select(b, loc, negative, constant(b, loc, type, -1), zero);
  return select(b, loc, inRange, b.create<arith::ShRSIOp>(loc, x, amount),
                allOut);
}

/// A comparison: ordered float predicates (false with NaN), and signed or
/// unsigned integer ones.
template <arith::CmpFPredicate FloatPredicate,
          arith::CmpIPredicate SignedPredicate,
          arith::CmpIPredicate UnsignedPredicate>
Value lowerCompare(OpBuilder &b, Location loc, ValueRange args,
                   const ScalarContext &context) {
  if (isFloat(args[0]))
    return cmpF(b, loc, FloatPredicate, args[0], args[1]);
  bool isUnsigned = context.isUnsigned() || args[0].getType().isInteger(1);
  return cmpI(b, loc, isUnsigned ? UnsignedPredicate : SignedPredicate, args[0],
              args[1]);
}

//===----------------------------------------------------------------------===//
// Select and cast
//===----------------------------------------------------------------------===//

Value lowerSelect(OpBuilder &b, Location loc, ValueRange args,
                  const ScalarContext &) {
  return select(b, loc, args[0], args[1], args[2]);
}

Value lowerCast(OpBuilder &b, Location loc, ValueRange args,
                const ScalarContext &context) {
  auto op = cast<moc::CastOp>(context.op);
  PowerCast power{op.getPowerRounding().value_or(moc::PowerRounding::up),
                  op.getSaturate()};
  return castScalar(b, loc, args[0], context.operandElement,
                    context.resultElement, context.loweredResultElement, power);
}

Value lowerBitcast(OpBuilder &b, Location loc, ValueRange args,
                   const ScalarContext &context) {
  // Float8 is already its bits below moc, a byte-coded float its code.
  if (args[0].getType() == context.loweredResultElement)
    return args[0];
  return b.create<arith::BitcastOp>(loc, context.loweredResultElement, args[0]);
}

template <typename OpTy>
void add(RewritePatternSet &patterns, TypeConverter &converter,
         ScalarFn scalar) {
  patterns.add<ElementwiseLowering<OpTy>>(converter, patterns.getContext(),
                                          scalar);
}

} // namespace

void populateElementwisePatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns) {
  using namespace moc;
  using P = arith::CmpIPredicate;
  using F = arith::CmpFPredicate;
  // Unary.
  add<AbsOp>(patterns, converter, lowerAbs);
  add<NegOp>(patterns, converter, lowerNeg);
  add<SignOp>(patterns, converter, lowerSign);
  add<ReluOp>(patterns, converter, lowerRelu);
  add<ExpOp>(patterns, converter, mathUnary<math::ExpOp>);
  add<LogOp>(patterns, converter, mathUnary<math::LogOp>);
  add<SqrtOp>(patterns, converter, mathUnary<math::SqrtOp>);
  add<ReciprocalOp>(patterns, converter, lowerReciprocal);
  add<SinOp>(patterns, converter, mathUnary<math::SinOp>);
  add<CosOp>(patterns, converter, mathUnary<math::CosOp>);
  add<TanOp>(patterns, converter, mathUnary<math::TanOp>);
  add<AsinOp>(patterns, converter, lowerAsin);
  add<AcosOp>(patterns, converter, mathUnary<math::AcosOp>);
  add<AtanOp>(patterns, converter, mathUnary<math::AtanOp>);
  add<SinhOp>(patterns, converter, mathUnary<math::SinhOp>);
  add<CoshOp>(patterns, converter, mathUnary<math::CoshOp>);
  add<TanhOp>(patterns, converter, mathUnary<math::TanhOp>);
  add<AsinhOp>(patterns, converter, mathUnary<math::AsinhOp>);
  add<AcoshOp>(patterns, converter, mathUnary<math::AcoshOp>);
  add<AtanhOp>(patterns, converter, mathUnary<math::AtanhOp>);
  add<ErfOp>(patterns, converter, mathUnary<math::ErfOp>);
  add<SigmoidOp>(patterns, converter, lowerSigmoid);
  add<SoftplusOp>(patterns, converter, lowerSoftplus);
  add<SoftsignOp>(patterns, converter, lowerSoftsign);
  add<FloorOp>(patterns, converter, mathUnary<math::FloorOp>);
  add<CeilOp>(patterns, converter, mathUnary<math::CeilOp>);
  add<RoundOp>(patterns, converter, mathUnary<math::RoundEvenOp>);
  add<NotOp>(patterns, converter, lowerNot);
  add<BitwiseNotOp>(patterns, converter, lowerBitwiseNot);
  // Unary with parameters.
  add<LeakyReluOp>(patterns, converter, lowerLeakyRelu);
  add<EluOp>(patterns, converter, lowerElu);
  add<CeluOp>(patterns, converter, lowerCelu);
  add<SeluOp>(patterns, converter, lowerSelu);
  add<HardSigmoidOp>(patterns, converter, lowerHardSigmoid);
  add<ThresholdedReluOp>(patterns, converter, lowerThresholdedRelu);
  add<GeluOp>(patterns, converter, lowerGelu);
  // Binary.
  add<AddOp>(patterns, converter, lowerAdd);
  add<SubOp>(patterns, converter, lowerSub);
  add<MulOp>(patterns, converter, lowerMul);
  add<DivOp>(patterns, converter, lowerDiv);
  add<PowOp>(patterns, converter, lowerPow);
  add<MaxOp>(patterns, converter, lowerMax);
  add<MinOp>(patterns, converter, lowerMin);
  add<ModOp>(patterns, converter, lowerMod);
  add<FmodOp>(patterns, converter, lowerFmod);
  add<PReluOp>(patterns, converter, lowerPRelu);
  add<AndOp>(patterns, converter, lowerIntegerBinary<arith::AndIOp>);
  add<OrOp>(patterns, converter, lowerIntegerBinary<arith::OrIOp>);
  add<XorOp>(patterns, converter, lowerIntegerBinary<arith::XOrIOp>);
  add<BitwiseAndOp>(patterns, converter, lowerIntegerBinary<arith::AndIOp>);
  add<BitwiseOrOp>(patterns, converter, lowerIntegerBinary<arith::OrIOp>);
  add<BitwiseXorOp>(patterns, converter, lowerIntegerBinary<arith::XOrIOp>);
  add<ShiftLeftOp>(patterns, converter, lowerShiftLeft);
  add<ShiftRightOp>(patterns, converter, lowerShiftRight);
  add<EqualOp>(patterns, converter, lowerCompare<F::OEQ, P::eq, P::eq>);
  add<LessOp>(patterns, converter, lowerCompare<F::OLT, P::slt, P::ult>);
  add<LessEqualOp>(patterns, converter, lowerCompare<F::OLE, P::sle, P::ule>);
  add<GreaterOp>(patterns, converter, lowerCompare<F::OGT, P::sgt, P::ugt>);
  add<GreaterEqualOp>(patterns, converter,
                      lowerCompare<F::OGE, P::sge, P::uge>);
  // Select and cast.
  add<SelectOp>(patterns, converter, lowerSelect);
  add<CastOp>(patterns, converter, lowerCast);
  add<BitcastOp>(patterns, converter, lowerBitcast);
}

} // namespace mocc::moc_to_linalg
