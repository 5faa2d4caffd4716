//===- PlanArena.cpp - One static arena for all intermediate buffers ------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/ParallelLoops.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <random>

namespace mocc {
#define GEN_PASS_DEF_PLANARENAPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  /// Positions in the entry block of the allocation and of its last use.
  int64_t begin, end;
  int64_t offset = 0;
};

/// Positions of the first and the last op in `block` that use `root` or a
/// value derived from it (views, casts: any memref an op makes from it).
/// Making a view is not a use: a buffer is live from its first access.
std::pair<int64_t, int64_t>
useInterval(Value root, Block &block,
            const DenseMap<Operation *, int64_t> &position) {
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = position.lookup(root.getDefiningOp());
  llvm::SetVector<Value> worklist;
  worklist.insert(root);
  for (size_t i = 0; i < worklist.size(); ++i) {
    for (Operation *user : worklist[i].getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      if (Operation *ancestor = block.findAncestorOpInBlock(*user)) {
        last = std::max(last, position.lookup(ancestor));
        if (!isa<ViewLikeOpInterface>(user))
          first = std::min(first, position.lookup(ancestor));
      }
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.insert(result);
    }
  }
  return {std::min(first, last), last};
}

int64_t lastUse(Value root, Block &block,
                const DenseMap<Operation *, int64_t> &position) {
  return useInterval(root, block, position).second;
}

/// Places `order`'s buffers one after the other, each in a gap no placed
/// buffer with an overlapping lifetime occupies: the lowest such offset, or
/// with `bestFit` the smallest gap it fits (else the top). Returns the size.
int64_t placeInOrder(ArrayRef<Buffer *> order, bool bestFit) {
  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> taken;
    for (Buffer *other : placed)
      if (other->begin <= buffer->end && buffer->begin <= other->end)
        taken.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(taken);
    int64_t offset = -1, bestGap = std::numeric_limits<int64_t>::max();
    int64_t free = 0;
    for (auto [start, stop] : taken) {
      int64_t gap = start - free;
      if (gap >= buffer->bytes && gap < bestGap) {
        offset = free;
        bestGap = gap;
        if (!bestFit)
          break;
      }
      free = std::max(free, stop);
    }
    buffer->offset = offset >= 0 ? offset : free;
    total = std::max(total, buffer->offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return total;
}

/// Random orders assignOffsets tries after the heuristic ones.
constexpr int kRandomOrders = 256;

/// Greedy placement in several orders (largest first, longest-lived first,
/// earliest first, largest area in bytes x lifetime first, then random
/// ones), each lowest offset first and best fit; keeps the smallest arena.
int64_t assignOffsets(MutableArrayRef<Buffer> buffers) {
  auto lifetime = [](const Buffer *b) { return b->end - b->begin + 1; };
  using Order = std::function<bool(const Buffer *, const Buffer *)>;
  Order orders[] = {
      [](const Buffer *a, const Buffer *b) { return a->bytes > b->bytes; },
      [&](const Buffer *a, const Buffer *b) {
        return lifetime(a) > lifetime(b);
      },
      [](const Buffer *a, const Buffer *b) { return a->begin < b->begin; },
      [&](const Buffer *a, const Buffer *b) {
        return a->bytes * lifetime(a) > b->bytes * lifetime(b);
      }};
  int64_t best = std::numeric_limits<int64_t>::max();
  SmallVector<int64_t> bestOffsets;
  auto tryOrder = [&](ArrayRef<Buffer *> order) {
    for (bool bestFit : {false, true}) {
      int64_t total = placeInOrder(order, bestFit);
      if (total < best) {
        best = total;
        bestOffsets = llvm::map_to_vector(
            buffers, [](const Buffer &buffer) { return buffer.offset; });
      }
    }
  };
  SmallVector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  for (const Order &compare : orders) {
    llvm::stable_sort(order, compare);
    tryOrder(order);
  }
  // Then seeded random orders (the same for every compilation), which find
  // the placements where large buffers must alternate between two regions.
  std::mt19937 random(0);
  for (int trial = 0; trial < kRandomOrders; ++trial) {
    std::shuffle(order.begin(), order.end(), random);
    tryOrder(order);
  }
  for (auto [buffer, offset] : llvm::zip(buffers, bestOffsets))
    buffer.offset = offset;
  return buffers.empty() ? 0 : best;
}

/// A buffer that is only computed to be copied into an output argument is
/// computed in the output itself.
void writeOutputsInPlace(func::FuncOp func) {
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  for (memref::CopyOp copy : copies) {
    auto output = dyn_cast<BlockArgument>(copy.getTarget());
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    if (!output || !alloc || output.getType() != alloc.getType() ||
        copy->getBlock() != alloc->getBlock() ||
        output.getOwner() != alloc->getBlock())
      continue;
    // The output must not be touched before the copy, nor the buffer after.
    if (llvm::any_of(output.getUsers(), [&](Operation *user) {
          return user != copy && !copy->isBeforeInBlock(user);
        }) ||
        llvm::any_of(alloc->getUsers(), [&](Operation *user) {
          return user != copy && !user->isBeforeInBlock(copy);
        }))
      continue;
    copy.erase();
    alloc.replaceAllUsesWith(output);
    alloc.erase();
  }
}

/// The peak of the summed sizes of the buffers live at the same position: no
/// placement of these lifetimes fits in less.
int64_t liveBytesPeak(ArrayRef<Buffer> buffers) {
  std::map<int64_t, int64_t> delta;
  for (const Buffer &buffer : buffers) {
    delta[buffer.begin] += buffer.bytes;
    delta[buffer.end + 1] -= buffer.bytes;
  }
  int64_t live = 0, peak = 0;
  for (auto [position, change] : delta)
    peak = std::max(peak, live += change);
  return peak;
}

/// Whether `op` is elementwise: every element it writes depends only on the
/// elements at the same position of its inputs, so it may overwrite them.
bool isElementwise(linalg::GenericOp op) {
  return op.getNumDpsInits() == 1 &&
         op.getNumLoops() == op.getNumParallelLoops() &&
         llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }) &&
         op.getBody()->getOps<linalg::IndexOp>().empty();
}

