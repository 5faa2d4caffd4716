//===- TensorOps.cpp - Importers of ONNX data movement and constants ------===//
#include "NodeContext.h"
#include "OpChain.h"
#include "RunTimeAxes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

FailureOr<RankedTensorType> staticInputType(NodeContext &node, size_t i) {
  if (failed(node.requiredInput(i)))
    return failure();
  RankedTensorType type = node.inputType(i);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape for input " << i
                            << " (fix the model's symbolic dimensions with "
                               "--input-shape)";
  return type;
}

/// The product of `sizes`: dynamic if one of them is (and none is 0).
FailureOr<int64_t> productOf(NodeContext &node, ArrayRef<int64_t> sizes) {
  if (llvm::is_contained(sizes, 0))
    return 0;
  int64_t product = 1;
  for (int64_t size : sizes) {
    if (ShapedType::isDynamic(size))
      return ShapedType::kDynamic;
    if (llvm::MulOverflow(product, size, product))
      return node.emitError() << "has a shape of more than 2^63 elements";
  }
  return product;
}

/// Reshape to a shape known only at run time: ONNX's rules (0 copies the
/// input's dimension unless `allowZero`, -1 takes the remaining elements) on
/// scalars, which fold where the elements are constants.
LogicalResult reshapeAtRunTime(NodeContext &node, Value input,
                               ArrayRef<OpFoldResult> elements,
                               bool allowZero) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  RankedTensorType type = node.inputType(0);
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64);
  };
  auto equals = [&](Value value, int64_t c) {
    return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, value,
                                         constant(c));
  };
  Value count = constant(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    count = b.createOrFold<arith::MulIOp>(loc, count, node.dimAsInt64(input, d));
  SmallVector<Value> resolved;
  Value product = constant(1);
  for (auto [i, element] : llvm::enumerate(elements)) {
    Value size = node.int64Value(element);
    if (!allowZero && int64_t(i) < type.getRank())
      size = b.createOrFold<arith::SelectOp>(
          loc, equals(size, 0), node.dimAsInt64(input, i), size);
    resolved.push_back(size);
    product = b.createOrFold<arith::MulIOp>(loc, product, size);
  }
  // With one -1, the product is minus that of the other sizes.
  Value others = b.createOrFold<arith::MaxSIOp>(
      loc, b.createOrFold<arith::SubIOp>(loc, constant(0), product),
      constant(1));
  Value inferred = b.createOrFold<arith::DivSIOp>(loc, count, others);
  for (Value &size : resolved)
    size = b.createOrFold<arith::SelectOp>(loc, equals(size, -1), inferred,
                                           size);
  return node.setResult(node.createOfSizes<moc::ReshapeOp>(input, resolved));
}

LogicalResult importReshape(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  SmallVector<int64_t> shape;
  bool allowZero = node.intAttr("allowzero", 0);
  if (node.opset < 5) {
    shape = node.intsAttr("shape");
  } else {
    FailureOr<SmallVector<OpFoldResult>> elements = node.sizeElements(1);
    if (failed(elements))
      return failure();
    std::optional<SmallVector<int64_t>> constants =
        getConstantIntValues(*elements);
    if (!constants)
      return reshapeAtRunTime(node, *input, *elements, allowZero);
    shape = *constants;
  }
  // The input's static sizes, less those a 0 copies to the same position.
  SmallVector<int64_t> uncopied(type.getShape());
  int64_t known = 1, inferred = -1;
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (size == 0 && !allowZero) {
      if (int64_t(i) >= type.getRank())
        return node.emitError() << "copies dimension " << i
                                << ", which the input does not have";
      size = type.getDimSize(i);
      uncopied[i] = 1;
      continue;
    }
    if (size == -1) {
      if (inferred >= 0)
        return node.emitError() << "has more than one -1 in its shape";
      inferred = i;
      continue;
    }
    if (size < 0)
      return node.emitError() << "has a negative dimension in its shape";
    if (llvm::MulOverflow(known, size, known))
      return node.emitError() << "has a shape of more than 2^63 elements";
  }
  if (inferred >= 0) {
    // Static unless the input has a dynamic size that no 0 copies.
    FailureOr<int64_t> rest = productOf(node, uncopied);
    if (failed(rest))
      return failure();
    if (!ShapedType::isDynamic(*rest) && (known == 0 || *rest % known != 0))
      return node.emitError() << "cannot infer the -1 dimension of its shape";
    shape[inferred] = ShapedType::isDynamic(*rest) ? *rest : *rest / known;
  }
  if (llvm::count_if(shape, ShapedType::isDynamic) > 1)
    return node.emitError() << "would have several dynamic dimensions; fix "
                               "the input shapes with --input-shape";
  return node.setResult(node.reshape(*input, shape));
}

