//===- LowPrecision.cpp - float8, float4 and sub-byte integers below moc --===//
//
// LLVM has no float8 or float4 types, and ONNX's 4- and 2-bit integers wrap
// rather than saturate. Below moc, tensors of those types hold one byte per
// element: a float8 or float4 code (float4 in the low 4 bits), a 4- or 2-bit
// integer sign- or zero-extended. Casts decode the codes to f32 exactly and
// encode f32 as ml_dtypes (ONNX's reference) does: to nearest even, without
// saturation for float8 (values beyond the largest finite one become
// infinity (E5M2) or NaN), saturating for float4 (it has neither). E8M0, a
// power of two, keeps an f32's exponent, rounded as its cast says.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// The bit layout and special values of one float8 or float4 format.
struct SmallFloatFormat {
  /// The sign's bit: 7 (float8) or 3 (float4).
  unsigned signBit;
  unsigned mantissaBits;
  int bias;
  /// The code of the largest finite magnitude.
  unsigned maxFinite;
  /// FNUZ formats: no infinity, no negative zero, one NaN (0x80).
  bool fnuz;
  /// Has infinities (E5M2): codes above maxFinite with a zero mantissa.
  bool hasInfinity;
  /// No infinity and no NaN (E2M1): out-of-range values saturate.
  bool saturates;
};

SmallFloatFormat formatOf(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return {7, 3, 7, 0x7e, false, false, false};
  if (isa<Float8E4M3FNUZType>(type))
    return {7, 3, 8, 0x7f, true, false, false};
  if (isa<Float8E5M2Type>(type))
    return {7, 2, 15, 0x7b, false, true, false};
  if (isa<moc::Float4E2M1FNType>(type))
    return {3, 1, 1, 0x7, false, false, true};
  assert(isa<Float8E5M2FNUZType>(type) &&
         "not a small float type mocc imports");
  return {7, 2, 16, 0x7f, true, false, false};
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

/// Whether `type` has sign, exponent and mantissa fields that
/// decodeSmallFloat and encodeSmallFloat read and write.
bool isSmallFloat(Type type) {
  return isFloat8(type) || isa<moc::Float4E2M1FNType>(type);
}

/// The f32 value of the float8 or float4 `code` (an i8) of `format`.
Value decodeSmallFloat(OpBuilder &b, Location loc, Value code, Type format) {
  SmallFloatFormat f = formatOf(format);
  Constants c{b, loc};
  int signMask = 1 << f.signBit;
  Value bits = b.create<arith::ExtUIOp>(loc, b.getI32Type(), code);
  Value magnitude = b.create<arith::AndIOp>(loc, bits, c.i32(signMask - 1));
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
  } else if (!f.fnuz && !f.saturates) {
    value = b.create<arith::SelectOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt, magnitude,
                                c.i32(f.maxFinite)),
        c.f32(NAN), value);
  }
  Value negative = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, bits,
                                           c.i32(signMask));
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

/// The float8 or float4 code (an i8) of `format` nearest the f32 `value`
/// (ties to even; saturating for float4 only).
Value encodeSmallFloat(OpBuilder &b, Location loc, Value value, Type format) {
  SmallFloatFormat f = formatOf(format);
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
  Value overflowCode = c.i32(f.fnuz          ? 0x80
                             : f.hasInfinity ? 0x7c
                             : f.saturates   ? f.maxFinite
                                             : 0x7f);
  Value tooLarge = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt,
                                           code, c.i32(f.maxFinite));
  code = b.create<arith::SelectOp>(loc, tooLarge, overflowCode, code);
  Value isInfinite = b.create<arith::CmpIOp>(
      loc, arith::CmpIPredicate::eq, magnitudeBits, c.i32(0x7f800000));
  code = b.create<arith::SelectOp>(loc, isInfinite, overflowCode, code);
  Value isNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, value,
                                        value);
  // Float4 has no NaN: ml_dtypes gives it the code of zero with the other
  // sign (+NaN -> -0), which the sign below flips for a negative NaN.
  Value nanCode = c.i32(f.fnuz          ? 0x80
                        : f.hasInfinity ? 0x7e
                        : f.saturates   ? 1 << f.signBit
                                        : 0x7f);
  code = b.create<arith::SelectOp>(loc, isNaN, nanCode, code);
  // The sign, except on FNUZ's zero and NaN.
  Value signed_ = b.create<arith::XOrIOp>(
      loc, code, b.create<arith::ShLIOp>(loc, sign, c.i32(f.signBit)));
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

