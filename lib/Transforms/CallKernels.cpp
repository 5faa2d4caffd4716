//===- CallKernels.cpp - Marked linalg ops become microkernel calls -------===//
//
// After bufferization, a product that mocc-select-kernels marked with the
// GEMM kernel's `library_call` is a linalg.generic on buffers. If its rows
// are evenly strided with unit-stride elements (the kernel's contract) and
// start as a fill of zeros, the fill and the product become one call of the
// runtime's GEMM driver, which reads the buffers' descriptors (MLIR's C
// interface: pointers, offset, sizes and strides), which splits the work over
// the instance's thread pool; the entry function receives that pool as its
// last argument. Otherwise it stays a loop nest.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mocc {
#define GEN_PASS_DEF_CALLKERNELSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

constexpr llvm::StringLiteral kSgemmCall = "mocc_sgemm_f32";

/// The distance between consecutive rows of `type`, a buffer whose last
/// dimension holds contiguous elements and whose leading dimensions are rows
/// laid out one after the other; nullopt if it is not such a buffer.
std::optional<int64_t> rowStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)) ||
      !type.hasStaticShape() || strides.back() != 1)
    return std::nullopt;
  int64_t rank = type.getRank();
  if (rank == 1)
    return type.getDimSize(0);
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (ShapedType::isDynamic(strides[d]) ||
        strides[d] != strides[d + 1] * type.getDimSize(d + 1))
      return std::nullopt;
  if (ShapedType::isDynamic(strides[rank - 2]))
    return std::nullopt;
  return strides[rank - 2];
}

/// `buffer` as a buffer of dynamic sizes and strides of its rank, the type
/// every call of a kernel passes; a buffer of more than two dimensions whose
/// leading ones are evenly strided rows is first collapsed to two.
Value asKernelOperand(OpBuilder &b, Location loc, Value buffer,
                      bool collapseRows) {
  auto type = cast<MemRefType>(buffer.getType());
  if (collapseRows && type.getRank() > 2) {
    ReassociationIndices rows =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
    buffer = b.create<memref::CollapseShapeOp>(
        loc, buffer,
        SmallVector<ReassociationIndices>{rows, {type.getRank() - 1}});
    type = cast<MemRefType>(buffer.getType());
  }
  SmallVector<int64_t> dynamic(type.getRank(), ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                       dynamic);
  return b.create<memref::CastOp>(
      loc, MemRefType::get(dynamic, type.getElementType(), layout), buffer);
}

/// `void mocc_sgemm_f32(pool, a, packed, c)` with C-interface descriptors:
/// the runtime reads sizes, strides and pointers from them.
func::FuncOp declareSgemm(ModuleOp module, TypeRange operands) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kSgemmCall))
    return existing;
  MLIRContext *context = module.getContext();
  auto type = FunctionType::get(context, operands, {});
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto callee = builder.create<func::FuncOp>(module.getLoc(), kSgemmCall, type);
  callee.setPrivate();
  callee->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(context));
  return callee;
}

/// The fill of zeros that initializes `op`'s output, the latest op before it
/// in its block that uses that buffer; null if there is none. The kernel
/// writes the product, so the call replaces the pair.
linalg::FillOp zeroFillOfOutput(linalg::GenericOp op) {
  Value out = op.getDpsInits()[0];
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (!llvm::is_contained(prev->getOperands(), out))
      continue;
    auto fill = dyn_cast<linalg::FillOp>(prev);
    if (fill && fill.getOutputs()[0] == out &&
        matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
      return fill;
    return nullptr;
  }
  return nullptr;
}

/// Replaces a marked GEMM (and the fill of zeros before it) by a call;
/// returns false (IR unchanged) if its buffers do not fit the kernel's
/// contract.
bool callSgemm(linalg::GenericOp op, Value pool) {
  Value lhs = op.getDpsInputs()[0], packed = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  auto lhsType = cast<MemRefType>(lhs.getType());
  auto packedType = cast<MemRefType>(packed.getType());
  auto outType = cast<MemRefType>(out.getType());
  linalg::FillOp fill = zeroFillOfOutput(op);
  if (!rowStride(lhsType) || !rowStride(outType) || !fill ||
      !packedType.getLayout().isIdentity())
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<Value> operands = {
      pool, asKernelOperand(b, loc, lhs, /*collapseRows=*/true),
      asKernelOperand(b, loc, packed, /*collapseRows=*/false),
      asKernelOperand(b, loc, out, /*collapseRows=*/true)};
  func::FuncOp callee = declareSgemm(op->getParentOfType<ModuleOp>(),
                                     ValueRange(operands).getTypes());
  b.create<func::CallOp>(loc, callee, operands);
  op->erase();
  fill->erase();
  return true;
}

struct CallKernelsPass : impl::CallKernelsPassBase<CallKernelsPass> {
  using CallKernelsPassBase::CallKernelsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    // Every entry takes the pool, so the runtime calls all models alike.
    unsigned poolIndex = entry.getNumArguments();
    entry.insertArgument(poolIndex, LLVM::LLVMPointerType::get(&getContext()),
                         {}, entry.getLoc());
    Value pool = entry.getArgument(poolIndex);

    SmallVector<linalg::GenericOp> marked;
    module.walk([&](linalg::GenericOp op) {
      if (op.getLibraryCallAttr() && op.hasPureBufferSemantics())
        marked.push_back(op);
    });
    for (linalg::GenericOp op : marked) {
      bool called = op.getLibraryCall() == kSgemmCall &&
                    op->getParentOfType<func::FuncOp>() == entry &&
                    callSgemm(op, pool);
      if (!called)
        op.removeLibraryCallAttr();
    }
  }
};

} // namespace
} // namespace mocc
