//===- TileProducts.cpp - A workgroup per tile of a product ---------------===//
//
// One thread per output point reads every value it combines from device
// memory: an M x N product over K reads its left operand N times over and
// its right one M times. A product or convolution of many points gets a
// workgroup per tile of points instead. A chunk of the reduction at a time,
// the workgroup stages in workgroup memory the values of the op's body that
// the tile's points share (for a matrix product, a block of each operand;
// for a convolution, the filter's block and the input's windows, padded
// where the body pads them: an im2col of the tile), each read from device
// memory once per tile and by neighbouring threads, then each thread
// combines its points' share of the chunk from there. Each point still
// combines its values in the op's order, with the op's body, so it computes
// what one thread per point does.
//
//===----------------------------------------------------------------------===//
#include "KernelMappings.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SmallBitVector.h"

#include <limits>

using namespace mlir;

namespace mocc::gpu {
namespace {

/// Threads per workgroup.
constexpr int64_t kThreads = 256;

/// Fewer values per point share too little to pay for the barriers: a
/// depthwise 3x3 convolution combines 9.
constexpr int64_t kMinReduction = 32;

/// The workgroup memory every Vulkan device has (maxComputeSharedMemorySize).
constexpr int64_t kWorkgroupMemoryBytes = 16384;

/// The 32-bit elements of one vector load (16 bytes: PTX's ld.v4).
constexpr int64_t kVectorWidth = 4;

/// The most points a tile has: four per thread where the product has
/// enough tiles of 1024 points to fill a large GPU, else one.
int64_t maxTilePoints(int64_t points) {
  return points >= 128 * 4 * kThreads ? 4 * kThreads : kThreads;
}

bool readsReductionDims(AffineMap map, unsigned numParallel) {
  for (unsigned dim = numParallel; dim < map.getNumDims(); ++dim)
    if (map.isFunctionOfDim(dim))
      return true;
  return false;
}

int64_t product(ArrayRef<int64_t> values) {
  int64_t result = 1;
  for (int64_t value : values)
    result *= value;
  return result;
}

/// The points of `tile` along `dims`: the values of an operand reading
/// those dimensions that the tile's points share, per reduction step.
int64_t footprint(ArrayRef<unsigned> dims, ArrayRef<int64_t> tile) {
  int64_t values = 1;
  for (unsigned dim : dims)
    values *= tile[dim];
  return values;
}

/// The tile over the parallel dimensions `ranges`, of at most `target`
/// points: grown from one point by doubling one dimension at a time (up to
/// its range), the one that leaves the fewest staged values per point, the
/// innermost of equals (its points are neighbours in memory).
SmallVector<int64_t> chooseTile(ArrayRef<int64_t> ranges,
                                ArrayRef<SmallVector<unsigned>> stagedDims,
                                int64_t target) {
  SmallVector<int64_t> tile(ranges.size(), 1);
  auto valuesPerPoint = [&](ArrayRef<int64_t> candidate) {
    double values = 0;
    for (ArrayRef<unsigned> dims : stagedDims)
      values += footprint(dims, candidate);
    return values / product(candidate);
  };
  for (;;) {
    std::optional<unsigned> best;
    double bestValues = std::numeric_limits<double>::infinity();
    for (unsigned dim = ranges.size(); dim-- > 0;) {
      SmallVector<int64_t> candidate(tile);
      candidate[dim] = std::min(2 * tile[dim], ranges[dim]);
      if (candidate[dim] == tile[dim] || product(candidate) > target)
        continue;
      double values = valuesPerPoint(candidate);
      if (values < bestValues) {
        best = dim;
        bestValues = values;
      }
    }
    if (!best)
      return tile;
    tile[*best] = std::min(2 * tile[*best], ranges[*best]);
  }
}

Value constantIndex(RewriterBase &rewriter, Location loc, int64_t value) {
  return rewriter.create<arith::ConstantIndexOp>(loc, value);
}

/// The row-major index of `coordinates` over `ranges`.
Value linearize(RewriterBase &rewriter, Location loc, ValueRange coordinates,
                ArrayRef<int64_t> ranges) {
  Value index = constantIndex(rewriter, loc, 0);
  for (auto [coordinate, range] : llvm::zip(coordinates, ranges))
    index = rewriter.create<arith::AddIOp>(
        loc,
        rewriter.create<arith::MulIOp>(loc, index,
                                       constantIndex(rewriter, loc, range)),
        coordinate);
  return index;
}

Value allOf(RewriterBase &rewriter, Location loc, ArrayRef<Value> conditions) {
  Value all;
  for (Value condition : conditions)
    all = all ? rewriter.create<arith::AndIOp>(loc, all, condition) : condition;
  return all;
}

/// The ops of a body that computing some of its values takes, and the
/// input arguments they read.
struct BodySlice {
  llvm::SmallPtrSet<Operation *, 16> ops;
  SmallVector<BlockArgument> inputs;
  llvm::SmallPtrSet<Value, 4> leavesRead;
  bool readsIndices = false; // linalg.index of a reduction dimension
};

/// What computing `roots` in `op`'s body takes, given `leaves`.
BodySlice sliceFor(linalg::LinalgOp op, ValueRange roots,
                   ArrayRef<Value> leaves) {
  BodySlice slice;
  Block *body = op.getBlock();
  SmallVector<Value> worklist(roots);
  llvm::SmallPtrSet<Value, 16> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    if (llvm::is_contained(leaves, value)) {
      slice.leavesRead.insert(value);
      continue;
    }
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      if (argument.getOwner() == body &&
          op.isDpsInput(op.getMatchingOpOperand(argument)))
        slice.inputs.push_back(argument);
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (def->getBlock() != body || !slice.ops.insert(def).second)
      continue;
    llvm::append_range(worklist, def->getOperands());
    for (Region &region : def->getRegions()) {
      SetVector<Value> captured;
      getUsedValuesDefinedAbove(region, captured);
      llvm::append_range(worklist, captured);
    }
    def->walk([&](linalg::IndexOp index) {
      slice.readsIndices |= index.getDim() >= op.getNumParallelLoops();
    });
  }
  return slice;
}

/// The innermost of `operand`'s indices that varies across the loops (the
/// dimensions of one point, such as a 1x1 convolution's window, held at
/// zero): its position and expression, or nothing for a single element.
struct InnermostIndex {
  unsigned position;
  AffineExpr expr;
};
std::optional<InnermostIndex> innermostVaryingIndex(linalg::LinalgOp op,
                                                    OpOperand *operand) {
  AffineMap map = op.getMatchingIndexingMap(operand);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineExpr> dims;
  for (unsigned dim = 0; dim < map.getNumDims(); ++dim)
    dims.push_back(ranges[dim] == 1 ? getAffineConstantExpr(0, op.getContext())
                                    : getAffineDimExpr(dim, op.getContext()));
  AffineMap varying = simplifyAffineMap(
      map.replaceDimsAndSymbols(dims, {}, map.getNumDims(), 0));
  for (unsigned position = varying.getNumResults(); position-- > 0;)
    if (!isa<AffineConstantExpr>(varying.getResult(position)))
      return InnermostIndex{position, varying.getResult(position)};
  return std::nullopt;
}

/// Whether neighbouring threads stage `slice`'s value along the reduction
/// (an input it reads has a reduction dimension innermost), else along the
/// tile: either way they read neighbouring values.
bool stagesAlongReduction(linalg::LinalgOp op, const BodySlice &slice) {
  return llvm::any_of(slice.inputs, [&](BlockArgument argument) {
    std::optional<InnermostIndex> innermost =
        innermostVaryingIndex(op, op.getMatchingOpOperand(argument));
    return innermost && readsReductionDims(AffineMap::get(op.getNumLoops(), 0,
                                                          innermost->expr),
                                           op.getNumParallelLoops());
  });
}

/// The loop dimension along which a thread stages four elements of
/// `staged` at once, if it is an operand's element and they line up: the
/// operand's innermost varying index is that dimension, contiguous in
/// memory, and the one threads stage along; the other strides and the
/// offset are multiples of four, as are the dimension's range and its share
/// of a row of the staged block (a chunk's steps or the tile's points), so
/// that a thread's four start a multiple of 16 bytes into the buffer and
/// are all inside or all past an edge.
std::optional<unsigned> vectorDimFor(linalg::LinalgOp op,
                                     const StagedValue &staged,
                                     ArrayRef<int64_t> tile, int64_t chunk) {
  auto argument = dyn_cast<BlockArgument>(staged.value);
  if (!argument || argument.getOwner() != op.getBlock())
    return std::nullopt;
  OpOperand *operand = op.getMatchingOpOperand(argument);
  auto type = dyn_cast<MemRefType>(operand->get().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!op.isDpsInput(operand) || !type ||
      failed(getStridesAndOffset(type, strides, offset)) ||
      ShapedType::isDynamic(offset) || offset % kVectorWidth != 0)
    return std::nullopt;
  std::optional<InnermostIndex> innermost = innermostVaryingIndex(op, operand);
  if (!innermost)
    return std::nullopt;
  auto innermostDim = dyn_cast<AffineDimExpr>(innermost->expr);
  if (!innermostDim || strides[innermost->position] != 1)
    return std::nullopt;
  unsigned dim = innermostDim.getPosition();
  AffineMap map = op.getMatchingIndexingMap(operand);
  for (unsigned position = 0; position < type.getRank(); ++position) {
    if (position == innermost->position)
      continue;
    // Another index of `dim` would move the neighbours apart in memory.
    if (map.getResult(position).isFunctionOfDim(dim) ||
        (type.getDimSize(position) != 1 &&
         (ShapedType::isDynamic(strides[position]) ||
          strides[position] % kVectorWidth != 0)))
      return std::nullopt;
  }

  // The value is the operand's element, so stagesAlongReduction stages it
  // along `dim`. A row's neighbouring values differ in `dim` alone: no later
  // dimension has more than one of them.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool alongReduction = dim >= op.getNumParallelLoops();
  if (alongReduction) {
    if (chunk % kVectorWidth != 0 ||
        llvm::any_of(llvm::seq<size_t>(dim + 1, ranges.size()),
                     [&](size_t later) { return ranges[later] != 1; }))
      return std::nullopt;
  } else {
    const unsigned *position = llvm::find(staged.dims, dim);
    if (position == staged.dims.end() || tile[dim] % kVectorWidth != 0 ||
        llvm::any_of(ArrayRef(position + 1, staged.dims.end()),
                     [&](unsigned later) { return tile[later] != 1; }))
      return std::nullopt;
  }
  if (ranges[dim] % kVectorWidth != 0)
    return std::nullopt;
  return dim;
}

/// Builds the launch of a tiled product: the names of what the kernel
/// computes once and uses throughout.
class TileLowering {
public:
  TileLowering(RewriterBase &rewriter, linalg::LinalgOp op,
               const TiledProduct &tiled)
      : rewriter(rewriter), op(op), tiled(tiled), loc(op.getLoc()),
        numParallel(op.getNumParallelLoops()) {
    SmallVector<int64_t> loopRanges = op.getStaticLoopRanges();
    ranges.assign(loopRanges.begin(), loopRanges.begin() + numParallel);
    reductionRanges.assign(loopRanges.begin() + numParallel, loopRanges.end());
    reductionSize = product(reductionRanges);
    tilePoints = product(tiled.tile);
  }