/// The f32 value of the E8M0 `code` (an i8): 2^(code - 127), NaN for 0xFF.
Value decodeE8M0(OpBuilder &b, Location loc, Value code) {
  Constants c{b, loc};
  Value exponent = b.create<arith::ExtUIOp>(loc, b.getI32Type(), code);
  // 2^-127 is the f32 subnormal 0x00400000.
  Value bits = b.create<arith::SelectOp>(
      loc,
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, exponent,
                              c.i32(0)),
      c.i32(0x00400000), b.create<arith::ShLIOp>(loc, exponent, c.i32(23)));
  Value value = b.create<arith::BitcastOp>(loc, b.getF32Type(), bits);
  return b.create<arith::SelectOp>(
      loc,
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, exponent,
                              c.i32(0xff)),
      c.f32(NAN), value);
}

/// The E8M0 code (an i8) of the f32 `value`: its exponent field, plus one
/// where `rounding` rounds its mantissa up (as onnx.numpy_helper's
/// to_float8e8m0); with `saturate`, never from 0xFE to 0xFF. Infinity and NaN
/// give 0xFF.
Value encodeE8M0(OpBuilder &b, Location loc, Value value,
                 moc::PowerRounding rounding, bool saturate) {
  Constants c{b, loc};
  Value bits = b.create<arith::BitcastOp>(loc, b.getI32Type(), value);
  Value exponent = b.create<arith::AndIOp>(
      loc, b.create<arith::ShRUIOp>(loc, bits, c.i32(23)), c.i32(0xff));
  auto isSet = [&](int mask) {
    return b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::ne,
        b.create<arith::AndIOp>(loc, bits, c.i32(mask)), c.i32(0));
  };
  Value roundUp;
  switch (rounding) {
  case moc::PowerRounding::down:
    return b.create<arith::TruncIOp>(loc, b.getI8Type(), exponent);
  case moc::PowerRounding::up:
    roundUp = isSet(0x7fffff);
    break;
  case moc::PowerRounding::nearest: {
    // Half of the mantissa or more, ties away from 2^0 only for normals.
    Value guard = isSet(0x400000);
    Value rest = b.create<arith::OrIOp>(loc, isSet(0x200000), isSet(0x1fffff));
    Value isNormal = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne,
                                             exponent, c.i32(0));
    roundUp = b.create<arith::AndIOp>(
        loc, guard, b.create<arith::OrIOp>(loc, rest, isNormal));
    break;
  }
  }
  Value special = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                          exponent, c.i32(0xff));
  Value blocked = special;
  if (saturate)
    blocked = b.create<arith::OrIOp>(
        loc, blocked,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, exponent,
                                c.i32(0xfe)));
  Value increment = b.create<arith::AndIOp>(
      loc, roundUp,
      b.create<arith::XOrIOp>(loc, blocked,
                              b.create<arith::ConstantIntOp>(loc, 1, 1)));
  Value code = b.create<arith::AddIOp>(
      loc, exponent, b.create<arith::ExtUIOp>(loc, b.getI32Type(), increment));
  return b.create<arith::TruncIOp>(loc, b.getI8Type(), code);
}

} // namespace

bool isFloat8(Type mocElement) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType>(mocElement);
}

bool isStoredAsByte(Type mocElement) {
  if (auto integer = dyn_cast<IntegerType>(mocElement))
    return integer.getWidth() > 1 && integer.getWidth() < 8;
  return isFloat8(mocElement) || moc::isByteCodedFloat(mocElement);
}

Value castScalar(OpBuilder &b, Location loc, Value value, Type from, Type to,
                 Type loweredTo, PowerCast power) {
  bool fromUnsigned = isUnsignedInteger(from);
  bool toUnsigned = isUnsignedInteger(to);
  // Float8, float4 and E8M0 compute as f32; 4- and 2-bit integers as their
  // byte.
  if (isSmallFloat(from) || isa<moc::Float8E8M0FNUType>(from)) {
    value = isSmallFloat(from) ? decodeSmallFloat(b, loc, value, from)
                               : decodeE8M0(b, loc, value);
    fromUnsigned = false;
  }
  if (isSmallFloat(to) || isa<moc::Float8E8M0FNUType>(to)) {
    Value wide = createNumericCast(b, loc, value, b.getF32Type(), fromUnsigned,
                                   /*toUnsigned=*/false);
    return isSmallFloat(to)
               ? encodeSmallFloat(b, loc, wide, to)
               : encodeE8M0(b, loc, wide, power.rounding, power.saturate);
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
