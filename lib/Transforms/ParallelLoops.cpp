//===- ParallelLoops.cpp - Kernel loops outlined for the thread pool ------===//
//
// Each scf.forall of the entry (a kernel mocc-fuse-kernels tiled) becomes a
// function over a range of its iterations, `(begin, end, captures...)`, and
// a call of it over all of them, `(0, trip count, captures...)`. The call is
// marked kParallelForAttr when the loop has the work to pay for a dispatch
// to the thread pool; mocc-lower-parallel-calls then splits its range among
// the pool's threads. Unmarked, or on one thread, it is one sequential call.
// Where the work is known at run time only, the run chooses between a marked
// and an unmarked call.
//
// A multi-dimensional loop is one range: its iterations are numbered in row
// major order and the function recovers each index. The stack buffers
// mocc-plan-arena put at the start of the loop's body are made once per
// call, before the loop over the range: each thread has its own.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/ParallelLoops.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mocc {
#define GEN_PASS_DEF_PARALLELLOOPSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// The elements a loop computes, below which a dispatch to the pool's
/// threads (about a microsecond, and the other core's caches to fill) costs
/// more than it saves: a few microseconds of work on one thread.
constexpr int64_t kMinParallelWork = 32 * 1024;

/// The iterations of dimension `d` of `loop`, from its bounds as `value`
/// gives them.
Value tripsOf(OpBuilder &b, Location loc, scf::ForallOp loop, unsigned d,
              function_ref<Value(OpFoldResult)> value) {
  Value extent =
      b.createOrFold<arith::SubIOp>(loc, value(loop.getMixedUpperBound()[d]),
                                    value(loop.getMixedLowerBound()[d]));
  return b.createOrFold<arith::CeilDivSIOp>(loc, extent,
                                            value(loop.getMixedStep()[d]));
}

/// The iterations `loop` runs, as a value before it.
Value tripCount(OpBuilder &b, scf::ForallOp loop) {
  Location loc = loop.getLoc();
  auto value = [&](OpFoldResult bound) {
    return getValueOrCreateConstantIndexOp(b, loc, bound);
  };
  Value count = b.create<arith::ConstantIndexOp>(loc, 1);
  for (unsigned d = 0; d < loop.getRank(); ++d)
    count = b.createOrFold<arith::MulIOp>(loc, count,
                                          tripsOf(b, loc, loop, d, value));
  return count;
}

/// Loop range `d` of `op`, nested in `loop`, as the code before `loop` can
/// compute it: from a buffer defined before `loop`, or from the sizes of a
/// view of one that `loop` takes. Null if neither holds.
OpFoldResult rangeBefore(OpBuilder &b, linalg::LinalgOp op, unsigned d,
                         scf::ForallOp loop) {
  auto isBefore = [&](Value value) {
    return !loop->isAncestor(value.getParentRegion()->getParentOp());
  };
  Location loc = loop.getLoc();
  for (OpOperand &operand : op->getOpOperands()) {
    Value buffer = operand.get();
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || dim.getPosition() != d)
        continue;
      if (!type.isDynamicDim(i))
        return b.getIndexAttr(type.getDimSize(i));
      if (isBefore(buffer))
        return b.create<memref::DimOp>(loc, buffer, i).getResult();
      auto view = buffer.getDefiningOp<memref::SubViewOp>();
      if (!view)
        continue;
      // The size of the view's source dimension that result dimension i
      // keeps (a view may drop unit dimensions).
      llvm::SmallBitVector dropped = view.getDroppedDims();
      int64_t kept = -1;
      for (unsigned source = 0; source < dropped.size(); ++source)
        if (!dropped[source] && ++kept == int64_t(i)) {
          OpFoldResult size = view.getMixedSizes()[source];
          if (isa<Attribute>(size) || isBefore(cast<Value>(size)))
            return size;
        }
    }
  }
  return {};
}

/// The elements the linalg ops of `loop`, of `trips` iterations, compute (a
/// range that cannot be computed before `loop` counts 1), as a value before
/// `loop`: a constant where all sizes are.
Value workOf(OpBuilder &b, scf::ForallOp loop, Value trips) {
  Location loc = loop.getLoc();
  // Accumulators on the right: arith folds x * 1 and x + 0.
  Value perIteration = b.create<arith::ConstantIndexOp>(loc, 0);
  loop.walk([&](linalg::LinalgOp op) {
    Value elements = b.create<arith::ConstantIndexOp>(loc, 1);
    for (unsigned d = 0; d < op.getNumLoops(); ++d)
      if (OpFoldResult range = rangeBefore(b, op, d, loop))
        elements = b.createOrFold<arith::MulIOp>(
            loc, getValueOrCreateConstantIndexOp(b, loc, range), elements);
    perIteration = b.createOrFold<arith::AddIOp>(loc, elements, perIteration);
  });
  return b.createOrFold<arith::MulIOp>(loc, perIteration, trips);
}

