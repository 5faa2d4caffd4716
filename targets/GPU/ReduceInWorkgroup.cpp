//===- ReduceInWorkgroup.cpp - A workgroup per point of a reduction -------===//
//
// One thread per point leaves most of a GPU idle where the points are few
// and each reduces many values: a layer normalization's rows, the short
// output of a product with a long inner dimension, a global pooling or a
// reduction to a scalar. Such a kernel gets a workgroup per point instead:
// each thread combines a strided share of the point's values, and the
// threads' partial values are combined in workgroup memory as a tree.
//
//===----------------------------------------------------------------------===//
#include "KernelMappings.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace mocc::gpu {
namespace {

/// Fewer values per point than this are cheaper in one thread.
constexpr int64_t kMinReduction = 64;

/// The combiners whose identity starts each thread's partial value. Not
/// maxnumf/minnumf, whose identity is a NaN that shaders need not honour.
std::optional<arith::AtomicRMWKind> combinerKind(Operation *op) {
  using Kind = std::optional<arith::AtomicRMWKind>;
  return llvm::TypeSwitch<Operation *, Kind>(op)
      .Case([](arith::AddFOp) { return arith::AtomicRMWKind::addf; })
      .Case([](arith::MulFOp) { return arith::AtomicRMWKind::mulf; })
      .Case([](arith::MaximumFOp) { return arith::AtomicRMWKind::maximumf; })
      .Case([](arith::MinimumFOp) { return arith::AtomicRMWKind::minimumf; })
      .Case([](arith::AddIOp) { return arith::AtomicRMWKind::addi; })
      .Case([](arith::MulIOp) { return arith::AtomicRMWKind::muli; })
      .Case([](arith::MaxSIOp) { return arith::AtomicRMWKind::maxs; })
      .Case([](arith::MinSIOp) { return arith::AtomicRMWKind::mins; })
      .Case([](arith::MaxUIOp) { return arith::AtomicRMWKind::maxu; })
      .Case([](arith::MinUIOp) { return arith::AtomicRMWKind::minu; })
      .Case([](arith::AndIOp) { return arith::AtomicRMWKind::andi; })
      .Case([](arith::OrIOp) { return arith::AtomicRMWKind::ori; })
      .Default([](Operation *) -> Kind { return std::nullopt; });
}

/// `combiner` applied to `lhs` and `rhs` (its attributes, e.g. fast-math
/// flags, kept).
Value combine(RewriterBase &rewriter, Operation *combiner, Value lhs,
              Value rhs) {
  Operation *copy = rewriter.clone(*combiner);
  copy->setOperands({lhs, rhs});
  return copy->getResult(0);
}

/// The value `op`'s body combines into its output at `coordinates` (of all
/// its dimensions): its inputs loaded there and its body but the combiner,
/// at the rewriter's insertion point.
Value reducedValueAt(RewriterBase &rewriter, linalg::LinalgOp op,
                     const WorkgroupReduction &reduction,
                     ValueRange coordinates) {
  IRMapping mapping;
  mapInputsAt(rewriter, op, op.getDpsInputOperands(), coordinates, mapping);
  cloneBodyAt(rewriter, op, mapping, coordinates,
              [&](Operation *inner) { return inner != reduction.combiner; });
  return mapping.lookupOrDefault(reduction.reduced);
}

} // namespace

std::optional<WorkgroupReduction> matchWorkgroupReduction(linalg::LinalgOp op,
                                                          int64_t points) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      points > kMaxWorkgroupReductionPoints ||
      !isa<MemRefType>(op.getDpsInits()[0].getType()))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t reductionSize = 1;
  for (int64_t range : ArrayRef(ranges).drop_front(op.getNumParallelLoops()))
    reductionSize *= range;
  if (reductionSize < kMinReduction)
    return std::nullopt;

  // output = combiner(output, reduced), the output read nowhere else.
  BlockArgument output = op.getRegionOutputArgs()[0];
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  Operation *combiner = yield.getValues()[0].getDefiningOp();
  if (!combiner || combiner->getBlock() != op.getBlock() ||
      combiner->getNumOperands() != 2 || !output.hasOneUse() ||
      output.getUses().begin()->getOwner() != combiner)
    return std::nullopt;
  std::optional<arith::AtomicRMWKind> kind = combinerKind(combiner);
  // Partial values in workgroup memory: 32-bit types, which every device
  // stores there.
  Type type = combiner->getResult(0).getType();
  if (!kind || !(type.isF32() || type.isInteger(32)))
    return std::nullopt;
  Value reduced = combiner->getOperand(combiner->getOperand(0) == output);
  return WorkgroupReduction{combiner, output, reduced, *kind,
                            reductionSize >= 1024 ? 256 : 64};
}

