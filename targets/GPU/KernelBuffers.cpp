//===- KernelBuffers.cpp - How the entry's code uses its buffers ----------===//
#include "KernelBuffers.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace mocc::gpu {

Value viewSource(Value buffer) {
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>())
    buffer = view.getViewSource();
  return buffer;
}

int64_t accessFlags(Value buffer) {
  int64_t flags = 0;
  for (Operation *user : buffer.getUsers()) {
    if (isa<memref::LoadOp>(user))
      flags |= kRead;
    else if (isa<memref::StoreOp>(user))
      flags |= kWrite;
    else if (isa<ViewLikeOpInterface>(user))
      flags |= accessFlags(user->getResult(0));
    else
      flags |= kRead | kWrite; // conservatively both
  }
  return flags;
}

/// The elements a view of `type` addresses from its aligned pointer: its
/// offset and one past its last element; nullopt where a size, stride or
/// the offset is dynamic.
struct ElementSpan {
  int64_t begin, end;
};
static std::optional<ElementSpan> elementSpan(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)) ||
      ShapedType::isDynamic(offset) || !type.hasStaticShape() ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return std::nullopt;
  int64_t last = offset;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides))
    last += (size - 1) * stride;
  return ElementSpan{offset, last + 1};
}

static int64_t elementBytes(MemRefType type) {
  return llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

int64_t spannedBytes(MemRefType type) {
  std::optional<ElementSpan> span = elementSpan(type);
  return type.getNumElements() == 0 || !span ? 0
                                             : span->end * elementBytes(type);
}

std::optional<int64_t> alignedPointerShift(Value view) {
  int64_t shift = 0;
  for (Value buffer = view;
       auto source = buffer.getDefiningOp<ViewLikeOpInterface>();
       buffer = source.getViewSource()) {
    if (auto byteView = dyn_cast<memref::ViewOp>(source.getOperation())) {
      std::optional<int64_t> bytes =
          getConstantIntValue(byteView.getByteShift());
      if (!bytes)
        return std::nullopt;
      shift += *bytes;
    }
  }
  return shift;
}

std::optional<ByteRange> rootByteRange(Value view) {
  auto type = dyn_cast<MemRefType>(view.getType());
  std::optional<ElementSpan> span = type ? elementSpan(type) : std::nullopt;
  std::optional<int64_t> shift = alignedPointerShift(view);
  if (!span || !shift)
    return std::nullopt;
  if (type.getNumElements() == 0)
    return ByteRange{*shift, *shift};
  return ByteRange{*shift + span->begin * elementBytes(type),
                   *shift + span->end * elementBytes(type)};
}

} // namespace mocc::gpu
