//===- MapKernels.cpp - The entry's kernels onto GPU threads --------------===//
//
// One thread per point of a kernel's parallel dimensions, the reduction
// dimensions a loop in each thread, so that any linalg op whose buffers are
// static runs on the GPU; a kernel of few points and long reductions gets a
// workgroup per point instead (ReduceInWorkgroup.cpp), and a product of many
// points a workgroup per tile of them (TileProducts.cpp).
//
//===----------------------------------------------------------------------===//
#include "KernelMappings.h"
#include "mocc/Target/GPU/Passes.h"
#include "mocc/Transforms/EntryKernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mocc::gpu {
#define GEN_PASS_DEF_MAPKERNELSTOGPUPASS
#include "mocc/Target/GPU/Passes.h.inc"
} // namespace mocc::gpu

using namespace mlir;

namespace mocc::gpu {
namespace {

/// Vulkan guarantees 65535 workgroups per grid dimension, CUDA more.
constexpr int64_t kMaxGroupsPerDim = 65535;

/// Element types that shaders load and store natively (bf16 has no SPIR-V
/// type; i1 is stored as a byte on both sides).
bool isShaderElementType(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return floatType.isF16() || floatType.isF32() || floatType.isF64();
  if (auto integer = dyn_cast<IntegerType>(type))
    return llvm::is_contained({1u, 8u, 16u, 32u, 64u}, integer.getWidth());
  return false;
}

/// A buffer the kernel can address at a fixed layout: static sizes, strides
/// and offset, in the default memory space.
bool isStaticBuffer(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getMemorySpace() ||
      !isShaderElementType(type.getElementType()))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(getStridesAndOffset(type, strides, offset)) &&
         !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

bool isConstant(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

/// A view whose layout is all static (a slice, a reshape): it moves into the
/// kernel, which then indexes the buffer it views.
bool isStaticView(Operation *op) {
  return op &&
         isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp>(
             op) &&
         op->getNumOperands() == 1;
}

/// The most buffers a kernel binds: Vulkan devices guarantee few storage
/// buffers per shader (4); desktop and mobile drivers give at least 16.
constexpr size_t kMaxBuffers = 16;

/// The math that SPIR-V and PTX have as instructions. mocc-expand-math has
/// rewritten exp, tanh, erf and the like of f32 as arithmetic; what is left
/// of them (on f64) would need a math library on the device.
bool isShaderMathOp(Operation *op) {
  return isa<math::AbsFOp, math::AbsIOp, math::CeilOp, math::CopySignOp,
             math::FloorOp, math::FmaOp, math::RoundEvenOp, math::SqrtOp,
             math::TruncOp>(op);
}

/// Whether a thread can compute `op`'s body: arithmetic, structured control
/// flow, reads of static buffers, and no value from outside but constants
/// and static buffers.
bool hasShaderBody(linalg::LinalgOp op) {
  WalkResult walk = op->getRegion(0).walk([](Operation *inner) {
    // bf16 arithmetic (on bf16 constants) has no SPIR-V type.
    if (!llvm::all_of(inner->getResultTypes(), [](Type type) {
          return type.isIndex() || isShaderElementType(type) ||
                 isa<MemRefType>(type);
        }))
      return WalkResult::interrupt();
    // Booleans are only compared, combined and selected (SPIR-V has no
    // integer arithmetic on them, e.g. a max of i1).
    if (llvm::is_contained(inner->getResultTypes(),
                           IntegerType::get(inner->getContext(), 1)) &&
        isa<arith::ArithDialect>(inner->getDialect()) &&
        !isa<arith::CmpIOp, arith::CmpFOp, arith::AndIOp, arith::OrIOp,
             arith::XOrIOp, arith::SelectOp, arith::ConstantOp,
             arith::TruncIOp>(inner))
      return WalkResult::interrupt();
    // fmod: Vulkan's OpFRem is undefined by zero and infinity, and MLIR's
    // NVVM lowering calls libdevice, which is not linked.
    if (isa<arith::RemFOp>(inner))
      return WalkResult::interrupt();
    bool supported = isa<arith::ArithDialect>(inner->getDialect()) ||
                     isa<linalg::YieldOp, linalg::IndexOp, scf::IfOp,
                         scf::YieldOp, scf::ForOp>(inner) ||
                     isShaderMathOp(inner) ||
                     (isa<memref::LoadOp>(inner) &&
                      isStaticBuffer(cast<memref::LoadOp>(inner).getMemRef()));
    return supported ? WalkResult::advance() : WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return false;
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegion(0), captured);
  if (!llvm::all_of(captured, [](Value value) {
        return isConstant(value) || isStaticBuffer(value);
      }))
    return false;
  llvm::SmallPtrSet<Value, 8> buffers;
  SmallVector<Value> used(op->getOperands());
  llvm::append_range(used, captured);
  for (Value value : used)
    if (isa<MemRefType>(value.getType()))
      buffers.insert(boundBuffer(value));
  return buffers.size() <= kMaxBuffers;
}

/// The number of points of `op`'s parallel dimensions, if a thread per point
/// can compute it.
std::optional<int64_t> parallelPoints(linalg::LinalgOp op,
                                      int64_t workgroupSize) {
  if (!op.hasPureBufferSemantics() || !hasShaderBody(op))
    return std::nullopt;
  for (Value operand : op->getOperands())
    if (!isStaticBuffer(operand) && !isConstant(operand))
      return std::nullopt;
  int64_t points = 1;
  for (auto [range, iterator] :
       llvm::zip(op.getStaticLoopRanges(), op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::parallel)
      points *= range;
  if (points == 0 || !gridFor(points, workgroupSize))
    return std::nullopt;
  return points;
}

/// `op` with its parallel dimensions first, so that a thread's loops are
/// the reduction dimensions inside its point: itself if they are, else a
/// generic with its dimensions interchanged.
FailureOr<linalg::LinalgOp> parallelDimsFirst(RewriterBase &rewriter,
                                              linalg::LinalgOp op) {
  SmallVector<unsigned> order;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (bool parallel : {true, false})
    for (auto [dim, iterator] : llvm::enumerate(iterators))
      if ((iterator == utils::IteratorType::parallel) == parallel)
        order.push_back(dim);
  if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
    return op;
  FailureOr<linalg::GenericOp> generic =
      isa<linalg::GenericOp>(op) ? cast<linalg::GenericOp>(op)
                                 : linalg::generalizeNamedOp(rewriter, op);
  if (failed(generic))
    return failure();
  FailureOr<linalg::GenericOp> interchanged =
      linalg::interchangeGenericOp(rewriter, *generic, order);
  if (failed(interchanged))
    return failure();
  return cast<linalg::LinalgOp>(interchanged->getOperation());
}

} // namespace

/// Moves into `launch` the constants it uses (MLIR's outliner would pass all
/// but index constants as arguments) and the static views, so that the
/// kernel binds the buffers they view, each once.
void sinkIntoKernel(RewriterBase &rewriter, mlir::gpu::LaunchOp launch) {
  Block &body = launch.getBody().front();
  for (bool sunk = true; sunk;) {
    sunk = false;
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(launch.getBody(), captured);
    for (Value value : captured) {
      Operation *def = value.getDefiningOp();
      if (!isConstant(value) && !isStaticView(def))
        continue;
      rewriter.setInsertionPointToStart(&body);
      Operation *copy = rewriter.clone(*def);
      rewriter.replaceUsesWithIf(
          value, copy->getResult(0), [&](OpOperand &use) {
            return launch->isProperAncestor(use.getOwner());
          });
      if (def->use_empty())
        rewriter.eraseOp(def);
      sunk = true;
    }
  }
}

SmallVector<Value> delinearize(RewriterBase &rewriter, Location loc,
                               Value index, ArrayRef<int64_t> ranges) {
  SmallVector<Value> coordinates(ranges.size());
  for (size_t dim = ranges.size(); dim-- > 0;) {
    Value range = rewriter.create<arith::ConstantIndexOp>(loc, ranges[dim]);
    coordinates[dim] = rewriter.create<arith::RemUIOp>(loc, index, range);
    index = rewriter.create<arith::DivUIOp>(loc, index, range);
  }
  return coordinates;
}

Value boundBuffer(Value value) {
  while (isStaticView(value.getDefiningOp()))
    value = value.getDefiningOp()->getOperand(0);
  return value;
}

std::optional<std::pair<int64_t, int64_t>> gridFor(int64_t points,
                                                   int64_t workgroupSize) {
  int64_t groups = llvm::divideCeil(points, workgroupSize);
  int64_t x = std::min(groups, kMaxGroupsPerDim);
  int64_t y = llvm::divideCeil(groups, x);
  if (y > kMaxGroupsPerDim)
    return std::nullopt;
  return std::make_pair(x, y);
}

SmallVector<Value> indicesAt(RewriterBase &rewriter, Location loc,
                             AffineMap map, ValueRange coordinates) {
  SmallVector<Value> indices;
  SmallVector<OpFoldResult> operands(coordinates);
  for (AffineExpr result : map.getResults())
    indices.push_back(getValueOrCreateConstantIndexOp(
        rewriter, loc,
        affine::makeComposedFoldedAffineApply(
            rewriter, loc, AffineMap::get(map.getNumDims(), 0, result),
            operands)));
  return indices;
}

void mapInputsAt(RewriterBase &rewriter, linalg::LinalgOp op,
                 ArrayRef<OpOperand *> inputs, ValueRange coordinates,
                 IRMapping &mapping) {
  for (OpOperand *input : inputs) {
    Value value = input->get();
    if (isa<MemRefType>(value.getType()))
      value = rewriter.create<memref::LoadOp>(
          op.getLoc(), value,
          indicesAt(rewriter, op.getLoc(), op.getMatchingIndexingMap(input),
                    coordinates));
    mapping.map(op.getMatchingBlockArgument(input), value);
  }
}

Value groupIndex(RewriterBase &rewriter, mlir::gpu::LaunchOp launch,
                 int64_t groupsX) {
  Location loc = launch.getLoc();
  mlir::gpu::KernelDim3 block = launch.getBlockIds();
  return rewriter.create<arith::AddIOp>(
      loc,
      rewriter.create<arith::MulIOp>(
          loc, block.y, rewriter.create<arith::ConstantIndexOp>(loc, groupsX)),
      block.x);
}

void cloneBodyAt(RewriterBase &rewriter, linalg::LinalgOp op,
                 IRMapping &mapping, ValueRange coordinates,
                 llvm::function_ref<bool(Operation *)> cloned) {
  for (Operation &inner : op.getBlock()->without_terminator()) {
    if (!cloned(&inner))
      continue;
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), coordinates[index.getDim()]);
      continue;
    }
    // linalg.index nested in the body's regions.
    rewriter.clone(inner, mapping)->walk([&](linalg::IndexOp index) {
      rewriter.replaceOp(index, coordinates[index.getDim()]);
    });
  }
}

namespace {

/// Replaces `op`, whose parallel dimensions come first, by a gpu.launch of
/// one thread per parallel point.
LogicalResult launchPerPoint(RewriterBase &rewriter, linalg::LinalgOp op,
                             int64_t points, int64_t workgroupSize) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto [groupsX, groupsY] = *gridFor(points, workgroupSize);
  auto index = [&](int64_t value) -> Value {
    return rewriter.create<arith::ConstantIndexOp>(loc, value);
  };
  auto launch = rewriter.create<mlir::gpu::LaunchOp>(
      loc, index(groupsX), index(groupsY), index(1), index(workgroupSize),
      index(1), index(1));
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  rewriter.create<mlir::gpu::TerminatorOp>(loc);
  rewriter.setInsertionPointToStart(&body);

