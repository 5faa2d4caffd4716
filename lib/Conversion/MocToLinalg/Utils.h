//===- Utils.h - Shared helpers of the moc-to-linalg lowering ---*- C++ -*-===//
//
// Private to lib/Conversion/MocToLinalg: the per-family population functions
// and the builders every family shares (broadcasting elementwise generics,
// reductions, scalar constants, signedness-aware scalar ops).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_CONVERSION_MOCTOLINALG_UTILS_H
#define MOCC_LIB_CONVERSION_MOCTOLINALG_UTILS_H

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mocc::moc_to_linalg {

//===----------------------------------------------------------------------===//
// Population, one function per op family
//===----------------------------------------------------------------------===//

void populateConstantPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateElementwisePatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateLinearAlgebraPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateScanPatterns(mlir::TypeConverter &converter,
                          mlir::RewritePatternSet &patterns);
void populateRuntimeCallPatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateResizePatterns(mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);

//===----------------------------------------------------------------------===//
// Types and scalars
//===----------------------------------------------------------------------===//

/// True for the moc-level element types `ui1`..`ui64`.
bool isUnsignedInteger(mlir::Type mocElement);

/// The element type of a (moc-level) shaped type, or the type itself.
mlir::Type elementOf(mlir::Type type);

/// The type arithmetic on `element` is carried out in: f32 for 16-bit floats
/// (f16, bf16), the (signless) element type otherwise.
mlir::Type computeTypeOf(mlir::Type element);

/// Converts `value` between float types (extf/truncf); a no-op if equal.
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::Type to);

/// A scalar constant of `type` (float, integer or index) holding `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The smallest (`-inf`, INT_MIN, 0) or largest (`+inf`, INT_MAX, UINT_MAX)
/// value of a signless `type`, read as unsigned if `isUnsigned`.
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        bool isUnsigned);
mlir::Value highestValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, bool isUnsigned);

/// Signedness-aware scalar operations on float or signless integer operands.
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);
/// NaN-propagating maximum/minimum for floats (numpy's np.maximum).
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs, bool isUnsigned);
mlir::Value createMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs, bool isUnsigned);
/// Integer division truncating toward zero; float division.
mlir::Value createDiv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs, bool isUnsigned);
/// Converts an integer (read as unsigned if `isUnsigned`) or float `value` to
/// the float or integer `to`.
mlir::Value createNumericCast(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value value, mlir::Type to,
                              bool fromUnsigned, bool toUnsigned);

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// The sizes of `tensor`, static ones as attributes.
llvm::SmallVector<mlir::OpFoldResult>
getSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// The sizes of a result of `type` whose dynamic dimensions are those of the
/// same dimensions of `like`.
llvm::SmallVector<mlir::OpFoldResult> getSizesLike(mlir::OpBuilder &b,
                                                   mlir::Location loc,
                                                   mlir::RankedTensorType type,
                                                   mlir::Value like);

/// The geometry of a sliding window op (convolution, pooling) along its
/// spatial dimensions, which start at dimension `firstSpatial`.
struct WindowGeometry {
  int64_t firstSpatial;
  llvm::ArrayRef<int64_t> kernel, strides, dilations;
  /// Begin pads of every spatial dimension, then end pads.
  llvm::ArrayRef<int64_t> pads;
  bool ceilMode = false;
};

/// The sizes of the result (of `type`) of a window op over `input`: dynamic
/// spatial sizes by ONNX's window rule from the input's, other dynamic ones
/// those of the input.
llvm::SmallVector<mlir::OpFoldResult>
getWindowResultSizes(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::RankedTensorType type, mlir::Value input,
                     const WindowGeometry &window);

/// Whether `mocElement` is one of the float8 types mocc imports.
bool isFloat8(mlir::Type mocElement);

/// Whether a tensor of `mocElement` holds one byte per element below moc:
/// float8 and moc's byte-coded floats (their codes) and 4- or 2-bit integers
/// (sign- or zero-extended).
bool isStoredAsByte(mlir::Type mocElement);

/// How a cast to f8E8M0FNU rounds (moc.cast's attributes).
struct PowerCast {
  moc::PowerRounding rounding = moc::PowerRounding::up;
  bool saturate = false;
};

/// Casts the scalar `value`, of moc type `from` as it is stored below moc,
/// to moc type `to`, stored as `loweredTo`; `power` where `to` is
/// f8E8M0FNU.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, mlir::Type from, mlir::Type to,
                       mlir::Type loweredTo, PowerCast power = {});

