//===- Passes.h - Lowerings out of the moc dialect --------------*- C++ -*-===//
#ifndef MOCC_CONVERSION_PASSES_H
#define MOCC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace mocc {

#define GEN_PASS_DECL
#include "mocc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mocc/Conversion/Passes.h.inc"

} // namespace mocc

#endif // MOCC_CONVERSION_PASSES_H