  LogicalResult build();

private:
  Value index(int64_t value) { return constantIndex(rewriter, loc, value); }

  /// Origin of the tile of workgroup `group`, one coordinate per parallel
  /// dimension.
  void computeTileOrigin(Value group);
  /// The coordinates, validity and staged offsets of this thread's points.
  void computeThreadPoints(Value thread);
  /// Copies this chunk of the staged values into workgroup memory.
  void stageChunk(Value thread, Value chunkStart);
  /// Combines this chunk into each point's accumulator.
  SmallVector<Value> combineChunk(Value chunkStart, ValueRange accumulators);

  /// Whether `slice` reads the reduction dimensions' coordinates.
  bool readsReductionCoordinates(const BodySlice &slice);
  /// Clones `slice` at `coordinates` (of all the op's dimensions), its input
  /// arguments loaded there; `mapping` holds its leaves.
  void emitSlice(const BodySlice &slice, ValueRange coordinates,
                 IRMapping &mapping);

  RewriterBase &rewriter;
  linalg::LinalgOp op;
  const TiledProduct &tiled;
  Location loc;
  unsigned numParallel;
  SmallVector<int64_t> ranges, reductionRanges;
  int64_t reductionSize, tilePoints;

  SmallVector<Value> origin;
  SmallVector<Value> workgroupBuffers; // one per staged value
  struct ThreadPoint {
    SmallVector<Value> coordinates; // clamped into the ranges
    Value valid;                    // null where always valid
    SmallVector<Value> stagedRows;  // per staged value, its row
  };
  SmallVector<ThreadPoint> threadPoints;
};

bool TileLowering::readsReductionCoordinates(const BodySlice &slice) {
  return slice.readsIndices ||
         llvm::any_of(slice.inputs, [&](BlockArgument argument) {
           return readsReductionDims(
               op.getMatchingIndexingMap(op.getMatchingOpOperand(argument)),
               numParallel);
         });
}

void TileLowering::emitSlice(const BodySlice &slice, ValueRange coordinates,
                             IRMapping &mapping) {
  SmallVector<OpOperand *> inputs;
  for (BlockArgument argument : slice.inputs)
    inputs.push_back(op.getMatchingOpOperand(argument));
  mapInputsAt(rewriter, op, inputs, coordinates, mapping);
  cloneBodyAt(rewriter, op, mapping, coordinates,
              [&](Operation *inner) { return slice.ops.contains(inner); });
}

void TileLowering::computeTileOrigin(Value group) {
  SmallVector<int64_t> groupsPerDim;
  for (auto [range, size] : llvm::zip(ranges, tiled.tile))
    groupsPerDim.push_back(llvm::divideCeil(range, size));
  for (auto [coordinate, size] :
       llvm::zip(delinearize(rewriter, loc, group, groupsPerDim), tiled.tile))
    origin.push_back(
        rewriter.create<arith::MulIOp>(loc, coordinate, index(size)));
}

void TileLowering::computeThreadPoints(Value thread) {
  for (int64_t point = 0; point < tiled.pointsPerThread; ++point) {
    ThreadPoint result;
    SmallVector<Value> conditions;
    Value local =
        rewriter.create<arith::AddIOp>(loc, thread, index(point * kThreads));
    if ((point + 1) * kThreads > tilePoints) {
      conditions.push_back(rewriter.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::ult, local, index(tilePoints)));
      local =
          rewriter.create<arith::MinUIOp>(loc, local, index(tilePoints - 1));
    }
    SmallVector<Value> localCoordinates =
        delinearize(rewriter, loc, local, tiled.tile);
    for (unsigned dim = 0; dim < numParallel; ++dim) {
      Value coordinate = rewriter.create<arith::AddIOp>(loc, origin[dim],
                                                        localCoordinates[dim]);
      if (ranges[dim] % tiled.tile[dim] != 0) {
        conditions.push_back(rewriter.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ult, coordinate, index(ranges[dim])));
        coordinate = rewriter.create<arith::MinUIOp>(loc, coordinate,
                                                     index(ranges[dim] - 1));
      }
      result.coordinates.push_back(coordinate);
    }
    result.valid = allOf(rewriter, loc, conditions);
    // A point past the edge reads the rows of the point it is clamped to,
    // which are staged.
    for (const StagedValue &staged : tiled.staged) {
      SmallVector<Value> coordinates;
      SmallVector<int64_t> sizes;
      for (unsigned dim : staged.dims) {
        coordinates.push_back(rewriter.create<arith::SubIOp>(
            loc, result.coordinates[dim], origin[dim]));
        sizes.push_back(tiled.tile[dim]);
      }
      result.stagedRows.push_back(linearize(rewriter, loc, coordinates, sizes));
    }
    threadPoints.push_back(std::move(result));
  }
}

