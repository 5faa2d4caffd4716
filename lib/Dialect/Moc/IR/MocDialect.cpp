//===- MocDialect.cpp - The moc dialect -----------------------------------===//
#include "mocc/Dialect/Moc/IR/MocDialect.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mocc::moc;

#include "mocc/Dialect/Moc/IR/MocDialect.cpp.inc"
#include "mocc/Dialect/Moc/IR/MocEnums.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "mocc/Dialect/Moc/IR/MocTypes.cpp.inc"

void MocDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mocc/Dialect/Moc/IR/MocOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "mocc/Dialect/Moc/IR/MocTypes.cpp.inc"
      >();
}

bool mocc::moc::isByteCodedFloat(Type element) {
  return isa<Float4E2M1FNType, Float8E8M0FNUType>(element);
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