LogicalResult launchPerWorkgroup(RewriterBase &rewriter, linalg::LinalgOp op,
                                 const WorkgroupReduction &reduction,
                                 int64_t points) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto index = [&](int64_t value) -> Value {
    return rewriter.create<arith::ConstantIndexOp>(loc, value);
  };
  int64_t threads = reduction.threads;
  auto launch = rewriter.create<mlir::gpu::LaunchOp>(
      loc, index(points), index(1), index(1), index(threads), index(1),
      index(1));
  Type type = reduction.combiner->getResult(0).getType();
  Value partials = launch.addWorkgroupAttribution(
      MemRefType::get(
          {threads}, type, MemRefLayoutAttrInterface(),
          mlir::gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                           mlir::gpu::AddressSpace::Workgroup)),
      loc);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  rewriter.create<mlir::gpu::TerminatorOp>(loc);
  rewriter.setInsertionPointToStart(&body);

  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numParallel = op.getNumParallelLoops();
  SmallVector<Value> coordinates =
      delinearize(rewriter, loc, launch.getBlockIds().x,
                  ArrayRef(ranges).take_front(numParallel));
  ArrayRef<int64_t> reductionRanges = ArrayRef(ranges).drop_front(numParallel);
  int64_t reductionSize = 1;
  for (int64_t range : reductionRanges)
    reductionSize *= range;

  // This thread's share: the values threadIdx, threadIdx + threads, ...
  Value thread = launch.getThreadIds().x;
  Value identity = arith::getIdentityValue(reduction.kind, type, rewriter, loc);
  auto share = rewriter.create<scf::ForOp>(
      loc, thread, index(reductionSize), index(threads), ValueRange{identity},
      [&](OpBuilder &, Location, Value step, ValueRange partial) {
        SmallVector<Value> all(coordinates);
        llvm::append_range(all,
                           delinearize(rewriter, loc, step, reductionRanges));
        Value value = reducedValueAt(rewriter, op, reduction, all);
        rewriter.create<scf::YieldOp>(
            loc, combine(rewriter, reduction.combiner, partial[0], value));
      });
  rewriter.create<memref::StoreOp>(loc, share.getResult(0), partials, thread);
  rewriter.create<mlir::gpu::BarrierOp>(loc);

  // The tree: at each level the lower half combines the upper half in.
  for (int64_t half = threads / 2; half >= 1; half /= 2) {
    Value lower = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                                 thread, index(half));
    auto level = rewriter.create<scf::IfOp>(loc, lower, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&level.getThenRegion().front());
    Value mine = rewriter.create<memref::LoadOp>(loc, partials, thread);
    Value other = rewriter.create<memref::LoadOp>(
        loc, partials,
        ValueRange{rewriter.create<arith::AddIOp>(loc, thread, index(half))});
    rewriter.create<memref::StoreOp>(
        loc, combine(rewriter, reduction.combiner, mine, other), partials,
        thread);
    rewriter.setInsertionPointAfter(level);
    rewriter.create<mlir::gpu::BarrierOp>(loc);
  }

  // Thread 0 combines the total into the output.
  Value first = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                               thread, index(0));
  auto store = rewriter.create<scf::IfOp>(loc, first, /*withElse=*/false);
  rewriter.setInsertionPointToStart(&store.getThenRegion().front());
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> outputCoordinates(coordinates);
  outputCoordinates.append(reductionRanges.size(), index(0));
  SmallVector<Value> outputIndices = indicesAt(
      rewriter, loc, op.getMatchingIndexingMap(init), outputCoordinates);
  Value total = rewriter.create<memref::LoadOp>(loc, partials, index(0));
  Value before =
      rewriter.create<memref::LoadOp>(loc, init->get(), outputIndices);
  rewriter.create<memref::StoreOp>(
      loc, combine(rewriter, reduction.combiner, before, total), init->get(),
      outputIndices);
  rewriter.eraseOp(op);

  sinkIntoKernel(rewriter, launch);
  return success();
}

} // namespace mocc::gpu
