//===- GridSampleOps.cpp - Importers of GridSample and AffineGrid ---------===//
//
// GridSample (opsets 16, 20, 22) samples its input at the normalized
// coordinates of a grid; it is built from elementwise ops and one
// moc.gather_elements, as onnx's reference computes it: every output
// position's source coordinates are denormalized (and rounded for nearest),
// moved into range by the padding mode, and split into integer taps (1, 2 or
// 4 per dimension) with their weights; each tap is mapped through the padding
// mode again (clamped, reflected, or masked to read zero), the taps of all
// dimensions combine into flat positions of the input reshaped to
// (N, C, D1 * ... * Dr), and the gathered values are summed with the
// products of their weights (in f32 for 16-bit floats).
//
// AffineGrid (opset 20) is the constant base grid of the requested size,
// matmul the transposed theta.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;

namespace mocc {
namespace {

enum class SampleMode { Linear, Nearest, Cubic };
enum class PaddingMode { Zeros, Border, Reflection };

/// The coefficient of Keys' cubic convolution that onnx's reference uses.
constexpr double kCubicA = -0.75;

/// Builds the coordinate arithmetic of one GridSample on float tensors of
/// `element` (the grid's element type, at least f32).
class GridSampler {
public:
  GridSampler(NodeContext &node, OpChain &ops, Type element,
              PaddingMode padding, bool alignCorners)
      : node(node), ops(ops), element(element), padding(padding),
        alignCorners(alignCorners) {}

  /// The source coordinate along a dimension of `size` for the normalized
  /// coordinates `normalized`, rounded for nearest, with the padding mode
  /// applied where it falls outside the borders.
  Value sourceCoordinate(Value normalized, int64_t size, SampleMode mode) {
    Value plusOne = add(normalized, constant(1.0));
    Value x =
        alignCorners
            ? mul(div(plusOne, constant(2.0)), constant(double(size - 1)))
            : div(sub(mul(plusOne, constant(double(size))), constant(1.0)),
                  constant(2.0));
    if (mode == SampleMode::Nearest)
      x = ops.create<moc::RoundOp>(x); // Half to even, as PyTorch does.
    auto [low, high] = borders(size);
    if (padding == PaddingMode::Border) {
      Value outside =
          ops.create<moc::OrOp>(ops.create<moc::LessOp>(x, constant(low)),
                                ops.create<moc::GreaterOp>(x, constant(high)));
      Value clamped = ops.create<moc::MinOp>(
          ops.create<moc::MaxOp>(x, constant(0.0)), constant(double(size - 1)));
      x = ops.create<moc::SelectOp>(outside, clamped, x);
    } else if (padding == PaddingMode::Reflection) {
      x = reflect(x, low, high);
    }
    return x;
  }

  /// The position (i64) a tap at the integral coordinate `tap` reads along a
  /// dimension of `size`, and for zeros padding whether it is inside (null
  /// otherwise).
  std::pair<Value, Value> tapPosition(Value tap, int64_t size) {
    Value valid;
    if (padding == PaddingMode::Zeros)
      valid = ops.create<moc::AndOp>(
          ops.create<moc::GreaterEqualOp>(tap, constant(0.0)),
          ops.create<moc::LessEqualOp>(tap, constant(double(size - 1))));
    else if (padding == PaddingMode::Reflection)
      tap = ops.create<moc::FloorOp>(
          reflect(tap, borders(size).first, borders(size).second));
    // Clamping keeps every read inside (zeros padding masks the value), NaN
    // included: it fails both comparisons and reads position 0.
    Value last = constant(double(size - 1));
    Value clamped = ops.create<moc::SelectOp>(
        ops.create<moc::GreaterEqualOp>(tap, constant(0.0)), tap,
        constant(0.0));
    clamped = ops.create<moc::SelectOp>(
        ops.create<moc::LessEqualOp>(clamped, last), clamped, last);
    return {ops.castTo(clamped, node.builder.getI64Type()), valid};
  }

