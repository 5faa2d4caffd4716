//===- RecordStats.cpp - Kernel and weight counts of a compiled model -----===//
#include "mocc/Transforms/EntryKernels.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mocc {
#define GEN_PASS_DEF_RECORDSTATSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

int64_t bytesOf(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return llvm::divideCeil(type.getNumElements() * bits, 8);
}

struct RecordStatsPass : impl::RecordStatsPassBase<RecordStatsPass> {
  using RecordStatsPassBase::RecordStatsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    int64_t kernels = llvm::count_if(func.getBody().front(), isEntryKernel);
    int64_t weightsBytes = 0;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (global.getConstant() && global.getType().hasStaticShape())
        weightsBytes += bytesOf(global.getType());
    auto count = [&](int64_t value) {
      return IntegerAttr::get(IntegerType::get(&getContext(), 64), value);
    };
    module->setAttr(kKernelsAttr, count(kernels));
    module->setAttr(kWeightsBytesAttr, count(weightsBytes));
  }
};

} // namespace
} // namespace mocc
