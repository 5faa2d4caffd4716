//===- KernelCalls.cpp - What the kernel passes share ---------------------===//
#include "mocc/Transforms/KernelCalls.h"

#include "mlir/IR/AffineExpr.h"

using namespace mlir;

namespace mocc {

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