  Value constant(double value) { return node.scalar(element, value); }
  Value add(Value a, Value b) { return ops.create<moc::AddOp>(a, b); }
  Value sub(Value a, Value b) { return ops.create<moc::SubOp>(a, b); }
  Value mul(Value a, Value b) { return ops.create<moc::MulOp>(a, b); }
  Value div(Value a, Value b) { return ops.create<moc::DivOp>(a, b); }

private:
  /// The coordinates of the outer edges of the first and last elements.
  std::pair<double, double> borders(int64_t size) const {
    return alignCorners ? std::make_pair(0.0, double(size - 1))
                        : std::make_pair(-0.5, double(size) - 0.5);
  }

  /// `x` reflected by the near border until it lies within [low, high].
  Value reflect(Value x, double low, double high) {
    if (!x)
      return {};
    double range = high - low;
    if (range <= 0.0) // A single element aligned to the corners.
      return node.splat(cast<RankedTensorType>(x.getType()), low);
    Value below = ops.create<moc::LessOp>(x, constant(low));
    Value above = ops.create<moc::GreaterOp>(x, constant(high));
    Value distance = ops.create<moc::SelectOp>(below, sub(constant(low), x),
                                               sub(x, constant(high)));
    Value flips = ops.create<moc::FloorOp>(div(distance, constant(range)));
    Value rest = sub(distance, mul(flips, constant(range)));
    Value half = ops.create<moc::FloorOp>(mul(flips, constant(0.5)));
    Value odd = ops.create<moc::GreaterOp>(sub(flips, mul(half, constant(2.0))),
                                           constant(0.5));
    // An even number of flips from below (or an odd one from above) lands
    // `rest` past the low border, the others `rest` before the high one.
    Value fromLow = ops.create<moc::XorOp>(below, odd);
    Value reflected = ops.create<moc::SelectOp>(
        fromLow, add(constant(low), rest), sub(constant(high), rest));
    return ops.create<moc::SelectOp>(ops.create<moc::OrOp>(below, above),
                                     reflected, x);
  }