void TileLowering::stageChunk(Value thread, Value chunkStart) {
  for (auto [staged, buffer] : llvm::zip(tiled.staged, workgroupBuffers)) {
    BodySlice slice = sliceFor(op, staged.value, {});
    SmallVector<int64_t> sizes;
    for (unsigned dim : staged.dims)
      sizes.push_back(tiled.tile[dim]);
    int64_t rows = product(sizes);
    bool alongReduction = stagesAlongReduction(op, slice);
    // Each thread stages `width` neighbouring elements of the block.
    int64_t width = staged.vectorDim ? kVectorWidth : 1;
    Value first =
        width == 1 ? thread
                   : rewriter.create<arith::MulIOp>(loc, thread, index(width));
    auto loop = rewriter.create<scf::ForOp>(
        loc, first, index(rows * tiled.chunk), index(kThreads * width));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value element = loop.getInductionVar();
    Value row, step;
    if (alongReduction) {
      row = rewriter.create<arith::DivUIOp>(loc, element, index(tiled.chunk));
      step = rewriter.create<arith::RemUIOp>(loc, element, index(tiled.chunk));
    } else {
      row = rewriter.create<arith::RemUIOp>(loc, element, index(rows));
      step = rewriter.create<arith::DivUIOp>(loc, element, index(rows));
    }
    // The value's coordinates there; dimensions it does not read, zero.
    SmallVector<Value> coordinates(numParallel, index(0));
    SmallVector<Value> conditions;
    for (auto [dim, local] :
         llvm::zip(staged.dims, delinearize(rewriter, loc, row, sizes))) {
      coordinates[dim] =
          rewriter.create<arith::AddIOp>(loc, origin[dim], local);
      if (ranges[dim] % tiled.tile[dim] != 0)
        conditions.push_back(rewriter.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ult, coordinates[dim],
            index(ranges[dim])));
    }
    Value reductionStep = rewriter.create<arith::AddIOp>(loc, chunkStart, step);
    if (reductionSize % tiled.chunk != 0)
      conditions.push_back(rewriter.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::ult, reductionStep, index(reductionSize)));
    if (Value inside = allOf(rewriter, loc, conditions)) {
      auto ifInside = rewriter.create<scf::IfOp>(loc, inside, false);
      rewriter.setInsertionPointToStart(&ifInside.getThenRegion().front());
    }
    llvm::append_range(coordinates, delinearize(rewriter, loc, reductionStep,
                                                reductionRanges));
    for (int64_t lane = 0; lane < width; ++lane) {
      SmallVector<Value> laneCoordinates(coordinates);
      Value laneRow = row, laneStep = step;
      if (lane != 0) {
        auto next = [&](Value value) {
          return rewriter.create<arith::AddIOp>(loc, value, index(lane));
        };
        unsigned dim = *staged.vectorDim;
        laneCoordinates[dim] = next(coordinates[dim]);
        if (alongReduction)
          laneStep = next(step);
        else
          laneRow = next(row);
      }
      IRMapping mapping;
      emitSlice(slice, laneCoordinates, mapping);
      Value slot = rewriter.create<arith::AddIOp>(
          loc, rewriter.create<arith::MulIOp>(loc, laneStep, index(rows + 1)),
          laneRow);
      rewriter.create<memref::StoreOp>(
          loc, mapping.lookupOrDefault(staged.value), buffer, slot);
    }
  }
}

