//===- MocOps.h - Operations of the moc dialect -----------------*- C++ -*-===//
#ifndef MOCC_DIALECT_MOC_IR_MOCOPS_H
#define MOCC_DIALECT_MOC_IR_MOCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mocc/Dialect/Moc/IR/MocDialect.h"

#include "mocc/Dialect/Moc/IR/MocEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "mocc/Dialect/Moc/IR/MocTypes.h.inc"

namespace mocc::moc {
/// Marks ops whose result element depends only on the operand elements at the
/// same (broadcast) position (ODS: Moc_Elementwise).
template <typename ConcreteType>
class Elementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, Elementwise> {};

/// Whether `element` is one of ONNX's float types that MLIR lacks (moc's
/// f4E2M1FN and f8E8M0FNU): one code per element, no attribute of them.
bool isByteCodedFloat(mlir::Type element);

/// The shape of an N x D1 x ... x Dn x C tensor as N x C x D1 x ... x Dn.
llvm::SmallVector<int64_t> channelsFirstShape(llvm::ArrayRef<int64_t> shape);
/// The shape of an N x C x D1 x ... x Dn tensor as N x D1 x ... x Dn x C.
llvm::SmallVector<int64_t> channelsLastShape(llvm::ArrayRef<int64_t> shape);
/// A channels-last convolution weight F x K1 x ... x Kn x C as F x C x K1 x
/// ... x Kn.
llvm::SmallVector<int64_t>
convWeightChannelsFirstShape(llvm::ArrayRef<int64_t> shape);

/// Infers the numpy-broadcast result type of elementwise `operands`. The
/// result element type is `resultElement`, or the first operand's if null.
mlir::LogicalResult
inferBroadcastResult(std::optional<mlir::Location> location,
                     mlir::ValueRange operands, mlir::Type resultElement,
                     llvm::SmallVectorImpl<mlir::Type> &inferred);

/// Checks that the operands of an elementwise op broadcast against each other
/// (and, but for `i1` conditions, share an element type).
mlir::LogicalResult verifyBroadcastable(mlir::Operation *op);

/// The numpy broadcast of two shapes (kDynamic for unknown sizes), or failure
/// when two static sizes differ and neither is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The raw bytes of a non-splat constant held inline or as a resource blob.
std::optional<llvm::ArrayRef<char>> getRawData(mlir::Attribute attr);
} // namespace mocc::moc

#define GET_OP_CLASSES
#include "mocc/Dialect/Moc/IR/MocOps.h.inc"

#endif // MOCC_DIALECT_MOC_IR_MOCOPS_H