  // The thread's point, numbered row-major over the parallel dimensions.
  Value group = groupIndex(rewriter, launch, groupsX);
  Value point = rewriter.create<arith::AddIOp>(
      loc, rewriter.create<arith::MulIOp>(loc, group, index(workgroupSize)),
      launch.getThreadIds().x);
  Value inside = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                                point, index(points));
  auto guard = rewriter.create<scf::IfOp>(loc, inside, /*withElse=*/false);
  rewriter.setInsertionPointToStart(&guard.getThenRegion().front());

  unsigned numParallel = op.getNumParallelLoops();
  SmallVector<Value> coordinates =
      delinearize(rewriter, loc, point,
                  ArrayRef(op.getStaticLoopRanges()).take_front(numParallel));

  // The op's loops, the parallel ones run once at the thread's point.
  auto inner = cast<linalg::LinalgOp>(rewriter.clone(*op));
  FailureOr<linalg::LinalgLoops> loops =
      linalg::linalgOpToLoops(rewriter, inner);
  if (failed(loops))
    return failure();
  rewriter.eraseOp(inner);
  for (unsigned dim = 0; dim < numParallel; ++dim) {
    auto loop = cast<scf::ForOp>((*loops)[dim]);
    Block *loopBody = loop.getBody();
    rewriter.eraseOp(loopBody->getTerminator());
    rewriter.inlineBlockBefore(loopBody, loop, {coordinates[dim]});
    rewriter.eraseOp(loop);
  }
  rewriter.eraseOp(op);