SmallVector<Value> TileLowering::combineChunk(Value chunkStart,
                                              ValueRange accumulators) {
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  SmallVector<Value> stagedValues;
  for (const StagedValue &staged : tiled.staged)
    stagedValues.push_back(staged.value);
  BodySlice slice = sliceFor(op, yield.getValues(), stagedValues);
  bool readsReduction = readsReductionCoordinates(slice);

  Value steps = index(tiled.chunk);
  if (reductionSize % tiled.chunk != 0)
    steps = rewriter.create<arith::MinUIOp>(
        loc, steps,
        rewriter.create<arith::SubIOp>(loc, index(reductionSize), chunkStart));
  auto loop = rewriter.create<scf::ForOp>(
      loc, index(0), steps, index(1), accumulators,
      [&](OpBuilder &, Location, Value step, ValueRange partial) {
        SmallVector<Value> reduction(reductionRanges.size(), index(0));
        if (readsReduction)
          reduction =
              delinearize(rewriter, loc,
                          rewriter.create<arith::AddIOp>(loc, chunkStart, step),
                          reductionRanges);
        SmallVector<Value> stepOffsets;
        for (const StagedValue &staged : tiled.staged)
          stepOffsets.push_back(rewriter.create<arith::MulIOp>(
              loc, step, index(footprint(staged.dims, tiled.tile) + 1)));
        SmallVector<Value> next;
        for (auto [point, accumulator] : llvm::zip(threadPoints, partial)) {
          SmallVector<Value> coordinates(point.coordinates);
          llvm::append_range(coordinates, reduction);
          IRMapping mapping;
          for (auto [value, buffer, offset, row] :
               llvm::zip(stagedValues, workgroupBuffers, stepOffsets,
                         point.stagedRows))
            mapping.map(value, rewriter.create<memref::LoadOp>(
                                   loc, buffer,
                                   ValueRange{rewriter.create<arith::AddIOp>(
                                       loc, offset, row)}));
          mapping.map(op.getRegionOutputArgs()[0], accumulator);
          emitSlice(slice, coordinates, mapping);
          next.push_back(mapping.lookupOrDefault(yield.getValues()[0]));
        }
        rewriter.create<scf::YieldOp>(loc, next);
      });
  return loop.getResults();
}

