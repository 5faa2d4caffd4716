//===- MocDialect.cpp - The moc dialect -----------------------------------===//
#include "mocc/Dialect/Moc/IR/MocDialect.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

using namespace mlir;
using namespace mocc::moc;

#include "mocc/Dialect/Moc/IR/MocDialect.cpp.inc"
#include "mocc/Dialect/Moc/IR/MocEnums.cpp.inc"

void MocDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mocc/Dialect/Moc/IR/MocOps.cpp.inc"
      >();
}

Operation *MocDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, elements);
}

#define GET_OP_CLASSES
#include "mocc/Dialect/Moc/IR/MocOps.cpp.inc"