/// The indices of `loop` at iteration `linear` of its row-major numbering,
/// inside the function that `mapping` maps the loop's operands into.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, scf::ForallOp loop,
                               Value linear, IRMapping &mapping) {
  auto value = [&](OpFoldResult bound) {
    return mapping.lookupOrDefault(
        getValueOrCreateConstantIndexOp(b, loc, bound));
  };
  SmallVector<Value> indices(loop.getRank());
  Value rest = linear;
  for (int64_t d = loop.getRank() - 1; d >= 0; --d) {
    Value position = rest;
    if (d > 0) {
      Value trips = tripsOf(b, loc, loop, d, value);
      position = b.createOrFold<arith::RemSIOp>(loc, rest, trips);
      rest = b.createOrFold<arith::DivSIOp>(loc, rest, trips);
    }
    Value offset = b.createOrFold<arith::MulIOp>(loc, position,
                                                 value(loop.getMixedStep()[d]));
    indices[d] = b.createOrFold<arith::AddIOp>(
        loc, offset, value(loop.getMixedLowerBound()[d]));
  }
  return indices;
}

/// Replaces `loop` by a call of a new function `name` over the range of its
/// iterations.
void outline(scf::ForallOp loop, StringRef name, SymbolTable &symbols) {
  MLIRContext *context = loop.getContext();
  Location loc = loop.getLoc();
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(loop.getRegion(), above);
  // Bounds known at run time only: the function computes the indices too.
  above.insert(loop->operand_begin(), loop->operand_end());

  OpBuilder b(context);
  IndexType index = b.getIndexType();
  auto func =
      func::FuncOp::create(loc, name, b.getFunctionType({index, index}, {}));
  func.setPrivate();
  // Internal: once the call is lowered, LLVM inlines it into its one caller.
  func->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
  symbols.insert(func, Block::iterator(loop->getParentOfType<func::FuncOp>()));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);

  // The function takes what the entry's effects made (its arguments,
  // allocations) and makes again what pure ops compute from them: views of
  // the arena keep their constant offsets, from which LLVM sees that the
  // loop's buffers are apart.
  IRMapping mapping;
  SmallVector<Value> captures;
  std::function<Value(Value)> materialize = [&](Value value) -> Value {
    if (Value known = mapping.lookupOrNull(value))
      return known;
    Operation *def = value.getDefiningOp();
    if (def && def->getNumRegions() == 0 && isMemoryEffectFree(def)) {
      for (Value operand : def->getOperands())
        materialize(operand);
      b.clone(*def, mapping);
      return mapping.lookup(value);
    }
    captures.push_back(value);
    BlockArgument argument =
        entry->addArgument(value.getType(), value.getLoc());
    mapping.map(value, argument);
    return argument;
  };
  for (Value value : above)
    materialize(value);
  func.setType(b.getFunctionType(TypeRange(entry->getArgumentTypes()), {}));

  Block *body = loop.getBody();
  DenseSet<Operation *> perThread;
  for (auto alloca : body->getOps<memref::AllocaOp>())
    if (alloca->getNumOperands() == 0) {
      perThread.insert(alloca);
      mapping.map(alloca.getResult(), b.clone(*alloca)->getResult(0));
    }
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto range = b.create<scf::ForOp>(loc, entry->getArgument(0),
                                    entry->getArgument(1), one);
  b.setInsertionPointToStart(range.getBody());
  for (auto [iv, index] :
       llvm::zip(loop.getInductionVars(),
                 delinearize(b, loc, loop, range.getInductionVar(), mapping)))
    mapping.map(iv, index);
  for (Operation &op : body->without_terminator())
    if (!perThread.contains(&op))
      b.clone(op, mapping);
  b.setInsertionPointToEnd(entry);
  b.create<func::ReturnOp>(loc);

  b.setInsertionPoint(loop);
  Value trips = tripCount(b, loop);
  SmallVector<Value> operands = {b.create<arith::ConstantIndexOp>(loc, 0),
                                 trips};
  llvm::append_range(operands, captures);
  auto call = [&](OpBuilder &builder, bool parallel) {
    auto op = builder.create<func::CallOp>(loc, func, operands);
    if (parallel)
      op->setAttr(kParallelForAttr, builder.getUnitAttr());
  };
  Value work = workOf(b, loop, trips);
  if (std::optional<int64_t> known = getConstantIntValue(work)) {
    call(b, *known >= kMinParallelWork);
  } else {
    // Sizes known at run time only: the run decides.
    Value enough = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::sge, work,
        b.create<arith::ConstantIndexOp>(loc, kMinParallelWork));
    b.create<scf::IfOp>(
        loc, enough,
        [&](OpBuilder &then, Location) {
          call(then, true);
          then.create<scf::YieldOp>(loc);
        },
        [&](OpBuilder &otherwise, Location) {
          call(otherwise, false);
          otherwise.create<scf::YieldOp>(loc);
        });
  }
  loop.erase();
}

struct ParallelLoopsPass : impl::ParallelLoopsPassBase<ParallelLoopsPass> {
  using ParallelLoopsPassBase::ParallelLoopsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    SmallVector<scf::ForallOp> loops(
        entry.getBody().front().getOps<scf::ForallOp>());
    for (scf::ForallOp loop : loops)
      outline(loop, entryName + "_loop", symbols);
  }
};

} // namespace
} // namespace mocc