LogicalResult TileLowering::build() {
  rewriter.setInsertionPoint(op);
  auto launch = rewriter.create<mlir::gpu::LaunchOp>(
      loc, index(tiled.groupsX), index(tiled.groupsY), index(1),
      index(kThreads), index(1), index(1));
  auto workgroup = mlir::gpu::AddressSpaceAttr::get(
      rewriter.getContext(), mlir::gpu::AddressSpace::Workgroup);
  for (const StagedValue &staged : tiled.staged) {
    int64_t rows = footprint(staged.dims, tiled.tile);
    workgroupBuffers.push_back(launch.addWorkgroupAttribution(
        MemRefType::get({(rows + 1) * tiled.chunk}, staged.value.getType(),
                        MemRefLayoutAttrInterface(), workgroup),
        loc));
  }
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  rewriter.create<mlir::gpu::TerminatorOp>(loc);
  rewriter.setInsertionPointToStart(&body);

  // A second grid dimension may give more workgroups than tiles; the extra
  // ones, whole workgroups, skip everything, barriers included.
  Value group = groupIndex(rewriter, launch, tiled.groupsX);
  if (tiled.groupsX * tiled.groupsY != tiled.groups) {
    auto ifTile = rewriter.create<scf::IfOp>(
        loc,
        rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, group,
                                       index(tiled.groups)),
        false);
    rewriter.setInsertionPointToStart(&ifTile.getThenRegion().front());
  }
  Value thread = launch.getThreadIds().x;
  computeTileOrigin(group);
  computeThreadPoints(thread);

  // Each point's accumulator starts at the output's value there.
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outputMap = op.getMatchingIndexingMap(init);
  auto outputIndices = [&](const ThreadPoint &point) {
    SmallVector<Value> coordinates(point.coordinates);
    coordinates.append(reductionRanges.size(), index(0));
    return indicesAt(rewriter, loc, outputMap, coordinates);
  };
  SmallVector<Value> accumulators;
  for (const ThreadPoint &point : threadPoints)
    accumulators.push_back(rewriter.create<memref::LoadOp>(
        loc, init->get(), outputIndices(point)));

  auto chunks = rewriter.create<scf::ForOp>(
      loc, index(0), index(reductionSize), index(tiled.chunk), accumulators,
      [&](OpBuilder &, Location, Value chunkStart, ValueRange partial) {
        stageChunk(thread, chunkStart);
        rewriter.create<mlir::gpu::BarrierOp>(loc);
        SmallVector<Value> next = combineChunk(chunkStart, partial);
        // The next chunk overwrites what the slowest thread may still read.
        rewriter.create<mlir::gpu::BarrierOp>(loc);
        rewriter.create<scf::YieldOp>(loc, next);
      });

  for (auto [point, total] : llvm::zip(threadPoints, chunks.getResults())) {
    OpBuilder::InsertionGuard guard(rewriter);
    if (point.valid) {
      auto ifValid = rewriter.create<scf::IfOp>(loc, point.valid, false);
      rewriter.setInsertionPointToStart(&ifValid.getThenRegion().front());
    }
    rewriter.create<memref::StoreOp>(loc, total, init->get(),
                                     outputIndices(point));
  }
  rewriter.eraseOp(op);
  sinkIntoKernel(rewriter, launch);
  return success();
}