LogicalResult importFlatten(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = node.inputType(0).getShape();
  int64_t rank = shape.size(), axis = node.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return node.emitError() << "expects axis in [" << -rank << ", " << rank
                            << "], got " << axis;
  if (axis < 0)
    axis += rank;
  FailureOr<int64_t> outer = productOf(node, shape.take_front(axis));
  FailureOr<int64_t> inner = productOf(node, shape.drop_front(axis));
  if (failed(outer) || failed(inner))
    return failure();
  if (ShapedType::isDynamic(*outer) && ShapedType::isDynamic(*inner))
    return node.emitError() << "would have two dynamic dimensions; fix the "
                               "input shape with --input-shape";
  return node.setResult(node.reshape(*input, {*outer, *inner}));
}

/// Whether the axes of Squeeze/Unsqueeze (an attribute before opset 13, an
/// input after) are known at run time only: an input of static length that
/// is not a constant.
bool squeezeAxesAtRunTime(NodeContext &node) {
  if (node.opset < 13 || !node.input(1))
    return false;
  RankedTensorType type = node.inputType(1);
  return type.hasStaticShape() && type.getNumElements() > 0 &&
         node.isReadAtRunTime(1);
}

FailureOr<SmallVector<int64_t>> squeezeAxes(NodeContext &node) {
  if (node.opset < 13)
    return node.intsAttr("axes");
  if (!node.input(1))
    return SmallVector<int64_t>();
  return node.constantInts(1);
}

/// The sizes of `input` (i64 scalars).
SmallVector<Value> sizesOf(NodeContext &node, Value input) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < cast<RankedTensorType>(input.getType()).getRank();
       ++d)
    sizes.push_back(node.dimAsInt64(input, d));
  return sizes;
}

/// Squeeze by axes known at run time: the named dimensions, which the run
/// checks are 1, go.
LogicalResult squeezeAtRunTime(NodeContext &node, Value input) {
  RankedTensorType type = node.inputType(0);
  int64_t count = node.inputType(1).getNumElements();
  if (count > type.getRank())
    return node.emitError() << "squeezes " << count << " axes of a rank-"
                            << type.getRank() << " tensor";
  FailureOr<SmallVector<Value>> named =
      runTimeAxisMask(node, 1, type.getRank());
  if (failed(named))
    return failure();
  OpBuilder &b = node.builder;
  SmallVector<Value> sizes = sizesOf(node, input);
  Value one = b.create<arith::ConstantIntOp>(node.loc, 1, 64);
  for (auto [d, size] : llvm::enumerate(sizes)) {
    if (type.getDimSize(d) == 1)
      continue;
    Value squeezed =
        b.createOrFold<arith::SelectOp>(node.loc, (*named)[d], size, one);
    node.assertEqual(squeezed, one, "a squeezed dimension must have size 1");
  }
  return node.setResult(node.createOfSizes<moc::ReshapeOp>(
      input, remainingSizes(node, sizes, *named, type.getRank() - count)));
}

LogicalResult importSqueeze(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  if (squeezeAxesAtRunTime(node))
    return squeezeAtRunTime(node, *input);
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(node);
  if (failed(axes))
    return failure();
  RankedTensorType type = node.inputType(0);
  SmallVector<bool> drop(type.getRank(), false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> d = node.normalizeAxis(axis, type.getRank(), "axes");
    if (failed(d))
      return failure();
    if (type.getDimSize(*d) != 1)
      return node.emitError() << "squeezes dimension " << *d << " of size "
                              << type.getDimSize(*d);
    drop[*d] = true;
  }
  SmallVector<int64_t> shape;
  for (auto [d, size] : llvm::enumerate(type.getShape())) {
    if (axes->empty() && ShapedType::isDynamic(size)) {
      // Squeezing it would make the rank depend on the run.
      Value kept = node.builder.createOrFold<arith::CmpIOp>(
          node.loc, arith::CmpIPredicate::ne, node.dimAsInt64(*input, d),
          node.builder.create<arith::ConstantIntOp>(node.loc, 1, 64));
      if (failed(node.require(kept, "squeezes no dimension of run-time size "
                                    "(with no axes), so none may be 1")))
        return failure();
    }
    if (!(axes->empty() ? size == 1 : drop[d]))
      shape.push_back(size);
  }
  return node.setResult(node.reshape(*input, shape));
}

LogicalResult importUnsqueeze(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (squeezeAxesAtRunTime(node)) {
    int64_t rank = type.getRank() + node.inputType(1).getNumElements();
    FailureOr<SmallVector<Value>> named = runTimeAxisMask(node, 1, rank);
    if (failed(named))
      return failure();
    return node.setResult(node.createOfSizes<moc::ReshapeOp>(
        *input, insertedSizes(node, sizesOf(node, *input), *named)));
  }
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(node);
  if (failed(axes))
    return failure();
  int64_t rank = type.getRank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
    if (failed(d))
      return failure();
    if (inserted[*d])
      return node.emitError() << "repeats axis " << axis;
    inserted[*d] = true;
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> sizes = type.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (inserted[d]) {
      shape.push_back(1);
    } else {
      shape.push_back(sizes.front());
      sizes = sizes.drop_front();
    }
  }
  return node.setResult(node.reshape(*input, shape));
}