/// An elementwise op whose output is a fresh buffer of the same type as an
/// input buffer that dies with it writes into that input instead.
void computeElementwiseInPlace(Block &block) {
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(block))
    position[&op] = i;
  for (auto op : llvm::make_early_inc_range(block.getOps<linalg::GenericOp>())) {
    if (!isElementwise(op))
      continue;
    auto output = op.getDpsInits()[0].getDefiningOp<memref::AllocOp>();
    if (!output || output->getBlock() != &block ||
        llvm::any_of(output->getUsers(), [&](Operation *user) {
          return block.findAncestorOpInBlock(*user)->isBeforeInBlock(op);
        }))
      continue;
    for (Value input : op.getDpsInputs()) {
      auto source = input.getDefiningOp<memref::AllocOp>();
      if (!source || source->getBlock() != &block ||
          source.getType() != output.getType() ||
          lastUse(source, block, position) != position[op])
        continue;
      output.replaceAllUsesWith(source.getResult());
      output.erase();
      break;
    }
  }
}

/// Gives each thread that runs iterations of a parallel loop of `block` its
/// own per-tile buffers: stack allocations at the start of the loop's body,
/// which mocc-parallel-loops makes once per thread. A loop whose buffers do
/// not fit kMaxTileStackBytes becomes sequential instead, and its buffers
/// are hoisted like those of other loops.
void placeParallelTileBuffers(Block &block) {
  IRRewriter rewriter(block.getParentOp()->getContext());
  for (auto loop : llvm::make_early_inc_range(block.getOps<scf::ForallOp>())) {
    SmallVector<memref::AllocOp> allocs;
    int64_t bytes = 0;
    bool fits = true;
    loop.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      allocs.push_back(alloc);
      fits &= type.hasStaticShape() && alloc.getSymbolOperands().empty();
      if (type.hasStaticShape())
        bytes += type.getNumElements() *
                 llvm::divideCeil(type.getElementTypeBitWidth(), 8);
    });
    if (allocs.empty())
      continue;
    if (!fits || bytes > kMaxTileStackBytes) {
      rewriter.setInsertionPoint(loop);
      (void)scf::forallToForLoop(rewriter, loop);
      continue;
    }
    for (memref::AllocOp alloc : allocs) {
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.setInsertionPointToStart(loop.getBody());
      rewriter.replaceOpWithNewOp<memref::AllocaOp>(alloc, alloc.getType(),
                                                    alloc.getAlignmentAttr());
    }
  }
}

/// Moves each allocation nested in a loop nest of `block` (the per-tile
/// buffers of a fused kernel) before the nest's outermost op: a buffer's
/// content does not outlive an iteration, so one buffer serves them all.
void hoistNestedAllocations(Block &block) {
  for (Operation &op : block)
    op.walk([&](memref::AllocOp alloc) {
      if (alloc->getBlock() != &block && alloc.getType().hasStaticShape() &&
          alloc.getDynamicSizes().empty() && alloc.getSymbolOperands().empty())
        alloc->moveBefore(&op);
    });
}

