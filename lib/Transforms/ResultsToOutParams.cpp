//===- ResultsToOutParams.cpp - Static results written in place -----------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/BitVector.h"

namespace mocc {
#define GEN_PASS_DEF_RESULTSTOOUTPARAMSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// Whether `value` is a buffer the entry allocates for itself alone: the
/// runtime may adopt (and later free) it.
bool isOwnedAllocation(Value value, func::ReturnOp ret) {
  auto alloc = value.getDefiningOp<memref::AllocOp>();
  return alloc && alloc->getBlock() == ret->getBlock() &&
         alloc.getType().getLayout().isIdentity() &&
         llvm::count(ret.getOperands(), value) == 1;
}

/// A fresh heap buffer holding a copy of `value`.
Value copyToNewAllocation(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<MemRefType>(value.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(builder.create<memref::DimOp>(loc, value, d));
  auto alloc = builder.create<memref::AllocOp>(
      loc, MemRefType::get(type.getShape(), type.getElementType()), sizes);
  builder.create<memref::CopyOp>(loc, value, alloc);
  return alloc;
}

struct ResultsToOutParamsPass
    : impl::ResultsToOutParamsPassBase<ResultsToOutParamsPass> {
  using ResultsToOutParamsPassBase::ResultsToOutParamsPassBase;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entryName);
    if (!func || !func.getBody().hasOneBlock()) {
      getOperation().emitError()
          << "expects an entry function '" << entryName << "' with one block";
      return signalPassFailure();
    }
    SmallVector<DictionaryAttr> argAttrs, resultAttrs;
    func.getAllArgAttrs(argAttrs);
    func.getAllResultAttrs(resultAttrs);
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    OpBuilder builder(ret);
    Location loc = ret.getLoc();
    llvm::BitVector staticResults(ret.getNumOperands());
    SmallVector<Value> dynamicResults;
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      auto type = dyn_cast<MemRefType>(value.getType());
      if (!type) {
        func.emitError() << "expects buffer results after bufferization";
        return signalPassFailure();
      }
      if (type.hasStaticShape()) {
        staticResults.set(i);
        BlockArgument output = func.getBody().addArgument(
            MemRefType::get(type.getShape(), type.getElementType()), loc);
        builder.create<memref::CopyOp>(loc, value, output);
      } else {
        dynamicResults.push_back(
            isOwnedAllocation(value, ret)
                ? value
                : copyToNewAllocation(builder, loc, value));
      }
    }
    ret->setOperands(dynamicResults);
    SmallVector<Type> results;
    for (Value value : dynamicResults)
      results.push_back(value.getType());
    func.setFunctionType(FunctionType::get(
        &getContext(), func.getBody().getArgumentTypes(), results));
    // The new arguments have no attributes; the static results' go away.
    argAttrs.resize(func.getNumArguments(), DictionaryAttr::get(&getContext()));
    func.setAllArgAttrs(argAttrs);
    SmallVector<DictionaryAttr> keptResultAttrs;
    for (auto [i, attrs] : llvm::enumerate(resultAttrs))
      if (!staticResults.test(i))
        keptResultAttrs.push_back(attrs);
    func.setAllResultAttrs(keptResultAttrs);
  }
};

} // namespace
} // namespace mocc