LogicalResult importTranspose(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  SmallVector<int64_t> perm = node.intsAttr("perm");
  if (perm.empty())
    for (int64_t d = node.inputType(0).getRank() - 1; d >= 0; --d)
      perm.push_back(d);
  return node.setResult(node.create<moc::TransposeOp>(*input, perm));
}

LogicalResult importConcat(NodeContext &node) {
  SmallVector<Value> inputs;
  for (size_t i = 0; i < node.numInputs(); ++i)
    if (Value input = node.input(i))
      inputs.push_back(input);
  if (inputs.empty())
    return node.emitError() << "expects at least one input";
  FailureOr<int64_t> axis = node.normalizeAxis(
      node.intAttr("axis", 0),
      cast<RankedTensorType>(inputs.front().getType()).getRank());
  if (failed(axis))
    return failure();
  // Empty inputs contribute nothing.
  SmallVector<Value> nonEmpty;
  for (Value v : inputs)
    if (!cast<RankedTensorType>(v.getType()).hasStaticShape() ||
        cast<RankedTensorType>(v.getType()).getNumElements() != 0)
      nonEmpty.push_back(v);
  if (nonEmpty.empty())
    nonEmpty.push_back(inputs.front());
  if (nonEmpty.size() == 1)
    return node.setResults({nonEmpty.front()});
  int64_t joined = 0;
  for (Value v : nonEmpty) {
    auto type = cast<RankedTensorType>(v.getType());
    if (*axis < type.getRank() && !type.isDynamicDim(*axis) &&
        llvm::AddOverflow(joined, type.getDimSize(*axis), joined))
      return node.emitError() << "concatenates more than 2^63 elements";
  }
  return node.setResult(node.create<moc::ConcatOp>(nonEmpty, *axis));
}

/// `input` split along dynamic dimension `axis` into `parts` of
/// ceil(size / parts) elements each but the last ones (ONNX's num_outputs),
/// sizes computed at run time.
LogicalResult splitAtRunTime(NodeContext &node, Value input, int64_t axis,
                             int64_t parts) {
  if (parts < 1 || parts != node.node.output_size())
    return node.emitError() << "cannot split dimension " << axis << " into "
                            << parts << " parts for "
                            << node.node.output_size() << " outputs";
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value).getResult();
  };
  Value dim = b.create<tensor::DimOp>(loc, input, axis);
  Value chunk = b.create<arith::DivUIOp>(
      loc, b.create<arith::AddIOp>(loc, dim, constant(parts - 1)),
      constant(parts));
  SmallVector<OpFoldResult> offsets(node.inputType(0).getRank(),
                                    b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  SmallVector<Value> results;
  for (int64_t i = 0; i < parts; ++i) {
    Value begin = b.create<arith::MinSIOp>(
        loc, b.create<arith::MulIOp>(loc, chunk, constant(i)), dim);
    Value rest = b.create<arith::SubIOp>(loc, dim, begin);
    offsets[axis] = begin;
    sizes[axis] = b.create<arith::MinSIOp>(loc, chunk, rest).getResult();
    results.push_back(
        b.create<tensor::ExtractSliceOp>(loc, input, offsets, sizes, strides));
  }
  return node.setResults(results);
}