/// Frees each buffer of dynamic shape (its size is known only at run time,
/// so the runtime's run memory places it when the model runs: at the offset
/// it planned for the run's shape, runtime/src/run_memory.h) after its last
/// use in its block, unless the entry returns it: the runtime adopts those.
void freeDynamicAllocations(func::FuncOp func) {
  SmallVector<memref::AllocOp> allocs;
  func.walk([&](memref::AllocOp alloc) {
    if (!alloc.getType().hasStaticShape())
      allocs.push_back(alloc);
  });
  // A result more static than the entry's result type is returned through a
  // cast.
  DenseSet<Value> returned;
  for (Value value : func.getBody().front().getTerminator()->getOperands()) {
    while (auto cast = value.getDefiningOp<memref::CastOp>())
      value = cast.getSource();
    returned.insert(value);
  }
  for (memref::AllocOp alloc : allocs) {
    if (returned.contains(alloc.getResult()))
      continue;
    Block &block = *alloc->getBlock();
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(block))
      position[&op] = i;
    Operation *last =
        &*std::next(block.begin(), lastUse(alloc, block, position));
    OpBuilder builder(last->getContext());
    builder.setInsertionPointAfter(last);
    builder.create<memref::DeallocOp>(alloc.getLoc(), alloc);
  }
}

struct PlanArenaPass : impl::PlanArenaPassBase<PlanArenaPass> {
  using PlanArenaPassBase::PlanArenaPassBase;

  /// Bytes a buffer of `alloc`'s type takes in the arena, aligned.
  int64_t sizeInArena(memref::AllocOp alloc) const {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape())
      return 0;
    int64_t bits = type.getElementTypeBitWidth();
    int64_t bytes = type.getNumElements() * std::max<int64_t>(bits / 8, 1);
    return llvm::alignTo(std::max<int64_t>(bytes, 1), alignment);
  }

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entryName);
    if (!func) {
      getOperation().emitError() << "expects an entry function '" << entryName
                                 << "'";
      return signalPassFailure();
    }
    writeOutputsInPlace(func);
    Block &block = func.getBody().front();
    placeParallelTileBuffers(block);
    hoistNestedAllocations(block);
    int64_t naiveBytes = 0;
    block.walk([&](memref::AllocOp alloc) { naiveBytes += sizeInArena(alloc); });
    if (reuse)
      computeElementwiseInPlace(block);
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(block))
      position[&op] = i;

    SmallVector<Buffer> buffers;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape())
        return WalkResult::advance();
      if (alloc->getBlock() != &block || !type.getLayout().isIdentity()) {
        alloc.emitOpError() << "cannot be placed in the arena: expects a "
                               "static, identity-layout buffer in the entry block";
        return WalkResult::interrupt();
      }
      auto [begin, end] = useInterval(alloc.getResult(), block, position);
      buffers.push_back({alloc, sizeInArena(alloc), begin, end});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    freeDynamicAllocations(func);
    int64_t arenaBytes = 0;
    if (reuse) {
      arenaBytes = assignOffsets(buffers);
    } else {
      for (Buffer &buffer : buffers) {
        buffer.offset = arenaBytes;
        arenaBytes += buffer.bytes;
      }
    }

    MLIRContext *context = &getContext();
    auto arenaType = MemRefType::get({ShapedType::kDynamic},
                                     IntegerType::get(context, 8));
    // After the inputs and outputs, before the thread pool if it has one.
    unsigned arenaIndex = func.getNumArguments();
    if (arenaIndex > 0 && func.getArgAttr(arenaIndex - 1, kThreadPoolArg))
      --arenaIndex;
    func.insertArgument(arenaIndex, arenaType, {}, func.getLoc());
    Value arena = func.getArgument(arenaIndex);
    OpBuilder builder(context);
    for (Buffer &buffer : buffers) {
      builder.setInsertionPoint(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = builder.create<arith::ConstantIndexOp>(loc, buffer.offset);
      Value view = builder.create<memref::ViewOp>(
          loc, buffer.alloc.getType(), arena, offset, ValueRange());
      for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
    auto bytesAttr = [&](int64_t bytes) {
      return IntegerAttr::get(IntegerType::get(context, 64), bytes);
    };
    getOperation()->setAttr(kArenaBytesAttr, bytesAttr(arenaBytes));
    getOperation()->setAttr(kArenaLowerBoundBytesAttr,
                            bytesAttr(liveBytesPeak(buffers)));
    getOperation()->setAttr(kNaiveBytesAttr, bytesAttr(naiveBytes));
  }
};

} // namespace
} // namespace mocc
