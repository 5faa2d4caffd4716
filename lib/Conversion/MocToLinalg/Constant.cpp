//===- Constant.cpp - Lowering of moc.constant ----------------------------===//
#include "Utils.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace mocc::moc_to_linalg {
namespace {

/// Retypes `value` to the signless `type` without touching its data: dense
/// elements are bitcast (4- and 2-bit integers extended to their byte),
/// resource blobs keep their handle.
static ElementsAttr retype(ElementsAttr value, RankedTensorType type) {
  if (value.getType() == type)
    return value;
  Type element = value.getElementType();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (!isStoredAsByte(element) || isFloat8(element))
      return dense.bitcast(type.getElementType());
    bool isUnsigned = isUnsignedInteger(element);
    return dense.mapValues(type.getElementType(), [&](const APInt &v) {
      return isUnsigned ? v.zext(8) : v.sext(8);
    });
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return {};
}

struct ConstantLowering : OpConversionPattern<moc::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(moc::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = convertedResultType(*this, op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    ElementsAttr value = retype(op.getValue(), type);
    if (!value)
      return rewriter.notifyMatchFailure(op, "unsupported constant attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

} // namespace

void populateConstantPatterns(TypeConverter &converter,
                              RewritePatternSet &patterns) {
  patterns.add<ConstantLowering>(converter, patterns.getContext());
}

} // namespace mocc::moc_to_linalg