LogicalResult importSplit(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  int64_t parts = node.node.output_size();
  SmallVector<int64_t> sizes;
  if (node.opset < 13) {
    sizes = node.intsAttr("split");
  } else if (node.input(1)) {
    RankedTensorType sizesType = node.inputType(1);
    if (node.isReadAtRunTime(1) && sizesType.hasStaticShape() &&
        sizesType.getRank() == 1) {
      FailureOr<SmallVector<OpFoldResult>> elements = node.sizeElements(1);
      if (failed(elements))
        return failure();
      if (int64_t(elements->size()) != parts)
        return node.emitError() << "splits into " << elements->size()
                                << " parts for " << parts << " outputs";
      return node.setResults(node.splitBySizes(*input, *axis, *elements));
    }
    FailureOr<SmallVector<int64_t>> values = node.constantInts(1);
    if (failed(values))
      return failure();
    sizes = *values;
  }
  if (type.isDynamicDim(*axis)) {
    if (sizes.empty()) {
      if (node.opset >= 18)
        parts = node.intAttr("num_outputs", parts);
      return splitAtRunTime(node, *input, *axis, parts);
    }
    // Parts of constant sizes: the dimension must be their sum, which a
    // cast to it checks at run time.
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = 0;
    for (int64_t s : sizes)
      if (s < 0 || llvm::AddOverflow(shape[*axis], s, shape[*axis]))
        return node.emitError() << "expects non-negative split sizes";
    type = type.clone(shape);
    input = node.create<tensor::CastOp>(type, *input);
    if (failed(input))
      return failure();
  }
  int64_t size = type.getDimSize(*axis);
  if (sizes.empty()) {
    if (node.opset >= 18)
      parts = node.intAttr("num_outputs", parts);
    if (parts < 1 || parts > std::max<int64_t>(size, 1))
      return node.emitError()
             << "cannot split dimension " << *axis << " of size " << size
             << " into " << parts << " parts";
    int64_t chunk = size / parts + (size % parts != 0);
    for (int64_t begin = 0; begin < size;
         begin += std::min(chunk, size - begin))
      sizes.push_back(std::min(chunk, size - begin));
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    if (s < 0 || llvm::AddOverflow(total, s, total))
      return node.emitError() << "expects non-negative split sizes";
  if (total != size || int64_t(sizes.size()) != node.node.output_size())
    return node.emitError() << "splits dimension " << *axis << " of size "
                            << size << " into " << sizes.size()
                            << " parts that do not match its outputs";
  SmallVector<Value> results;
  int64_t begin = 0;
  for (int64_t s : sizes) {
    SmallVector<int64_t> starts(type.getRank(), 0), ends(type.getShape()),
        steps(type.getRank(), 1);
    starts[*axis] = begin;
    ends[*axis] = begin + s;
    begin += s;
    FailureOr<Value> part =
        node.create<moc::SliceOp>(*input, starts, ends, steps);
    if (failed(part))
      return failure();
    results.push_back(*part);
  }
  return node.setResults(results);
}

LogicalResult importGather(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), indices = node.requiredInput(1);
  if (failed(input) || failed(indices))
    return failure();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", 0), node.inputType(0).getRank());
  if (failed(axis))
    return failure();
  return node.setResult(node.create<moc::GatherOp>(*input, *indices, *axis));
}

/// Expand to a shape known only at run time: a dimension the shape gives as
/// 1 keeps the input's, one of the input's of size 1 takes the shape's.
LogicalResult expandAtRunTime(NodeContext &node, Value input,
                              ArrayRef<OpFoldResult> elements) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  RankedTensorType type = node.inputType(0);
  int64_t rank = std::max<int64_t>(type.getRank(), elements.size());
  int64_t inputOffset = rank - type.getRank(),
          shapeOffset = rank - elements.size();
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t id = d - inputOffset;
    Value inputSize = id >= 0 ? node.dimAsInt64(input, id) : Value();
    if (d < shapeOffset) {
      sizes.push_back(inputSize);
      continue;
    }
    Value size = node.int64Value(elements[d - shapeOffset]);
    if (inputSize && type.getDimSize(id) != 1) {
      Value isOne = b.createOrFold<arith::CmpIOp>(
          loc, arith::CmpIPredicate::eq, size,
          b.create<arith::ConstantIntOp>(loc, 1, 64));
      size = b.createOrFold<arith::SelectOp>(loc, isOne, inputSize, size);
    }
    sizes.push_back(size);
  }
  return node.setResult(node.createOfSizes<moc::BroadcastOp>(input, sizes));
}

LogicalResult importExpand(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<SmallVector<OpFoldResult>> elements = node.sizeElements(1);
  if (failed(input) || failed(elements))
    return failure();
  std::optional<SmallVector<int64_t>> shape = getConstantIntValues(*elements);
  if (!shape)
    return expandAtRunTime(node, *input, *elements);
  FailureOr<SmallVector<int64_t>> target =
      moc::broadcastShapes(node.inputType(0).getShape(), *shape);
  if (failed(target))
    return node.emitError() << "cannot broadcast its input to the given shape";
  return node.setResult(node.create<moc::BroadcastOp>(
      node.inputType(0).clone(*target), *input));
}

/// Tile: the input seen as [1, s0, 1, s1, ...], broadcast to [r0, s0, r1,
/// s1, ...] and merged to [r0 * s0, r1 * s1, ...]; repeats known at run time
/// give dynamic sizes (a negative one fails the run at the broadcast).
LogicalResult importTile(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<SmallVector<OpFoldResult>> repeats = node.sizeElements(1);
  if (failed(input) || failed(repeats))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (int64_t(repeats->size()) != type.getRank())
    return node.emitError() << "expects one repeat per dimension";
  int64_t count = 1;
  for (auto [size, repeat] : llvm::zip(type.getShape(), *repeats)) {
    std::optional<int64_t> constant = getConstantIntValue(repeat);
    if (!constant || ShapedType::isDynamic(size))
      continue;
    if (*constant < 0)
      return node.emitError() << "expects non-negative repeats";
    int64_t tiled;
    if (llvm::MulOverflow(*constant, size, tiled) ||
        llvm::MulOverflow(count, tiled, count))
      return node.emitError() << "tiles to more than 2^63 elements";
  }
  OpBuilder &b = node.builder;
  Value one = b.create<arith::ConstantIntOp>(node.loc, 1, 64);
  SmallVector<Value> interleaved, expanded, result;
  for (auto [d, element] : llvm::enumerate(*repeats)) {
    Value size = node.dimAsInt64(*input, d), repeat = node.int64Value(element);
    interleaved.append({one, size});
    expanded.append({repeat, size});
    result.push_back(b.createOrFold<arith::MulIOp>(node.loc, repeat, size));
  }
  FailureOr<Value> spread =
      node.createOfSizes<moc::ReshapeOp>(*input, interleaved);
  if (failed(spread))
    return failure();
  FailureOr<Value> broadcast =
      node.createOfSizes<moc::BroadcastOp>(*spread, expanded);
  if (failed(broadcast))
    return failure();
  return node.setResult(node.createOfSizes<moc::ReshapeOp>(*broadcast, result));
}

