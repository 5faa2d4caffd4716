//===- LowPrecision.cpp - float8 and sub-byte integers below moc ----------===//
//
// LLVM has no float8 types, and ONNX's 4- and 2-bit integers wrap rather
// than saturate. Below moc, tensors of those types hold one byte per element:
// float8 as its bit pattern, a 4- or 2-bit integer sign- or zero-extended.
// Casts decode float8 to f32 exactly and encode f32 with round-to-nearest-
// even, as ml_dtypes (ONNX's reference) does: without saturation, values
// beyond the largest finite one become infinity (E5M2) or NaN.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The bit layout and special values of one float8 format.
struct Float8Format {
  unsigned mantissaBits;
  int bias;
  /// The code of the largest finite magnitude.
  unsigned maxFinite;
  /// FNUZ formats: no infinity, no negative zero, one NaN (0x80).
  bool fnuz;
  /// Has infinities (E5M2): codes above maxFinite with a zero mantissa.
  bool hasInfinity;
};

Float8Format formatOf(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return {3, 7, 0x7e, false, false};
  if (isa<Float8E4M3FNUZType>(type))
    return {3, 8, 0x7f, true, false};
  if (isa<Float8E5M2Type>(type))
    return {2, 15, 0x7b, false, true};
  assert(isa<Float8E5M2FNUZType>(type) && "not a float8 type mocc imports");
  return {2, 16, 0x7f, true, false};
}

/// Scalar integer and float constants.
struct Constants {
  OpBuilder &b;
  Location loc;
  Value i32(int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 32);
  }
  Value f32(float value) {
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
  }
};

} // namespace

bool isFloat8(Type mocElement) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType>(mocElement);
}

bool isStoredAsByte(Type mocElement) {
  if (auto integer = dyn_cast<IntegerType>(mocElement))
    return integer.getWidth() > 1 && integer.getWidth() < 8;
  return isFloat8(mocElement);
}

Value decodeFloat8(OpBuilder &b, Location loc, Value code, Type format) {
  Float8Format f = formatOf(format);
  Constants c{b, loc};
  Value bits = b.create<arith::ExtUIOp>(loc, b.getI32Type(), code);
  Value magnitude = b.create<arith::AndIOp>(loc, bits, c.i32(0x7f));
  Value exponent = b.create<arith::ShRUIOp>(loc, magnitude, c.i32(f.mantissaBits));
  Value mantissa = b.create<arith::AndIOp>(
      loc, bits, c.i32((1 << f.mantissaBits) - 1));
  // Normal: the f32 with the same exponent and mantissa.
  Value normalBits = b.create<arith::OrIOp>(
      loc,
      b.create<arith::ShLIOp>(
          loc, b.create<arith::AddIOp>(loc, exponent, c.i32(127 - f.bias)),
          c.i32(23)),
      b.create<arith::ShLIOp>(loc, mantissa, c.i32(23 - f.mantissaBits)));
  Value normal = b.create<arith::BitcastOp>(loc, b.getF32Type(), normalBits);
  // Subnormal: mantissa x 2^(1 - bias - mantissaBits).
  Value subnormal = b.create<arith::MulFOp>(
      loc, b.create<arith::UIToFPOp>(loc, b.getF32Type(), mantissa),
      c.f32(std::ldexp(1.0f, 1 - f.bias - int(f.mantissaBits))));
  Value isSubnormal = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                              exponent, c.i32(0));
  Value value = b.create<arith::SelectOp>(loc, isSubnormal, subnormal, normal);
  if (f.hasInfinity) {
    Value top = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt,
                                        magnitude, c.i32(f.maxFinite));
    Value isNaN = b.create<arith::AndIOp>(
        loc, top,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, mantissa,
                                c.i32(0)));
    value = b.create<arith::SelectOp>(
        loc, top,
        b.create<arith::SelectOp>(loc, isNaN, c.f32(NAN), c.f32(INFINITY)),
        value);
  } else if (!f.fnuz) {
    value = b.create<arith::SelectOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt, magnitude,
                                c.i32(f.maxFinite)),
        c.f32(NAN), value);
  }
  Value negative = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge,
                                           bits, c.i32(0x80));
  value = b.create<arith::SelectOp>(
      loc, negative, b.create<arith::NegFOp>(loc, value), value);
  if (f.fnuz) // 0x80, "negative zero", is the NaN.
    value = b.create<arith::SelectOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, bits,
                                c.i32(0x80)),
        c.f32(NAN), value);
  return value;
}

