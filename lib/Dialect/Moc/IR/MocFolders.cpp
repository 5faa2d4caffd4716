//===- MocFolders.cpp - Folding of moc ops --------------------------------===//
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc::moc {

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // Run-time sizes may regroup dynamic dimensions of the same type, and
  // they are checked when the op lowers: a reshape by them stays.
  if (getInput().getType() == getType() && getSizes().empty())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>();
      producer && producer.getSizes().empty()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  if (!getType().hasStaticShape())
    return {};
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  // A weight blob is shared, not copied.
  if (auto resource =
          dyn_cast_or_null<DenseResourceElementsAttr>(adaptor.getInput()))
    return DenseResourceElementsAttr::get(getType(), resource.getRawHandle());
  return {};
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  // Run-time sizes may repeat a dynamic dimension that is 1 at run time.
  if (getInput().getType() == getType() && getSizes().empty())
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return splat.resizeSplat(getType());
  return {};
}

std::optional<ArrayRef<char>> getRawData(Attribute attr) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(attr))
    if (!dense.isSplat() && !dense.getElementType().isInteger(1))
      return dense.getRawData();
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(attr))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

/// Transposes constant data. Weights given transposed (e.g. Gemm's transB)
/// are laid out once here rather than on every run.
static Attribute transposeConstant(Attribute input, RankedTensorType resultType,
                                   ArrayRef<int64_t> permutation) {
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(input))
    return splat.resizeSplat(resultType);
  std::optional<ArrayRef<char>> data = getRawData(input);
  auto inputType = cast<RankedTensorType>(cast<TypedAttr>(input).getType());
  if (!data || !resultType.hasStaticShape())
    return {};
  unsigned bits = resultType.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return {};
  size_t elementBytes = bits / 8;
  int64_t rank = inputType.getRank(), count = inputType.getNumElements();
  if (int64_t(data->size()) != count * int64_t(elementBytes))
    return {};
  SmallVector<int64_t> inputStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inputStrides[d] = inputStrides[d + 1] * inputType.getDimSize(d + 1);
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocate(data->size(), alignof(max_align_t));
  MutableArrayRef<char> out = blob.getMutableData();
  SmallVector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * inputStrides[permutation[d]];
    std::memcpy(out.data() + linear * elementBytes,
                data->data() + source * elementBytes, elementBytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < resultType.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseResourceElementsAttr::get(resultType, "transposed",
                                        std::move(blob));
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> permutation = getPermutation();
  bool identity = llvm::all_of(llvm::enumerate(permutation), [](auto pair) {
    return int64_t(pair.index()) == pair.value();
  });
  if (identity)
    return getInput();
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t d : permutation)
      composed.push_back(producer.getPermutation()[d]);
    getInputMutable().assign(producer.getInput());
    setPermutation(composed);
    return getResult();
  }
  if (adaptor.getInput())
    return transposeConstant(adaptor.getInput(), getType(), permutation);
  return {};
}

/// A transpose that keeps the order of the dimensions larger than 1 moves
/// no data: it is a reshape.
LogicalResult TransposeOp::canonicalize(TransposeOp op,
                                        PatternRewriter &rewriter) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  if (!op.getType().hasStaticShape())
    return failure();
  SmallVector<int64_t> moved;
  for (int64_t d : op.getPermutation())
    if (inputType.getDimSize(d) != 1)
      moved.push_back(d);
  if (!llvm::is_sorted(moved))
    return failure();
  rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
  return success();
}

} // namespace mocc::moc