/// DepthToSpace / SpaceToDepth as reshape -> transpose -> reshape.
LogicalResult importDepthSpace(NodeContext &node, bool toSpace) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<RankedTensorType> type = staticInputType(node, 0);
  if (failed(input) || failed(type))
    return failure();
  if (type->getRank() != 4)
    return node.emitError() << "expects a 4-D input";
  int64_t b = node.intAttr("blocksize", 0);
  int64_t n = type->getDimSize(0), c = type->getDimSize(1),
          h = type->getDimSize(2), w = type->getDimSize(3);
  SmallVector<int64_t> split, perm, result;
  if (toSpace) {
    if (b < 1 || c % (b * b) != 0)
      return node.emitError() << "expects channels divisible by blocksize^2";
    bool crd = node.stringAttr("mode", "DCR") == "CRD";
    split = crd ? SmallVector<int64_t>{n, c / (b * b), b, b, h, w}
                : SmallVector<int64_t>{n, b, b, c / (b * b), h, w};
    perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
               : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    result = {n, c / (b * b), h * b, w * b};
  } else {
    if (b < 1 || h % b != 0 || w % b != 0)
      return node.emitError() << "expects height and width divisible by blocksize";
    // CRD (SpaceToDepth's mode since opset 26) keeps channels outermost.
    bool crd = node.stringAttr("mode", "DCR") == "CRD";
    split = {n, c, h / b, b, w / b, b};
    perm = crd ? SmallVector<int64_t>{0, 1, 3, 5, 2, 4}
               : SmallVector<int64_t>{0, 3, 5, 1, 2, 4};
    result = {n, c * b * b, h / b, w / b};
  }
  FailureOr<Value> blocks = node.reshape(*input, split);
  if (failed(blocks))
    return failure();
  FailureOr<Value> moved = node.create<moc::TransposeOp>(*blocks, perm);
  if (failed(moved))
    return failure();
  return node.setResult(node.reshape(*moved, result));
}

/// Shape: constant where the dimensions are static, else the elements
/// (ShapeValues.cpp) of the dimensions read at run time.
LogicalResult importShape(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  int64_t start = node.intAttr("start", 0), end = node.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::max(start,
                 std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank));
  ArrayRef<int64_t> sizes = type.getShape().slice(start, end - start);
  if (!llvm::any_of(sizes, ShapedType::isDynamic))
    return node.setResults(
        {node.int64Constant(sizes, {int64_t(sizes.size())})});
  SmallVector<Value> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(node.dimAsInt64(*input, d));
  return node.setResults({node.shapeTensor(dims)});
}

LogicalResult importSize(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.hasStaticShape())
    return node.setResults({node.int64Constant({type.getNumElements()}, {})});
  Value count = node.builder.create<arith::ConstantIntOp>(node.loc, 1, 64);
  for (int64_t d = 0; d < type.getRank(); ++d)
    count = node.builder.createOrFold<arith::MulIOp>(
        node.loc, count, node.dimAsInt64(*input, d));
  return node.setResults({node.shapeTensor({count}, /*isVector=*/false)});
}

LogicalResult importConstant(NodeContext &node) {
  const onnx::AttributeProto *attr = node.node.attribute_size() == 1
                                         ? &node.node.attribute(0)
                                         : nullptr;
  if (!attr)
    return node.emitError() << "expects exactly one value attribute";
  Builder &b = node.builder;
  ElementsAttr value;
  if (attr->name() == "value") {
    std::string error;
    Value constant = importConstantTensor(node.builder, node.loc, attr->t(),
                                          node.model, error);
    if (!constant)
      return node.emitError() << error;
    return node.setResults({constant});
  }
  if (attr->name() == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr->f());
  } else if (attr->name() == "value_floats") {
    SmallVector<float> floats(attr->floats().begin(), attr->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(floats.size())}, b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (attr->name() == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   attr->i());
  } else if (attr->name() == "value_ints") {
    SmallVector<int64_t> ints(attr->ints().begin(), attr->ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(ints.size())}, b.getI64Type()),
        ArrayRef<int64_t>(ints));
  } else {
    return node.emitError() << "attribute '" << attr->name()
                            << "' is not supported";
  }
  return node.setResults({node.builder.create<moc::ConstantOp>(node.loc, value)});
}

