/* Conversions to and from 16-bit floats that LLVM lowers to library calls
 * on CPUs without instructions for them. compiler-rt provides these to
 * ordinary programs; a model library links no compiler runtime, so the mocc
 * runtime carries them (round to nearest even, NaN kept quiet). */
#include <stdint.h>
#include <string.h>

static uint32_t float_bits(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return bits;
}

static float bits_float(uint32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

static uint16_t float_to_half_bits(float value) {
  uint32_t bits = float_bits(value);
  uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
  uint32_t exponent = (bits >> 23) & 0xffu;
  uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0xffu) /* Inf or NaN */
    return sign | 0x7c00u | (mantissa ? 0x200u | (uint16_t)(mantissa >> 13) : 0);
  int32_t half_exponent = (int32_t)exponent - 127 + 15;
  if (half_exponent >= 31)
    return sign | 0x7c00u;
  if (half_exponent <= 0) { /* Subnormal or zero. */
    if (half_exponent < -10)
      return sign;
    mantissa |= 0x800000u;
    uint32_t shift = (uint32_t)(14 - half_exponent);
    uint32_t half_mantissa = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half_mantissa & 1)))
      ++half_mantissa;
    return sign | (uint16_t)half_mantissa;
  }
  uint32_t result = ((uint32_t)half_exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (result & 1)))
    ++result; /* May carry into the exponent, up to infinity: correct. */
  return sign | (uint16_t)result;
}

static float half_bits_to_float(uint16_t half) {
  uint32_t sign = (uint32_t)(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0x1fu)
    return bits_float(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0)
      return bits_float(sign);
    /* Subnormal: normalize. */
    exponent = 1;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3ffu;
  }
  return bits_float(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

static uint16_t float_to_bfloat_bits(float value) {
  uint32_t bits = float_bits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) /* NaN */
    return (uint16_t)((bits >> 16) | 0x40u);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return (uint16_t)(bits >> 16);
}

_Float16 __truncsfhf2(float value);
_Float16 __truncdfhf2(double value);
float __extendhfsf2(_Float16 value);
__bf16 __truncsfbf2(float value);
__bf16 __truncdfbf2(double value);

_Float16 __truncsfhf2(float value) {
  uint16_t bits = float_to_half_bits(value);
  _Float16 result;
  memcpy(&result, &bits, sizeof(result));
  return result;
}

/* `value` as a float rounded to odd: an inexact result has its last bit
 * set, so that rounding it again to a type at least 2 bits narrower (half,
 * bfloat16) gives what rounding `value` once would. */
static float float_rounded_to_odd(double value) {
  float rounded = (float)value;
  if ((double)rounded == value || rounded != rounded ||
      rounded - rounded != 0) /* exact, NaN or infinite */
    return rounded;
  uint32_t bits = float_bits(rounded);
  if (__builtin_fabs((double)rounded) > __builtin_fabs(value))
    --bits; /* toward zero */
  return bits_float(bits | 1u);
}

_Float16 __truncdfhf2(double value) {
  return __truncsfhf2(float_rounded_to_odd(value));
}

float __extendhfsf2(_Float16 value) {
  uint16_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return half_bits_to_float(bits);
}

__bf16 __truncsfbf2(float value) {
  uint16_t bits = float_to_bfloat_bits(value);
  __bf16 result;
  memcpy(&result, &bits, sizeof(result));
  return result;
}

__bf16 __truncdfbf2(double value) {
  return __truncsfbf2(float_rounded_to_odd(value));
}
