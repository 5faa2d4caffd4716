//===- MocToLinalg.h - Lowering of moc to linalg ----------------*- C++ -*-===//
#ifndef MOCC_CONVERSION_MOCTOLINALG_MOCTOLINALG_H
#define MOCC_CONVERSION_MOCTOLINALG_MOCTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace mocc {

/// Types below moc: unsigned integers (`ui8`, tensors of `ui16`, ...) become
/// signless integers of the same width; every other type stays as it is.
class MocToLinalgTypeConverter : public mlir::TypeConverter {
public:
  MocToLinalgTypeConverter();
};

/// Adds the patterns that lower every moc op to linalg, tensor, arith and
/// math on tensors, converting types with `typeConverter`.
void populateMocToLinalgPatterns(mlir::TypeConverter &typeConverter,
                                 mlir::RewritePatternSet &patterns);

/// Marks moc illegal and the target dialects legal, with func ops legal once
/// their signatures are converted.
void configureMocToLinalgTarget(mlir::ConversionTarget &target,
                                mlir::TypeConverter &typeConverter);

} // namespace mocc

#endif // MOCC_CONVERSION_MOCTOLINALG_MOCTOLINALG_H
