//===- KernelBuffers.h - How the entry's code uses its buffers --*- C++ -*-===//
//
// What mocc-gpu-lower-launches and its arena transfers (ArenaTransfers.cpp)
// ask of a buffer of the entry: what it is a view of, how code reads and
// writes it, and which bytes of its root it spans.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGETS_GPU_KERNELBUFFERS_H
#define MOCC_TARGETS_GPU_KERNELBUFFERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mocc::gpu {

/// The flags of mocc_gpu_bind (runtime/src/gpu/gpu.h), also how code uses a
/// buffer.
constexpr int64_t kRead = 1, kWrite = 2, kConstant = 4;

/// The buffer `buffer` is a view of (itself if none).
mlir::Value viewSource(mlir::Value buffer);

/// How a kernel's body uses its argument `buffer`: loads, stores, through
/// views of it too; anything else counts as both.
int64_t accessFlags(mlir::Value buffer);

/// The bytes from a buffer's aligned pointer to one past its last element:
/// a kernel applies the buffer's static offset and strides itself.
int64_t spannedBytes(mlir::MemRefType type);

/// The bytes by which the memref.view ops among `view`'s views move its
/// aligned pointer from its root buffer's (other views keep it, and change
/// the offset); nothing where a shift is dynamic.
std::optional<int64_t> alignedPointerShift(mlir::Value view);

/// The bytes [begin, end) of its root buffer that a view spans, where its
/// byte shifts, offset, sizes and strides are all known at compile time.
struct ByteRange {
  int64_t begin, end;
};
std::optional<ByteRange> rootByteRange(mlir::Value view);

} // namespace mocc::gpu

#endif // MOCC_TARGETS_GPU_KERNELBUFFERS_H
