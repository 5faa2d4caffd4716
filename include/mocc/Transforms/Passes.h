//===- Passes.h - Passes below the moc level --------------------*- C++ -*-===//
#ifndef MOCC_TRANSFORMS_PASSES_H
#define MOCC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::affine {
class AffineDialect;
}
namespace mlir::arith {
class ArithDialect;
}
namespace mlir::linalg {
class LinalgDialect;
}
namespace mlir::LLVM {
class LLVMDialect;
}
namespace mlir::scf {
class SCFDialect;
}
namespace mlir::tensor {
class TensorDialect;
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

/// Module attributes with the compiled model's statistics (`mocc --stats`).
/// The planned arena size in bytes.
inline constexpr llvm::StringLiteral kArenaBytesAttr = "mocc.arena_bytes";
/// The peak of the summed sizes of simultaneously live buffers.
inline constexpr llvm::StringLiteral kArenaLowerBoundBytesAttr =
    "mocc.arena_lower_bound_bytes";
/// The summed sizes of all intermediate buffers, as if none shared memory.
inline constexpr llvm::StringLiteral kNaiveBytesAttr = "mocc.naive_bytes";
/// The number of kernels (loop nests and calls of runtime kernels) of the
/// entry function.
inline constexpr llvm::StringLiteral kKernelsAttr = "mocc.kernels";
/// The names and FLOP counts of the kernels mocc-profile-kernels times, by id.
inline constexpr llvm::StringLiteral kProfileNamesAttr = "mocc.profile_names";
inline constexpr llvm::StringLiteral kProfileFlopsAttr = "mocc.profile_flops";
/// The prefix of the runtime's run-time checks (mocc-check-shapes), which
/// compute nothing.
inline constexpr llvm::StringLiteral kRunCheckPrefix = "mocc_check_";
/// The summed sizes of the constant buffers (weights).
inline constexpr llvm::StringLiteral kWeightsBytesAttr = "mocc.weights_bytes";

} // namespace mocc

#endif // MOCC_TRANSFORMS_PASSES_H