  NodeContext &node;
  OpChain &ops;
  Type element;
  PaddingMode padding;
  bool alignCorners;
};

/// The weights of the taps floor(x) + offset, for `t` = x - floor(x).
SmallVector<Value> tapWeights(GridSampler &s, SampleMode mode, Value t) {
  if (mode == SampleMode::Linear)
    return {s.sub(s.constant(1.0), t), t};
  // Keys' cubic convolution weights of the distances t + 1, t, 1 - t, 2 - t.
  auto outer = [&](Value d) { // 1 < d < 2
    Value v = s.sub(s.mul(s.constant(kCubicA), d), s.constant(5 * kCubicA));
    v = s.add(s.mul(v, d), s.constant(8 * kCubicA));
    return s.sub(s.mul(v, d), s.constant(4 * kCubicA));
  };
  auto inner = [&](Value d) { // 0 <= d <= 1
    Value v = s.sub(s.mul(s.constant(kCubicA + 2), d), s.constant(kCubicA + 3));
    return s.add(s.mul(s.mul(v, d), d), s.constant(1.0));
  };
  Value oneMinus = s.sub(s.constant(1.0), t);
  return {outer(s.add(t, s.constant(1.0))), inner(t), inner(oneMinus),
          outer(s.sub(s.constant(2.0), t))};
}

FailureOr<SampleMode> sampleMode(NodeContext &node) {
  bool renamed = node.opset >= 20; // Opset 20 renamed bilinear and bicubic.
  std::string name = node.stringAttr("mode", renamed ? "linear" : "bilinear");
  if (name == (renamed ? "linear" : "bilinear"))
    return SampleMode::Linear;
  if (name == (renamed ? "cubic" : "bicubic"))
    return SampleMode::Cubic;
  if (name == "nearest")
    return SampleMode::Nearest;
  return node.emitError() << "unknown mode '" << name << "' (opset "
                          << node.opset
                          << (renamed ? " takes linear, nearest or cubic)"
                                      : " takes bilinear, nearest or bicubic)");
}

FailureOr<PaddingMode> paddingMode(NodeContext &node) {
  std::string name = node.stringAttr("padding_mode", "zeros");
  if (name == "zeros")
    return PaddingMode::Zeros;
  if (name == "border")
    return PaddingMode::Border;
  if (name == "reflection")
    return PaddingMode::Reflection;
  return node.emitError() << "unknown padding_mode '" << name << "'";
}

/// GridSample: X (N, C, D1..Dr) sampled at grid (N, H1..Hr, r), whose last
/// dimension lists the coordinates from the innermost dimension (Dr) out.
LogicalResult importGridSample(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), grid = node.requiredInput(1);
  FailureOr<SampleMode> mode = sampleMode(node);
  FailureOr<PaddingMode> padding = paddingMode(node);
  if (failed(input) || failed(grid) || failed(mode) || failed(padding))
    return failure();
  RankedTensorType inputType = node.inputType(0), gridType = node.inputType(1);
  if (!inputType.hasStaticShape() || !gridType.hasStaticShape())
    return node.emitError() << "needs static shapes";
  int64_t rank = inputType.getRank(), r = rank - 2;
  if (r < 1 || gridType.getRank() != rank || gridType.getShape().back() != r ||
      gridType.getDimSize(0) != inputType.getDimSize(0))
    return node.emitError()
           << "expects X of shape (N, C, D1, ..., Dr) and a grid of shape "
              "(N, H1, ..., Hr, r)";
  Type element = inputType.getElementType(),
       gridElement = gridType.getElementType();
  if (!isa<FloatType>(gridElement))
    return node.emitError() << "expects a float grid";
  if (*mode != SampleMode::Nearest && !isa<FloatType>(element))
    return node.emitError() << "supports integer inputs in nearest mode only";
  ArrayRef<int64_t> sizes = inputType.getShape().drop_front(2);
  ArrayRef<int64_t> outSizes = gridType.getShape().slice(1, r);
  int64_t n = inputType.getDimSize(0), channels = inputType.getDimSize(1);
  // The sizes and the gathered taps (up to 4^r per output element) stay
  // well within int64.
  auto count = [](ArrayRef<int64_t> shape) {
    double result = 1.0;
    for (int64_t size : shape)
      result *= double(size);
    return result;
  };
  if (count(inputType.getShape()) > 0x1p40 ||
      count(gridType.getShape()) > 0x1p40 ||
      count(gridType.getShape()) * double(inputType.getDimSize(1)) *
              std::pow(4.0, double(r)) >
          0x1p40)
    return node.emitError() << "samples too many elements";
  int64_t points = ShapedType::getNumElements(outSizes);
  SmallVector<int64_t> resultShape{n, channels};
  llvm::append_range(resultShape, outSizes);
  int64_t resultCount = ShapedType::getNumElements(resultShape);
  if (resultCount == 0 || ShapedType::getNumElements(sizes) == 0) {
    if (resultCount != 0)
      return node.emitError() << "samples an empty input";
    return node.setResults(
        {node.splat(RankedTensorType::get(resultShape, element), 0.0)});
  }

  SmallVector<int64_t> offsets;
  switch (*mode) {
  case SampleMode::Nearest:
    offsets = {0};
    break;
  case SampleMode::Linear:
    offsets = {0, 1};
    break;
  case SampleMode::Cubic:
    offsets = {-1, 0, 1, 2};
    break;
  }
  int64_t k = offsets.size(), taps = 1;
  for (int64_t d = 0; d < r; ++d)
    taps *= k;

