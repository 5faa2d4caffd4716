//===- Passes.h - Graph-level passes on moc ---------------------*- C++ -*-===//
#ifndef MOCC_DIALECT_MOC_TRANSFORMS_PASSES_H
#define MOCC_DIALECT_MOC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mocc::moc {

#define GEN_PASS_DECL
#include "mocc/Dialect/Moc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mocc/Dialect/Moc/Transforms/Passes.h.inc"

} // namespace mocc::moc

#endif // MOCC_DIALECT_MOC_TRANSFORMS_PASSES_H