  sinkIntoKernel(rewriter, launch);
  return success();
}

/// What a kernel is, for messages; the driver prefixes them with the ONNX
/// node its location names.
std::string describeKernel(Operation *op) {
  if (auto call = dyn_cast<func::CallOp>(op))
    return "runtime call '" + call.getCallee().str() + "'";
  return "'" + op->getName().getStringRef().str() + "'";
}

struct MapKernelsToGPUPass
    : impl::MapKernelsToGPUPassBase<MapKernelsToGPUPass> {
  using MapKernelsToGPUPassBase::MapKernelsToGPUPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal())
      return;
    IRRewriter rewriter(&getContext());
    int64_t gpuKernels = 0, workgroupKernels = 0, tiledKernels = 0,
            cpuKernels = 0;
    for (Operation &op : llvm::make_early_inc_range(entry.getBody().front())) {
      if (!isEntryKernel(op))
        continue;
      Operation *kernel = &op;
      // A copy between static buffers is a kernel like any other.
      if (auto copy = dyn_cast<memref::CopyOp>(op);
          copy && isStaticBuffer(copy.getSource()) &&
          isStaticBuffer(copy.getTarget())) {
        rewriter.setInsertionPoint(copy);
        kernel = rewriter.replaceOpWithNewOp<linalg::CopyOp>(
            copy, copy.getSource(), copy.getTarget());
      }
      // Described first: the kernel may be rewritten before a failure.
      Location loc = kernel->getLoc();
      std::string what = describeKernel(kernel);
      auto linalgOp = dyn_cast<linalg::LinalgOp>(kernel);
      std::optional<int64_t> points =
          linalgOp ? parallelPoints(linalgOp, workgroupSize) : std::nullopt;
      // Interchanged or generalized, the op computes the same on the CPU.
      FailureOr<linalg::LinalgOp> ordered = failure();
      if (points) {
        rewriter.setInsertionPoint(kernel);
        ordered = parallelDimsFirst(rewriter, linalgOp);
      }
      if (succeeded(ordered)) {
        std::optional<WorkgroupReduction> reduction =
            matchWorkgroupReduction(*ordered, *points);
        std::optional<TiledProduct> tiled =
            !reduction && tileProducts ? matchTiledProduct(*ordered, *points)
                                       : std::nullopt;
        LogicalResult mapped = failure();
        if (reduction)
          mapped = launchPerWorkgroup(rewriter, *ordered, *reduction, *points);
        else if (tiled)
          mapped = launchPerTile(rewriter, *ordered, *tiled);
        else
          mapped = launchPerPoint(rewriter, *ordered, *points, workgroupSize);
        if (failed(mapped)) {
          emitError(loc) << "internal error: cannot map " << what
                         << " onto GPU threads";
          return signalPassFailure();
        }
        ++gpuKernels;
        workgroupKernels += reduction.has_value();
        tiledKernels += tiled.has_value();
        continue;
      }
      if (strict) {
        emitError(loc) << what << " has no GPU lowering (--gpu-strict)";
        return signalPassFailure();
      }
      ++cpuKernels;
    }
    Builder builder(&getContext());
    module->setAttr(kGPUKernelsAttr, builder.getI64IntegerAttr(gpuKernels));
    module->setAttr(kWorkgroupKernelsAttr,
                    builder.getI64IntegerAttr(workgroupKernels));
    module->setAttr(kTiledKernelsAttr, builder.getI64IntegerAttr(tiledKernels));
    module->setAttr(kCPUFallbackKernelsAttr,
                    builder.getI64IntegerAttr(cpuKernels));
  }
};

} // namespace
} // namespace mocc::gpu
