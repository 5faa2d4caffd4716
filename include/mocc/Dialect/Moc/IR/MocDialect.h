//===- MocDialect.h - The moc dialect ---------------------------*- C++ -*-===//
#ifndef MOCC_DIALECT_MOC_IR_MOCDIALECT_H
#define MOCC_DIALECT_MOC_IR_MOCDIALECT_H

#include "mlir/IR/Dialect.h"

#include "mocc/Dialect/Moc/IR/MocDialect.h.inc"

#endif // MOCC_DIALECT_MOC_IR_MOCDIALECT_H