/// The loop dimensions each value of `op`'s body depends on, or nothing
/// where it cannot be staged: the output's running value, what an op with
/// regions computes, and what is computed from those.
using DimsRead = std::optional<llvm::SmallBitVector>;
llvm::DenseMap<Value, DimsRead> dimsRead(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  llvm::DenseMap<Value, DimsRead> read;
  for (OpOperand *input : op.getDpsInputOperands()) {
    llvm::SmallBitVector dims(numLoops);
    AffineMap map = op.getMatchingIndexingMap(input);
    for (unsigned dim = 0; dim < numLoops; ++dim)
      if (map.isFunctionOfDim(dim))
        dims.set(dim);
    read[op.getMatchingBlockArgument(input)] = dims;
  }
  for (BlockArgument output : op.getRegionOutputArgs())
    read[output] = std::nullopt;
  for (Operation &inner : op.getBlock()->without_terminator()) {
    DimsRead dims = llvm::SmallBitVector(numLoops);
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      dims->set(index.getDim());
    } else if (inner.getNumRegions() != 0) {
      dims = std::nullopt;
    } else {
      for (Value operand : inner.getOperands()) {
        auto known = read.find(operand);
        if (known == read.end()) // defined outside the body
          continue;
        if (!known->second) {
          dims = std::nullopt;
          break;
        }
        *dims |= *known->second;
      }
    }
    for (Value result : inner.getResults())
      read[result] = dims;
  }
  return read;
}

