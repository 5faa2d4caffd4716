//===- Passes.h - Passes below the moc level --------------------*- C++ -*-===//
#ifndef MOCC_TRANSFORMS_PASSES_H
#define MOCC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::arith {
class ArithDialect;
}
namespace mlir::math {
class MathDialect;
}
namespace mlir::memref {
class MemRefDialect;
}
namespace mlir::vector {
class VectorDialect;
}

namespace mocc {

#define GEN_PASS_DECL
#include "mocc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mocc/Transforms/Passes.h.inc"

/// Name of the module attribute holding the planned arena size in bytes.
inline constexpr llvm::StringLiteral kArenaBytesAttr = "mocc.arena_bytes";

} // namespace mocc

#endif // MOCC_TRANSFORMS_PASSES_H