/// `tensor.empty` of `sizes` x `element`.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type element);

/// `tensor.empty` of `sizes` x `element` filled with `value`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// Inside a window op's body: the element of `input` (leading indices,
/// spatial ones, trailing indices) at `output * strides + kernel * dilations
/// - padBegin` in each spatial dimension, or `padValue` where that falls
/// outside the input. Reading through the padding this way spares a padded
/// copy.
mlir::Value readThroughPadding(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value input, mlir::ValueRange leading,
                               mlir::ValueRange output, mlir::ValueRange kernel,
                               mlir::ValueRange trailing,
                               llvm::ArrayRef<int64_t> strides,
                               llvm::ArrayRef<int64_t> dilations,
                               llvm::ArrayRef<int64_t> padBegin,
                               mlir::Value padValue);

/// `lhs + rhs` on index values that may be constants.
mlir::OpFoldResult addSizes(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult lhs, mlir::OpFoldResult rhs);

/// Pads `input` with `value`: `low[d]` before and `high[d]` after dimension d.
mlir::Value padConstant(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input,
                        llvm::ArrayRef<mlir::OpFoldResult> low,
                        llvm::ArrayRef<mlir::OpFoldResult> high,
                        mlir::Value value);

/// `count` parallel iterators.
llvm::SmallVector<mlir::utils::IteratorType> parallelIterators(unsigned count);

/// The map from the `resultShape.size()` loops of a broadcasting generic to
/// an operand of shape `operandShape`: leading dimensions the operand lacks
/// are dropped; its size-1 dimensions facing a larger result map to 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *context,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// Body of a generic: the scalar arguments (one per operand) to the yielded
/// scalar results.
using BodyFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A `linalg.generic` over the shape of `resultType` applying `body` to the
/// numpy-broadcast `operands` (given as tensors). Dynamic result sizes are
/// `dynamicSizes` if given, else read from an operand with a dynamic size in
/// that dimension.
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange operands,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body,
    mlir::ValueRange dynamicSizes = {});

/// A parallel `linalg.generic` with the shape of `like` and element type
/// `element`, reading `inputs` through `maps`; `body` gets their scalars and
/// returns the result element.
mlir::Value
buildMapped(mlir::OpBuilder &b, mlir::Location loc, mlir::Value like,
            mlir::Type element, mlir::ValueRange inputs,
            llvm::ArrayRef<mlir::AffineMap> maps,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::ValueRange)>
                body);

/// The map from `rank` loops to the dimensions not in `dims`.
mlir::AffineMap keptDimsMap(mlir::MLIRContext *context, int64_t rank,
                            llvm::ArrayRef<int64_t> dims);

/// The number of elements in dimensions `dims` of `tensor`, as a `type`
/// (float, integer or index) scalar.
mlir::Value countElements(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tensor, llvm::ArrayRef<int64_t> dims,
                          mlir::Type type);

/// A reduction generic over `dims` (sorted) of the full-rank `inputs` (all of
/// one shape). `reduced` are operands of the reduced shape (read at the
/// output position). The accumulators start at `inits` (their types are the
/// accumulator types); `body` gets the scalars of inputs, reduced operands and
/// accumulators, in that order, and returns the new accumulators. The results
/// have the input's shape without `dims`.
llvm::SmallVector<mlir::Value>
buildReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
               mlir::ValueRange reduced, llvm::ArrayRef<int64_t> dims,
               mlir::ValueRange inits, BodyFn body);

/// Converts the float elements of `tensor` to `element` (extf/truncf).
mlir::Value convertElementType(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value tensor, mlir::Type element);

/// Collapses `value` by `groups`; expands `value` by `groups` to `sizes`.
mlir::Value collapse(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                     llvm::ArrayRef<mlir::ReassociationIndices> groups);
mlir::Value expand(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                   llvm::ArrayRef<mlir::ReassociationIndices> groups,
                   llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Inserts size-1 dimensions at `dims` (sorted, positions in the result) of
/// `value` (tensor.expand_shape).
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, llvm::ArrayRef<int64_t> dims);

/// The converted (signless) type of a pattern's single result, or null.
template <typename OpTy>
mlir::RankedTensorType
convertedResultType(const mlir::OpConversionPattern<OpTy> &pattern, OpTy op) {
  return pattern.getTypeConverter()
      ->template convertType<mlir::RankedTensorType>(op.getType());
}

} // namespace mocc::moc_to_linalg

#endif // MOCC_LIB_CONVERSION_MOCTOLINALG_UTILS_H