/// The values of `op`'s body worth staging, in body order: 32-bit values
/// that depend on reduction dimensions and not on the output's running
/// value, used by an op that depends on more parallel dimensions (or on the
/// running value), so that what is staged is the last value before the
/// points part.
SmallVector<StagedValue> stagingCandidates(linalg::LinalgOp op) {
  unsigned numParallel = op.getNumParallelLoops();
  llvm::DenseMap<Value, DimsRead> read = dimsRead(op);
  auto parallelDims = [&](const llvm::SmallBitVector &dims) {
    SmallVector<unsigned> parallel;
    for (unsigned dim = 0; dim < numParallel; ++dim)
      if (dims.test(dim))
        parallel.push_back(dim);
    return parallel;
  };
  Block *body = op.getBlock();
  auto isCandidate = [&](Value value) {
    const DimsRead &dims = read.lookup(value);
    Type type = value.getType();
    if (!dims || !type.isIntOrFloat() || type.getIntOrFloatBitWidth() != 32 ||
        llvm::none_of(llvm::seq<unsigned>(numParallel, dims->size()),
                      [&](unsigned dim) { return dims->test(dim); }))
      return false;
    return llvm::any_of(value.getUses(), [&](OpOperand &use) {
      Operation *user = body->findAncestorOpInBlock(*use.getOwner());
      if (user->getNumResults() == 0)
        return true;
      const DimsRead &userDims = read.lookup(user->getResult(0));
      return !userDims || parallelDims(*userDims) != parallelDims(*dims);
    });
  };
  SmallVector<Value> values(op.getRegionInputArgs());
  for (Operation &inner : body->without_terminator())
    llvm::append_range(values, inner.getResults());
  SmallVector<StagedValue> candidates;
  for (Value value : values)
    if (isCandidate(value))
      candidates.push_back({value, parallelDims(*read.lookup(value))});
  return candidates;
}

} // namespace