  // Coordinates, weights and sums of 16-bit floats are computed in f32.
  auto widened = [&](Type type) -> Type {
    if (isa<FloatType>(type) && type.getIntOrFloatBitWidth() < 32)
      return node.builder.getF32Type();
    return type;
  };
  Type coordinate = widened(gridElement), accumulator = widened(element);
  OpChain ops(node);
  Value gridValues = ops.castTo(*grid, coordinate);
  GridSampler sampler(node, ops, coordinate, *padding,
                      node.intAttr("align_corners", 0) != 0);
  Type i64 = node.builder.getI64Type();
  // Per dimension d, (N, 1..k..1, points) tensors with the k taps along
  // dimension 1 + d; they broadcast against each other to all combinations.
  Value position, weight, valid;
  int64_t stride = ShapedType::getNumElements(sizes);
  for (int64_t d = 0; d < r; ++d) {
    stride /= sizes[d];
    Value normalized = ops.reshape(
        ops.slice(gridValues, rank - 1, r - 1 - d, r - d), {n, 1, points});
    Value x = sampler.sourceCoordinate(normalized, sizes[d], *mode);
    Value floor = ops.create<moc::FloorOp>(x);
    SmallVector<Value> tapPositions, tapValid;
    for (int64_t offset : offsets) {
      Value tap =
          offset ? sampler.add(floor, sampler.constant(double(offset))) : floor;
      auto [at, inside] = sampler.tapPosition(tap, sizes[d]);
      tapPositions.push_back(at);
      tapValid.push_back(inside);
    }
    SmallVector<int64_t> tapShape(r + 2, 1);
    tapShape[0] = n;
    tapShape[1 + d] = k;
    tapShape[r + 1] = points;
    auto gather = [&](ArrayRef<Value> values) {
      Value all =
          values.size() == 1
              ? values.front()
              : ops.create<moc::ConcatOp>(ValueRange(values), int64_t(1));
      return ops.reshape(all, tapShape);
    };
    Value term = gather(tapPositions);
    if (stride != 1)
      term = ops.create<moc::MulOp>(term, node.scalar(i64, double(stride)));
    position = position ? ops.create<moc::AddOp>(position, term) : term;
    if (*padding == PaddingMode::Zeros) {
      Value inside = gather(tapValid);
      valid = valid ? ops.create<moc::AndOp>(valid, inside) : inside;
    }
    if (*mode != SampleMode::Nearest) {
      Value fraction = sampler.sub(x, floor);
      Value w = gather(tapWeights(sampler, *mode, fraction));
      weight = weight ? ops.create<moc::MulOp>(weight, w) : w;
    }
  }
  // Every tap reads through the flat position in its batch and channel.
  Value flatInput =
      ops.reshape(*input, {n, channels, ShapedType::getNumElements(sizes)});
  Value indices = ops.create<moc::BroadcastOp>(
      RankedTensorType::get({n, channels, taps * points}, i64),
      ops.reshape(position, {n, 1, taps * points}));
  Value values = ops.reshape(
      ops.create<moc::GatherElementsOp>(flatInput, indices, int64_t(2)),
      {n, channels, taps, points});
  if (valid)
    values = ops.create<moc::SelectOp>(ops.reshape(valid, {n, 1, taps, points}),
                                       values, node.scalar(element, 0.0));
  if (weight) {
    Value weights =
        ops.castTo(ops.reshape(weight, {n, 1, taps, points}), accumulator);
    Value sum = ops.create<moc::ReduceSumOp>(
        ops.create<moc::MulOp>(ops.castTo(values, accumulator), weights),
        ArrayRef<int64_t>{2}, false);
    values = ops.castTo(sum, element);
  }
  Value result = ops.reshape(values, resultShape);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// The coordinates (f64, 1-D) of `size` (an i64 scalar) points spread over
/// [-1, 1], as onnx's reference (np.arange) places them: start + i * step.
Value baseCoordinates(NodeContext &node, OpChain &ops, Value size,
                      bool alignCorners) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Type f64 = b.getF64Type();
  auto constant = [&](double value) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(value));
  };
  Value count = b.createOrFold<arith::SIToFPOp>(loc, f64, size);
  Value step = b.createOrFold<arith::DivFOp>(
      loc, constant(2),
      alignCorners ? b.createOrFold<arith::SubFOp>(loc, count, constant(1))
                   : count);
  Value start =
      alignCorners ? constant(-1)
                   : b.createOrFold<arith::AddFOp>(
                         loc, constant(-1),
                         b.createOrFold<arith::DivFOp>(loc, step, constant(2)));
  // One point lies at 0.
  Value single =
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, size,
                                    b.create<arith::ConstantIntOp>(loc, 1, 64));
  step = b.createOrFold<arith::SelectOp>(loc, single, constant(0), step);
  start = b.createOrFold<arith::SelectOp>(loc, single, constant(0), start);
  FailureOr<Value> positions = node.iota(size, f64);
  if (failed(positions))
    return {};
  return ops.create<moc::AddOp>(
      node.scalarTensor(start),
      ops.create<moc::MulOp>(*positions, node.scalarTensor(step)));
}

