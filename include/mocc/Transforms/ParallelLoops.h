//===- ParallelLoops.h - Loops that run on the thread pool ------*- C++ -*-===//
//
// mocc-fuse-kernels tiles kernels in scf.forall loops; mocc-plan-arena gives
// each thread its own per-tile buffers, on its stack; mocc-parallel-loops
// outlines the loops into functions over a range of iterations and calls
// them, and mocc-lower-parallel-calls hands those calls to the runtime's
// mocc_parallel_for (runtime/src/thread_pool.h).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TRANSFORMS_PARALLELLOOPS_H
#define MOCC_TRANSFORMS_PARALLELLOOPS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mocc {

/// The unit attribute of a call of an outlined loop, `(begin, end,
/// captures...)` called with begin 0 and end the trip count, whose
/// iterations may run on the entry's thread pool.
inline constexpr llvm::StringLiteral kParallelForAttr = "mocc.parallel_for";

/// The most bytes of per-tile buffers a parallel loop keeps on the stack of
/// each thread; a loop that needs more runs sequentially, its buffers in the
/// arena.
inline constexpr int64_t kMaxTileStackBytes = 128 * 1024;

} // namespace mocc

#endif // MOCC_TRANSFORMS_PARALLELLOOPS_H