std::optional<TiledProduct> matchTiledProduct(linalg::LinalgOp op,
                                              int64_t points) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      points <= kMaxWorkgroupReductionPoints ||
      !isa<MemRefType>(op.getDpsInits()[0].getType()))
    return std::nullopt;
  unsigned numParallel = op.getNumParallelLoops();
  SmallVector<int64_t> loopRanges = op.getStaticLoopRanges();
  ArrayRef<int64_t> ranges = ArrayRef(loopRanges).take_front(numParallel);
  int64_t reductionSize = product(ArrayRef(loopRanges).drop_front(numParallel));
  if (reductionSize < kMinReduction)
    return std::nullopt;

  // A body that reads the output's buffer would see it written at the end
  // rather than at each step.
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegion(0), captured);
  Value output = boundBuffer(op.getDpsInits()[0]);
  if (llvm::any_of(captured,
                   [&](Value value) { return boundBuffer(value) == output; }))
    return std::nullopt;

  // The tile for the candidates, then for those that serve at least two of
  // its points each and that the rest of the body reads (not only through
  // another staged value), until they no longer change.
  TiledProduct tiled;
  tiled.staged = stagingCandidates(op);
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  for (size_t before = tiled.staged.size() + 1;
       before != tiled.staged.size();) {
    before = tiled.staged.size();
    SmallVector<SmallVector<unsigned>> stagedDims;
    for (const StagedValue &staged : tiled.staged)
      stagedDims.push_back(staged.dims);
    tiled.tile = chooseTile(ranges, stagedDims, maxTilePoints(points));
    int64_t tilePoints = product(tiled.tile);
    llvm::erase_if(tiled.staged, [&](const StagedValue &staged) {
      return tilePoints < 2 * footprint(staged.dims, tiled.tile);
    });
    SmallVector<Value> values;
    for (const StagedValue &staged : tiled.staged)
      values.push_back(staged.value);
    BodySlice rest = sliceFor(op, yield.getValues(), values);
    llvm::erase_if(tiled.staged, [&](const StagedValue &staged) {
      return !rest.leavesRead.contains(staged.value);
    });
  }
  if (tiled.staged.empty())
    return std::nullopt;
  tiled.pointsPerThread = llvm::divideCeil(product(tiled.tile), kThreads);

  // The longest chunk whose staged values fit, or the next one if it
  // divides the reduction and that one does not (every chunk's loop then has
  // a constant trip count). A step's values are contiguous, neighbouring
  // threads' rows neighbours; each step padded by one value, so that threads
  // storing one row's steps hit different banks.
  int64_t stepValues = 0;
  for (const StagedValue &staged : tiled.staged)
    stepValues += footprint(staged.dims, tiled.tile) + 1;
  SmallVector<int64_t> chunks;
  for (int64_t chunk : {64, 32, 16, 8})
    if (static_cast<uint64_t>(chunk) <= llvm::PowerOf2Ceil(reductionSize) &&
        stepValues * chunk * 4 <= kWorkgroupMemoryBytes)
      chunks.push_back(chunk);
  if (chunks.empty())
    return std::nullopt;
  bool nextDivides = chunks.size() > 1 && reductionSize % chunks[1] == 0;
  tiled.chunk =
      reductionSize % chunks[0] != 0 && nextDivides ? chunks[1] : chunks[0];
  for (StagedValue &staged : tiled.staged)
    staged.vectorDim = vectorDimFor(op, staged, tiled.tile, tiled.chunk);

  int64_t groups = 1;
  for (auto [range, size] : llvm::zip(ranges, tiled.tile))
    groups *= llvm::divideCeil(range, size);
  std::optional<std::pair<int64_t, int64_t>> grid = gridFor(groups, 1);
  if (!grid)
    return std::nullopt;
  tiled.groups = groups;
  std::tie(tiled.groupsX, tiled.groupsY) = *grid;
  return tiled;
}

LogicalResult launchPerTile(RewriterBase &rewriter, linalg::LinalgOp op,
                            const TiledProduct &tiled) {
  return TileLowering(rewriter, op, tiled).build();
}

} // namespace mocc::gpu
