//===- ArenaTransfers.cpp - Copies between the host's and device's arena --===//
//
// A walk over the entry's top-level operations in order, keeping two sets
// of arena bytes: those the kernels wrote that the host has not seen
// (device-dirty) and those the host wrote that the device has not seen
// (host-dirty). Before a launch, the host-dirty bytes it uses are uploaded;
// before a host access, the device-dirty bytes it uses are downloaded, for
// a write as for a read, since a partial write (a strided view, a loop that
// may not run) keeps the bytes it does not write; but not for a top-level
// op that overwrites all of a dense buffer, whose old bytes are dead. At
// the start of a run neither side holds anything live.
//
//===----------------------------------------------------------------------===//
#include "ArenaTransfers.h"

#include "KernelBuffers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <limits>

using namespace mlir;

namespace mocc::gpu {
namespace {

/// The end of a range whose extent is not known: up to the arena's end.
constexpr int64_t kArenaEnd = std::numeric_limits<int64_t>::max();

/// Disjoint ranges of arena bytes, sorted.
class ByteRanges {
public:
  void add(ByteRange range) {
    if (range.begin >= range.end)
      return;
    ranges.push_back(range);
    llvm::sort(ranges,
               [](ByteRange a, ByteRange b) { return a.begin < b.begin; });
    SmallVector<ByteRange> merged;
    for (ByteRange r : ranges) {
      if (!merged.empty() && r.begin <= merged.back().end)
        merged.back().end = std::max(merged.back().end, r.end);
      else
        merged.push_back(r);
    }
    ranges = std::move(merged);
  }

  /// Removes the bytes within `range` and returns them.
  SmallVector<ByteRange> take(ByteRange range) {
    SmallVector<ByteRange> taken, kept;
    for (ByteRange r : ranges) {
      ByteRange common{std::max(r.begin, range.begin),
                       std::min(r.end, range.end)};
      if (common.begin >= common.end) {
        kept.push_back(r);
        continue;
      }
      taken.push_back(common);
      if (r.begin < common.begin)
        kept.push_back({r.begin, common.begin});
      if (common.end < r.end)
        kept.push_back({common.end, r.end});
    }
    ranges = std::move(kept);
    return taken;
  }

private:
  SmallVector<ByteRange> ranges;
};

/// Arena bytes an operation reads or writes (kRead, kWrite); `overwrites`:
/// it writes every one of them and reads none first.
struct ArenaAccess {
  ByteRange range;
  int64_t flags;
  bool overwrites = false;
};

/// Whether `op` writes every byte of `buffer` without reading it first: a
/// copy into it, or a linalg op computing each of its elements with a body
/// that does not read it, where it is dense and where it lies is known (a
/// view at a run-time offset counts as the whole arena).
bool overwritesWhole(Operation *op, Value buffer) {
  if (!rootByteRange(buffer) || !memref::isStaticShapeAndContiguousRowMajor(
                                    cast<MemRefType>(buffer.getType())))
    return false;
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return copy.getTarget() == buffer;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return false;
  for (OpOperand &init : linalgOp.getDpsInitsMutable())
    if (init.get() == buffer)
      return !linalgOp.payloadUsesValueFromOperand(&init) &&
             linalgOp.getMatchingIndexingMap(&init).isPermutation();
  return false;
}

class TransferInserter {
public:
  TransferInserter(Value arena, Value gpu, func::FuncOp upload,
                   func::FuncOp download)
      : arena(arena), gpu(gpu), upload(upload), download(download) {}

  void visit(Operation &op) {
    if (auto launch = dyn_cast<mlir::gpu::LaunchFuncOp>(op)) {
      for (const ArenaAccess &access : kernelAccesses(launch)) {
        for (ByteRange range : hostDirty.take(access.range))
          call(&op, upload, range, counts.uploads);
        if (access.flags & kWrite)
          deviceDirty.add(access.range);
      }
      return;
    }
    if (isMemoryEffectFree(&op))
      return;
    SmallVector<ArenaAccess> accesses = hostAccesses(op);
    // Downloads first: bytes one access reads and another overwrites are
    // read first.
    for (const ArenaAccess &access : accesses)
      if (!access.overwrites)
        for (ByteRange range : deviceDirty.take(access.range))
          call(&op, download, range, counts.downloads);
    for (const ArenaAccess &access : accesses) {
      if (access.overwrites)
        (void)deviceDirty.take(access.range); // dead on the device
      if (access.flags & kWrite)
        hostDirty.add(access.range);
    }
  }