LogicalResult importConstantOfShape(NodeContext &node) {
  FailureOr<SmallVector<OpFoldResult>> elements = node.sizeElements(0);
  if (failed(elements))
    return failure();
  Type element = node.builder.getF32Type();
  double fill = 0.0;
  if (const onnx::AttributeProto *attr = node.attribute("value")) {
    std::string error;
    ElementsAttr value = importTensor(attr->t(), node.model, node.context(), error);
    if (!value)
      return node.emitError() << error;
    if (value.getNumElements() != 1)
      return node.emitError() << "expects a one-element value";
    element = value.getElementType();
    auto dense = cast<DenseElementsAttr>(value);
    fill = isa<FloatType>(element)
               ? (*dense.getValues<APFloat>().begin()).convertToDouble()
               : double((*dense.getValues<APInt>().begin()).getSExtValue());
  }
  SmallVector<Value> sizes, dynamic;
  for (OpFoldResult size : *elements)
    sizes.push_back(node.int64Value(size));
  FailureOr<RankedTensorType> type =
      node.typeOfSizes(RankedTensorType::get({}, element), sizes, dynamic);
  if (failed(type))
    return failure();
  if (type->hasStaticShape())
    return node.setResults({node.splat(*type, fill)});
  return node.setResult(node.create<moc::BroadcastOp>(
      *type, node.scalar(element, fill), dynamic));
}

/// Range of integers whose start, limit or delta is known only at run time:
/// start + delta * iota(max(0, ceil((limit - start) / delta))).
LogicalResult integerRangeAtRunTime(NodeContext &node) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Type element = node.inputType(0).getElementType();
  FailureOr<SmallVector<OpFoldResult>> starts = node.sizeElements(0),
                                       limits = node.sizeElements(1),
                                       deltas = node.sizeElements(2);
  if (failed(starts) || failed(limits) || failed(deltas))
    return failure();
  if (starts->size() != 1 || limits->size() != 1 || deltas->size() != 1 ||
      isConstantIntValue(deltas->front(), 0))
    return node.emitError() << "expects scalar start, limit and non-zero delta";
  Value step = node.int64Value(deltas->front());
  if (!getConstantIntValue(deltas->front()))
    node.assertNonZero(step, "delta must not be 0");
  // ceil(|limit - start| / |delta|) where delta points from start to limit,
  // on unsigned magnitudes: no difference wraps and no division traps (a
  // delta of 0, which the check fails, divides by 1).
  Value start = node.int64Value(starts->front());
  Value limit = node.int64Value(limits->front());
  auto constant = [&](int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64).getResult();
  };
  auto compare = [&](arith::CmpIPredicate predicate, Value x, Value y) {
    return b.createOrFold<arith::CmpIOp>(loc, predicate, x, y);
  };
  Value zero = constant(0), one = constant(1);
  Value up = compare(arith::CmpIPredicate::sgt, step, zero);
  Value toward = b.createOrFold<arith::SelectOp>(
      loc, up, compare(arith::CmpIPredicate::sgt, limit, start),
      compare(arith::CmpIPredicate::slt, limit, start));
  Value span = b.createOrFold<arith::SelectOp>(
      loc, up, b.createOrFold<arith::SubIOp>(loc, limit, start),
      b.createOrFold<arith::SubIOp>(loc, start, limit));
  Value stride = b.createOrFold<arith::SelectOp>(
      loc, up, step, b.createOrFold<arith::SubIOp>(loc, zero, step));
  stride = b.createOrFold<arith::SelectOp>(
      loc, compare(arith::CmpIPredicate::eq, stride, zero), one, stride);
  Value count = b.createOrFold<arith::AddIOp>(
      loc,
      b.createOrFold<arith::DivUIOp>(
          loc, b.createOrFold<arith::SubIOp>(loc, span, one), stride),
      one);
  count = b.createOrFold<arith::SelectOp>(loc, toward, count, zero);
  FailureOr<Value> steps = node.iota(count, element);
  if (failed(steps))
    return failure();
  FailureOr<Value> scaled = node.create<moc::MulOp>(*steps, node.input(2));
  if (failed(scaled))
    return failure();
  return node.setResult(node.create<moc::AddOp>(*scaled, node.input(0)));
}

