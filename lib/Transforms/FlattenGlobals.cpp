//===- FlattenGlobals.cpp - Constant buffers as flat globals --------------===//
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mocc {
#define GEN_PASS_DEF_FLATTENGLOBALSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// `value` with the flat type `type`, sharing its data.
Attribute flattenValue(Attribute value, RankedTensorType type) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(type);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return {};
}

struct FlattenGlobalsPass : impl::FlattenGlobalsPassBase<FlattenGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    DenseMap<StringAttr, MemRefType> flattened; // name -> original type
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      if (type.getRank() < 2 || !type.hasStaticShape() ||
          !type.getLayout().isIdentity())
        continue;
      auto flatType = MemRefType::get({type.getNumElements()},
                                      type.getElementType(), AffineMap(),
                                      type.getMemorySpace());
      if (std::optional<Attribute> initial = global.getInitialValue()) {
        Attribute flat = flattenValue(
            *initial, RankedTensorType::get(flatType.getShape(),
                                            type.getElementType()));
        if (!flat)
          continue;
        global.setInitialValueAttr(flat);
      }
      global.setType(flatType);
      flattened[global.getSymNameAttr()] = type;
    }
    OpBuilder builder(&getContext());
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getNameAttr().getAttr());
      if (it == flattened.end())
        return;
      MemRefType type = it->second;
      builder.setInsertionPoint(get);
      auto flat = builder.create<memref::GetGlobalOp>(
          get.getLoc(),
          MemRefType::get({type.getNumElements()}, type.getElementType(),
                          AffineMap(), type.getMemorySpace()),
          get.getName());
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < type.getRank(); ++d)
        all.front().push_back(d);
      Value shaped = builder.create<memref::ExpandShapeOp>(get.getLoc(), type,
                                                           flat, all);
      get.replaceAllUsesWith(shaped);
      get.erase();
    });
  }
};

} // namespace
} // namespace mocc