  ArenaTransferCounts counts;

private:
  /// The arena bytes `buffer` spans, or nullopt where it is not in it.
  std::optional<ByteRange> arenaRange(Value buffer) {
    if (!isa<MemRefType>(buffer.getType()) || viewSource(buffer) != arena)
      return std::nullopt;
    return rootByteRange(buffer).value_or(ByteRange{0, kArenaEnd});
  }

  SmallVector<ArenaAccess> kernelAccesses(mlir::gpu::LaunchFuncOp launch) {
    auto kernel = SymbolTable::lookupNearestSymbolFrom<mlir::gpu::GPUFuncOp>(
        launch, launch.getKernel());
    SmallVector<ArenaAccess> accesses;
    for (auto [slot, operand] : llvm::enumerate(launch.getKernelOperands()))
      if (std::optional<ByteRange> range = arenaRange(operand))
        accesses.push_back({*range, accessFlags(kernel.getArgument(slot))});
    return accesses;
  }

  /// What `root` and the operations nested in it do to arena buffers: as
  /// their memory effects say, both reads and writes where they say nothing.
  /// Only `root` itself overwrites: a nested op may not run.
  SmallVector<ArenaAccess> hostAccesses(Operation &root) {
    SmallVector<ArenaAccess> accesses;
    root.walk([&](Operation *op) {
      if (isa<ViewLikeOpInterface>(op) ||
          op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return;
      auto effecting = dyn_cast<MemoryEffectOpInterface>(op);
      if (!effecting) {
        for (Value operand : op->getOperands())
          if (std::optional<ByteRange> range = arenaRange(operand))
            accesses.push_back({*range, kRead | kWrite});
        return;
      }
      SmallVector<MemoryEffects::EffectInstance> effects;
      effecting.getEffects(effects);
      for (const MemoryEffects::EffectInstance &effect : effects) {
        Value value = effect.getValue();
        std::optional<ByteRange> range =
            value ? arenaRange(value) : std::nullopt;
        if (!range)
          continue;
        if (isa<MemoryEffects::Read>(effect.getEffect()))
          accesses.push_back({*range, kRead});
        else if (isa<MemoryEffects::Write>(effect.getEffect()))
          accesses.push_back(
              {*range, kWrite, op == &root && overwritesWhole(op, value)});
      }
    });
    return accesses;
  }

  /// `callee(gpu, arena + range.begin, bytes)` before `op`.
  void call(Operation *op, func::FuncOp callee, ByteRange range,
            int64_t &count) {
    OpBuilder builder(op);
    Location loc = op->getLoc();
    Type i64 = builder.getI64Type();
    Value begin = builder.create<arith::ConstantIndexOp>(loc, range.begin);
    Value bytes;
    if (range.end == kArenaEnd)
      bytes = builder.create<arith::IndexCastUIOp>(
          loc, i64,
          builder.create<arith::SubIOp>(
              loc, builder.create<memref::DimOp>(loc, arena, 0), begin));
    else
      bytes = builder.create<arith::ConstantIntOp>(loc, range.end - range.begin,
                                                   64);
    Value base =
        builder.create<memref::ExtractAlignedPointerAsIndexOp>(loc, arena);
    Value address = builder.create<arith::IndexCastUIOp>(
        loc, i64, builder.create<arith::AddIOp>(loc, base, begin));
    builder.create<func::CallOp>(
        loc, callee,
        ValueRange{
            gpu,
            builder.create<LLVM::IntToPtrOp>(
                loc, LLVM::LLVMPointerType::get(op->getContext()), address),
            bytes});
    ++count;
  }

  Value arena, gpu;
  func::FuncOp upload, download;
  ByteRanges deviceDirty, hostDirty;
};

} // namespace

ArenaTransferCounts insertArenaTransfers(func::FuncOp entry, Value arena,
                                         Value gpu, func::FuncOp upload,
                                         func::FuncOp download) {
  TransferInserter inserter(arena, gpu, upload, download);
  for (Operation &op : llvm::make_early_inc_range(entry.getBody().front()))
    inserter.visit(op);
  return inserter.counts;
}

} // namespace mocc::gpu