/// Range of floats whose start, limit or delta is known only at run time:
/// the count ceil((limit - start) / delta) in f64, as numpy's arange counts.
LogicalResult floatRangeAtRunTime(NodeContext &node) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  Type f64 = b.getF64Type();
  SmallVector<Value> bounds;
  for (size_t i = 0; i < 3; ++i) {
    FailureOr<SmallVector<Value>> scalar =
        node.floatElements(i, cast<FloatType>(f64));
    if (failed(scalar))
      return failure();
    if (scalar->size() != 1)
      return node.emitError()
             << "expects scalar start, limit and non-zero delta";
    bounds.push_back(scalar->front());
  }
  auto constant = [&](double value) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(value));
  };
  auto compare = [&](arith::CmpFPredicate predicate, Value x, Value y) {
    return b.createOrFold<arith::CmpFOp>(loc, predicate, x, y);
  };
  if (failed(node.require(
          compare(arith::CmpFPredicate::ONE, bounds[2], constant(0)),
          "expects scalar start, limit and non-zero delta")))
    return failure();
  // Steps to the limit, at most 0 when it lies behind the start; NaN fails
  // the check below.
  Value steps = b.createOrFold<arith::DivFOp>(
      loc, b.createOrFold<arith::SubFOp>(loc, bounds[1], bounds[0]), bounds[2]);
  steps = b.createOrFold<arith::MaximumFOp>(loc, steps, constant(0));
  if (failed(node.require(
          compare(arith::CmpFPredicate::OLT, steps, constant(0x1p40)),
          "expects a range of fewer than 2^40 elements")))
    return failure();
  // ceil of a value in [0, 2^40): its truncation, plus one if that is less.
  Type i64 = b.getI64Type();
  Value whole = b.createOrFold<arith::FPToSIOp>(loc, i64, steps);
  Value below =
      compare(arith::CmpFPredicate::OLT,
              b.createOrFold<arith::SIToFPOp>(loc, f64, whole), steps);
  Value count = b.createOrFold<arith::AddIOp>(
      loc, whole, b.createOrFold<arith::ExtUIOp>(loc, i64, below));
  // start + i * delta in f64, rounded once to the element type (positions
  // past 2^11 are not f16s); for f16 in f32, as numpy's float16 arange (the
  // reference) fills.
  Type element = node.inputType(0).getElementType();
  Type compute = element.isF16() ? Type(b.getF32Type()) : f64;
  FailureOr<Value> positions = node.iota(count, compute);
  if (failed(positions))
    return failure();
  auto inCompute = [&](Value scalar) {
    return node.scalarTensor(
        compute == f64 ? scalar
                       : b.createOrFold<arith::TruncFOp>(loc, compute, scalar));
  };
  OpChain ops(node);
  Value values = ops.create<moc::AddOp>(
      inCompute(bounds[0]),
      ops.create<moc::MulOp>(*positions, inCompute(bounds[2])));
  values = ops.castTo(values, element);
  if (failed(ops.status()))
    return failure();
  return node.setResult(values);
}

LogicalResult importRange(NodeContext &node) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(node.requiredInput(i)))
      return failure();
  if (llvm::any_of(llvm::seq<size_t>(0, 3),
                   [&](size_t i) { return node.isReadAtRunTime(i); }))
    return node.inputType(0).getElementType().isSignlessInteger()
               ? integerRangeAtRunTime(node)
               : floatRangeAtRunTime(node);
  FailureOr<SmallVector<double>> start = node.constantFloats(0),
                                 limit = node.constantFloats(1),
                                 delta = node.constantFloats(2);
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1 ||
      (*delta)[0] == 0)
    return node.emitError() << "expects scalar start, limit and non-zero delta";
  Type element = node.inputType(0).getElementType();
  int64_t count = std::max<int64_t>(
      0, int64_t(std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0])));
  auto type = RankedTensorType::get({count}, element);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    // f16 in f32, as numpy's float16 arange fills (see floatRangeAtRunTime).
    double v = element.isF16()
                   ? double(float((*start)[0]) + float(i) * float((*delta)[0]))
                   : (*start)[0] + double(i) * (*delta)[0];
    values.push_back(isa<FloatType>(element)
                         ? Attribute(FloatAttr::get(element, v))
                         : Attribute(IntegerAttr::get(element, int64_t(v))));
  }
  return node.setResults({node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(type, values))});
}

/// A constant i1 matrix of `shape` (rank 2) with `keep(row, column)`.
template <typename Predicate>
FailureOr<Value> matrixMask(NodeContext &node, int64_t rows, int64_t columns,
                            Predicate keep) {
  int64_t count;
  if (llvm::MulOverflow(rows, columns, count) ||
      count > kMaxComputedConstantElements)
    return node.emitError() << "needs a mask of " << rows << "x" << columns
                            << " elements, more than mocc builds";
  SmallVector<bool> mask;
  for (int64_t i = 0; count && i < rows; ++i)
    for (int64_t j = 0; j < columns; ++j)
      mask.push_back(keep(i, j));
  return Value(node.builder.create<moc::ConstantOp>(
      node.loc,
      DenseElementsAttr::get(
          RankedTensorType::get({rows, columns}, node.builder.getI1Type()),
          ArrayRef<bool>(mask))));
}