/// AffineGrid: theta (N, 2, 3) or (N, 3, 4) applied to the homogeneous
/// coordinates (x, y[, z], 1) of every point of the requested size, which
/// may be known at run time only.
LogicalResult importAffineGrid(NodeContext &node) {
  FailureOr<Value> theta = node.requiredInput(0);
  FailureOr<SmallVector<OpFoldResult>> size = node.sizeElements(1);
  if (failed(theta) || failed(size))
    return failure();
  RankedTensorType thetaType = node.inputType(0);
  if (!thetaType.hasStaticShape())
    return node.emitError() << "needs a static theta shape";
  if (!isa<FloatType>(thetaType.getElementType()))
    return node.emitError() << "expects a float theta";
  int64_t r = int64_t(size->size()) - 2;
  if ((r != 2 && r != 3) || thetaType.getRank() != 3 ||
      thetaType.getDimSize(1) != r || thetaType.getDimSize(2) != r + 1)
    return node.emitError() << "expects theta of shape (N, 2, 3) with a size "
                               "(N, C, H, W) or (N, 3, 4) with (N, C, D, H, W)";
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto i64 = [&](int64_t value) -> Value {
    return b.create<arith::ConstantIntOp>(loc, value, 64);
  };
  Value n = node.int64Value((*size)[0]);
  if (failed(node.require(
          b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, n,
                                        i64(thetaType.getDimSize(0))),
          "expects theta of shape (N, 2, 3) with a size (N, C, H, W) or "
          "(N, 3, 4) with (N, C, D, H, W)")))
    return failure();
  SmallVector<Value> spatial;
  int64_t points = 1;
  for (OpFoldResult element : ArrayRef(*size).drop_front(2)) {
    Value s = node.int64Value(element);
    if (std::optional<int64_t> known = getConstantIntValue(s);
        known &&
        !(*known > 0 && *known <= (1 << 24) && (points *= *known) <= (1 << 24)))
      return node.emitError() << "expects a grid of 1 to 2^24 points";
    if (failed(node.require(b.createOrFold<arith::CmpIOp>(
                                loc, arith::CmpIPredicate::sgt, s, i64(0)),
                            "expects a grid of 1 to 2^24 points")))
      return failure();
    spatial.push_back(s);
  }
  bool alignCorners = node.intAttr("align_corners", 0) != 0;

  // The points (x, y[, z], 1), x innermost, in the grid's shape (s..., r+1):
  // each coordinate broadcast along the other dimensions.
  OpChain ops(node);
  Type f64 = b.getF64Type();
  SmallVector<Value> gridSizes(spatial);
  gridSizes.push_back(i64(1));
  auto spread = [&](Value values, int64_t axis) -> Value {
    if (!values)
      return {};
    SmallVector<Value> shape(r + 1, i64(1));
    shape[axis] = spatial[axis];
    FailureOr<Value> column = node.createOfSizes<moc::ReshapeOp>(values, shape);
    if (failed(column))
      return {};
    return ops.take(node.createOfSizes<moc::BroadcastOp>(*column, gridSizes));
  };
  SmallVector<Value> components;
  for (int64_t axis = r - 1; axis >= 0; --axis)
    components.push_back(
        spread(baseCoordinates(node, ops, spatial[axis], alignCorners), axis));
  components.push_back(ops.take(
      node.createOfSizes<moc::BroadcastOp>(node.scalar(f64, 1.0), gridSizes)));
  if (llvm::is_contained(components, Value()))
    return failure();
  Value pointCount = i64(1);
  for (Value s : spatial)
    pointCount = b.createOrFold<arith::MulIOp>(loc, pointCount, s);
  Value base = ops.take(node.createOfSizes<moc::ReshapeOp>(
      ops.create<moc::ConcatOp>(components, r), {pointCount, i64(r + 1)}));
  // In double precision, as the reference computes it.
  Value transposed = ops.transpose(ops.castTo(*theta, f64), {0, 2, 1});
  Value grid = ops.castTo(ops.create<moc::MatMulOp>(base, transposed),
                          thetaType.getElementType());
  if (failed(ops.status()))
    return failure();
  SmallVector<Value> resultSizes = {i64(thetaType.getDimSize(0))};
  llvm::append_range(resultSizes, spatial);
  resultSizes.push_back(i64(r));
  return node.setResult(node.createOfSizes<moc::ReshapeOp>(grid, resultSizes));
}

} // namespace

void registerGridSampleImporters(OpImporterTable &table) {
  table["AffineGrid"] = importAffineGrid;
  table["GridSample"] = importGridSample;
}

} // namespace mocc
