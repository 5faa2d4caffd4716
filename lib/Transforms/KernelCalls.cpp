//===- KernelCalls.cpp - What the kernel passes share ---------------------===//
#include "mocc/Transforms/KernelCalls.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace mocc {

bool hasEvenlyStridedRows(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)) ||
      strides.back() != 1)
    return false;
  // An identity layout is row-major and contiguous, whatever its sizes.
  if (type.getLayout().isIdentity())
    return true;
  for (int64_t d = 0; d + 2 < type.getRank(); ++d)
    if (ShapedType::isDynamic(strides[d]) ||
        ShapedType::isDynamic(strides[d + 1]) ||
        type.isDynamicDim(d + 1) ||
        strides[d] != strides[d + 1] * type.getDimSize(d + 1))
      return false;
  return true;
}

bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(getStridesAndOffset(type, strides, offset)) &&
         strides.back() == 1;
}

bool fitsKernelInput(StringRef call, MemRefType type) {
  return call == kSgemmCall ? hasEvenlyStridedRows(type)
                            : hasUnitInnerStride(type);
}

int64_t loopCoefficient(AffineExpr expr, unsigned loop) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dim.getPosition() == loop;
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return 0;
  if (binary.getKind() == AffineExprKind::Add)
    return loopCoefficient(binary.getLHS(), loop) +
           loopCoefficient(binary.getRHS(), loop);
  auto factor = dyn_cast<AffineConstantExpr>(binary.getRHS());
  if (binary.getKind() == AffineExprKind::Mul && factor)
    return factor.getValue() * loopCoefficient(binary.getLHS(), loop);
  return 0;
}

} // namespace mocc