/// Trilu: the upper or lower triangle (from diagonal k) of the last two
/// dimensions, as a select with a constant mask.
/// Trilu of a matrix whose size or k is known only at run time: the mask
/// compares column - row with k, from iotas over the rows and columns.
LogicalResult triluAtRunTime(NodeContext &node, Value input) {
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  Type i64 = node.builder.getI64Type();
  FailureOr<Value> rows = node.iota(node.dimAsInt64(input, rank - 2), i64),
                   columns = node.iota(node.dimAsInt64(input, rank - 1), i64);
  if (failed(rows) || failed(columns))
    return failure();
  int64_t rowCount = type.getDimSize(rank - 2),
          columnCount = type.getDimSize(rank - 1);
  auto asMatrix = [&](Value vector, int64_t d, ArrayRef<int64_t> shape) {
    SmallVector<Value> sizes;
    if (type.isDynamicDim(d))
      sizes.push_back(node.builder.create<tensor::DimOp>(node.loc, input, d));
    return node.create<moc::ReshapeOp>(RankedTensorType::get(shape, i64),
                                       vector, sizes);
  };
  FailureOr<Value> rowColumn = asMatrix(*rows, rank - 2, {rowCount, 1}),
                   columnRow = asMatrix(*columns, rank - 1, {1, columnCount});
  if (failed(rowColumn) || failed(columnRow))
    return failure();
  FailureOr<Value> diagonal =
      node.create<moc::SubOp>(*columnRow, *rowColumn);
  if (failed(diagonal))
    return failure();
  Value k = node.input(1) ? node.input(1) : node.scalar(i64, 0);
  FailureOr<Value> mask =
      node.intAttr("upper", 1)
          ? node.create<moc::GreaterEqualOp>(*diagonal, k)
          : node.create<moc::LessEqualOp>(*diagonal, k);
  if (failed(mask))
    return failure();
  return node.setResult(node.create<moc::SelectOp>(
      *mask, input, node.scalar(type.getElementType(), 0)));
}

LogicalResult importTrilu(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  if (node.inputType(0).getRank() < 2)
    return node.emitError() << "expects an input of rank 2 or more";
  if (!node.inputType(0).hasStaticShape() || node.isReadAtRunTime(1))
    return triluAtRunTime(node, *input);
  RankedTensorType type = node.inputType(0);
  int64_t k = 0;
  if (node.input(1)) {
    FailureOr<SmallVector<int64_t>> values = node.constantInts(1);
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return node.emitError() << "expects a scalar k";
    k = values->front();
  }
  bool upper = node.intAttr("upper", 1);
  FailureOr<Value> mask = matrixMask(
      node, type.getDimSize(type.getRank() - 2),
      type.getDimSize(type.getRank() - 1),
      [&](int64_t i, int64_t j) { return upper ? j - i >= k : j - i <= k; });
  if (failed(mask))
    return failure();
  return node.setResult(node.create<moc::SelectOp>(
      *mask, *input, node.scalar(type.getElementType(), 0)));
}

LogicalResult importEyeLike(NodeContext &node) {
  FailureOr<RankedTensorType> type = staticInputType(node, 0);
  if (failed(type))
    return failure();
  if (type->getRank() != 2)
    return node.emitError() << "expects a 2-D input";
  Type element = type->getElementType();
  if (node.hasAttribute("dtype")) {
    element = importElementType(int32_t(node.intAttr("dtype", 0)), node.context());
    if (!element)
      return node.emitError() << "has an unsupported dtype";
  }
  int64_t k = node.intAttr("k", 0);
  FailureOr<Value> mask =
      matrixMask(node, type->getDimSize(0), type->getDimSize(1),
                 [&](int64_t i, int64_t j) { return j - i == k; });
  if (failed(mask))
    return failure();
  return node.setResult(node.create<moc::CastOp>(type->clone(element), *mask));
}

} // namespace

void registerTensorImporters(OpImporterTable &table) {
  table["Reshape"] = importReshape;
  table["Flatten"] = importFlatten;
  table["Squeeze"] = importSqueeze;
  table["Unsqueeze"] = importUnsqueeze;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Split"] = importSplit;
  table["Gather"] = importGather;
  table["Expand"] = importExpand;
  table["Tile"] = importTile;
  table["DepthToSpace"] = [](NodeContext &n) { return importDepthSpace(n, true); };
  table["SpaceToDepth"] = [](NodeContext &n) { return importDepthSpace(n, false); };
  table["Shape"] = importShape;
  table["Size"] = importSize;
  table["Constant"] = importConstant;
  table["ConstantOfShape"] = importConstantOfShape;
  table["Range"] = importRange;
  table["Trilu"] = importTrilu;
  table["EyeLike"] = importEyeLike;
}

} // namespace mocc