Value encodeFloat8(OpBuilder &b, Location loc, Value value, Type format) {
  Float8Format f = formatOf(format);
  Constants c{b, loc};
  int minNormalExponent = 1 - f.bias;
  Value bits = b.create<arith::BitcastOp>(loc, b.getI32Type(), value);
  Value sign = b.create<arith::ShRUIOp>(loc, bits, c.i32(31));
  Value magnitudeBits = b.create<arith::AndIOp>(loc, bits, c.i32(0x7fffffff));
  Value magnitude =
      b.create<arith::BitcastOp>(loc, b.getF32Type(), magnitudeBits);
  // Below the smallest normal: a multiple of the smallest subnormal, where
  // rounding up to 2^mantissaBits gives the smallest normal's code.
  Value subnormalCode = b.create<arith::FPToUIOp>(
      loc, b.getI32Type(),
      b.create<math::RoundEvenOp>(
          loc, b.create<arith::MulFOp>(
                   loc, magnitude,
                   c.f32(std::ldexp(1.0f, int(f.mantissaBits) -
                                              minNormalExponent)))));
  // Normal: the mantissa rounded at this exponent; a carry into the next
  // exponent adds one to the exponent field, as it should.
  Value exponent = b.create<arith::SubIOp>(
      loc, b.create<arith::ShRUIOp>(loc, magnitudeBits, c.i32(23)),
      c.i32(127));
  Value scale = b.create<arith::BitcastOp>(
      loc, b.getF32Type(),
      b.create<arith::ShLIOp>(
          loc,
          b.create<arith::SubIOp>(loc, c.i32(127 + f.mantissaBits), exponent),
          c.i32(23)));
  Value rounded = b.create<arith::FPToUIOp>(
      loc, b.getI32Type(),
      b.create<math::RoundEvenOp>(
          loc, b.create<arith::MulFOp>(loc, magnitude, scale)));
  Value normalCode = b.create<arith::AddIOp>(
      loc,
      b.create<arith::ShLIOp>(
          loc, b.create<arith::AddIOp>(loc, exponent, c.i32(f.bias - 1)),
          c.i32(f.mantissaBits)),
      rounded);
  Value isSubnormal = b.create<arith::CmpFOp>(
      loc, arith::CmpFPredicate::OLT, magnitude,
      c.f32(std::ldexp(1.0f, minNormalExponent)));
  Value code =
      b.create<arith::SelectOp>(loc, isSubnormal, subnormalCode, normalCode);
  // Too large, infinite or NaN. Those codes were computed from an infinite
  // or NaN product (poison once converted): selects, not logic, drop them.
  Value overflowCode = c.i32(f.fnuz ? 0x80 : f.hasInfinity ? 0x7c : 0x7f);
  Value tooLarge = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt,
                                           code, c.i32(f.maxFinite));
  code = b.create<arith::SelectOp>(loc, tooLarge, overflowCode, code);
  Value isInfinite = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq, magnitudeBits, c.i32(0x7f800000));
  code = b.create<arith::SelectOp>(loc, isInfinite, overflowCode, code);
  Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, value,
                                        value);
  Value nanCode = c.i32(f.fnuz ? 0x80 : f.hasInfinity ? 0x7e : 0x7f);
  code = b.create<arith::SelectOp>(loc, isNaN, nanCode, code);
  // The sign, except on FNUZ's zero and NaN.
  Value signed_ = b.create<arith::OrIOp>(
      loc, code, b.create<arith::ShLIOp>(loc, sign, c.i32(7)));
  if (f.fnuz) {
    Value keep = b.create<arith::OrIOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, code, c.i32(0)),
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, code,
                                c.i32(0x80)));
    signed_ = b.create<arith::SelectOp>(loc, keep, code, signed_);
  }
  return b.create<arith::TruncIOp>(loc, b.getI8Type(), signed_);
}

Value castScalar(OpBuilder &b, Location loc, Value value, Type from, Type to,
                 Type loweredTo) {
  bool fromUnsigned = isUnsignedInteger(from);
  bool toUnsigned = isUnsignedInteger(to);
  // Float8 computes as f32; 4- and 2-bit integers as their byte.
  if (isFloat8(from)) {
    value = decodeFloat8(b, loc, value, from);
    fromUnsigned = false;
  }
  if (isFloat8(to)) {
    Value wide = createNumericCast(b, loc, value, b.getF32Type(), fromUnsigned,
                                   /*toUnsigned=*/false);
    return encodeFloat8(b, loc, wide, to);
  }
  auto narrow = dyn_cast<IntegerType>(to);
  if (!narrow || !isStoredAsByte(to))
    return createNumericCast(b, loc, value, loweredTo, fromUnsigned,
                             toUnsigned);
  // Wraps modulo 2^width, as numpy's integer casts do.
  Value wide = createNumericCast(b, loc, value, b.getI64Type(), fromUnsigned,
                                 /*toUnsigned=*/false);
  Value bits = b.create<arith::TruncIOp>(
      loc, b.getIntegerType(narrow.getWidth()), wide);
  if (toUnsigned)
    return b.create<arith::ExtUIOp>(loc, loweredTo, bits);
  return b.create<arith::ExtSIOp>(loc, loweredTo, bits);
}

} // namespace mocc::moc_to_linalg
